import type { Client } from '@elastic/elasticsearch';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { AuditRecordSchema, EventSchema, HitSchema } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { Logger } from '../../../lib/logger';
import { indexFor } from '../../../infra/elasticsearch/templates';
import { eventDocument, hitDocument } from './documents';

export interface BulkIndexer {
  start(): Promise<void>;
  stop(): Promise<void>;
  isHealthy(): boolean;
  stats(): { indexed: number; deadLetters: number; retries: number };
}

type Op = { action: Record<string, unknown>; doc: Record<string, unknown>; source: { topic: string; partition: number; offset: string; raw: string } };

/**
 * Kafka → Elasticsearch with `_id` = eventId / hitId / recordId, so a replay never doubles a document.
 * Offsets are committed only after Elasticsearch accepted the batch; while it is down the batch is
 * retried with capped backoff (the consumer keeps its partitions by heart-beating) and nothing is lost.
 * Documents Elasticsearch can never take (mapping errors, invalid messages) go to the dead-letter topic.
 */
export function createBulkIndexer(deps: { ensureTemplates: () => Promise<void>; kafka: Kafka; es: Client; indexPrefix: string; topics: { events: string; hits: string; hitUpdates: string; audit: string; deadLetters: string }; groupId: string; registry: CheckpointRegistry; logger: Logger }): BulkIndexer {
  const log = deps.logger.child({ component: 'bulk-indexer' });
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let healthy = true;
  let stopping = false;
  // Templates must exist before the first document, or Elasticsearch would guess the mappings.
  let templatesReady = false;
  const counters = { indexed: 0, deadLetters: 0, retries: 0 };

  const toOp = (topic: string, raw: string): Omit<Op, 'source'> | { invalid: string } => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { invalid: 'not JSON' };
    }
    if (topic === deps.topics.events) {
      const p = EventSchema.safeParse(json);
      if (!p.success) return { invalid: p.error.issues[0]?.message ?? 'invalid event' };
      return { action: { index: { _index: indexFor(deps.indexPrefix, 'events', p.data.occurredAt), _id: p.data.eventId } }, doc: eventDocument(p.data, deps.registry) };
    }
    if (topic === deps.topics.hits || topic === deps.topics.hitUpdates) {
      const p = HitSchema.safeParse(json);
      if (!p.success) return { invalid: p.error.issues[0]?.message ?? 'invalid hit' };
      // External versioning: an older version arriving late never overwrites a newer one.
      return { action: { index: { _index: indexFor(deps.indexPrefix, 'hits', p.data.occurredAt), _id: p.data.hitId, version: p.data.version, version_type: 'external_gte' } }, doc: hitDocument(p.data) };
    }
    const p = AuditRecordSchema.safeParse(json);
    if (!p.success) return { invalid: p.error.issues[0]?.message ?? 'invalid audit record' };
    return { action: { index: { _index: indexFor(deps.indexPrefix, 'audit', p.data.at), _id: p.data.recordId } }, doc: { ...p.data, record: p.data } };
  };

  /** Sends the ops until every one is either indexed or known to be unindexable; returns the latter. */
  const index = async (ops: Op[], heartbeat: () => Promise<void>): Promise<Array<{ op: Op; reason: string }>> => {
    let pending = ops;
    const dead: Array<{ op: Op; reason: string }> = [];
    let delay = 200;
    while (pending.length && !stopping) {
      try {
        if (!templatesReady) {
          await deps.ensureTemplates();
          templatesReady = true;
        }
        const res = await deps.es.bulk({ operations: pending.flatMap((o) => [o.action, o.doc]) });
        const retry: Op[] = [];
        res.items.forEach((item, i) => {
          const r = Object.values(item)[0]!;
          const op = pending[i]!;
          if (r.status < 300 || r.status === 409) return;
          if (r.status === 429 || r.status >= 500) retry.push(op);
          else dead.push({ op, reason: `${r.status} ${r.error?.type ?? ''}: ${r.error?.reason ?? ''}` });
        });
        counters.indexed += pending.length - retry.length;
        pending = retry;
        healthy = true;
        if (!pending.length) break;
      } catch (err) {
        healthy = false;
        counters.retries++;
        log.warn({ err: (err as Error).message, pending: pending.length, delayMs: delay }, 'Elasticsearch unavailable; retrying');
      }
      await heartbeat().catch(() => undefined);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
    if (pending.length) throw new Error('stopping with documents not indexed; they will be consumed again');
    return dead;
  };

  return {
    isHealthy: () => healthy,
    stats: () => ({ ...counters }),
    async start() {
      producer = deps.kafka.producer({ idempotent: true });
      await producer.connect();
      consumer = deps.kafka.consumer({ groupId: deps.groupId, readUncommitted: false, maxBytes: 16 * 1024 * 1024, maxWaitTimeInMs: 200, sessionTimeout: 60_000 });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.events, deps.topics.hits, deps.topics.hitUpdates, deps.topics.audit], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
          if (!isRunning() || isStale() || !batch.messages.length) return;
          const ops: Op[] = [];
          const invalid: Array<{ op: Op; reason: string }> = [];
          for (const m of batch.messages) {
            const raw = m.value?.toString() ?? '';
            const source = { topic: batch.topic, partition: batch.partition, offset: m.offset, raw };
            const o = toOp(batch.topic, raw);
            if ('invalid' in o) invalid.push({ op: { action: {}, doc: {}, source }, reason: o.invalid });
            else ops.push({ ...o, source });
          }
          const dead = [...invalid, ...(await index(ops, heartbeat))];
          if (dead.length) {
            await producer!.send({
              topic: deps.topics.deadLetters,
              acks: -1,
              messages: dead.map((d) => ({ key: d.op.source.topic, value: JSON.stringify({ schemaVersion: 1, sourceTopic: d.op.source.topic, partition: d.op.source.partition, offset: d.op.source.offset, reason: d.reason, payload: d.op.source.raw.slice(0, 100_000), at: new Date().toISOString(), service: 'indexer' }) })),
            });
            counters.deadLetters += dead.length;
          }
          resolveOffset(batch.lastOffset());
          await consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
          await commitOffsetsIfNecessary();
          await heartbeat();
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer?.disconnect();
      await producer?.disconnect();
    },
  };
}
