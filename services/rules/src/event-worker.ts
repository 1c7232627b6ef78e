import type { Consumer, Kafka, Message, Producer } from 'kafkajs';
import { EventSchema, type Hit } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { Logger } from '../../../lib/logger';
import { evaluateEvent } from './evaluate-event';
import { buildHit } from './hit-builder';
import type { ReferenceData } from './reference-loader';
import type { WatchlistIndex } from './simple-watchlist';

export interface EventWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { events: number; hits: number; deadLetters: number };
}

const RECENT_HITS_MAX = 200_000;

/**
 * Consume → judge → produce inside one Kafka transaction per batch: the hits, one verdict per event and
 * the consumer offsets commit together or not at all, so after any crash a read-committed reader sees each
 * hit once. Poison messages go to the dead-letter topic in the same transaction.
 */
export function createEventWorker(deps: {
  kafka: Kafka;
  topics: { events: string; hits: string; verdicts: string; deadLetters: string };
  groupId: string;
  transactionalId: string;
  watchlist: WatchlistIndex;
  reference: ReferenceData;
  registry: CheckpointRegistry;
  logger: Logger;
  onHits?: (hits: Hit[]) => void;
}): EventWorker {
  const log = deps.logger.child({ component: 'event-worker' });
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  // Hits recently raised, for cool-down updates; only changed after the transaction committed.
  const recent = new Map<string, Hit>();
  const seen = new Map<string, number>();
  const counters = { events: 0, hits: 0, deadLetters: 0 };

  return {
    stats: () => ({ ...counters }),
    async start() {
      producer = deps.kafka.producer({ transactionalId: deps.transactionalId, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      consumer = deps.kafka.consumer({ groupId: deps.groupId, readUncommitted: false, maxWaitTimeInMs: 10, minBytes: 1, maxBytes: 4 * 1024 * 1024, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topics.events, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (!isRunning() || isStale() || batch.messages.length === 0) return;
          const now = new Date();
          const rules = deps.reference.enabledRules();
          const staged = new Map<string, Hit>();
          const out: { hits: Message[]; verdicts: Message[]; dead: Message[] } = { hits: [], verdicts: [], dead: [] };
          for (const m of batch.messages) {
            const raw = m.value?.toString() ?? '';
            let json: unknown;
            try {
              json = JSON.parse(raw);
            } catch {
              json = undefined;
            }
            const parsed = EventSchema.safeParse(json);
            if (!parsed.success) {
              out.dead.push({ key: batch.topic, value: JSON.stringify({ schemaVersion: 1, sourceTopic: batch.topic, partition: batch.partition, offset: m.offset, reason: json === undefined ? 'not JSON' : parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('/')}: ${i.message}`).join('; '), payload: raw.slice(0, 100_000), at: now.toISOString(), service: 'rules' }) });
              continue;
            }
            const e = parsed.data;
            if (seen.has(e.eventId)) continue;
            const eventHits: Hit[] = [];
            for (const d of evaluateEvent(e, { watchlist: deps.watchlist, rules, registry: deps.registry })) {
              const probe = buildHit(d, e, deps.registry, undefined, now);
              const previous = staged.get(probe.hitId) ?? recent.get(probe.hitId);
              const hit = previous ? buildHit(d, e, deps.registry, previous, now) : probe;
              if (previous === hit) continue;
              staged.set(hit.hitId, hit);
              eventHits.push(hit);
              out.hits.push({ key: hit.hitId, value: JSON.stringify(hit), headers: { 'event-id': e.eventId } });
            }
            out.verdicts.push({ key: e.eventId, value: JSON.stringify({ schemaVersion: 1, eventId: e.eventId, judgedAt: now.toISOString(), hits: eventHits }) });
          }
          const txn = await producer!.transaction();
          try {
            const topicMessages = [
              { topic: deps.topics.hits, messages: out.hits },
              { topic: deps.topics.verdicts, messages: out.verdicts },
              { topic: deps.topics.deadLetters, messages: out.dead },
            ].filter((t) => t.messages.length > 0);
            if (topicMessages.length) await txn.sendBatch({ topicMessages, acks: -1 });
            await txn.sendOffsets({ consumerGroupId: deps.groupId, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }] });
            await txn.commit();
          } catch (err) {
            log.warn({ err }, 'transaction failed; the batch will be consumed again');
            await txn.abort().catch(() => undefined);
            throw err;
          }
          // Committed: now the in-memory state may move forward.
          for (const m of batch.messages) {
            const id = m.headers?.['event-id']?.toString();
            if (id) seen.set(id, Date.now());
          }
          for (const [id, h] of staged) {
            recent.delete(id);
            recent.set(id, h);
          }
          while (recent.size > RECENT_HITS_MAX) recent.delete(recent.keys().next().value!);
          while (seen.size > 2_000_000) seen.delete(seen.keys().next().value!);
          counters.events += batch.messages.length;
          counters.hits += out.hits.length;
          counters.deadLetters += out.dead.length;
          if (staged.size) deps.onHits?.([...staged.values()]);
          resolveOffset(batch.lastOffset());
          await heartbeat();
        },
      });
    },
    async stop() {
      await consumer?.disconnect();
      await producer?.disconnect();
    },
  };
}
