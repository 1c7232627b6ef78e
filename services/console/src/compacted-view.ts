import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';
import { READ_BYTES_PER_PARTITION, createBulkRead, type BulkRead } from '../../rules/src/watchlist/bulk-read';
import { logDirectRead, partitionLeaders, readDirect, type DirectRange } from '../../rules/src/watchlist/direct-read';
import { createPrepareWorkers, type PrepareWorkers } from '../../rules/src/watchlist/prepare-workers';

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
/**
 * Reading a big topic with worker threads (`services/rules/src/watchlist/bulk-read.ts`): from `fromRecords` records
 * at start, the values go to `threads` workers that prepare them, and `applyPrepared` applies one answer (the op byte
 * at `buf[at]` and what follows) for the record keyed `key`, returning where the next answer starts.
 */
export interface ViewBulkRead {
  threads: number;
  fromRecords: number;
  create?: (threads: number) => PrepareWorkers;
  applyPrepared(key: string, buf: Buffer, at: number): number;
  /**
   * With this, the workers fetch the records from the partition leaders themselves (`direct-read.ts`, as the rules
   * service reads its copy) and this applies one unit's answers (`RangeResult.out`); the consumer reads on from there.
   */
  applyRange?(buf: Buffer, onInvalid: (offset: number) => void): void;
  /** Offsets in a unit of the direct read (tests: many small units). */
  directUnitOffsets?: number;
}

export function createCompactedView<T>(deps: { kafka: Kafka; topic: string; parse: (raw: string) => T | undefined; logger: Logger; name: string; store?: ViewStore<T>; bulk?: ViewBulkRead }): CompactedView<T> {
  const log = deps.logger.child({ component: `${deps.name}-view` });
  const map = deps.store ?? mapStore<T>();
  let consumer: Consumer | undefined;
  let caughtUp = false;
  /** The threaded part of the read at start, while it lasts. */
  let bulk: BulkRead | undefined;
  /** Bumped by every stop: a read begun before it goes no further. */
  let generation = 0;

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
      const gen = generation;
      const admin = deps.kafka.admin();
      await admin.connect();
      const remaining = new Map<number, number>();
      const lows = new Map<number, number>();
      let backlog = 0;
      const b = deps.bulk;
      const withWorkers = () => b !== undefined && b.threads > 0 && backlog >= b.fromRecords;
      let leaders: Map<number, { host: string; port: number }> | undefined;
      try {
        for (const p of await retry(() => admin.fetchTopicOffsets(deps.topic)))
          if (Number(p.high) > Number(p.low)) {
            remaining.set(p.partition, Number(p.high) - 1);
            lows.set(p.partition, Number(p.low));
            backlog += Number(p.high) - Number(p.low);
          }
        if (withWorkers() && b?.applyRange)
          leaders = await partitionLeaders(admin, deps.topic).catch((err: unknown) => {
            log.warn({ err }, 'partition leaders unknown: reading through the consumer');
            return undefined;
          });
      } finally {
        await admin.disconnect();
      }
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const done = new Promise<void>((r, j) => ((resolve = r), (reject = j)));
      const started = Date.now();
      let failed = false;
      const applyOne = (key: string, value: Buffer | null, offset: string) => {
        if (!value) return map.delete(key);
        const v = deps.parse(value.toString('utf8'));
        if (v === undefined) log.warn({ key, offset }, 'invalid record skipped');
        else map.set(key, v);
      };
      /** Per partition, the next offset to apply, once the direct read applied some (records before it are skipped). */
      const positions = new Map<number, number>();
      let pool: PrepareWorkers | undefined;
      if (b && withWorkers()) {
        pool = (b.create ?? createPrepareWorkers)(b.threads);
        bulk = createBulkRead({
          workers: pool,
          threads: b.threads,
          applyChunk: (_p, records, buf) => {
            let at = 0;
            for (const r of records) at = b.applyPrepared(r.key, buf, at);
          },
          applyOnMain: (_p, records) => {
            for (const r of records) applyOne(r.key, r.value, r.offset);
          },
          failed: () => failed,
          fail: (err) => {
            failed = true;
            reject(err);
          },
          logger: log,
        });
        log.info({ records: backlog, threads: b.threads }, 'reading with worker threads');
      }
      const progress = setInterval(() => {
        if (!caughtUp) log.info({ size: map.size(), of: backlog, seconds: Math.round((Date.now() - started) / 1000) }, 'view still being read');
      }, 10_000);
      progress.unref();
      const check = () => {
        if (!caughtUp && remaining.size === 0) {
          caughtUp = true;
          clearInterval(progress);
          log.info({ size: map.size(), ms: Date.now() - started }, 'view caught up');
          // Later records are applied here; the workers go once their last answers are applied.
          const read = bulk;
          read?.retire(() => {
            if (bulk === read) bulk = undefined;
          });
          resolve();
        }
      };
      const whenApplied = (fn: () => void) => (bulk ? bulk.then(fn) : fn());
      consumer = deps.kafka.consumer({ groupId: `console-${deps.name}-${randomUUID()}`, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024, maxBytesPerPartition: READ_BYTES_PER_PARTITION });
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
        whenApplied(() => {
          const want = remaining.get(e.payload.partition);
          if (want !== undefined && Number(e.payload.lastOffset) >= want) {
            remaining.delete(e.payload.partition);
            check();
          }
        }),
      );
      if (b?.applyRange && pool && leaders) {
        const applyRange = b.applyRange;
        const ranges: DirectRange[] = [];
        for (const [partition, to] of remaining) {
          const leader = leaders.get(partition);
          if (leader) ranges.push({ partition, from: lows.get(partition) ?? 0, to, ...leader });
        }
        const t0 = Date.now();
        const outcome = await readDirect({
          workers: pool,
          threads: b.threads,
          topic: deps.topic,
          ranges,
          maxBytes: READ_BYTES_PER_PARTITION,
          unitOffsets: b.directUnitOffsets,
          apply: (partition, r) => applyRange(r.out, (offset) => log.warn({ partition, offset }, 'invalid record skipped')),
          failed: () => failed || gen !== generation,
        }).catch((err: unknown) => {
          clearInterval(progress);
          throw err;
        });
        if (gen !== generation) {
          // stop() came during the read: no consumer may start now. Like a read stopped later, this start does not settle.
          clearInterval(progress);
          await new Promise<never>(() => undefined);
        }
        for (const [partition, through] of outcome.readThrough) {
          positions.set(partition, through + 1);
          if (through >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
        }
        logDirectRead(log, outcome, t0, deps.name);
      }
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (failed) return;
          // Records the direct read applied (fetched before the seek below took effect) are not applied again.
          const from = positions.get(batch.partition);
          const messages = from === undefined ? batch.messages : batch.messages.filter((m) => Number(m.offset) >= from);
          if (bulk && !caughtUp) {
            const records = messages.map((m) => ({ offset: m.offset, key: m.key?.toString('utf8') ?? '', value: m.value }));
            if (records.length > 0) await bulk.submit(batch.partition, records);
            return;
          }
          // Records read here come after everything the workers were given.
          await bulk?.drained();
          for (const m of messages) applyOne(m.key?.toString('utf8') ?? '', m.value, m.offset);
        },
      });
      for (const [partition, offset] of positions) consumer.seek({ topic: deps.topic, partition, offset: String(offset) });
      check();
      await done;
    },
    async stop() {
      generation++;
      await consumer?.disconnect();
      await bulk?.close();
      bulk = undefined;
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
