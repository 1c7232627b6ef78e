import { afterEach, describe, expect, it, vi } from 'vitest';

const load = async (path: string) => {
  vi.resetModules();
  vi.stubEnv('CHROMIUM_PATH', path);
  return import('./ensure-chromium');
};

describe('ensureChromium', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('returns an installed executable as is, installing nothing', async () => {
    const { ensureChromium } = await load(process.execPath);
    const log = vi.fn();
    expect(ensureChromium(log)).toBe(process.execPath);
    expect(log).not.toHaveBeenCalled();
  });

  it('refuses with what to install when the browser is missing and apt-get cannot put it there', async () => {
    const { ensureChromium } = await load('/nonexistent/chromium');
    expect(() => ensureChromium(() => undefined)).toThrow(/\/nonexistent\/chromium.*never download a browser/);
  });

  it('keeps headless Chromium off the network beyond localhost', async () => {
    const { CHROMIUM_ARGS } = await load(process.execPath);
    expect(CHROMIUM_ARGS).toEqual(expect.arrayContaining(['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic']));
  });
});
