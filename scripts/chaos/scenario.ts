import { mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { ensureStack, killEngine, stackStatus, startEngine, stopStack, type EngineName, type StackOptions } from '../../infra/stack/stack';
import { signalGroup, waitUntil } from '../../infra/stack/processes';
import { ensureTopics, topicNames } from '../../infra/topics';
import { createElasticsearch } from '../../lib/elasticsearch';
import { createKafka } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';
import { accountEvents, accountHits, documentIds, endOffsets, groupLag, groupReached, hitsOf, readWholeTopic, type EventAccount, type GroupLag, type HitAccount } from './accounting';
import { percentile, sleep, timeUntil, type FaultRecord } from './faults';
import { createFleet, type Fleet, type InstanceSpec } from './fleet';
import { startLiveRecorder, type LiveRecorder } from './live-client';
import { createLoad, type Load, type LoadStats } from './load';
import { linkEngines, seedWatchlist, writeChaosAccounts } from './setup';
import { runSlowClient } from './slow-client';

/**
 * The chaos run (issue 9, fault injection): a private three-broker stack, the services as separate
 * processes (1 gateway, 1 console, 2 rules, 2 indexers), steady simulated traffic with planted watchlist
 * sightings, a recording console client, a sequence of faults, and the accounting by id at the end.
 */
export interface ChaosOptions {
  repoRoot: string;
  stackRoot: string;
  kafkaPort: number;
  esPort: number;
  /** Vehicle checks per second. */
  rate: number;
  plantEveryMs: number;
  /** Steady load between two faults. */
  settleMs: number;
  esDownMs: number;
  brokerDownMs: number;
  stopStackAtEnd: boolean;
  /** Run only the first so many faults of the plan (a quick try-out); all by default. */
  maxFaults?: number;
  log: (m: string) => void;
}

export interface ChaosReport {
  date: string;
  machine: { cpus: number; memoryGiB: number; node: string };
  setup: Record<string, unknown>;
  durationS: number;
  faultsInjected: number;
  lostEvents: number;
  duplicateDocuments: number;
  /** Hits the console client received twice (a second `hit` frame for a hitId, or one version twice). */
  duplicateHits: number;
  /** One (hitId, version) committed to the hits topic more than once. */
  duplicateHitRecords: number;
  duplicateEvents: number;
  missingHits: number;
  hitsNotIndexed: number;
  plantedWithoutHit: number;
  consumerLagRecords: number;
  slowClientDropped: boolean;
  load: LoadStats;
  events: EventAccount;
  hits: HitAccount;
  lag: GroupLag[];
  liveClient: { connections: number; errors: Array<{ code: string; message: string }>; deliveryLatencyMs: { p50: number | null; p99: number | null; max: number | null } };
  recoveries: FaultRecord[];
  recoverySummary: Record<string, { healthyMs: number | null; recoveredMs: number | null }>;
}

const PORTS = { gateway: 24180, 'rules-1': 24181, 'indexer-1': 24182, 'rules-2': 24183, 'indexer-2': 24184, console: 24190 };
const TRANSACTIONAL = /(hits|sightings|verdicts|hit-updates|audit)\.v1$/;

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const stackOpts: StackOptions = { root: o.stackRoot, brokers: 3, kafkaPort: o.kafkaPort, esPort: o.esPort, log: (m) => o.log(`[stack] ${m}`) };
  linkEngines(o.stackRoot, o.repoRoot);
  const { kafkaBrokers, esUrl } = await ensureStack(stackOpts);
  const prefix = `chaos-${Date.now().toString(36)}-`;
  const topics = topicNames(prefix);
  const runDir = join(o.stackRoot, 'runs', prefix.slice(0, -1));
  mkdirSync(runDir, { recursive: true });
  o.log(`run ${prefix} (service logs in ${runDir})`);

  const logger = createLogger({ level: 'error', name: 'chaos' });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'chaos', logger });
  const admin = kafka.admin();
  await admin.connect();
  const es = createElasticsearch(esUrl, { requestTimeoutMs: 60_000 });
  let fleet: Fleet | undefined;
  let live: LiveRecorder | undefined;
  let load: Load | undefined;
  try {
    await deleteEarlierRuns(admin, es, prefix, o.log);
    await ensureTopics(admin, { prefix, brokers: 3, partitions: 6 });
    const plantKeys = await seedWatchlist(kafka, prefix, o.repoRoot, 2000, 20261123);
    const accounts = await writeChaosAccounts(runDir, o.repoRoot);
    const base: Record<string, string> = {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ES_URL: esUrl,
      TOPIC_PREFIX: prefix,
      ES_INDEX_PREFIX: prefix,
      AUTH_SECRET: accounts.authSecret,
      ACCOUNTS_FILE: accounts.file,
      CHECKPOINTS_FILE: join(o.repoRoot, 'infra/demo/checkpoints.json'),
      DEMO_MODE: 'true',
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'info',
      DOCS_ENABLED: 'false',
    };
    const specs: InstanceSpec[] = [
      { name: 'indexer-1', service: 'indexer', port: PORTS['indexer-1'], env: {} },
      { name: 'indexer-2', service: 'indexer', port: PORTS['indexer-2'], env: {} },
      // Every (re)start reads the watchlist as a big one would: worker threads fetching from the partition leaders
      // (which the broker faults move), the consumer reading on from wherever that stops.
      { name: 'rules-1', service: 'rules', port: PORTS['rules-1'], env: { INSTANCE_ID: 'rules-1', WATCHLIST_LOAD_THREADS_FROM: '0' } },
      { name: 'rules-2', service: 'rules', port: PORTS['rules-2'], env: { INSTANCE_ID: 'rules-2', WATCHLIST_LOAD_THREADS_FROM: '0' } },
      // A small slow-client threshold so a stalled console client is noticed in seconds, not after 4 MB.
      { name: 'console', service: 'console', port: PORTS.console, env: { INSTANCE_ID: 'console-1', SLOW_CLIENT_BYTES: '16384', SLOW_CLIENT_GRACE_MS: '1000', HEARTBEAT_MS: '2000', WATCHLIST_LOAD_THREADS_FROM: '0' } },
      { name: 'gateway', service: 'gateway', port: PORTS.gateway, env: {} },
    ];
    fleet = createFleet({ repoRoot: o.repoRoot, logsDir: runDir, baseEnv: base, specs });
    for (const s of specs) {
      await fleet.start(s.name);
      await fleet.waitReady(s.name);
      o.log(`${s.name} ready on :${s.port}`);
    }
    const consoleUrl = fleet.get('console').url;
    live = await startLiveRecorder({ consoleUrl, username: accounts.commander.username, password: accounts.commander.password, log: o.log });
    load = createLoad({
      gatewayUrl: fleet.get('gateway').url,
      officers: accounts.officers.map((u) => ({ username: u.username, password: u.password, checkpointId: u.checkpointId!, jurisdiction: u.jurisdiction })),
      rate: o.rate,
      plantEveryMs: o.plantEveryMs,
      plantKeys,
      seed: 42,
      maxInFlight: 400,
      log: o.log,
    });
    const t0 = Date.now();
    load.start();
    o.log(`load: ${o.rate} checks/s, a planted watchlist sighting every ${o.plantEveryMs} ms`);
    await sleep(o.settleMs * 2);

    const ctx: FaultContext = { o, fleet, kafka, admin, es, topics, prefix, live, load, t0, stackOpts, records: [] };
    const plan: Array<() => Promise<void>> = [
      () => killService(ctx, 'indexer-1'),
      () => killService(ctx, 'rules-1'),
      () => killService(ctx, 'gateway'),
      () => killService(ctx, 'console'),
      () => killBroker(ctx, 'kafka-2'),
      () => killService(ctx, 'indexer-2'),
      () => killService(ctx, 'rules-2'),
      () => stopElasticsearch(ctx),
      () => slowClient(ctx, accounts.commander),
      () => killBroker(ctx, 'kafka-1'),
      () => killTwo(ctx, 'rules-1', 'indexer-1'),
    ];
    for (const fault of plan.slice(0, o.maxFaults ?? plan.length)) await fault();

    o.log('faults done; stopping the load and letting everything drain');
    await load.stop(120_000);
    const durationS = Math.round((Date.now() - t0) / 1000);
    const groups = serviceGroups(prefix, topics);
    await waitUntil(async () => (await Promise.all(groups.map((g) => groupLag(kafka, admin, g.group, g.topics, { ignoreNoCommit: g.ignoreNoCommit })))).every((l) => l.records === 0), 240_000, 2000);
    // The live client may still be reading the last hits: wait until it has every hit's latest version (or give up and let the accounting say what is missing).
    const latest = new Map<string, number>();
    for (const h of hitsOf(await readWholeTopic(kafka, admin, topics.hits))) latest.set(h.hitId, Math.max(latest.get(h.hitId) ?? 0, h.version));
    await waitUntil(() => {
      const got = new Map<string, number>();
      for (const f of live!.frames) got.set(f.hitId, Math.max(got.get(f.hitId) ?? 0, f.version));
      return [...latest].every(([id, v]) => (got.get(id) ?? 0) >= v);
    }, 120_000, 500);
    await sleep(3000);

    o.log('accounting');
    const lag = await Promise.all(groups.map((g) => groupLag(kafka, admin, g.group, g.topics, { ignoreNoCommit: g.ignoreNoCommit })));
    const eventRecords = await readWholeTopic(kafka, admin, topics.events);
    const eventDocs = await documentIds(es, `${prefix}events`);
    const hitDocs = await documentIds(es, `${prefix}hits`, ['version']);
    const finalHits = hitsOf(await readWholeTopic(kafka, admin, topics.hits));
    const events = accountEvents(load.acknowledged, eventRecords, eventDocs);
    const hits = accountHits(finalHits, live.frames, hitDocs, load.planted);
    const latencies = live.frames.filter((f) => f.type === 'hit').map((f) => f.receivedAt - Date.parse(f.detectedAt));
    const slow = ctx.records.find((r) => r.kind === 'slow-client');
    const summary: ChaosReport['recoverySummary'] = {};
    for (const r of ctx.records) summary[`${r.n}. ${r.kind} ${r.target}`] = { healthyMs: r.healthyAfterMs, recoveredMs: r.recoveredAfterMs };
    return {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      setup: {
        brokers: 3,
        replicationFactor: 3,
        minInsyncReplicas: 2,
        partitions: 6,
        instances: specs.map((s) => s.name),
        ratePerS: o.rate,
        plantEveryMs: o.plantEveryMs,
        settleMs: o.settleMs,
        prefix,
      },
      durationS,
      faultsInjected: ctx.records.length,
      lostEvents: events.lostEvents,
      duplicateDocuments: events.duplicateEventDocuments + hits.duplicateHitDocuments,
      duplicateHits: hits.duplicateHits,
      duplicateHitRecords: hits.duplicateHitRecords,
      duplicateEvents: events.duplicateEventsOnTopic,
      missingHits: hits.missingHits + hits.staleHits,
      hitsNotIndexed: hits.hitsNotIndexed,
      plantedWithoutHit: hits.plantedWithoutHit,
      consumerLagRecords: lag.reduce((n, l) => n + l.records, 0),
      slowClientDropped: slow?.detail?.dropped === true,
      load: load.stats,
      events,
      hits,
      lag,
      liveClient: {
        connections: live.connections(),
        errors: live.errors.map((e) => ({ code: e.code, message: e.message })),
        deliveryLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? Math.max(...latencies) : null },
      },
      recoveries: ctx.records,
      recoverySummary: summary,
    };
  } finally {
    await load?.stop(0).catch(() => undefined);
    await live?.close().catch(() => undefined);
    await fleet?.stopAll().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await es.close().catch(() => undefined);
    if (o.stopStackAtEnd) await stopStack(stackOpts);
  }
}

/**
 * The topics, indices and index templates earlier chaos runs left on this stack. They stay after a run for a
 * post-mortem (run s21-1's aborted record was found in the brokers' segment files) and go when the next run starts:
 * each run adds ~60 partition replicas to every broker, and after ~25 runs a broker ran out of its 256 MB heap
 * mid-run (s21-4).
 */
async function deleteEarlierRuns(admin: Admin, es: Client, prefix: string, log: (m: string) => void): Promise<void> {
  const earlier = (await admin.listTopics()).filter((t) => t.startsWith('chaos-') && !t.startsWith(prefix));
  if (earlier.length > 0) {
    log(`deleting ${earlier.length} topics of earlier chaos runs`);
    await admin.deleteTopics({ topics: earlier, timeout: 120_000 }).catch((err: unknown) => log(`could not delete them all (${String(err)}); going on`));
  }
  await es.indices.delete({ index: 'chaos-*', ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.indices.deleteIndexTemplate({ name: 'chaos-*' }).catch(() => undefined);
}

interface FaultContext {
  o: ChaosOptions;
  fleet: Fleet;
  admin: Admin;
  es: Client;
  topics: ReturnType<typeof topicNames>;
  prefix: string;
  live: LiveRecorder;
  load: Load;
  t0: number;
  stackOpts: StackOptions;
  records: FaultRecord[];
  kafka: Kafka;
}

function serviceGroups(prefix: string, topics: ReturnType<typeof topicNames>) {
  return [
    { group: `${prefix}rules`, topics: [topics.events], ignoreNoCommit: false },
    { group: `${prefix}rules-correlate`, topics: [topics.sightings], ignoreNoCommit: false },
    // The retro-hunt stage starts at the watchlist's end (fromBeginning false): no commit before its first change.
    { group: `${prefix}rules-retro`, topics: [topics.watchlist], ignoreNoCommit: true },
    { group: `${prefix}indexer`, topics: [topics.events, topics.hits, topics.hitUpdates, topics.audit], ignoreNoCommit: false },
  ];
}

function groupsOf(ctx: FaultContext, name: string) {
  const all = serviceGroups(ctx.prefix, ctx.topics);
  if (name.startsWith('rules')) return all.filter((g) => g.group.includes('rules') && !g.group.endsWith('retro'));
  if (name.startsWith('indexer')) return all.filter((g) => g.group.endsWith('indexer'));
  return all.filter((g) => !g.group.endsWith('retro'));
}

/** Time from `since` until every given group reached the ends its topics had at the moment of the call. */
async function caughtUp(ctx: FaultContext, groups: ReturnType<typeof serviceGroups>, since: number): Promise<number | null> {
  const ends = new Map<string, Awaited<ReturnType<typeof endOffsets>>>();
  for (const g of groups) ends.set(g.group, await endOffsets(ctx.admin, g.topics));
  return timeUntil(async () => {
    for (const g of groups) if (!(await groupReached(ctx.admin, g.group, ends.get(g.group)!, (t) => (TRANSACTIONAL.test(t) ? 1 : 0)))) return false;
    return true;
  }, since, 240_000, 500);
}

function record(ctx: FaultContext, r: Omit<FaultRecord, 'n' | 'injectedAtS'>, injectedAt: number): void {
  const rec: FaultRecord = { n: ctx.records.length + 1, injectedAtS: Math.round((injectedAt - ctx.t0) / 100) / 10, ...r };
  ctx.records.push(rec);
  ctx.o.log(`fault ${rec.n} ${rec.kind} ${rec.target}: healthy after ${rec.healthyAfterMs} ms, recovered after ${rec.recoveredAfterMs} ms ${rec.detail ? JSON.stringify(rec.detail) : ''}`);
}

/** Service-specific "work caught up" after it is healthy again. */
async function serviceRecovered(ctx: FaultContext, name: string, since: number, restartedAt: number): Promise<number | null> {
  if (name === 'gateway') return timeUntil(() => ctx.load.lastAcceptedAt() > restartedAt, since, 120_000);
  if (name === 'console') {
    const hitsEnd = await endOffsets(ctx.admin, [ctx.topics.hits]);
    return timeUntil(() => {
      if (!ctx.live.connected() || ctx.live.lastSubscribedAt() < restartedAt) return false;
      const c = ctx.live.cursor();
      if (!c) return false;
      const pos = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, string>;
      for (const [p, end] of hitsEnd.get(ctx.topics.hits)!) if (end > 0 && Number(pos[`h:${p}`] ?? 0) < end - 1) return false;
      return true;
    }, since, 120_000);
  }
  return caughtUp(ctx, groupsOf(ctx, name), since);
}

async function killService(ctx: FaultContext, name: string): Promise<void> {
  const at = Date.now();
  await ctx.fleet.kill(name);
  await sleep(1000);
  const restartedAt = Date.now();
  await ctx.fleet.start(name);
  const healthy = await timeUntil(() => ctx.fleet.waitReady(name, 1000).then(() => true, () => false), at, 240_000, 100);
  const recovered = healthy === null ? null : await serviceRecovered(ctx, name, at, restartedAt);
  record(ctx, { kind: 'kill-service', target: name, downMs: restartedAt - at, healthyAfterMs: healthy, recoveredAfterMs: recovered }, at);
  await sleep(ctx.o.settleMs);
}

async function killTwo(ctx: FaultContext, a: string, b: string): Promise<void> {
  const at = Date.now();
  await Promise.all([ctx.fleet.kill(a), ctx.fleet.kill(b)]);
  await sleep(1000);
  const restartedAt = Date.now();
  await ctx.fleet.start(a);
  await ctx.fleet.start(b);
  const healthy = await timeUntil(async () => (await Promise.all([a, b].map((n) => ctx.fleet.waitReady(n, 1000).then(() => true, () => false)))).every(Boolean), at, 240_000, 100);
  const recovered = healthy === null ? null : await caughtUp(ctx, [...groupsOf(ctx, a), ...groupsOf(ctx, b)], at);
  record(ctx, { kind: 'kill-two-services', target: `${a}+${b}`, downMs: restartedAt - at, healthyAfterMs: healthy, recoveredAfterMs: recovered }, at);
  await sleep(ctx.o.settleMs);
}

async function fullyReplicated(ctx: FaultContext): Promise<boolean> {
  const { topics } = await ctx.admin.fetchTopicMetadata({ topics: Object.values(ctx.topics) });
  return topics.every((t) => t.partitions.every((p) => p.isr.length === 3));
}

async function killBroker(ctx: FaultContext, broker: EngineName): Promise<void> {
  const at = Date.now();
  await killEngine(broker, ctx.stackOpts);
  await sleep(ctx.o.brokerDownMs);
  const restartedAt = Date.now();
  await startEngine(broker, ctx.stackOpts);
  const healthy = await timeUntil(() => fullyReplicated(ctx), at, 240_000, 500);
  const recovered = healthy === null ? null : await caughtUp(ctx, groupsOf(ctx, 'all'), at);
  record(ctx, { kind: 'kill-broker', target: broker, downMs: restartedAt - at, healthyAfterMs: healthy, recoveredAfterMs: recovered }, at);
  await sleep(ctx.o.settleMs);
}

async function stopElasticsearch(ctx: FaultContext): Promise<void> {
  const at = Date.now();
  const pid = (await stackStatus(ctx.stackOpts)).engines.find((e) => e.name === 'elasticsearch' && e.running)?.pid;
  if (pid == null) throw new Error('elasticsearch is not running');
  signalGroup(pid, 'SIGTERM');
  await waitUntil(async () => !(await stackStatus(ctx.stackOpts)).engines.find((e) => e.name === 'elasticsearch')?.running, 60_000, 200);
  const stoppedAfterMs = Date.now() - at;
  await sleep(ctx.o.esDownMs);
  const restartedAt = Date.now();
  await startEngine('elasticsearch', ctx.stackOpts);
  const healthy = await timeUntil(async () => ['green', 'yellow'].includes((await ctx.es.cluster.health({ timeout: '2s' })).status), at, 240_000, 500);
  const recovered = healthy === null ? null : await caughtUp(ctx, groupsOf(ctx, 'indexer'), at);
  record(ctx, { kind: 'stop-elasticsearch', target: 'elasticsearch', downMs: restartedAt - at, healthyAfterMs: healthy, recoveredAfterMs: recovered, detail: { stoppedAfterMs } }, at);
  await sleep(ctx.o.settleMs);
}

async function slowClient(ctx: FaultContext, user: { username: string; password: string }): Promise<void> {
  const at = Date.now();
  // A burst of planted hits while the slow client hangs, so the feed has something to push past it.
  const burst = ctx.load.plantBurst(60);
  const outcome = await runSlowClient({ consoleUrl: ctx.fleet.get('console').url, username: user.username, password: user.password, resumeFrom: ctx.live.firstCursor()!, timeoutMs: 60_000, resubscribeMs: 1500 });
  await burst;
  const end = Date.now();
  // "Not slow others": how fast the recording client got its hits while the slow one hung, against the whole run.
  const during = ctx.live.frames.filter((f) => f.receivedAt >= at && f.receivedAt <= end).map((f) => f.receivedAt - Date.parse(f.detectedAt));
  const consoleReady = await ctx.fleet.waitReady('console', 2000).then(() => true, () => false);
  record(ctx, {
    kind: 'slow-client',
    target: 'console live feed',
    downMs: 0,
    healthyAfterMs: outcome.droppedAfterMs ?? null,
    recoveredAfterMs: outcome.droppedAfterMs ?? null,
    detail: { ...outcome, otherClientFramesMeanwhile: during.length, otherClientLatencyMs: { p50: percentile(during, 50), max: during.length ? Math.max(...during) : null }, consoleReadyAfter: consoleReady },
  }, at);
  await sleep(ctx.o.settleMs);
}
