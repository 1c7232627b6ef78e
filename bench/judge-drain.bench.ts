import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureStack } from '../infra/stack/stack';
import { ensureTopics, topicNames } from '../infra/topics';
import { createKafka } from '../lib/kafka';
import { createLogger } from '../lib/logger';
import { createRandom, inspection } from '../scripts/simulator/generate';
import { describeMachine } from './machine';
import { snapshotProcesses } from './lib/processes';

/**
 * How fast the rules judge stage alone drains a backlog: N simulated inspections are written to a fresh events
 * topic first, then one rules process (`RULES_STAGES=judge`, as `npm start` runs it) is started on it, and the
 * clock runs from its first committed offset until its group has committed past every event. The catch-up case of
 * the capacity model (terminals replaying a backlog after an outage), without the gateway, indexer and
 * Elasticsearch sharing the cores. CPU of the rules process over the drain gives CPU-ms per event.
 *   npx tsx bench/judge-drain.bench.ts [--events 100000] [--runs 2] [--env CHUNK_SIZE=500] [--name judge-drain]
 */
const { values: args } = parseArgs({ options: { events: { type: 'string' }, runs: { type: 'string' }, env: { type: 'string', multiple: true }, name: { type: 'string' }, out: { type: 'string' } } });
const N = Number(args.events ?? 100_000);
const runs = Number(args.runs ?? 2);
const extraEnv = Object.fromEntries((args.env ?? []).map((kv) => kv.split('=', 2) as [string, string]));
const say = (m: string) => process.stderr.write(`${m}\n`);

async function drainOnce(kafkaBrokers: string[], esUrl: string, run: number) {
  const logger = createLogger({ level: 'error', name: 'bench' });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'bench-judge-drain', logger });
  const prefix = `drain${Date.now().toString(36)}.`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { prefix, partitions: 6, brokers: kafkaBrokers.length });
  const topic = topicNames(prefix).events;
  const checkpoints = (JSON.parse(readFileSync('infra/demo/checkpoints.json', 'utf8')) as { checkpoints: Array<{ checkpointId: string; jurisdiction: string }> }).checkpoints;
  const r = createRandom(7 + run);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  say(`  run ${run}: writing ${N.toLocaleString('en-US')} inspections to ${topic}`);
  for (let i = 0; i < N; i += 1_000) {
    const messages = Array.from({ length: Math.min(1_000, N - i) }, (_, j) => {
      const cp = checkpoints[(i + j) % checkpoints.length]!;
      const e = inspection(r, cp, new Date(Date.now() - 60_000));
      return { key: cp.checkpointId, value: JSON.stringify(e), headers: { 'event-id': e.eventId } };
    });
    await producer.send({ topic, acks: -1, messages });
  }
  await producer.disconnect();
  const ends = await admin.fetchTopicOffsets(topic);
  const groupId = `${prefix}rules`;

  const child = spawn(process.execPath, ['--max-semi-space-size=32', '--import', 'tsx', 'services/rules/src/main.ts'], {
    env: { ...process.env, KAFKA_BROKERS: kafkaBrokers.join(','), ES_URL: esUrl, TOPIC_PREFIX: prefix, ES_INDEX_PREFIX: prefix, RULES_STAGES: 'judge', RULES_PORT: '0', INSTANCE_ID: `drain-${run}`, WATCHLIST_SNAPSHOT_DIR: '', LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const committedTotal = async () => {
    const [g] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.reduce((n, e) => n + Math.max(0, Number(g?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) - Number(e.low)), 0);
  };
  let t0 = 0;
  let cpu0 = 0;
  let last = '';
  const deadline = performance.now() + 900_000;
  try {
    for (;;) {
      const done = await committedTotal();
      if (!t0 && done > 0) {
        t0 = performance.now();
        cpu0 = snapshotProcesses([{ name: 'rules', pid: child.pid! }])[0]!.cpuSeconds;
      }
      const line = `  run ${run}: ${done.toLocaleString('en-US')} of ${N.toLocaleString('en-US')} judged`;
      if (line !== last) process.stderr.write(`\r${line}   `);
      last = line;
      if (done >= N) break;
      if (performance.now() > deadline) throw new Error(`not drained within 15 min: ${line}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = snapshotProcesses([{ name: 'rules', pid: child.pid! }])[0]!.cpuSeconds - cpu0;
    process.stderr.write('\n');
    const result = { events: N, seconds: Math.round(seconds * 100) / 100, eventsPerSec: Math.round(N / seconds), cpuPercent: Math.round((cpuSeconds / seconds) * 100), cpuMsPerEvent: Math.round(((cpuSeconds * 1000) / N) * 1000) / 1000 };
    say(`  run ${run}: ${result.eventsPerSec.toLocaleString('en-US')} events/s over ${result.seconds} s, the rules process at ${result.cpuPercent} % of a core (${result.cpuMsPerEvent} CPU-ms an event)`);
    return result;
  } finally {
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
  }
}

async function main() {
  const { kafkaBrokers, esUrl } = await ensureStack({ log: (m) => say(`  ${m}`) });
  say(`judge drain: ${N.toLocaleString('en-US')} events, ${runs} run(s)${Object.keys(extraEnv).length ? `, env ${JSON.stringify(extraEnv)}` : ''}`);
  const results = [];
  for (let run = 1; run <= runs; run++) results.push(await drainOnce(kafkaBrokers, esUrl, run));
  const best = results.reduce((a, b) => (b.eventsPerSec > a.eventsPerSec ? b : a));
  const out = { date: new Date().toISOString(), machine: describeMachine(), env: extraEnv, runs: results, eventsPerSec: best.eventsPerSec };
  const file = args.out ?? `bench/results/${out.date.slice(0, 10)}-${args.name ?? 'judge-drain'}.json`;
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  say(`written ${file}`);
}

main().catch((err: unknown) => {
  say(`judge drain failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
