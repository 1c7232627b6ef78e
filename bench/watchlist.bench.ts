import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CompressionTypes } from 'kafkajs';
import { PROVINCE_CONFUSIONS, WatchlistEntrySchema, isValidPlate } from '../schemas/src';
import { ensureStack } from '../infra/stack/stack';
import { ensureTopics, topicNames } from '../infra/topics';
import { createKafka } from '../lib/kafka';
import { createLogger } from '../lib/logger';
import { retry } from '../lib/retry';
import { createReferenceData } from '../services/rules/src/reference-loader';
import { DEFAULT_RULES } from '../services/rules/src/default-rules';
import { loadRulesConfig } from '../services/rules/src/config';
import { createCompactWatchlist, type CompactWatchlist } from '../services/rules/src/watchlist/compact-watchlist';
import { createWatchlistSnapshots } from '../services/rules/src/watchlist-snapshots';
import { describeMachine } from './machine';
import { PLATE_SPACE, entryAt, h, plateAt, residentIdAt } from './lib/watchlist-entries';

/**
 * The rules service's watchlist at 10 million entries (issue 4): RSS, load time from the compacted topic,
 * exact and fuzzy lookups/s, the fuzzy false-hit rate on clean traffic, and how fast a live change shows.
 *
 *   npx tsx bench/watchlist.bench.ts [--entries N | --quick] [--out file.json] [--drop-topic] [--no-kafka]
 *
 * Three processes, so each figure is a process's own: this one produces the entries to a compacted bench
 * topic (`bench-wl-<N>-watchlist.v1`, reused when it already holds N records); a child loads them the way
 * a rules instance does (`createReferenceData` → compact watchlist), reports RSS and load time, then runs
 * the lookups and a live put/delete; another child builds the same entries in process, without Kafka
 * (JSON parse + schema validation + insert, and insert alone), for the index's own cost.
 *
 * Warm start: after its full read the loading child writes a snapshot as a rules instance does
 * (`watchlist-snapshots.ts`); a third child then changes 10,000 entries on the topic (as if while it was down),
 * restores the snapshot and reads the topic from the snapshot's offsets — the time a restarted instance takes.
 */
const { values: args } = parseArgs({
  options: {
    entries: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    role: { type: 'string', default: 'main' },
    lookups: { type: 'string' },
    'drop-topic': { type: 'boolean', default: false },
    /** Skip the topic and the Kafka load: in-process build, then the lookups on it (RSS of the index alone). */
    'no-kafka': { type: 'boolean', default: false },
    /** Skip the in-process build child (the index's own cost without Kafka). */
    'no-build': { type: 'boolean', default: false },
    /** Only the cold read (no snapshot, lookups, warm start): for trying a change to the read. */
    'load-only': { type: 'boolean', default: false },
  },
});
const N = Number(args.entries ?? (args.quick ? 1_000_000 : 10_000_000));
const LOOKUPS = Number(args.lookups ?? 200_000);
const HEAP_MB = Math.max(1024, Math.ceil(N / 10_000_000) * 1536);
const say = (m: string) => process.stderr.write(`${m}\n`);
const mib = (b: number) => Math.round(b / 2 ** 20);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const AT = new Date('2026-11-22T10:00:00+08:00');
/** As a rules instance reads: its defaults (WATCHLIST_LOAD_THREADS, WATCHLIST_LOAD_THREADS_FROM), overridable the same way. */
const RULES_DEFAULTS = loadRulesConfig(process.env);
const LOAD_WORKERS = { threads: RULES_DEFAULTS.WATCHLIST_LOAD_THREADS, fromRecords: RULES_DEFAULTS.WATCHLIST_LOAD_THREADS_FROM, direct: RULES_DEFAULTS.WATCHLIST_DIRECT_READ };

// ---------------------------------------------------------------------------------------------------------
// Deterministic entries (`lib/watchlist-entries.ts`): entry i is always the same, so the producer and the in-process build agree.


// ---------------------------------------------------------------------------------------------------------
// Lookups, run on a loaded watchlist.

/** A valid plate of the same distribution that is not on the list (j beyond the listed range). */
function cleanPlate(k: number): string {
  return plateAt(N + 1 + ((h(k, 11) % (PLATE_SPACE - N - 1)) >>> 0));
}

/** Listed vehicle plate misread one way or another (look-alike, province, dropped or added character). */
function misread(plate: string, k: number): string {
  const chars = [...plate];
  const LOOK: Record<string, string> = { '0': 'D', D: '0', Q: '0', '1': 'I', '2': 'Z', Z: '2', '5': 'S', S: '5', '8': 'B', B: '8', '6': 'G', G: '6' };
  const how = k % 4;
  if (how === 0) {
    const at = [2, 3, 4, 5, 6].find((p) => LOOK[chars[p]!] !== undefined);
    if (at !== undefined) chars[at] = LOOK[chars[at]!]!;
    else chars.splice(4, 1);
  } else if (how === 1 && PROVINCE_CONFUSIONS[chars[0]!]) chars[0] = PROVINCE_CONFUSIONS[chars[0]!]![0]!;
  else if (how === 2) chars.splice(2 + (k % 5), 1);
  else chars.splice(2 + (k % 5), 0, '7');
  return chars.join('');
}

function timeIt(n: number, fn: (k: number) => void): number {
  const t = performance.now();
  for (let k = 0; k < n; k++) fn(k);
  return n / ((performance.now() - t) / 1000);
}

function runLookups(wl: CompactWatchlist) {
  const n = LOOKUPS;
  const listedPersons: string[] = [];
  const listedPlates: string[] = [];
  for (let k = 0; listedPersons.length < 10_000 || listedPlates.length < 10_000; k++) {
    const e = entryAt(h(k, 21) % N);
    if (e.kind === 'person') listedPersons.push(String(e.key));
    if (e.kind === 'vehicle' && String(e.key).length === 7) listedPlates.push(String(e.key));
  }
  const unlistedPersons = Array.from({ length: 10_000 }, (_, k) => residentIdAt(N + 20 + k * 20));
  const clean = Array.from({ length: 20_000 }, (_, k) => cleanPlate(k)).filter((p) => wl.matchVehicle(p, AT, { fuzzy: false }).length === 0);
  const misreads = listedPlates.map((p, k) => misread(p, k));

  const personExact = timeIt(n, (k) => wl.matchPerson(k % 2 ? listedPersons[k % listedPersons.length]! : unlistedPersons[k % unlistedPersons.length]!, AT));
  const vehicleExact = timeIt(n, (k) => wl.matchVehicle(k % 2 ? listedPlates[k % listedPlates.length]! : clean[k % clean.length]!, AT, { fuzzy: false }));
  const fuzzyN = Math.max(1000, Math.floor(n / 4));
  const vehicleFuzzyClean = timeIt(fuzzyN, (k) => wl.matchVehicle(clean[k % clean.length]!, AT, { limit: 3 }));
  const vehicleFuzzyMisread = timeIt(fuzzyN, (k) => wl.matchVehicle(misreads[k % misreads.length]!, AT, { limit: 3 }));
  const permits = timeIt(n, (k) => wl.matchPermits({ permitNo: String(entryAt(19 + 20 * (k % Math.floor(N / 20))).key) }, AT));

  // False hits: clean traffic (valid plates not on the list) that still gets a fuzzy candidate.
  const byKind: Record<string, number> = {};
  let falseHits = 0;
  let candidates = 0;
  for (const p of clean) {
    const res = wl.matchVehicle(p, AT, { limit: 3 });
    if (res.length > 0) falseHits++;
    candidates += res.length;
    for (const m of res) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
  }
  // Recall: misread listed plates whose entry is among the (at most 3) results.
  let recalled = 0;
  misreads.forEach((m, k) => {
    if (wl.matchVehicle(m, AT, { limit: 3 }).some((x) => x.entry.key === listedPlates[k])) recalled++;
  });
  return {
    lookupsPerSec: {
      personExact: Math.round(personExact),
      vehicleExact: Math.round(vehicleExact),
      vehicleFuzzyCleanTraffic: Math.round(vehicleFuzzyClean),
      vehicleFuzzyMisreads: Math.round(vehicleFuzzyMisread),
      permitByNumber: Math.round(permits),
    },
    fuzzy: {
      cleanPlatesTested: clean.length,
      falseHitRate: round(falseHits / clean.length, 4),
      falseCandidatesPerPlate: round(candidates / clean.length, 4),
      falseCandidatesByKind: byKind,
      misreadsTested: misreads.length,
      misreadRecall: round(recalled / misreads.length, 4),
      limit: 3,
    },
  };
}

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) };
}

const benchPrefix = `bench-wl-${N}-`;
const SNAPSHOT_DIR = fileURLToPath(new URL('../.local/bench-snapshots', import.meta.url));
/** Entries changed on the topic between the snapshot and the warm start. */
const CHANGED_WHILE_DOWN = 10_000;

// ---------------------------------------------------------------------------------------------------------
// Child: load from Kafka as a rules instance does.

async function roleLoad(brokers: string[]) {
  const logger = createLogger({ level: 'warn', name: 'bench-watchlist' });
  const kafka = createKafka({ brokers, clientId: 'bench-watchlist-load', logger });
  const topics = topicNames(benchPrefix);
  const before = memory();
  const watchlist = createCompactWatchlist() // as the service makes it: the read reserves room for what it is about to load;
  const reference = createReferenceData({ kafka, topics: { watchlist: topics.watchlist, rules: topics.rules }, watchlist, defaults: DEFAULT_RULES, retroGroupId: `${benchPrefix}rules-retro`, loadWorkers: LOAD_WORKERS, logger });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastLog = t0;
  const ticker = setInterval(() => {
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      say(`  load: ${watchlist.size().toLocaleString('en-US')} entries after ${Math.round((lastLog - t0) / 1000)} s, rss ${mib(process.memoryUsage().rss)} MiB`);
    }
  }, 1000);
  await reference.start();
  const loadSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(ticker);
  const after = memory();
  // CPU of every thread of the process (main, workers, V8's GC helpers): the figure a busier or quieter machine moves least.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const cpuMicrosPerEntry = (cpu.user + cpu.system) / Math.max(1, watchlist.size());
  say(`  loaded ${watchlist.size().toLocaleString('en-US')} entries in ${round(loadSeconds, 1)} s; rss ${after.rssMiB} MiB; CPU ${round(cpuSeconds, 1)} s (${round(cpuMicrosPerEntry, 2)} µs an entry)`);
  if (args['load-only']) {
    await reference.stop();
    return { loadFromKafka: { loadSeconds: round(loadSeconds, 1), cpuSeconds: round(cpuSeconds, 1), cpuMicrosPerEntry: round(cpuMicrosPerEntry, 2), loadThreads: LOAD_WORKERS, directRecords: reference.watchlistDirectRecords(), rssMiBAfterLoad: after.rssMiB } };
  }

  // The snapshot a rules instance writes after a full read (records wait meanwhile; lookups go on).
  const snapshots = createWatchlistSnapshots({ dir: SNAPSHOT_DIR, topic: topics.watchlist, logger });
  rmSync(snapshots.path, { force: true });
  const w = await reference.holdWatchlist((mark) => snapshots.write(watchlist, mark, new Date()));
  const rssAfterSnapshot = mib(process.memoryUsage().rss);
  say(`  snapshot: ${mib(w.bytes)} MiB in ${round(w.ms / 1000, 1)} s; rss ${rssAfterSnapshot} MiB`);

  // A live change: a put, then its tombstone, timed from the producer's ack to visibility in the index.
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const live: number[] = [];
  const liveDelete: number[] = [];
  for (let k = 0; k < 5; k++) {
    const e = { ...entryAt(N + 1000 + k), entryId: `WL-LIVE-${Date.now()}-${k}` };
    const t = performance.now();
    await producer.send({ topic: topics.watchlist, acks: -1, messages: [{ key: String(e.entryId), value: JSON.stringify(e) }] });
    while (!watchlist.get(String(e.entryId))) await new Promise((r) => setTimeout(r, 1));
    live.push(performance.now() - t);
    const t2 = performance.now();
    await producer.send({ topic: topics.watchlist, acks: -1, messages: [{ key: String(e.entryId), value: null }] });
    while (watchlist.get(String(e.entryId))) await new Promise((r) => setTimeout(r, 1));
    liveDelete.push(performance.now() - t2);
  }
  await producer.disconnect();
  await reference.stop();

  say('  lookups…');
  const lookups = runLookups(watchlist);
  return {
    loadFromKafka: {
      loadSeconds: round(loadSeconds, 1),
      loadThreads: LOAD_WORKERS,
      directRecords: reference.watchlistDirectRecords(),
      entriesPerSec: Math.round(watchlist.size() / loadSeconds),
      cpuSeconds: round(cpuSeconds, 1),
      cpuMicrosPerEntry: round(cpuMicrosPerEntry, 2),
      rssMiBAfterLoad: after.rssMiB,
      memoryBeforeLoad: before,
      memoryAfterLoad: after,
      liveUpdateMs: { putVisible: live.map((x) => round(x, 1)), deleteVisible: liveDelete.map((x) => round(x, 1)) },
    },
    snapshotWrite: { seconds: round(w.ms / 1000, 1), MiB: mib(w.bytes), rssMiBAfter: rssAfterSnapshot, path: snapshots.path },
    index: watchlist.stats(),
    ...lookups,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Child: warm start, as a restarted rules instance: the snapshot, then the topic from its offsets.

async function roleWarm(brokers: string[]) {
  const logger = createLogger({ level: 'warn', name: 'bench-watchlist' });
  const kafka = createKafka({ brokers, clientId: 'bench-watchlist-warm', logger });
  const topics = topicNames(benchPrefix);
  // While "down": 10,000 entries change (a new version, another reason).
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const changed: Array<Record<string, unknown>> = Array.from({ length: CHANGED_WHILE_DOWN }, (_, k) => ({ ...entryAt(k * 997), version: 1_000 + k, reason: `changed while down ${k}` }));
  await producer.send({ topic: topics.watchlist, acks: -1, messages: changed.map((e) => ({ key: String(e.entryId), value: JSON.stringify(e) })) });
  await producer.disconnect();

  const before = memory();
  const watchlist = createCompactWatchlist() // as the service makes it: the read reserves room for what it is about to load;
  const reference = createReferenceData({ kafka, topics: { watchlist: topics.watchlist, rules: topics.rules }, watchlist, defaults: DEFAULT_RULES, retroGroupId: `${benchPrefix}rules-retro`, loadWorkers: LOAD_WORKERS, logger });
  const snapshots = createWatchlistSnapshots({ dir: SNAPSHOT_DIR, topic: topics.watchlist, logger });
  const t0 = performance.now();
  const admin = kafka.admin();
  await admin.connect();
  const restored = await snapshots.restore(watchlist, admin);
  await admin.disconnect();
  const restoreSeconds = (performance.now() - t0) / 1000;
  if (!restored.mark) throw new Error(`warm start did not use the snapshot: ${restored.outcome.reason}`);
  await reference.start({ startAt: restored.mark.positions, lastKeys: restored.mark.lastKeys, introductions: restored.mark.introductions });
  const loadSeconds = (performance.now() - t0) / 1000;
  const after = memory();
  const sample = changed.filter((_, k) => k % 100 === 0);
  const applied = sample.filter((e) => watchlist.get(String(e.entryId))?.version === e.version).length;
  await reference.stop();
  rmSync(snapshots.path, { force: true });
  say(`  warm start: ${watchlist.size().toLocaleString('en-US')} entries in ${round(loadSeconds, 1)} s (snapshot ${round(restoreSeconds, 1)} s, then ${reference.watchlistRecordsApplied().toLocaleString('en-US')} records from the topic); rss ${after.rssMiB} MiB`);
  if (applied !== sample.length) throw new Error(`warm start: ${sample.length - applied} of ${sample.length} sampled changes made while down are missing`);
  return {
    warmStart: {
      loadSeconds: round(loadSeconds, 1),
      snapshotRestoreSeconds: round(restoreSeconds, 1),
      recordsReadFromTopic: reference.watchlistRecordsApplied(),
      changedWhileDown: CHANGED_WHILE_DOWN,
      changesVerified: `${applied} of ${sample.length} sampled`,
      rssMiBAfterLoad: after.rssMiB,
      memoryBeforeLoad: before,
      memoryAfterLoad: after,
    },
    warmIndex: watchlist.stats(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Child: in-process build (no Kafka).

function roleBuild() {
  const before = memory();
  const watchlist = createCompactWatchlist({ expectedEntries: N });
  const CH = 20_000;
  let parseMs = 0;
  let insertMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i += CH) {
    const json = Array.from({ length: Math.min(CH, N - i) }, (_, k) => JSON.stringify(entryAt(i + k)));
    const t1 = performance.now();
    const parsed = json.map((s) => WatchlistEntrySchema.parse(JSON.parse(s)));
    const t2 = performance.now();
    for (const e of parsed) watchlist.upsert(e);
    const t3 = performance.now();
    parseMs += t2 - t1;
    insertMs += t3 - t2;
    if ((i / CH) % 50 === 0) say(`  build: ${i.toLocaleString('en-US')} entries, rss ${mib(process.memoryUsage().rss)} MiB`);
  }
  const totalS = (performance.now() - t0) / 1000;
  const after = memory();
  return {
    inProcessBuild: {
      parseAndValidateSeconds: round(parseMs / 1000, 1),
      insertSeconds: round(insertMs / 1000, 1),
      insertsPerSec: Math.round(N / (insertMs / 1000)),
      totalSecondsInclGeneration: round(totalS, 1),
      memoryAfterBuild: after,
      memoryBefore: before,
      bytesPerEntryHeld: round(watchlist.stats().heldBytes / N, 1),
    },
    index: watchlist.stats(),
    ...(args['no-kafka'] ? runLookups(watchlist) : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Main: produce the topic, run the children, write the result.

async function produceTopic(brokers: string[]) {
  const logger = createLogger({ level: 'warn', name: 'bench-watchlist' });
  const kafka = createKafka({ brokers, clientId: 'bench-watchlist-produce', logger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, { prefix: benchPrefix, brokers: brokers.length });
    const topic = topicNames(benchPrefix).watchlist;
    const offsets = await retry(() => admin.fetchTopicOffsets(topic));
    const held = offsets.reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
    if (held >= N) {
      say(`  ${topic} already holds ${held.toLocaleString('en-US')} records: reused`);
      return { topic, produced: 0, reused: true, records: held };
    }
    if (held > 0) throw new Error(`${topic} holds ${held} of ${N} records (an interrupted run): delete it and run again`);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const t0 = performance.now();
    const BATCH = 5_000;
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < N; i += BATCH) {
      const messages = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => {
        const e = entryAt(i + k);
        return { key: String(e.entryId), value: JSON.stringify(e) };
      });
      const p = producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages }).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 4) await Promise.race(inflight);
      if ((i / BATCH) % 100 === 0) say(`  produce: ${i.toLocaleString('en-US')} / ${N.toLocaleString('en-US')}`);
    }
    await Promise.all(inflight);
    await producer.disconnect();
    const seconds = (performance.now() - t0) / 1000;
    return { topic, produced: N, reused: false, produceSeconds: round(seconds, 1), recordsPerSec: Math.round(N / seconds) };
  } finally {
    await admin.disconnect();
  }
}

async function child(role: string, brokers: string[]): Promise<Record<string, unknown>> {
  const script = fileURLToPath(import.meta.url);
  const out = `${dirname(script)}/../.local/bench-watchlist-${role}-${process.pid}.json`;
  // BENCH_PROFILE=1: each child writes a V8 CPU profile to .local/profiles (summarise with bench/profile-summary.ts).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${dirname(script)}/../.local/profiles`] : [];
  // BENCH_NODE_ARGS: more Node/V8 flags for the children (e.g. "--trace-gc"), as SERVICE_NODE_ARGS for `npm start`.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const nodeArgs = [`--max-old-space-size=${HEAP_MB}`, '--max-semi-space-size=32', '--expose-gc', ...profile, ...extra, '--import', 'tsx', script, '--role', role, '--entries', String(N), '--lookups', String(LOOKUPS), '--out', out, ...(args['load-only'] ? ['--load-only'] : [])];
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BENCH_BROKERS: brokers.join(',') } });
    c.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`watchlist bench child ${role} failed (exit ${code})`);
  const { readFileSync, rmSync } = await import('node:fs');
  const r = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  rmSync(out);
  return r;
}

async function main() {
  if (args.role === 'load' || args.role === 'build' || args.role === 'warm') {
    const brokers = (process.env.BENCH_BROKERS ?? '').split(',');
    const r = args.role === 'load' ? await roleLoad(brokers) : args.role === 'warm' ? await roleWarm(brokers) : roleBuild();
    writeFileSync(args.out!, JSON.stringify(r));
    process.exit(0);
  }
  const date = new Date().toISOString().slice(0, 10);
  const out = args.out ?? fileURLToPath(new URL(`./results/${date}-watchlist${N < 10_000_000 ? '-quick' : ''}${args['no-kafka'] ? '-no-kafka' : ''}.json`, import.meta.url));
  say(`watchlist bench: ${N.toLocaleString('en-US')} entries, child heap ${HEAP_MB} MiB`);
  const { kafkaBrokers } = await ensureStack({ log: (m) => say(`  ${m}`) });
  const loadAverageAtStart = (await import('node:os')).loadavg().map((x) => round(x));
  const noKafka = args['no-kafka'];
  say(noKafka ? '[1/3] --no-kafka: no topic' : '[1/3] producing the compacted bench topic');
  const produce = noKafka ? { skipped: true } : await produceTopic(kafkaBrokers);
  say(noKafka ? '[2/3] --no-kafka: no load from Kafka' : '[2/3] a rules instance loads it from Kafka, then lookups');
  const load: Record<string, unknown> = noKafka ? {} : await child('load', kafkaBrokers);
  if (args['load-only']) {
    // A try-out of the read alone: printed (and written only where --out says), not a report.
    say(JSON.stringify(load.loadFromKafka));
    if (args.out) writeFileSync(args.out, `${JSON.stringify({ date: new Date().toISOString(), entries: N, machine: describeMachine(), loadAverageAtStart, ...load }, null, 2)}\n`);
    return;
  }
  if (!noKafka) {
    say('[2b/3] warm start: a restarted instance restores the snapshot and reads the topic from its offsets');
    Object.assign(load, await child('warm', kafkaBrokers));
  }
  say(args['no-build'] ? '[3/3] --no-build: no in-process build' : '[3/3] in-process build (no Kafka)');
  const build: Record<string, unknown> = args['no-build'] ? { inProcessBuild: null, index: null } : await child('build', kafkaBrokers);
  if (noKafka) {
    const { inProcessBuild: _b, index: _i, ...lookups } = build;
    Object.assign(load, lookups);
  }
  const built = build.inProcessBuild as { memoryAfterBuild: { rssMiB: number } } | null;
  const loadFromKafka = (load.loadFromKafka as { rssMiBAfterLoad: number; loadSeconds: number } | undefined) ?? { rssMiBAfterLoad: built?.memoryAfterBuild.rssMiB ?? NaN, loadSeconds: NaN };
  const warm = load.warmStart as { loadSeconds: number; rssMiBAfterLoad: number } | undefined;
  const result = {
    date: new Date().toISOString(),
    name: 'watchlist',
    entries: N,
    mix: { persons: 0.6, vehicles: 0.35, permits: 0.05, newEnergyShareOfVehicles: 0.1, uniqueReasonShare: 0.3 },
    machine: describeMachine(),
    loadAverageAtStart,
    loadAverageAtEnd: (await import('node:os')).loadavg().map((x) => round(x)),
    nodeFlags: [`--max-old-space-size=${HEAP_MB}`, '--max-semi-space-size=32'],
    rssMiB: loadFromKafka.rssMiBAfterLoad,
    rssMeasuredAfter: noKafka ? 'in-process build (no Kafka client in the process)' : 'load from Kafka by the reference loader',
    loadSeconds: noKafka ? null : loadFromKafka.loadSeconds,
    loadSecondsWarm: warm?.loadSeconds ?? null,
    targets: {
      rssMiB: 2560,
      loadSeconds: 60,
      liveUpdateMs: 1000,
      met: {
        rss: loadFromKafka.rssMiBAfterLoad <= 2560 && (warm === undefined || warm.rssMiBAfterLoad <= 2560),
        /** A full read of the topic (first start, or no usable snapshot). */
        loadCold: noKafka ? 'not measured' : loadFromKafka.loadSeconds <= 60,
        /** A restart from the snapshot plus the topic since. */
        loadWarm: warm ? warm.loadSeconds <= 60 : 'not measured',
      },
    },
    produce,
    ...load,
    inProcessBuild: build.inProcessBuild,
    inProcessIndex: build.index,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`wrote ${out}`);
  if (args['drop-topic']) {
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'bench-watchlist-drop', logger: createLogger({ level: 'warn', name: 'bench-watchlist' }) });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topicNames(benchPrefix)) });
    await admin.disconnect();
    say(`  dropped the ${benchPrefix}* topics`);
  }
}

if (!isValidPlate(plateAt(12345))) throw new Error('bench plate generator makes invalid plates');
main().catch((err: unknown) => {
  say(`watchlist bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
