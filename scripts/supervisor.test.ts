import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { supervise, type Supervisor } from './supervisor';

const FAST = { backoff: { initialMs: 100, maxMs: 400, stableMs: 60_000 }, liveness: { intervalMs: 50, failures: 2, timeoutMs: 300 }, killAfterMs: 2_000 };

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** A node process running `code`. */
const node = (code: string, env: Record<string, string> = {}) => spawn(process.execPath, ['-e', code], { env: { ...process.env, ...env }, stdio: 'ignore' });

let sup: Supervisor | undefined;
afterEach(async () => {
  await sup?.stop();
  sup = undefined;
});

describe('supervise (npm start keeps its services running)', () => {
  it('starts a process that exited again, with a growing back-off', async () => {
    const said: string[] = [];
    const starts: ChildProcess[] = [];
    const spawnOne = () => {
      const c = node('setTimeout(() => process.exit(3), 20)');
      starts.push(c);
      return c;
    };
    sup = supervise({ name: 'svc', spawn: spawnOne, first: spawnOne(), say: (m) => said.push(m), ...FAST });
    await expect.poll(() => sup!.restarts(), { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    expect(said[0]).toMatch(/^✖ svc exited \(3\); starting it again in 0\.1 s/);
    expect(said[1]).toMatch(/again in 0\.2 s/);
    expect(said[2]).toMatch(/again in 0\.4 s/);
  });

  it('restarts a process whose /healthz answers 503, and leaves the new one running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervise-'));
    const startsFile = join(dir, 'starts');
    writeFileSync(startsFile, '');
    const port = await freePort();
    // The first incarnation is broken for good; the next one is healthy.
    const code = `
      const fs = require('node:fs');
      fs.appendFileSync(${JSON.stringify(startsFile)}, 'x');
      const broken = fs.readFileSync(${JSON.stringify(startsFile)}, 'utf8').length === 1;
      require('node:http').createServer((req, res) => {
        res.writeHead(broken ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(broken ? { status: 'failed', reason: 'judge stage stopped' } : { status: 'ok' }));
      }).listen(${port}, '127.0.0.1');`;
    const said: string[] = [];
    sup = supervise({ name: 'rules', spawn: () => node(code), first: node(code), healthUrl: `http://127.0.0.1:${port}/healthz`, say: (m) => said.push(m), ...FAST });
    await expect.poll(() => sup!.restarts(), { timeout: 5_000 }).toBe(1);
    expect(said[0]).toBe('✖ rules is broken for good (judge stage stopped); restarting it');
    await new Promise((r) => setTimeout(r, 500));
    expect(sup.restarts()).toBe(1);
    expect(readFileSync(startsFile, 'utf8')).toBe('xx');
  });

  it('does not restart a process whose probe goes unanswered (busy, not broken)', async () => {
    const port = await freePort();
    const code = `require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1')`;
    sup = supervise({ name: 'busy', spawn: () => node(code), first: node(code), healthUrl: `http://127.0.0.1:${port}/healthz`, say: () => undefined, ...FAST });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(sup.restarts()).toBe(0);
    expect(sup.current().exitCode).toBeNull();
  });

  it('stop() ends the process and starts nothing more', async () => {
    const first = node('setInterval(() => {}, 1000)');
    const s = supervise({ name: 'svc', spawn: () => node('setInterval(() => {}, 1000)'), first, say: () => undefined, ...FAST });
    await s.stop();
    expect(first.exitCode !== null || first.signalCode !== null).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.restarts()).toBe(0);
  });
});
