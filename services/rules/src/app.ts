import type { Client } from '@elastic/elasticsearch';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Hit } from '../../../schemas/src';
import { loadCheckpointRegistry, type CheckpointRegistry } from '../../../lib/checkpoints';
import { createElasticsearch } from '../../../lib/elasticsearch';
import { createHttpService } from '../../../lib/http-service';
import { createKafka } from '../../../lib/kafka';
import type { Logger } from '../../../lib/logger';
import { createMetrics } from '../../../lib/metrics';
import { retry } from '../../../lib/retry';
import { ensureTopics, topicNames } from '../../../infra/topics';
import type { RulesConfig } from './config';
import { createCorrelateLogic } from './correlate-stage';
import { createCorrelator } from './correlation/correlator';
import { DEFAULT_RULES } from './default-rules';
import { createJudgeLogic } from './judge-stage';
import { createReferenceData, WatchlistMismatch, type WatchlistMark } from './reference-loader';
import { createWatchlistSnapshots, type SnapshotOutcome } from './watchlist-snapshots';
import { createRetroLogic } from './retro-stage';
import { MINUTE_MS } from './rule-params';
import { createTransactionalStage, type TransactionalStage } from './transactional-stage';
import { createCompactWatchlist } from './watchlist/compact-watchlist';

export interface RulesService {
  app: FastifyInstance;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** An unchanged watchlist is snapshotted again after this long (a quarter of Kafka's default tombstone retention). */
const SNAPSHOT_REFRESH_MS = 6 * 3_600_000;

/**
 * The rules service: the whole watchlist and rule set in memory (from compacted topics), stage 1 judging
 * events into hits and verdicts, stage 2 correlating sightings by event time, retro-hunts for new
 * entries — each stage consume-transform-produce in Kafka transactions (exactly-once hits).
 */
export function buildRules(config: RulesConfig, deps: { logger: Logger; kafka?: Kafka; es?: Client; registry?: CheckpointRegistry }): RulesService {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: `rules-${config.INSTANCE_ID}`, logger: log });
  const es = deps.es ?? createElasticsearch(config.ES_URL);
  const topics = topicNames(config.TOPIC_PREFIX);
  const registry = deps.registry ?? loadCheckpointRegistry(config.CHECKPOINTS_FILE);
  const groups = { judge: `${config.TOPIC_PREFIX}rules`, correlate: `${config.TOPIC_PREFIX}rules-correlate`, retro: `${config.TOPIC_PREFIX}rules-retro` };
  const txnId = (stage: string) => `${config.TOPIC_PREFIX}rules-${config.INSTANCE_ID}-${stage}`;

  const watchlist = createCompactWatchlist();
  // Only judging and retro-hunts look entries up: a correlation-only process (RULES_STAGES=correlate) reads
  // the rules but not the watchlist, which at 10 million entries is ~1.5 GB and minutes of loading.
  const holdsWatchlist = config.RULES_STAGES.some((s) => s !== 'correlate');
  const snapshots = holdsWatchlist && config.WATCHLIST_SNAPSHOT_DIR ? createWatchlistSnapshots({ dir: config.WATCHLIST_SNAPSHOT_DIR, topic: topics.watchlist, logger: log }) : undefined;
  const reference = createReferenceData({
    kafka,
    topics,
    watchlist: holdsWatchlist ? watchlist : undefined,
    defaults: DEFAULT_RULES,
    retroGroupId: groups.retro,
    loadWorkers: { threads: config.WATCHLIST_LOAD_THREADS, fromRecords: config.WATCHLIST_LOAD_THREADS_FROM, direct: config.WATCHLIST_DIRECT_READ },
    logger: log,
  });
  let watchlistLoad: SnapshotOutcome & { ms?: number } = { from: 'topic', reason: snapshots ? 'not started' : 'snapshots off (WATCHLIST_SNAPSHOT_DIR empty)' };
  /** `written`: the positions of the last snapshot written or restored; `writtenAtMs`: when they were the log's end. */
  const snapshot = { writes: 0, lastBytes: 0, lastMs: 0, lastError: undefined as string | undefined, written: '', writtenAtMs: 0 };
  let snapshotTimer: NodeJS.Timeout | undefined;
  let snapshotRun: Promise<void> | undefined;
  const positionsKey = (m: Map<number, bigint>) => [...m].sort((a, b) => a[0] - b[0]).map(([p, o]) => `${p}:${o}`).join(',');
  /**
   * Writes a snapshot if the watchlist is big enough, caught up with its topic (so its offsets were the log's end at
   * that moment, which the age check on restore relies on) and changed since the last one — or unchanged but older
   * than a quarter of the default tombstone retention, so a quiet weekend does not age it out. Never throws: the topic is the source.
   */
  const takeSnapshot = (held: boolean) => {
    if (!snapshots || snapshotRun || watchlist.size() < config.WATCHLIST_SNAPSHOT_MIN_ENTRIES || !reference.isCaughtUp()) return snapshotRun;
    const unchanged = positionsKey(reference.watchlistMark().positions) === snapshot.written;
    if (unchanged && Date.now() - snapshot.writtenAtMs < SNAPSHOT_REFRESH_MS) return undefined;
    const write = async (mark: WatchlistMark) => {
      const at = new Date();
      const r = await snapshots.write(watchlist, mark, at);
      Object.assign(snapshot, { writes: snapshot.writes + 1, lastBytes: r.bytes, lastMs: r.ms, lastError: undefined, written: positionsKey(mark.positions), writtenAtMs: at.getTime() });
    };
    snapshotRun = (held ? reference.holdWatchlist(write) : write(reference.watchlistMark()))
      .catch((err: unknown) => {
        snapshot.lastError = (err as Error).message;
        log.warn({ err }, 'watchlist snapshot not written (the next start reads more of the topic)');
      })
      .finally(() => (snapshotRun = undefined));
    return snapshotRun;
  };
  const rules = () => reference.enabledRules();

  const metrics = createMetrics('rules');
  const hitsTotal = new Counter({ name: 'rules_hits_total', help: 'Hit versions committed to the hits topic', labelNames: ['rule', 'severity'], registers: [metrics.registry] });
  const onHits = (hits: Hit[]) => hits.forEach((h) => hitsTotal.inc({ rule: h.ruleId, severity: h.severity }));
  new Gauge({ name: 'rules_watchlist_entries', help: 'Watchlist entries held in memory', registers: [metrics.registry], collect() { this.set(watchlist.size()); } });

  let sightingsPartitions = 1;
  let verdictsPartitions = 1;
  const judge = createJudgeLogic({
    kafka, logger: log, topics, registry, watchlist, rules, onHits,
    seenWindowMs: config.SEEN_WINDOW_HOURS * 60 * MINUTE_MS,
    tickEveryMs: config.WATERMARK_TICK_SECONDS * 1000,
    sightingsPartitions: () => sightingsPartitions,
    verdictsPartitions: () => verdictsPartitions,
  });
  const correlator = createCorrelator({ registry, latenessMs: config.ALLOWED_LATENESS_MINUTES * MINUTE_MS, lateHorizonMs: config.LATE_HORIZON_HOURS * 60 * MINUTE_MS });
  // The bound is per process; a partition's share is fixed when its state is made (the topic's partition count is read at start).
  const share = (n: number) => Math.max(1, Math.floor(n / sightingsPartitions));
  // One subject never holds more than its partition's share (else a busy subject would push out all the others).
  const limitsPerPartition = () => {
    const maxSightings = share(config.RULES_CORRELATION_MAX_SIGHTINGS);
    return { maxKeys: share(config.RULES_CORRELATION_MAX_SUBJECTS), maxSightings, maxSightingsPerKey: Math.min(config.RULES_CORRELATION_MAX_SIGHTINGS_PER_SUBJECT, maxSightings) };
  };
  const correlate = createCorrelateLogic({ kafka, logger: log, topics, correlator, rules, onHits, limitsPerPartition });
  const retro = createRetroLogic({ es, eventsIndex: `${config.ES_INDEX_PREFIX}events`, topics, registry, reference, rules, onHits });
  new Gauge({ name: 'rules_correlation_keys', help: 'Subjects with correlation state in memory', registers: [metrics.registry], collect() { this.set(correlate.stats().keys); } });
  new Gauge({ name: 'rules_correlation_pending', help: 'Suspicious inspections waiting for their drug test (逢嫌必检) in the correlation stage', registers: [metrics.registry], collect() { this.set(correlate.stats().pending); } });
  new Gauge({ name: 'rules_correlation_evicted', help: 'Subjects forgotten under the correlation memory bounds (RULES_CORRELATION_MAX_SUBJECTS, _MAX_SIGHTINGS) since start', registers: [metrics.registry], collect() { this.set(correlate.stats().evicted); } });
  new Gauge({ name: 'rules_correlation_sightings', help: 'Sightings held in the correlation state', registers: [metrics.registry], collect() { this.set(correlate.stats().held); } });
  new Gauge({ name: 'rules_correlation_trimmed', help: 'Oldest sightings of frequently seen subjects dropped under RULES_CORRELATION_MAX_SIGHTINGS_PER_SUBJECT since start', registers: [metrics.registry], collect() { this.set(correlate.stats().trimmed); } });

  const txnSeconds = new Histogram({ name: 'rules_transaction_seconds', help: 'Duration of each stage transaction (outputs + offsets + commit)', labelNames: ['stage'], buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [metrics.registry] });
  const txnRecords = new Histogram({ name: 'rules_transaction_records', help: 'Input records per stage transaction', labelNames: ['stage'], buckets: [1, 10, 50, 200, 500, 1000, 2500, 5000], registers: [metrics.registry] });
  const commitAge = new Histogram({ name: 'rules_commit_age_seconds', help: 'Age of the oldest input record of a transaction when it committed (append → commit)', labelNames: ['stage'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [metrics.registry] });
  const stepSeconds = new Histogram({ name: 'rules_transaction_step_seconds', help: 'Each step of a stage transaction: begin, send (outputs) and offsets (written at once, each timed from their common start), commit', labelNames: ['stage', 'step'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [metrics.registry] });
  const concurrentRetries = new Histogram({ name: 'rules_transaction_concurrent_retries', help: 'AddOffsetsToTxn answers of CONCURRENT_TRANSACTIONS retried per stage transaction (its producer\'s previous commit not yet complete at the coordinator; kafkajs retries those of AddPartitionsToTxn itself, uncounted)', labelNames: ['stage'], buckets: [0, 1, 2, 5, 10], registers: [metrics.registry] });
  const observe = (stage: string) => (t: { transactionMs: number; steps: Record<string, number>; records: number; oldestAgeMs: number; concurrentRetries: number }) => {
    concurrentRetries.observe({ stage }, t.concurrentRetries);
    txnSeconds.observe({ stage }, t.transactionMs / 1000);
    for (const [step, ms] of Object.entries(t.steps)) stepSeconds.observe({ stage, step }, ms / 1000);
    txnRecords.observe({ stage }, t.records);
    commitAge.observe({ stage }, t.oldestAgeMs / 1000);
  };
  const common = { kafka, logger: log, chunkSize: config.CHUNK_SIZE, transactionTimeoutMs: config.TRANSACTION_TIMEOUT_MS };
  const stages: Record<'judge' | 'correlate' | 'retro', TransactionalStage> = {
    judge: createTransactionalStage({ ...common, topic: topics.events, groupId: groups.judge, transactionalId: txnId('judge'), logic: judge, maxWaitMs: 20, observe: observe('judge') }),
    correlate: createTransactionalStage({ ...common, topic: topics.sightings, groupId: groups.correlate, transactionalId: txnId('correlate'), logic: correlate, minBytes: config.RULES_CORRELATE_FETCH_MIN_BYTES, maxWaitMs: config.RULES_CORRELATE_FETCH_MAX_WAIT_MS, observe: observe('correlate') }),
    retro: createTransactionalStage({ ...common, topic: topics.watchlist, groupId: groups.retro, transactionalId: txnId('retro'), logic: retro, fromBeginning: false, observe: observe('retro') }),
  };
  const running = config.RULES_STAGES.map((s) => stages[s]);

  let ready = false;
  const app = createHttpService({ logger: log, metrics, isReady: () => ready && running.every((s) => s.healthy()), brokenReason: () => running.map((s) => s.brokenReason()).find((r) => r !== undefined) });
  app.get('/api/v1/rules/stats', { schema: { hide: true } }, async () => ({
    holdsWatchlist,
    watchlistEntries: watchlist.size(),
    watchlistLoad: { ...watchlistLoad, recordsApplied: reference.watchlistRecordsApplied(), threads: reference.watchlistLoadThreads(), directRecords: reference.watchlistDirectRecords() },
    watchlistSnapshot: snapshots ? { path: snapshots.path, writes: snapshot.writes, lastAt: snapshot.writtenAtMs ? new Date(snapshot.writtenAtMs).toISOString() : undefined, lastBytes: snapshot.lastBytes, lastMs: snapshot.lastMs, lastError: snapshot.lastError } : null,
    rules: reference.allRules().length,
    judge: judge.stats(),
    correlate: correlate.stats(),
    retro: retro.stats(),
  }));

  return {
    app,
    async start() {
      const admin = kafka.admin();
      await admin.connect();
      let resume: WatchlistMark | undefined;
      try {
        const brokers = (await admin.describeCluster()).brokers.length;
        await ensureTopics(admin, { prefix: config.TOPIC_PREFIX, brokers });
        const meta = await retry(() => admin.fetchTopicMetadata({ topics: [topics.sightings, topics.verdicts] }));
        sightingsPartitions = meta.topics.find((t) => t.name === topics.sightings)?.partitions.length ?? 1;
        verdictsPartitions = meta.topics.find((t) => t.name === topics.verdicts)?.partitions.length ?? 1;
        if (snapshots) {
          const restored = await snapshots.restore(watchlist, admin);
          watchlistLoad = restored.outcome;
          resume = restored.mark;
          if (resume) Object.assign(snapshot, { written: positionsKey(resume.positions), writtenAtMs: Date.now() - (restored.outcome.ageMs ?? 0) });
        }
      } finally {
        await admin.disconnect();
      }
      const loadStarted = performance.now();
      try {
        await reference.start({ startAt: resume?.positions, lastKeys: resume?.lastKeys, introductions: resume?.introductions });
      } catch (err) {
        if (!(err instanceof WatchlistMismatch)) throw err;
        log.warn({ reason: err.message }, 'watchlist snapshot does not fit the topic (made again since?): reading the topic from the start');
        await reference.stop();
        watchlist.clear();
        watchlistLoad = { from: 'topic', reason: `snapshot does not fit the topic: ${err.message}` };
        snapshot.written = '';
        await reference.start();
      }
      watchlistLoad.ms = Math.round(performance.now() - loadStarted) + (watchlistLoad.ms ?? 0);
      for (const s of running) await s.start();
      ready = true;
      log.info({ entries: watchlist.size(), rules: reference.allRules().length, stages: config.RULES_STAGES, watchlistFrom: watchlistLoad.from, loadMs: watchlistLoad.ms }, 'rules ready');
      if (snapshots) {
        // After a full read, at once: the next start should not pay for it again.
        if (watchlistLoad.from === 'topic') void takeSnapshot(true);
        snapshotTimer = setInterval(() => void takeSnapshot(true), config.WATCHLIST_SNAPSHOT_MINUTES * MINUTE_MS);
        snapshotTimer.unref();
      }
    },
    async stop() {
      ready = false;
      clearInterval(snapshotTimer);
      await app.close();
      for (const s of running) await s.stop();
      await snapshotRun;
      await reference.stop();
      // Nothing changes the index any more: the last snapshot, taken without holding anything.
      await takeSnapshot(false);
      if (!deps.es) await es.close();
    },
  };
}
