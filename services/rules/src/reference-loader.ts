import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { RuleSchema, parseWatchlistEntry, type Rule, safeParse } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';
import { oldestFirst } from '../../../lib/oldest-first';
import { retry } from '../../../lib/retry';
import { parseJson } from './dead-letter';
import type { WatchlistStore } from './watchlist-port';
import type { CompactWatchlist } from './watchlist/compact-watchlist';
import { applyAnswer, applyRangeAnswers, createPrepareWorkers, nextAnswer, type PrepareWorkers, type RangeResult } from './watchlist/prepare-workers';
import { logDirectRead, partitionLeaders, readDirect, type DirectRange } from './watchlist/direct-read';
import { READ_BYTES_PER_PARTITION, createBulkRead, type BulkRead, type PendingRecord } from './watchlist/bulk-read';

export interface ReferenceData {
  /**
   * Seeds the default rules into an empty `rules.v1`, then resolves once both compacted topics were read to the end
   * offsets seen at start.
   * `startAt`: resume the watchlist topic from these offsets (a restored snapshot holds everything before them);
   * `lastKeys`: the key of the record just before each, which must still be there — otherwise start rejects with a
   * `WatchlistMismatch` (the topic was made again since the snapshot) and the caller reads it from the start.
   */
  start(opts?: { startAt?: Map<number, bigint>; lastKeys?: Map<number, string>; introductions?: string[] }): Promise<void>;
  stop(): Promise<void>;
  enabledRules(): Rule[];
  allRules(): Rule[];
  isCaughtUp(): boolean;
  /** Next watchlist offset this instance has applied, per partition. */
  watchlistPosition(partition: number): bigint;
  /**
   * True if the watchlist record at partition/offset introduced an entry id or changed its key, and
   * arrived after the retro-hunt group last committed (a new entry, not the initial load).
   */
  isIntroduction(partition: number, offset: string): boolean;
  /** Next watchlist offset applied for every partition of the topic (known once started), and the key of the record before it. */
  watchlistMark(): WatchlistMark;
  /**
   * Runs `task` (a snapshot write) while no watchlist record is applied: records that arrive meanwhile wait and
   * are applied after it, so the index and the mark it is given stay consistent. Lookups go on.
   */
  holdWatchlist<T>(task: (mark: WatchlistMark) => Promise<T>): Promise<T>;
  /** Watchlist records applied since start (a warm start applies only those after its snapshot). */
  watchlistRecordsApplied(): number;
  /** Worker threads the last start read the watchlist with (0: the main thread alone; see `loadWorkers`). */
  watchlistLoadThreads(): number;
  /** Records of the last start the workers fetched straight from the partition leaders (`loadWorkers.direct`). */
  watchlistDirectRecords(): number;
}

const MAX_INTRODUCTIONS = 100_000;
/** At most this many entries' room is reserved in advance for a read (~400 MB of tables); past it the tables grow. */
const MAX_RESERVE = 10_000_000;

export interface WatchlistMark {
  positions: Map<number, bigint>;
  lastKeys: Map<number, string>;
  /** Records (`partition:offset`) that introduced an entry: a retro-hunt behind them after a restart must still hunt them. */
  introductions: string[];
}

/** The watchlist topic does not hold, where a snapshot says it should, the record the snapshot saw last. */
export class WatchlistMismatch extends Error {}

/**
 * Every instance holds the whole watchlist and rule set: it reads both compacted topics from the start with
 * a consumer group of its own, then keeps applying changes as they arrive (well within a second).
 */
export function createReferenceData(deps: {
  kafka: Kafka;
  topics: { watchlist: string; rules: string };
  /** Where the watchlist is loaded; without one only the rules are read (a correlation-only process looks no entry up). */
  watchlist?: WatchlistStore;
  defaults: readonly Rule[];
  /** The retro-hunt group, whose committed offsets separate new entries from ones already hunted. */
  retroGroupId: string;
  /**
   * Worker threads that parse and check watchlist records while the main thread applies them, used when a start
   * has at least `fromRecords` watchlist records to read (a cold start of a big list) and the store takes prepared
   * entries. `threads: 0` reads everything on the main thread.
   */
  loadWorkers?: {
    threads: number;
    fromRecords: number;
    /**
     * The workers fetch the records they prepare straight from the partition leaders (`direct-read.ts`) instead of
     * kafkajs fetching them on the main thread (default true); the consumer reads on from where that read stopped.
     */
    direct?: boolean;
    /** Offsets in a unit of the direct read (tests: many small units). */
    directUnitOffsets?: number;
    /** Makes the pool (tests give a failing one). */
    create?: (threads: number) => PrepareWorkers;
  };
  logger: Logger;
}): ReferenceData {
  const log = deps.logger.child({ component: 'reference-data' });
  const rules = new Map<string, Rule>();
  const positions = new Map<number, bigint>();
  const introductions = new Set<string>();
  let oldestIntroduction = oldestFirst(introductions);
  let retroFrom = new Map<number, bigint>();
  let consumer: Consumer | undefined;
  let caughtUp = false;
  let held: Promise<unknown> | undefined;
  let applied = 0;
  const lastKeys = new Map<number, string>();
  /** Per partition, the record a resumed snapshot expects first. */
  let expected = new Map<number, { offset: bigint; key: string }>();
  let mismatch: ((err: Error) => void) | undefined;
  let failed = false;
  /** The snapshot write in progress, if any (a function: read again after every await). */
  const holding = () => held;
  /** Bumped by every start and stop: a threaded read of an earlier start applies nothing after it. */
  let generation = 0;
  /** Per watchlist partition, the last offset at start: only records up to it may go to the workers. */
  let bulkUpTo = new Map<number, bigint>();
  /** The parallel read of a big backlog (see `loadWorkers`), while it lasts. */
  let bulk: BulkRead | undefined;
  let loadThreads = 0;
  let directRecords = 0;

  const seedIfEmpty = async (ends: Array<{ partition: number; high: string; low: string }>) => {
    if (ends.some((p) => BigInt(p.high) > BigInt(p.low))) return false;
    const producer = deps.kafka.producer({ idempotent: true });
    await producer.connect();
    try {
      await producer.send({ topic: deps.topics.rules, acks: -1, messages: deps.defaults.map((r) => ({ key: r.ruleId, value: JSON.stringify({ ...r, updatedBy: 'rules-service (default)' }) })) });
    } finally {
      await producer.disconnect();
    }
    log.info({ rules: deps.defaults.length }, 'rules topic was empty: default rule set seeded');
    return true;
  };

  /** Checks a watchlist record against the snapshot and the position, and moves the position past it; false: skip it. */
  const track = (partition: number, offset: string, key: string): boolean => {
    const at = BigInt(offset);
    const want = expected.get(partition);
    if (want && at >= want.offset) {
      expected.delete(partition);
      // A later offset: compaction removed that record (a newer one of its key follows), which proves nothing either way.
      if (at === want.offset && key !== want.key) {
        mismatch?.(new WatchlistMismatch(`partition ${partition} offset ${offset} holds ${key}, the snapshot saw ${want.key} there`));
        return false;
      }
    }
    // Already in the index (restored from a snapshot, or fetched again before a seek took effect).
    if (at < (positions.get(partition) ?? 0n)) return false;
    positions.set(partition, at + 1n);
    lastKeys.set(partition, key);
    applied++;
    return true;
  };

  /** A record a worker prepared (`op` and, for a put, the entry at `buf[at…]`); returns where the next op starts. */
  const applyPrepared = (watchlist: CompactWatchlist, partition: number, offset: string, key: string, buf: Buffer, at: number): number =>
    track(partition, offset, key) ? applyAnswer(watchlist, key, buf, at, () => log.warn({ partition, offset }, 'invalid watchlist entry skipped')) : nextAnswer(buf, at);

  /**
   * A chunk of one partition's consecutive records, as a worker prepared them. When it lies wholly past the position
   * and no snapshot check is due there, the position moves once for the chunk instead of once a record.
   */
  const applyChunk = (watchlist: CompactWatchlist, partition: number, records: PendingRecord[], buf: Buffer) => {
    let at = 0;
    const first = BigInt(records[0]!.offset);
    if (expected.has(partition) || first < (positions.get(partition) ?? 0n)) {
      for (const r of records) at = applyPrepared(watchlist, partition, r.offset, r.key, buf, at);
      return;
    }
    const last = records[records.length - 1]!;
    positions.set(partition, BigInt(last.offset) + 1n);
    lastKeys.set(partition, last.key);
    applied += records.length;
    let r = records[0]!;
    const invalid = () => log.warn({ partition, offset: r.offset }, 'invalid watchlist entry skipped');
    for (r of records) at = applyAnswer(watchlist, r.key, buf, at, invalid);
  };

  /** A unit of a direct read (`direct-read.ts`): records past the position, prepared, with the last one's offset and key. */
  const applyDirect = (watchlist: CompactWatchlist, partition: number, r: RangeResult) => {
    if (r.records === 0) return;
    applyRangeAnswers(watchlist, r.out, (offset) => log.warn({ partition, offset: String(offset) }, 'invalid watchlist entry skipped'));
    // Only once all of it is in the index (an exception above fails the start: nothing may count as read).
    positions.set(partition, BigInt(r.lastOffset) + 1n);
    lastKeys.set(partition, r.lastKey ?? '');
    applied += r.records;
  };

  const applyWatchlist = (watchlist: WatchlistStore, partition: number, offset: string, key: string, value: Buffer | null) => {
    if (!track(partition, offset, key)) return;
    if (!value) {
      watchlist.remove(key);
      return;
    }
    const parsed = parseWatchlistEntry(parseJson(value.toString()));
    if (!parsed.success) {
      log.warn({ partition, offset }, 'invalid watchlist entry skipped');
      return;
    }
    const entry = parsed.data;
    const from = retroFrom.get(partition);
    if (caughtUp || (from !== undefined && BigInt(offset) >= from)) {
      // Only records past the retro-hunt group's position can be introductions: the initial load skips the lookup.
      const before = watchlist.get(entry.entryId);
      if (!before || before.key !== entry.key || before.kind !== entry.kind) {
        introductions.add(`${partition}:${offset}`);
        if (introductions.size > MAX_INTRODUCTIONS) oldestIntroduction.evict();
      }
    }
    watchlist.upsert(entry);
  };

  /**
   * The workers read what they may of the watchlist straight from the leaders (`direct-read.ts`): every partition
   * from its position up to the end seen at start, or to just before the retro-hunt group's offset (records from
   * there may be new entries, which the main thread's path marks). Returns, per partition, the offset read through.
   */
  const readDirectly = async (watchlist: CompactWatchlist, pool: PrepareWorkers, threads: number, leaders: Map<number, { host: string; port: number }>, gen: number) => {
    const ranges: DirectRange[] = [];
    for (const [partition, upTo] of bulkUpTo) {
      const leader = leaders.get(partition);
      if (!leader || expected.has(partition)) continue; // a snapshot's record to check first: the consumer's way
      const retro = retroFrom.get(partition);
      const to = retro !== undefined && retro - 1n < upTo ? retro - 1n : upTo;
      const from = positions.get(partition) ?? 0n;
      if (to >= from && to <= BigInt(Number.MAX_SAFE_INTEGER)) ranges.push({ partition, from: Number(from), to: Number(to), ...leader });
    }
    if (ranges.length === 0) return new Map<number, number>();
    const t0 = Date.now();
    const outcome = await readDirect({
      workers: pool,
      threads,
      topic: deps.topics.watchlist,
      ranges,
      maxBytes: READ_BYTES_PER_PARTITION,
      unitOffsets: deps.loadWorkers?.directUnitOffsets,
      apply: (partition, r) => applyDirect(watchlist, partition, r),
      held: holding,
      failed: () => failed || gen !== generation,
    });
    if (gen !== generation) return outcome.readThrough;
    directRecords = outcome.records;
    logDirectRead(log, outcome, t0, 'watchlist');
    return outcome.readThrough;
  };

  const subscribed = deps.watchlist ? [deps.topics.watchlist, deps.topics.rules] : [deps.topics.rules];

  return {
    isCaughtUp: () => caughtUp,
    allRules: () => [...rules.values()],
    enabledRules: () => [...rules.values()].filter((r) => r.enabled),
    watchlistPosition: (p) => positions.get(p) ?? 0n,
    isIntroduction: (p, o) => introductions.has(`${p}:${o}`),
    watchlistMark: () => ({ positions: new Map(positions), lastKeys: new Map(lastKeys), introductions: [...introductions] }),
    watchlistRecordsApplied: () => applied,
    watchlistLoadThreads: () => loadThreads,
    watchlistDirectRecords: () => directRecords,
    async holdWatchlist(task) {
      while (held) await held.catch(() => undefined);
      const run = task({ positions: new Map(positions), lastKeys: new Map(lastKeys), introductions: [...introductions] });
      held = run;
      try {
        return await run;
      } finally {
        held = undefined;
      }
    },
    async start(opts = {}) {
      await bulk?.close();
      bulk = undefined;
      const startAt = opts.startAt;
      for (const m of [positions, lastKeys, rules, introductions]) m.clear();
      oldestIntroduction = oldestFirst(introductions);
      // Records before the snapshot's offsets are not read again: which of them were new entries comes with it.
      for (const x of opts.introductions ?? []) introductions.add(x);
      expected = new Map();
      failed = false;
      generation++;
      bulkUpTo = new Map();
      applied = 0;
      caughtUp = false;
      const admin = deps.kafka.admin();
      await admin.connect();
      const ends = new Map<string, bigint>();
      let backlog = 0;
      const threads = deps.loadWorkers?.threads ?? 0;
      const withWorkers = () => deps.watchlist !== undefined && 'upsertPrepared' in deps.watchlist && threads > 0 && backlog >= (deps.loadWorkers?.fromRecords ?? 0);
      /** Where each watchlist partition's leader listens, for a direct read (`direct-read.ts`). */
      let leaders: Map<number, { host: string; port: number }> | undefined;
      try {
        let ruleOffsets = await retry(() => admin.fetchTopicOffsets(deps.topics.rules));
        if (await seedIfEmpty(ruleOffsets)) ruleOffsets = await retry(() => admin.fetchTopicOffsets(deps.topics.rules));
        const wlOffsets = deps.watchlist ? await retry(() => admin.fetchTopicOffsets(deps.topics.watchlist)) : [];
        for (const p of wlOffsets) {
          const from = startAt?.get(p.partition) ?? BigInt(p.low);
          positions.set(p.partition, from);
          const key = opts.lastKeys?.get(p.partition);
          // Read from the record before, to see it is the one the snapshot saw (it is never compacted away unless a newer one follows).
          if (startAt && key !== undefined && from > BigInt(p.low)) {
            expected.set(p.partition, { offset: from - 1n, key });
            lastKeys.set(p.partition, key);
          }
          const readFrom = expected.has(p.partition) ? from - 1n : from;
          if (BigInt(p.high) > readFrom) {
            ends.set(`${deps.topics.watchlist}:${p.partition}`, BigInt(p.high) - 1n);
            bulkUpTo.set(p.partition, BigInt(p.high) - 1n);
            backlog += Number(BigInt(p.high) - readFrom);
          }
        }
        for (const p of ruleOffsets) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${deps.topics.rules}:${p.partition}`, BigInt(p.high) - 1n);
        // Right after a broker starts, the group coordinator may still be loading (NOT_COORDINATOR): retry.
        const [retro] = await retry(() => admin.fetchOffsets({ groupId: deps.retroGroupId, topics: [deps.topics.watchlist] }));
        retroFrom = new Map((retro?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, BigInt(p.offset)]));
        if (withWorkers() && deps.loadWorkers?.direct !== false)
          leaders = await partitionLeaders(admin, deps.topics.watchlist).catch((err: unknown) => {
            log.warn({ err }, 'watchlist partition leaders unknown: reading through the consumer');
            return undefined;
          });
      } finally {
        await admin.disconnect();
      }
      const started = Date.now();
      // Room for what is about to be read (a compacted topic holds about one record an entry).
      // (Offsets, not records: on a compacted topic the range can be several times the records left, so capped.)
      if (deps.watchlist && 'reserve' in deps.watchlist) (deps.watchlist as CompactWatchlist).reserve(Math.min(deps.watchlist.size() + backlog, MAX_RESERVE));
      loadThreads = 0;
      directRecords = 0;
      let pool: PrepareWorkers | undefined;
      if (withWorkers()) {
        const watchlist = deps.watchlist as CompactWatchlist;
        const gen = generation;
        pool = (deps.loadWorkers?.create ?? createPrepareWorkers)(threads);
        bulk = createBulkRead({
          workers: pool,
          threads,
          applyChunk: (partition, records, buf) => applyChunk(watchlist, partition, records, buf),
          applyOnMain: (partition, records) => {
            for (const r of records) applyWatchlist(watchlist, partition, r.offset, r.key, r.value);
          },
          held: holding,
          failed: () => failed || gen !== generation,
          fail: (err) => {
            failed = true;
            mismatch?.(err);
          },
          logger: log,
        });
        loadThreads = threads;
        log.info({ records: backlog, threads }, 'reading the watchlist with worker threads');
      }
      // A long read says how far it is (10 million entries take about a minute).
      const progress = setInterval(() => {
        if (!caughtUp) log.info({ applied, of: backlog, seconds: Math.round((Date.now() - started) / 1000) }, 'watchlist read in progress');
      }, 10_000);
      progress.unref();
      let resolve!: () => void;
      const done = new Promise<void>((r, reject) => {
        resolve = r;
        mismatch = (err) => {
          failed = true;
          reject(err);
        };
      });
      const check = () => {
        if (caughtUp || ends.size > 0) return;
        caughtUp = true;
        clearInterval(progress);
        // Everything from here on is read on the main thread; the workers go once their last answers are applied.
        const read = bulk;
        read?.retire(() => {
          if (bulk === read) bulk = undefined;
        });
        log.info({ entries: deps.watchlist?.size() ?? 'not loaded', rules: rules.size, ms: Date.now() - started }, deps.watchlist ? 'watchlist and rules loaded' : 'rules loaded (this process holds no watchlist)');
        resolve();
      };
      consumer = deps.kafka.consumer({ groupId: `rules-reference-${randomUUID()}`, maxWaitTimeInMs: 200, maxBytes: 50 * 1024 * 1024, maxBytesPerPartition: READ_BYTES_PER_PARTITION, readUncommitted: false });
      const reached = (topic: string, partition: number, lastOffset: string) => {
        const want = ends.get(`${topic}:${partition}`);
        if (want !== undefined && BigInt(lastOffset) >= want) ends.delete(`${topic}:${partition}`);
      };
      // Batches holding only transaction markers (trace-back entries are written transactionally) reach no handler.
      // With workers, a partition counts as read once what came before is applied, not merely fetched.
      const whenApplied = (fn: () => void) => (bulk ? bulk.then(fn) : fn());
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        whenApplied(() => {
          reached(payload.topic, payload.partition, payload.lastOffset);
          check();
        }),
      );
      // Where the consumer starts reading a watchlist partition (from the start otherwise).
      const seeks = new Map<number, bigint>();
      for (const [partition, offset] of startAt ?? []) seeks.set(partition, expected.get(partition)?.offset ?? offset);
      if (pool && leaders) {
        const gen = generation;
        let through: Map<number, number>;
        try {
          through = await readDirectly(deps.watchlist as CompactWatchlist, pool, threads, leaders, gen);
        } catch (err) {
          clearInterval(progress);
          throw err;
        }
        if (gen !== generation) {
          // stop() came during the read. As when it comes during the consumer's read, this start does not settle:
          // the caller is shutting down, and nothing that follows a start (stages, listening) may run now.
          clearInterval(progress);
          log.info('watchlist read stopped');
          await new Promise<never>(() => undefined);
        }
        for (const [partition, offset] of through) {
          seeks.set(partition, BigInt(offset) + 1n);
          reached(deps.topics.watchlist, partition, String(offset));
        }
      }
      await consumer.connect();
      await consumer.subscribe({ topics: subscribed, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          while (held) {
            // Still a live member of the group while a snapshot is written (a session timeout would refetch the topic).
            await Promise.race([held.catch(() => undefined), new Promise((r) => setTimeout(r, 3_000))]);
            await heartbeat();
          }
          if (failed) return; // this start failed: the caller stops the consumer and starts again
          const from = retroFrom.get(batch.partition);
          let pending: PendingRecord[] = [];
          /** Hands the records collected to the workers — or applies them here if the workers are gone (all applied). */
          const flush = async () => {
            const records = pending;
            pending = [];
            if (records.length === 0) return;
            if (bulk) await bulk.submit(batch.partition, records);
            else for (const r of records) applyWatchlist(deps.watchlist!, batch.partition, r.offset, r.key, r.value);
          };
          // A batch wholly inside the range the workers take (the usual case of a big read) goes to them without
          // a check per record; one across the range's end is checked record by record below.
          const whole = (() => {
            if (!bulk || caughtUp || batch.topic !== deps.topics.watchlist || !deps.watchlist || batch.isEmpty()) return false;
            const last = BigInt(batch.lastOffset());
            return last <= (bulkUpTo.get(batch.partition) ?? -1n) && !(from !== undefined && last >= from);
          })();
          if (whole) for (const m of batch.messages) pending.push({ offset: m.offset, key: m.key?.toString() ?? '', value: m.value });
          else for (const m of batch.messages) {
            const key = m.key?.toString() ?? '';
            if (batch.topic === deps.topics.watchlist) {
              if (!deps.watchlist) continue;
              // Records that cannot be introductions (see applyWatchlist) go to the workers while they are there.
              // Records written after start (past the end seen then) may be new entries too: never to the workers.
              const at = BigInt(m.offset);
              if (bulk && !caughtUp && at <= (bulkUpTo.get(batch.partition) ?? -1n) && !(from !== undefined && at >= from)) {
                pending.push({ offset: m.offset, key, value: m.value });
                continue;
              }
              // Any other record waits for those before it: a partition's records are applied in order.
              await flush();
              await bulk?.drained();
              // Those waits may have let a snapshot begin: it must see the index as it was.
              for (let h = holding(); h; h = holding()) await h.catch(() => undefined);
              if (failed) return;
              applyWatchlist(deps.watchlist, batch.partition, m.offset, key, m.value);
            }
            else if (!m.value) rules.delete(key);
            else {
              const parsed = safeParse(RuleSchema, parseJson(m.value.toString()));
              if (parsed.success) rules.set(parsed.data.ruleId, parsed.data);
              else log.warn({ ruleId: key }, 'invalid rule skipped');
            }
          }
          await flush();
          const last = batch.lastOffset();
          whenApplied(() => {
            reached(batch.topic, batch.partition, last);
            check();
          });
          await heartbeat();
        },
      });
      // The restored snapshot (or the direct read) holds everything before these; records fetched before the seek applies are skipped.
      if (deps.watchlist) for (const [partition, offset] of seeks) consumer.seek({ topic: deps.topics.watchlist, partition, offset: String(offset) });
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
