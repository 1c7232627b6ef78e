import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, type Namespace } from '../support/namespace';
import { startConsole, tokenFor, upgradeStatus, type RunningConsole } from './console-harness';

describe('console web hardening and the web console', () => {
  let ns: Namespace;
  let con: RunningConsole;
  const dir = mkdtempSync(join(tmpdir(), 'console-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>指挥中心</title>');

  beforeAll(async () => {
    ns = await createNamespace('web');
    con = await startConsole(ns, { DASHBOARD_DIR: dir, CORS_ORIGINS: 'https://ops.example', BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => {
    await con?.svc.stop();
    await ns?.cleanup();
  });

  it('serves the web console at / with a strict content security policy', async () => {
    const res = await fetch(`${con.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('指挥中心');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses cross-origin calls from unlisted origins, also for the WebSocket upgrade', async () => {
    const token = tokenFor('commander', '140000');
    const foreign = await fetch(`${con.url}/api/v1/me`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const same = await fetch(`${con.url}/api/v1/me`, { headers: { origin: con.url, authorization: `Bearer ${token}` } });
    expect(same.status).toBe(200);
    const listed = await fetch(`${con.url}/api/v1/me`, { headers: { origin: 'https://ops.example', authorization: `Bearer ${token}` } });
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://ops.example');
    const preflight = await fetch(`${con.url}/api/v1/hits/x/actions`, { method: 'OPTIONS', headers: { origin: 'https://ops.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(await upgradeStatus(con.wsUrl, `?token=${token}`, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(con.wsUrl, `?token=${token}`, con.url)).toBe(101);
  });

  it('limits body size and never shows internals in errors', async () => {
    const big = await con.svc.app.inject({ method: 'PUT', url: '/api/v1/rules/r1', headers: { authorization: `Bearer ${tokenFor('admin', '140000')}`, 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(4096) }) });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    expect(big.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('reports health, readiness and metrics', async () => {
    expect((await con.svc.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await con.svc.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await con.svc.app.inject({ url: '/metrics' })).body).toContain('console_live_connections');
  });
});
