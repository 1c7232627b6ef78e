import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';

export interface IdempotencyIndex {
  /** Body hash recorded for an event id, if the event is in the log within the window. */
  lookup(eventId: string): string | undefined;
  /** Records an event this instance just had acknowledged. */
  record(eventId: string, bodyHash: string): void;
  /** Reads the window of the events topic; resolves when caught up to the end as of start. */
  start(): Promise<void>;
  isCaughtUp(): boolean;
  size(): number;
  stop(): Promise<void>;
}

/**
 * Which event ids are already in the log, and with which body. Kafka is the source: every gateway
 * instance tails the events topic (all partitions, no shared group) from `now − window`, so the
 * knowledge survives restarts and is shared by all instances, lagging the log by milliseconds. The
 * window bounds memory (≈ 120 bytes an event); resubmissions older than it are accepted again and
 * de-duplicated downstream by eventId (indexer `_id`, rules seen-set).
 */
export function createIdempotencyIndex(deps: { kafka: Kafka; topic: string; windowMs: number; logger: Logger }): IdempotencyIndex {
  const log = deps.logger.child({ component: 'idempotency-index' });
  // Insertion order ≈ time order, so expiry pops from the front.
  const seen = new Map<string, { hash: string; at: number }>();
  let consumer: Consumer | undefined;
  let caughtUp = false;
  let sweeper: NodeJS.Timeout | undefined;

  const put = (eventId: string, hash: string, at: number) => {
    if (!seen.has(eventId)) seen.set(eventId, { hash, at });
  };
  const sweep = () => {
    const cutoff = Date.now() - deps.windowMs;
    for (const [id, v] of seen) {
      if (v.at >= cutoff) break;
      seen.delete(id);
    }
  };

  return {
    lookup: (id) => seen.get(id)?.hash,
    record: (id, hash) => put(id, hash, Date.now()),
    isCaughtUp: () => caughtUp,
    size: () => seen.size,
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const since = Date.now() - deps.windowMs;
      const [byTime, ends] = await retry(() => Promise.all([admin.fetchTopicOffsetsByTimestamp(deps.topic, since), admin.fetchTopicOffsets(deps.topic)]));
      await admin.disconnect();
      // A partition with nothing newer than `since` answers -1: start at its end.
      const starts = byTime.map((s) => ({ partition: s.partition, offset: s.offset === '-1' ? (ends.find((e) => e.partition === s.partition)?.high ?? '0') : s.offset }));
      // Partition → offset that must be consumed before this instance may answer "new event".
      const remaining = new Map<number, bigint>();
      for (const e of ends) if (BigInt(e.high) > BigInt(starts.find((s) => s.partition === e.partition)?.offset ?? e.high)) remaining.set(e.partition, BigInt(e.high) - 1n);
      let resolveCaughtUp!: () => void;
      const done = new Promise<void>((r) => (resolveCaughtUp = r));
      const markCaughtUp = () => {
        if (!caughtUp && remaining.size === 0) {
          caughtUp = true;
          log.info({ events: seen.size }, 'idempotency index caught up');
          resolveCaughtUp();
        }
      };

      consumer = deps.kafka.consumer({ groupId: `gateway-idempotency-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const id = m.headers?.['event-id']?.toString();
            const hash = m.headers?.['body-sha256']?.toString();
            if (id && hash) put(id, hash, Number(m.timestamp));
          }
          const want = remaining.get(batch.partition);
          if (want !== undefined && BigInt(batch.lastOffset()) >= want) remaining.delete(batch.partition);
          markCaughtUp();
        },
      });
      for (const s of starts) consumer.seek({ topic: deps.topic, partition: s.partition, offset: s.offset });
      markCaughtUp();
      sweeper = setInterval(sweep, 60_000);
      sweeper.unref();
      await done;
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await consumer?.disconnect();
    },
  };
}
