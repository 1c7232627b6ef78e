import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';

export interface CompactedView<T> {
  /** Reads the topic from the start; resolves once caught up with its end as of start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isCaughtUp(): boolean;
  get(key: string): T | undefined;
  values(): IterableIterator<T>;
  size(): number;
  /** Applies a write this instance just made, so a read right after it sees it (Kafka confirms shortly). */
  applyLocal(key: string, value: T | undefined): void;
}

/** Where a view keeps the latest value per key (a Map unless the caller brings a more compact store). */
export interface ViewStore<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): void;
  values(): IterableIterator<T>;
  size(): number;
}

export function mapStore<T>(): ViewStore<T> {
  const map = new Map<string, T>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k), values: () => map.values(), size: () => map.size };
}

/**
 * An in-memory map of a compacted topic (watchlist entries, rules): latest value per key, tombstone =
 * delete, invalid values skipped. Every instance reads it whole with a group of its own.
 */
export function createCompactedView<T>(deps: { kafka: Kafka; topic: string; parse: (raw: string) => T | undefined; logger: Logger; name: string; store?: ViewStore<T> }): CompactedView<T> {
  const log = deps.logger.child({ component: `${deps.name}-view` });
  const map = deps.store ?? mapStore<T>();
  let consumer: Consumer | undefined;
  let caughtUp = false;

  return {
    isCaughtUp: () => caughtUp,
    get: (k) => map.get(k),
    values: () => map.values(),
    size: () => map.size(),
    applyLocal(k, v) {
      if (v === undefined) map.delete(k);
      else map.set(k, v);
    },
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const remaining = new Map<number, number>();
      try {
        for (const p of await retry(() => admin.fetchTopicOffsets(deps.topic))) if (Number(p.high) > Number(p.low)) remaining.set(p.partition, Number(p.high) - 1);
      } finally {
        await admin.disconnect();
      }
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      const check = () => {
        if (!caughtUp && remaining.size === 0) {
          caughtUp = true;
          log.info({ size: map.size() }, 'view caught up');
          resolve();
        }
      };
      consumer = deps.kafka.consumer({ groupId: `console-${deps.name}-${randomUUID()}`, maxWaitTimeInMs: 200, maxBytes: 20 * 1024 * 1024 });
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const want = remaining.get(e.payload.partition);
        if (want !== undefined && Number(e.payload.lastOffset) >= want) {
          remaining.delete(e.payload.partition);
          check();
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const key = m.key?.toString('utf8') ?? '';
            if (!m.value) {
              map.delete(key);
              continue;
            }
            const v = deps.parse(m.value.toString('utf8'));
            if (v === undefined) log.warn({ key, offset: m.offset }, 'invalid record skipped');
            else map.set(key, v);
          }
        },
      });
      check();
      await done;
    },
    async stop() {
      await consumer?.disconnect();
    },
  };
}

/** JSON.parse + a zod-like `safeParse`, undefined for anything invalid. */
export function parseJsonWith<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): (raw: string) => T | undefined {
  return (raw) => {
    try {
      const p = schema.safeParse(JSON.parse(raw));
      return p.success ? p.data : undefined;
    } catch {
      return undefined;
    }
  };
}
