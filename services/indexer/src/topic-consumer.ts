import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { Logger } from '../../../lib/logger';
import { toBulkOperation, type BulkOperation, type SourceTopics } from './bulk-operation';
import type { BulkWriter } from './bulk-writer';
import { sendDeadLetters, type Unindexable } from './dead-letters';
import type { IndexerMetrics } from './indexer-metrics';

export interface TopicConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True once the consumer joined its group (and until it crashes). */
  isJoined(): boolean;
  /** Why the consumer stopped for good (kafkajs will not restart it): only a restart of the process resumes indexing. */
  brokenReason(): string | undefined;
}

const HEARTBEAT_EVERY_MS = 3_000;

/**
 * Waits for the bulk writer while keeping the group membership alive: Elasticsearch may be down for
 * minutes and the batch must neither be committed nor lose its partition meanwhile. If the partition is
 * revoked (rebalance, stop) the write is abandoned and the error given to kafkajs, which rejoins; the
 * messages are consumed again by whoever owns the partition next.
 */
async function awaitAlive<T>(work: Promise<T>, p: Pick<EachBatchPayload, 'heartbeat' | 'isRunning' | 'isStale'>, abort: AbortController): Promise<T> {
  work.catch(() => undefined);
  for (;;) {
    const tick = new AbortController();
    const wait = new Promise<undefined>((r) => {
      const t = setTimeout(r, HEARTBEAT_EVERY_MS);
      tick.signal.addEventListener('abort', () => clearTimeout(t));
    });
    const done = await Promise.race([work.then((v) => ({ v })), wait]).finally(() => tick.abort());
    if (done) return done.v;
    if (!p.isRunning() || p.isStale()) {
      abort.abort();
      throw new Error('partition revoked while waiting for Elasticsearch');
    }
    try {
      await p.heartbeat();
    } catch (err) {
      abort.abort();
      throw err;
    }
  }
}

/**
 * The Kafka side of the indexer: one consumer group over events, hits, hit updates and audit (read
 * committed, so aborted rule transactions are never indexed). Offsets are resolved only after the bulk
 * writer reports every document of the batch indexed (or dead-lettered); kafkajs commits resolved
 * offsets after each batch, including batches of transaction markers only, so no lag is left behind.
 */
export function createTopicConsumer(deps: {
  kafka: Kafka;
  groupId: string;
  topics: SourceTopics & { deadLetters: string };
  indexPrefix: string;
  registry: CheckpointRegistry;
  writer: BulkWriter;
  concurrency: number;
  /** Broker-side batching of fetches (see INDEXER_FETCH_MIN_BYTES). */
  fetch?: { minBytes: number; maxWaitMs: number };
  metrics: IndexerMetrics;
  logger: Logger;
}): TopicConsumer {
  const log = deps.logger.child({ component: 'topic-consumer' });
  const ctx = { topics: deps.topics, indexPrefix: deps.indexPrefix, registry: deps.registry };
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let joined = false;
  let broken: string | undefined;

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale()) return;
    const ops: BulkOperation[] = [];
    const dead: Unindexable[] = [];
    const opSource: Array<{ offset: string; raw: string }> = [];
    for (const m of batch.messages) {
      const raw = m.value?.toString('utf8') ?? '';
      const parsed = m.value ? toBulkOperation(batch.topic, raw, ctx) : { ok: false as const, reason: 'empty message' };
      if (parsed.ok) {
        ops.push(parsed.op);
        opSource.push({ offset: m.offset, raw });
      } else dead.push({ sourceTopic: batch.topic, partition: batch.partition, offset: m.offset, reason: parsed.reason, payload: raw });
    }
    const abort = new AbortController();
    const outcomes = await awaitAlive(deps.writer.write(ops, abort.signal), payload, abort);
    let indexed = 0;
    let duplicates = 0;
    outcomes.forEach((o, i) => {
      if (o.result === 'dead') dead.push({ sourceTopic: batch.topic, partition: batch.partition, offset: opSource[i]!.offset, reason: o.reason, payload: opSource[i]!.raw });
      else if (o.result === 'duplicate') duplicates++;
      else indexed++;
    });
    if (dead.length) {
      await sendDeadLetters(producer!, deps.topics.deadLetters, dead);
      log.warn({ topic: batch.topic, partition: batch.partition, count: dead.length, first: dead[0]!.reason }, 'unindexable messages sent to dead letters');
    }
    deps.metrics.documents.inc({ topic: batch.topic, result: 'indexed' }, indexed);
    deps.metrics.documents.inc({ topic: batch.topic, result: 'duplicate' }, duplicates);
    deps.metrics.documents.inc({ topic: batch.topic, result: 'dead' }, dead.length);
    // A revoked partition's new owner consumes these messages again; committing here would race it.
    if (!isRunning() || isStale()) return;
    resolveOffset(batch.lastOffset());
    deps.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    await heartbeat();
  };

  return {
    isJoined: () => joined,
    brokenReason: () => broken,
    async start() {
      producer = deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      consumer = deps.kafka.consumer({
        groupId: deps.groupId,
        readUncommitted: false,
        sessionTimeout: 30_000,
        heartbeatInterval: HEARTBEAT_EVERY_MS,
        minBytes: deps.fetch?.minBytes ?? 1,
        maxWaitTimeInMs: deps.fetch?.maxWaitMs ?? 100,
        maxBytesPerPartition: 2 * 1024 * 1024,
        maxBytes: 32 * 1024 * 1024,
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        joined = true;
      });
      consumer.on(consumer.events.CRASH, (e) => {
        joined = false;
        if (!e.payload.restart) broken = `indexer consumer stopped for good (${e.payload.error?.message ?? 'error'})`;
        log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.events, deps.topics.hits, deps.topics.hitUpdates, deps.topics.audit], fromBeginning: true });
      await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, partitionsConsumedConcurrently: deps.concurrency, eachBatch });
    },
    async stop() {
      joined = false;
      await consumer?.disconnect();
      await producer?.disconnect();
    },
  };
}
