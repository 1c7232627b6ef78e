import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureStack } from '../infra/stack/stack';
import { ensureTopics, topicNames } from '../infra/topics';
import { retry } from '../lib/retry';
import { createKafka } from '../lib/kafka';
import { createLogger } from '../lib/logger';
import { createDemoAccounts, writeAccountsFile, type DemoUser } from '../lib/auth/accounts';
import { REPO_ROOT } from './repo-root';
import { supervise, type Supervisor } from './supervisor';

/**
 * `npm start`: provisions and starts Kafka + Elasticsearch if needed, creates topics, prepares demo
 * accounts (demo mode), starts every service under services/ and supervises them in the foreground: a service
 * that exits, or whose /healthz answers 503 (broken for good), is started again (scripts/supervisor.ts).
 * Ctrl-C stops the services; the engines keep running (`npm run stop` stops them too).
 */
const args = process.argv.slice(2);
const demo = process.env.DEMO !== 'false' && !args.includes('--no-demo');
const simulateRate = args.includes('--simulate') ? Number(args[args.indexOf('--simulate') + 1] ?? 20) : 0;
const local = join(REPO_ROOT, '.local');
const logsDir = join(local, 'logs');
mkdirSync(logsDir, { recursive: true });
const say = (m: string) => process.stdout.write(`${m}\n`);

/**
 * The processes, in start order (producers of state others read come first). `portEnv` is what a user sets to
 * move one; the process reads its port from `serviceEnv`. The rules service runs as two processes: the
 * officer-facing judge stage (with the retro-hunt) and the correlation stage. In one process the correlation
 * work sat on the same event loop as the judge's transaction round trips and held every alert back behind it.
 */
interface ServiceProcess {
  name: string;
  dir: string;
  portEnv: string;
  serviceEnv: string;
  port: number;
  env?: Record<string, string>;
}
const PROCESSES: ServiceProcess[] = [
  { name: 'indexer', dir: 'indexer', portEnv: 'INDEXER_PORT', serviceEnv: 'INDEXER_PORT', port: 8082 },
  { name: 'rules', dir: 'rules', portEnv: 'RULES_PORT', serviceEnv: 'RULES_PORT', port: 8081, env: { RULES_STAGES: 'judge,retro' } },
  { name: 'correlate', dir: 'rules', portEnv: 'CORRELATE_PORT', serviceEnv: 'RULES_PORT', port: 8083, env: { RULES_STAGES: 'correlate' } },
  { name: 'console', dir: 'console', portEnv: 'CONSOLE_PORT', serviceEnv: 'CONSOLE_PORT', port: 8090 },
  { name: 'gateway', dir: 'gateway', portEnv: 'GATEWAY_PORT', serviceEnv: 'GATEWAY_PORT', port: 8080 },
];

function persistentSecret(): string {
  const file = join(local, 'auth-secret');
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const s = randomBytes(32).toString('base64url');
  writeFileSync(file, s, { mode: 0o600 });
  return s;
}

async function demoAccounts(): Promise<DemoUser[]> {
  const credsFile = join(REPO_ROOT, 'demo-credentials.json');
  // Demo accounts live apart from real ones (and are flagged `demo`), so a later DEMO=false start never loads them.
  const accountsFile = join(local, 'demo-accounts.json');
  if (existsSync(credsFile) && existsSync(accountsFile)) return (JSON.parse(readFileSync(credsFile, 'utf8')) as { users: DemoUser[] }).users;
  const ref = JSON.parse(readFileSync(join(REPO_ROOT, 'infra/demo/checkpoints.json'), 'utf8')) as { checkpoints: Array<{ checkpointId: string; jurisdiction: string }> };
  const { users, accounts } = await createDemoAccounts(ref.checkpoints.map((c) => ({ checkpointId: c.checkpointId, jurisdiction: c.jurisdiction })));
  await writeAccountsFile(accountsFile, accounts);
  writeFileSync(credsFile, JSON.stringify({ users }, null, 2), { mode: 0o600 });
  return users;
}

/** Before demo accounts were flagged, `npm start` wrote them to .local/accounts.json: refuse to serve those outside demo mode. */
function refuseLeftoverDemoAccounts(accountsFile: string): void {
  const credsFile = join(REPO_ROOT, 'demo-credentials.json');
  if (!existsSync(accountsFile) || !existsSync(credsFile)) return;
  const demoNames = new Set((JSON.parse(readFileSync(credsFile, 'utf8')) as { users: DemoUser[] }).users.map((u) => u.username));
  const names = ((JSON.parse(readFileSync(accountsFile, 'utf8')) as { accounts?: Array<{ username: string }> }).accounts ?? []).map((a) => a.username);
  if (names.length > 0 && names.every((n) => demoNames.has(n))) {
    throw new Error(`${accountsFile} holds only the demo accounts of an earlier demo run; outside demo mode remove it and create real accounts (npx tsx scripts/accounts-cli.ts init-file …)`);
  }
}

async function waitReady(name: string, port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; see .local/logs/${name}.log`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} not ready after 120 s; see .local/logs/${name}.log`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  say('▶ engines');
  const { kafkaBrokers, esUrl } = await ensureStack({ log: (m) => say(`  ${m}`) });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'start', logger: createLogger({ level: 'warn', name: 'start' }) });
  const admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(admin, { prefix: process.env.TOPIC_PREFIX ?? '', brokers: kafkaBrokers.length, partitions: Number(process.env.KAFKA_PARTITIONS ?? 6) });
  say(`  topics: ${created.length ? `created ${created.length}` : 'present'}`);
  if (demo) {
    // The demo watchlist goes onto the compacted topic once (entries keyed by id, so re-seeding is harmless).
    // A just-created topic's leader may be in the metadata before it serves requests (NOT_LEADER): retry briefly.
    const offsets = await retry(() => admin.fetchTopicOffsets(topicNames(process.env.TOPIC_PREFIX ?? '').watchlist));
    if (offsets.every((o) => o.high === o.low)) {
      const lines = readFileSync(join(REPO_ROOT, 'infra/demo/watchlist.ndjson'), 'utf8').trim().split('\n');
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      const now = new Date().toISOString();
      await producer.send({
        topic: topicNames(process.env.TOPIC_PREFIX ?? '').watchlist,
        acks: -1,
        messages: lines.map((l) => {
          const e = JSON.parse(l) as { entryId: string };
          return { key: e.entryId, value: JSON.stringify({ ...e, version: 1, provenance: { source: 'seed', by: 'demo', at: now } }) };
        }),
      });
      await producer.disconnect();
      say(`  demo watchlist: ${lines.length} entries seeded`);
    }
  }
  await admin.disconnect();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    ES_URL: esUrl,
    AUTH_SECRET: persistentSecret(),
    ACCOUNTS_FILE: demo ? join(local, 'demo-accounts.json') : (process.env.ACCOUNTS_FILE ?? join(local, 'accounts.json')),
    CHECKPOINTS_FILE: join(REPO_ROOT, 'infra/demo/checkpoints.json'),
    DEMO_MODE: demo ? 'true' : 'false',
  };
  if (!demo) refuseLeftoverDemoAccounts(String(env.ACCOUNTS_FILE));
  const users = demo ? await demoAccounts() : [];

  let stopping = false;
  const urls: string[] = [];
  /** Starts a process with its output appended to .local/logs/<name>.log. */
  const launch = (name: string, args: string[], childEnv: NodeJS.ProcessEnv): ChildProcess => {
    const out = createWriteStream(join(logsDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    return child;
  };
  for (const p of PROCESSES) {
    const { name } = p;
    const port = Number(process.env[p.portEnv] ?? p.port);
    say(`▶ ${name} on :${port}`);
    // A larger young generation: the services allocate short-lived objects per event (JSON, documents), and
    // with V8's default 16 MB semi-space the rules service spent a quarter of its busy time in GC under load.
    // SERVICE_NODE_ARGS adds node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=.local/profiles`.
    const nodeArgs = ['--max-semi-space-size=32', ...(process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    // `--as <name>` is ignored by the service; it names the process for `ps` and the benchmark's CPU/RSS sampling.
    const start = () => launch(name, [...nodeArgs, '--import', 'tsx', join('services', p.dir, 'src/main.ts'), '--as', name], { ...env, ...p.env, [p.serviceEnv]: String(port) });
    const first = start();
    await waitReady(name, port, first).catch((err: unknown) => {
      first.kill('SIGTERM');
      throw err;
    });
    // From here on a process that exits, or says on /healthz that it is broken for good, is started again.
    supervisors.set(name, supervise({ name, spawn: start, first, healthUrl: `http://127.0.0.1:${port}/healthz`, say: (m) => !stopping && say(m) }));
    urls.push(`  ${name.padEnd(9)} http://127.0.0.1:${port}  (health /healthz, metrics /metrics${['gateway', 'console'].includes(name) ? ', docs /docs' : ''})`);
  }

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping services (engines keep running; `npm run stop` stops them)…');
    await Promise.all([...supervisors.values()].map((s) => s.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  say(`\n✔ up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say(`  Kafka         ${kafkaBrokers.join(',')}`);
  say(`  Elasticsearch ${esUrl}`);
  for (const u of urls) say(u);
  say(`  web console   http://127.0.0.1:${process.env.CONSOLE_PORT ?? 8090}/`);
  say(`  logs          .local/logs/<service>.log`);
  if (demo) {
    say('\n  demo accounts (also in demo-credentials.json):');
    for (const u of users) say(`    ${u.role.padEnd(12)} ${u.username.padEnd(18)} ${u.password}  ${u.jurisdiction}${u.checkpointId ? ` ${u.checkpointId}` : ''}`);
  }
  if (simulateRate > 0 && existsSync(join(REPO_ROOT, 'scripts/simulate.ts'))) {
    say(`\n▶ simulator at ${simulateRate} events/s (logs .local/logs/simulator.log)`);
    const start = () => launch('simulator', ['--import', 'tsx', 'scripts/simulate.ts', '--rate', String(simulateRate)], env);
    supervisors.set('simulator', supervise({ name: 'simulator', spawn: start, first: start(), say: (m) => !stopping && say(m) }));
  }
  say('\nCtrl-C stops the services.');
}

/** Every process started so far: a start that fails half-way stops them instead of leaving them behind. */
const supervisors = new Map<string, Supervisor>();

main().catch(async (err: unknown) => {
  process.stderr.write(`start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await Promise.all([...supervisors.values()].map((s) => s.stop()));
  process.exit(1);
});
