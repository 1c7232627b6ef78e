import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childrenMatching, type Watched } from './processes';

/**
 * The whole system started for a benchmark the way `npm start` starts it (scripts/start.ts: every service as
 * its own process, demo accounts, demo watchlist), but in a namespace of its own (fresh topics and indices,
 * so earlier data does not colour the figures) and on ports that do not clash with a running `npm start`.
 */
export interface BenchSystem {
  gateway: string;
  console: string;
  rules: string;
  /** The rules service's correlation stage, a process of its own. */
  correlate: string;
  indexer: string;
  /** Topic and index prefix of this run. */
  prefix: string;
  kafkaBrokers: string[];
  users: DemoUser[];
  /** The service processes, for CPU/RSS sampling. */
  processes: Watched[];
  stop: () => Promise<void>;
}

export interface DemoUser {
  username: string;
  password: string;
  role: string;
  jurisdiction: string;
  checkpointId?: string;
}

const PORTS = { gateway: 18080, rules: 18081, indexer: 18082, correlate: 18083, console: 18090 };

export async function startSystem(repoRoot: string, kafkaBrokers: string[], esUrl: string, log: (m: string) => void): Promise<BenchSystem> {
  const prefix = `bench-${Date.now().toString(36)}-`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ES_URL: esUrl,
      TOPIC_PREFIX: prefix,
      ES_INDEX_PREFIX: prefix,
      GATEWAY_PORT: String(PORTS.gateway),
      RULES_PORT: String(PORTS.rules),
      INDEXER_PORT: String(PORTS.indexer),
      CORRELATE_PORT: String(PORTS.correlate),
      CONSOLE_PORT: String(PORTS.console),
      LOG_LEVEL: 'warn',
      // BENCH_PROFILE=1: every service writes a V8 CPU profile on exit (open in Chrome DevTools or speedscope).
      ...(process.env.BENCH_PROFILE ? { SERVICE_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${join(repoRoot, '.local/profiles')}` } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ctrl-C stops the services')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`scripts/start.ts exited (${code}) before the system was up:\n${out.slice(-2000)}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  // scripts/start.ts names each process with `--as <name>` (the rules service runs as `rules` and `correlate`).
  const processes = childrenMatching(child.pid!, /services\/(\w+)\/src\/main\.ts(?: --as (\S+))?/)
    .filter((c) => !/esbuild/.test(c.match.input ?? ''))
    .map((c) => ({ name: c.match[2] ?? c.match[1]!, pid: c.pid }));
  log(`system up (prefix ${prefix}): ${processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')}`);
  const users = (JSON.parse(readFileSync(join(repoRoot, 'demo-credentials.json'), 'utf8')) as { users: DemoUser[] }).users;
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    gateway: url(PORTS.gateway),
    console: url(PORTS.console),
    rules: url(PORTS.rules),
    correlate: url(PORTS.correlate),
    indexer: url(PORTS.indexer),
    prefix,
    kafkaBrokers,
    users,
    processes,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
