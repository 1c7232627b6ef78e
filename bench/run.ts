import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureStack, stackStatus } from '../infra/stack/stack';
import { COLD_DOCS, engineWarmth } from './engine-warmth';
import { createElasticsearch } from '../lib/elasticsearch';
import { REPO_ROOT } from '../scripts/repo-root';
import { describeMachine } from './machine';
import { runE2E, settle, type E2EResult } from './e2e';
import { runSoak } from './soak';
import { sampleProcesses, type ProcessFigures, type Watched } from './lib/processes';
import { startSystem } from './lib/system';
import { writeReport } from './report';

/**
 * `npm run bench [-- --quick] [--only ceilings,e2e,watchlist,search] [--seconds 30] [--events N]`
 *
 * One run, one result: the ceiling of each stage (raw kafkajs, raw Elasticsearch bulk, a no-op fastify route)
 * and, on the same machine minutes later, the whole system end to end through its public APIs — so the
 * figures read as ratios that hold on a noisy machine — plus the 10M watchlist and the 10M-event search.
 * CPU and RSS of every process (engines, services, load generator) per phase. Writes
 * bench/results/<date>-bench[-quick].json and a Markdown report with SVG charts next to it.
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seconds: { type: 'string' },
    events: { type: 'string' },
    watchlist: { type: 'string' },
    'soak-seconds': { type: 'string' },
    rate: { type: 'string' },
    /** Time-to-alert at these rates too (comma-separated events/s), before the headline phase at 1,000/s. */
    'alert-rates': { type: 'string' },
    name: { type: 'string' },
  },
});
const quick = args.quick!;
const STAGES = ['ceilings', 'e2e', 'watchlist', 'search', 'soak'] as const;
type Stage = (typeof STAGES)[number];
/** The soak runs only when asked for (`--only soak`, or `npm run bench:soak`): it takes an hour. */
const only = new Set<Stage>((args.only?.split(',') as Stage[] | undefined) ?? STAGES.filter((s) => s !== 'soak'));
for (const s of only) if (!STAGES.includes(s)) throw new Error(`--only: unknown stage "${s}" (stages: ${STAGES.join(', ')})`);
const seconds = Number(args.seconds ?? (quick ? 10 : 30));
const date = new Date().toISOString().slice(0, 10);
const name = args.name ?? (only.size === 1 && only.has('soak') ? `soak${quick ? '-quick' : ''}` : `bench${quick ? '-quick' : ''}`);
const outDir = join(REPO_ROOT, 'bench/results');
const say = (m: string) => process.stderr.write(`${m}\n`);
const started = performance.now();
const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;

/** Runs a sub-benchmark as its own process (so its memory and CPU are its own) and returns its JSON. */
async function subBench(label: string, script: string, extra: string[]): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(join(REPO_ROOT, script))) {
    say(`  ${label}: ${script} not present, skipped`);
    return undefined;
  }
  const out = join(outDir, `${date}-${name}-${label}.json`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...extra, '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', resolve);
  });
  if (code !== 0 || !existsSync(out)) throw new Error(`${label}: ${script} failed (exit ${code})`);
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  say(`npm run bench${quick ? ' (quick)' : ''}: stages ${[...only].join(', ')} · ${seconds} s per end-to-end phase · load average now ${loadAtStart.join(' / ')}`);
  if (loadAtStart[0]! > 1.5) say(`  note: the machine is busy (load ${loadAtStart[0]}); figures will carry that contention and the report says so`);
  const { kafkaBrokers, esUrl } = await ensureStack({ log: (m) => say(`  ${m}`) });
  const status = await stackStatus();
  const engines: Watched[] = status.engines.filter((e) => e.running && e.pid).map((e) => ({ name: e.name, pid: e.pid! }));
  const result: Record<string, unknown> = { date: new Date().toISOString(), name, mode: quick ? 'quick' : 'full', machine: describeMachine(), brokers: kafkaBrokers.length, loadAverageAtStart: loadAtStart };
  /** Writes the JSON and Markdown report of what the run has so far (again at the end). */
  const writeOut = () => {
    result.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
    result.durationSeconds = Math.round((performance.now() - started) / 1000);
    const file = join(outDir, `${date}-${name}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    const md = writeReport(result, outDir, `${date}-${name}`);
    return { json: file.replace(REPO_ROOT + '/', ''), md: md.replace(REPO_ROOT + '/', '') };
  };

  // The first run after Elasticsearch starts is its slowest (`engine-warmth.ts`): say so before it, and in the report.
  result.engines = await engineWarmth(esUrl, engines);
  const warmth = result.engines as Awaited<ReturnType<typeof engineWarmth>>;
  if (warmth.elasticsearchCold && (only.has('ceilings') || only.has('e2e') || only.has('search')))
    say(`  note: Elasticsearch has indexed ${warmth.elasticsearchDocsIndexedSinceStart?.toLocaleString('en-US')} documents since it started ${Math.round((warmth.upSeconds.elasticsearch ?? 0) / 60)} min ago (fewer than ${COLD_DOCS.toLocaleString('en-US')}): the first run after a start indexes slower — this run warms it; run again for comparable figures`);

  let step = 0;
  const total = only.size;
  const header = (s: string) => say(`\n[${++step}/${total}] ${s} · ${elapsed()} elapsed`);

  if (only.has('ceilings')) {
    header('ceilings: raw kafkajs produce/consume, raw Elasticsearch bulk, no-op fastify, one Kafka transaction, the rules judge stage alone');
    const c = await subBench('ceilings', 'bench/ceilings.bench.ts', quick ? ['--quick'] : []);
    // The rules judge stage alone draining a backlog: the ceiling of the service's own hottest stage.
    const drain = await subBench('judge-drain', 'bench/judge-drain.bench.ts', ['--events', quick ? '20000' : '100000', '--runs', quick ? '1' : '2']);
    result.ceilings = { ...(c?.ceilings as Record<string, unknown> | undefined), ...(drain ? { rulesJudgeEventsPerSec: drain.eventsPerSec } : {}) };
    result.ceilingsDetail = { transactions: c?.transactions, judgeDrain: drain?.runs };
  }

  if (only.has('e2e')) {
    header('end to end through the public APIs');
    const system = await startSystem(REPO_ROOT, kafkaBrokers, esUrl, (m) => say(`  ${m}`));
    const es = createElasticsearch(esUrl);
    const watched = [...engines, ...system.processes, { name: 'load generator', pid: process.pid, alone: true }];
    const perPhase: Record<string, ProcessFigures[]> = {};
    let sampler: ReturnType<typeof sampleProcesses> | undefined;
    let e2e: E2EResult;
    try {
      e2e = await runE2E({
        system,
        es,
        seconds,
        searchSamples: quick ? 10 : 30,
        alertRates: (args['alert-rates'] ?? '100,250,500').split(',').filter(Boolean).map(Number),
        say: (m) => say(m),
        phase: (phase, edge) => {
          if (edge === 'start') sampler = sampleProcesses(watched);
          else perPhase[phase] = sampler!.stop();
        },
      });
    } finally {
      await system.stop();
      await cleanup(kafkaBrokers, es, system.prefix);
      await es.close();
    }
    result.endToEnd = {
      batchEventsPerSec: e2e.batch.eventsPerSec,
      singleEventsPerSec: e2e.single.eventsPerSec,
      batchAcceptedPerSec: e2e.batch.acceptedPerSec,
      singleAcceptedPerSec: e2e.single.acceptedPerSec,
      batch: e2e.batch,
      single: e2e.single,
    };
    const { samples, ...alert } = e2e.timeToAlert;
    result.timeToAlert = alert;
    result.timeToAlertSamplesMs = samples;
    result.timeToAlertCurve = e2e.timeToAlertCurve;
    result.timeToSearchableMs = e2e.timeToSearchableMs;
    result.rulesStages = e2e.rulesStages;
    result.gcDuringAlert = e2e.gcDuringAlert;
    result.processes = perPhase;
    // Throughput per instance from CPU per event at the fixed-rate phase (rates measured on a saturated machine
    // are a share of it; CPU per event is what an instance of that process would spend alone).
    const fixed = perPhase.timeToAlert;
    if (fixed && alert.achievedRate > 0)
      result.perInstance = Object.fromEntries(
        fixed
          .filter((p) => p.name !== 'load generator')
          .map((p) => {
            const cpuMsPerEvent = Math.round(((p.cpuPercent / 100) * 1000 * 1000) / alert.achievedRate) / 1000;
            return [p.name, { cpuMsPerEvent, eventsPerSecPerCore: cpuMsPerEvent > 0 ? Math.round(1000 / cpuMsPerEvent) : null, atEventsPerSec: alert.achievedRate }];
          }),
      );
  }

  if (only.has('watchlist')) {
    header(`watchlist at ${quick ? 'quick size' : '10M entries'}`);
    result.watchlist = await subBench('watchlist', 'bench/watchlist.bench.ts', [...(quick ? ['--quick'] : []), ...(args.watchlist ? ['--entries', args.watchlist] : [])]);
  }

  if (only.has('search')) {
    const events = args.events ?? (quick ? '200000' : '10000000');
    header(`search over ${Number(events).toLocaleString()} events`);
    result.search = await subBench('search', 'bench/search.bench.ts', ['--events', events]);
  }

  if (only.has('soak')) {
    const soakSeconds = Number(args['soak-seconds'] ?? (quick ? 120 : 3600));
    const rate = Number(args.rate ?? 1000);
    header(`soak: ${soakSeconds} s at ${rate} events/s`);
    const system = await startSystem(REPO_ROOT, kafkaBrokers, esUrl, (m) => say(`  ${m}`));
    const es = createElasticsearch(esUrl);
    try {
      const soak = await runSoak({ system, engines, seconds: soakSeconds, rate, sampleEverySeconds: quick ? 5 : 30, say });
      // The report is written as soon as the load stops (settling may take many minutes on a saturated
      // machine, and an interrupted run should still leave its figures), then again with the settle times.
      result.soak = { ...soak, caughtUpAfterSeconds: 'settling: the pipeline had not caught up when this was written' };
      say(`  soak report (before settling): ${writeOut().json}`);
      say('  waiting for the rules service and the indexer to catch up');
      const t0 = performance.now();
      const caughtUp = await settle({ system, es }, { judged: 0, indexed: 0 }, soak.accepted, t0).catch((err: unknown) => ({ error: (err as Error).message }));
      result.soak = { ...soak, caughtUpAfterSeconds: caughtUp };
    } finally {
      await system.stop();
      await cleanup(kafkaBrokers, es, system.prefix);
      await es.close();
    }
  }

  const { json, md } = writeOut();
  say(`\ndone in ${elapsed()}: ${json} and ${md}`);
}

/** Removes the run's topics and indices so repeated runs do not fill the disk. */
async function cleanup(brokers: string[], es: ReturnType<typeof createElasticsearch>, prefix: string): Promise<void> {
  const { createKafka } = await import('../lib/kafka');
  const { createLogger } = await import('../lib/logger');
  const admin = createKafka({ brokers, clientId: 'bench-cleanup', logger: createLogger({ level: 'error', name: 'bench' }) }).admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (mine.length) await admin.deleteTopics({ topics: mine });
  } catch (err) {
    say(`  cleanup: topics ${prefix}* not deleted (${(err as Error).message})`);
  } finally {
    await admin.disconnect();
  }
  await es.indices.delete({ index: `${prefix}*`, allow_no_indices: true }).catch(() => undefined);
  await es.indices.deleteIndexTemplate({ name: `${prefix}*` }).catch(() => undefined);
}

main().catch((err: unknown) => {
  say(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
