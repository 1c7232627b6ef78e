import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium: the browser tests drive it with playwright-core and never download a browser of their own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium off the network beyond localhost (this machine refuses other connections). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Makes sure Chromium is installed, idempotently: nothing when `CHROMIUM_PATH` is executable; as root on a
 * Debian-like machine, `apt-get install -y chromium` (with one `apt-get update` retry when the package lists
 * are stale or empty, as on a fresh machine); otherwise an error that says what to install.
 * Returns the executable's path.
 */
export function ensureChromium(log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): string {
  if (executable(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt || CHROMIUM_PATH !== '/usr/bin/chromium') {
    throw new Error(
      `Chromium is needed for the browser tests at ${CHROMIUM_PATH} and is not there. ` +
        (hasApt ? 'Install it as root: apt-get install -y chromium' : 'Install Chromium and set CHROMIUM_PATH to its executable') +
        ' (the tests never download a browser).',
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  log('[chromium] not installed: apt-get install -y chromium');
  let res = install();
  if (res.status !== 0) {
    log('[chromium] install failed; apt-get update and one retry');
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
    res = install();
  }
  if (res.status !== 0 || !executable(CHROMIUM_PATH)) throw new Error(`apt-get install -y chromium failed (exit ${res.status}); ${CHROMIUM_PATH} is still missing`);
  log(`[chromium] installed: ${execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim()}`);
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
