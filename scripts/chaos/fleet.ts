import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The services of a chaos run, each its own OS process started the way `npm start` starts them
 * (scripts/start.ts: `node --import tsx services/<name>/src/main.ts`), each in its own process group so
 * a kill -9 takes its esbuild helper along, as a crash of the machine's process would.
 */
export type ServiceKind = 'gateway' | 'console' | 'rules' | 'indexer';

export interface InstanceSpec {
  /** Instance name, e.g. `rules-2`. */
  name: string;
  service: ServiceKind;
  port: number;
  env: Record<string, string>;
}

export interface Instance extends InstanceSpec {
  url: string;
  pid(): number | undefined;
  /** Starts so many times: 1 at first, +1 per restart. */
  starts: number;
}

export interface Fleet {
  instances: Map<string, Instance>;
  get(name: string): Instance;
  start(name: string): Promise<void>;
  /** SIGKILL of the instance's process group: no shutdown hook runs, nothing is flushed or committed. */
  kill(name: string): Promise<void>;
  /** Resolves once `/readyz` answers 200 (or rejects after `timeoutMs`). */
  waitReady(name: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM to every instance, SIGKILL after the grace. */
  stopAll(graceMs?: number): Promise<void>;
}

const PORT_ENV: Record<ServiceKind, string> = { gateway: 'GATEWAY_PORT', console: 'CONSOLE_PORT', rules: 'RULES_PORT', indexer: 'INDEXER_PORT' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createFleet(deps: { repoRoot: string; logsDir: string; baseEnv: Record<string, string>; specs: InstanceSpec[] }): Fleet {
  mkdirSync(deps.logsDir, { recursive: true });
  const children = new Map<string, ChildProcess>();
  const instances = new Map<string, Instance>();
  for (const spec of deps.specs) {
    instances.set(spec.name, { ...spec, url: `http://127.0.0.1:${spec.port}`, pid: () => children.get(spec.name)?.pid, starts: 0 });
  }
  const get = (name: string): Instance => {
    const i = instances.get(name);
    if (!i) throw new Error(`no instance ${name}`);
    return i;
  };
  const alive = (c: ChildProcess | undefined) => c !== undefined && c.exitCode === null && c.signalCode === null;

  const fleet: Fleet = {
    instances,
    get,
    async start(name) {
      const inst = get(name);
      if (alive(children.get(name))) throw new Error(`${name} is already running`);
      const out = createWriteStream(join(deps.logsDir, `${name}.log`), { flags: 'a' });
      const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', join('services', inst.service, 'src/main.ts')], {
        cwd: deps.repoRoot,
        env: { ...process.env, ...deps.baseEnv, ...inst.env, [PORT_ENV[inst.service]]: String(inst.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      children.set(name, child);
      inst.starts++;
    },
    async kill(name) {
      const child = children.get(name);
      if (!child?.pid || !alive(child)) throw new Error(`${name} is not running`);
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
    async waitReady(name, timeoutMs = 180_000) {
      const inst = get(name);
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const child = children.get(name);
        if (!alive(child)) throw new Error(`${name} exited (${child?.exitCode ?? child?.signalCode}); see ${join(deps.logsDir, `${name}.log`)}`);
        try {
          const res = await fetch(`${inst.url}/readyz`, { signal: AbortSignal.timeout(1000) });
          if (res.ok) return;
        } catch {
          /* not listening yet */
        }
        await sleep(200);
      }
      throw new Error(`${name} not ready after ${timeoutMs / 1000} s; see ${join(deps.logsDir, `${name}.log`)}`);
    },
    async stopAll(graceMs = 20_000) {
      const running = [...children.entries()].filter(([, c]) => alive(c));
      await Promise.all(
        running.map(async ([, c]) => {
          const exited = new Promise((r) => c.once('exit', r));
          c.kill('SIGTERM');
          const t = setTimeout(() => {
            try {
              process.kill(-c.pid!, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, graceMs);
          await exited;
          clearTimeout(t);
          // The esbuild helper of a cleanly stopped service exits with it; make sure of the group anyway.
          try {
            process.kill(-c.pid!, 'SIGKILL');
          } catch {
            /* gone */
          }
        }),
      );
    },
  };
  return fleet;
}
