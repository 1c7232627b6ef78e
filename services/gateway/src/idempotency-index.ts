import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { oldestFirst } from '../../../lib/oldest-first';
import { retry } from '../../../lib/retry';

export interface IdempotencyIndex {
  /** Body hash recorded for an event id, if the event is in the log within the window. */
  lookup(eventId: string): string | undefined;
  /** Records an event this instance just had acknowledged. */
  record(eventId: string, bodyHash: string): void;
  /** Reads the window of the events topic; resolves when caught up to the end as of start. */
  start(): Promise<void>;
  /**
   * False until start has read the window, after `resync()` until the log's end as of then has been read, and
   * while the tailing consumer has not completed a fetch for `STALE_FETCH_MS` (10 s; kafkajs reconnecting to a
   * restarted broker, say): an index that stopped following would take another instance's new accepts for new.
   */
  isCaughtUp(): boolean;
  /**
   * The log may hold events this instance has not read: a send failed without an answer (the broker may
   * have written it), or the tailing consumer crashed. Until the log's end, as of after this call, has been
   * read, `isCaughtUp()` is false and unknown ids must not be taken for new ones.
   */
  resync(inDoubt?: readonly string[]): void;
  /**
   * True for an id whose send failed here and which may yet appear in the log: a send cut off by a broker's death
   * can have been appended and replicated unacknowledged, and becomes readable only once a new leader's high
   * watermark passes it — possibly after the log's end was read again. Such an id is neither known nor new until the
   * index has read up to ends read `DOUBT_SETTLE_MS` after the brokers answered again (or found the id).
   */
  inDoubt(eventId: string): boolean;
  size(): number;
  /** Ids forgotten before their window ended because the index held `maxEvents`. */
  evicted(): number;
  stop(): Promise<void>;
}

/**
 * A healthy tail completes a fetch at least every `maxWaitTimeInMs` (100 ms), data or not; one that has not for
 * this long is reconnecting. 10 s, not less: on a saturated machine a fetch of a large batch took over 2 s and the
 * hour-long soak saw 126 needless 503s at a 2 s threshold.
 */
export const STALE_FETCH_MS = 10_000;

/** After the brokers answer again, how long before the ends that settle ids in doubt are read (see `inDoubt`). */
export const DOUBT_SETTLE_MS = 5_000;

/** The longest wait for a send given up on to end before its ids are settled anyway (see `syncLoop`). */
export const ABANDONED_SEND_WAIT_MS = 5 * 60_000;

/** Bytes the tail's fetch waits for at the broker, up to its 100 ms wait: ≈ 30 events. */
const TAIL_MIN_BYTES = 32 * 1024;

/**
 * Which event ids are already in the log, and with which body. Kafka is the source: every gateway
 * instance tails the events topic (all partitions, no shared group) from `now − window`, so the
 * knowledge survives restarts and is shared by all instances, lagging the log by at most ~100 ms. The
 * window bounds memory (≈ 150 bytes of heap an id: the id, its body hash and a Map slot), and so does `maxEvents`: a week at 500 events/s is 300 million
 * ids, far more than a gateway's heap (the soak saw the index grow by ~500 MB an hour), so past `maxEvents` the
 * oldest ids are forgotten first. A resubmission older than what is held is accepted again and de-duplicated
 * downstream by eventId (indexer `_id`, rules seen-set); terminals resend within minutes or hours, not days.
 */
export function createIdempotencyIndex(deps: {
  kafka: Kafka;
  topic: string;
  windowMs: number;
  maxEvents?: number;
  logger: Logger;
  doubtSettleMs?: number;
  /** Resolves once the sends that put ids in doubt have really ended (the publisher's `abandonedSendsEnded`). */
  abandonedSendsEnded?: () => Promise<void>;
  abandonedSendWaitMs?: number;
}): IdempotencyIndex {
  const doubtSettleMs = deps.doubtSettleMs ?? DOUBT_SETTLE_MS;
  const abandonedSendWaitMs = deps.abandonedSendWaitMs ?? ABANDONED_SEND_WAIT_MS;
  const maxEvents = deps.maxEvents ?? Number.POSITIVE_INFINITY;
  const log = deps.logger.child({ component: 'idempotency-index' });
  // Insertion order ≈ time order, so expiry pops from the front. The value is the body hash alone: the time of each
  // id is kept per minute of insertion (how many ids each minute added, oldest first), so an id costs its two strings
  // and a Map slot, not an object and a boxed number as well.
  const seen = new Map<string, string>();
  const oldest = oldestFirst(seen);
  const minutes: Array<{ minute: number; count: number }> = [];
  let front = 0;
  const forgetOldest = () => {
    if (oldest.evict() === undefined) return;
    const m = minutes[front];
    if (m && --m.count === 0) front++;
    if (front > 4096) minutes.splice(0, front), (front = 0);
  };
  let evicted = 0;
  let consumer: Consumer | undefined;
  let caughtUp = false;
  let stopped = false;
  let sweeper: NodeJS.Timeout | undefined;
  // Next offset to read per partition. kafkajs restarts a crashed consumer (e.g. after the brokers were
  // away) as a new group member with no committed offsets, i.e. at the log's end: every event written
  // between the crash and the rejoin, such as another instance's accepts right after an outage, would be
  // missing here and accepted a second time. So every join resumes where this instance left off.
  const next = new Map<number, string>();
  // Partition → last offset that must be consumed before this instance may answer "new event".
  let remaining = new Map<number, bigint>();
  // Set from resync() until the log's end has been fetched again.
  let endPending = true;
  let generation = 0;
  let syncing = false;
  let lastFetchAt = 0;
  let staleLogged = false;
  let resolveFirst!: () => void;
  const first = new Promise<void>((r) => (resolveFirst = r));

  /** Ids whose send failed, until read in the log or settled absent (see `inDoubt`). */
  const doubtful = new Set<string>();
  /** Offsets to read before the ids of `settling` are known to be absent; undefined while no target is set. */
  let doubtRemaining: Map<number, bigint> | undefined;
  let settling: string[] = [];
  const settleIfReached = () => {
    if (!doubtRemaining || doubtRemaining.size > 0) return;
    for (const id of settling) doubtful.delete(id);
    log.info({ settled: settling.length, stillInDoubt: doubtful.size }, 'events whose send failed were not written: their retries are taken as new');
    settling = [];
    doubtRemaining = undefined;
  };
  const put = (eventId: string, hash: string, at: number) => {
    doubtful.delete(eventId);
    if (seen.has(eventId)) return;
    if (seen.size >= maxEvents) {
      forgetOldest();
      if (evicted++ === 0)
        log.warn({ maxEvents }, 'idempotency index full: the oldest event ids are forgotten before their window ends (IDEMPOTENCY_MAX_EVENTS); older resubmissions are de-duplicated downstream');
    }
    seen.set(eventId, hash);
    const minute = Math.floor(at / 60_000);
    const last = minutes.length > front ? minutes[minutes.length - 1]! : undefined;
    // An id a little older than the newest minute (partitions interleave) joins it: expiry is to the minute.
    if (last && last.minute >= minute) last.count++;
    else minutes.push({ minute, count: 1 });
  };
  const sweep = () => {
    const cutoff = Math.floor((Date.now() - deps.windowMs) / 60_000);
    while (minutes.length > front && minutes[front]!.minute < cutoff) {
      for (let n = minutes[front]!.count; n > 0; n--) oldest.evict();
      front++;
    }
    if (front > 0) minutes.splice(0, front), (front = 0);
  };
  const mustReach = (highs: Array<{ partition: number; high: string }>) => {
    remaining = new Map();
    for (const e of highs) if (BigInt(e.high) > BigInt(next.get(e.partition) ?? e.high)) remaining.set(e.partition, BigInt(e.high) - 1n);
  };
  const markCaughtUp = () => {
    // Also only once the tail has completed a fetch: until then it is not known to follow the log.
    if (caughtUp || endPending || remaining.size > 0 || lastFetchAt === 0) return;
    caughtUp = true;
    log.info({ events: seen.size }, 'idempotency index caught up');
    resolveFirst();
  };
  const fetchEnds = async () => {
    const admin = deps.kafka.admin();
    try {
      await admin.connect();
      return await admin.fetchTopicOffsets(deps.topic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  // Fetches the log's end until it succeeds, again if another resync() came meanwhile (its unanswered write
  // may be later than the end just read).
  const syncLoop = async () => {
    syncing = true;
    try {
      while (!stopped) {
        const gen = generation;
        try {
          const highs = await fetchEnds();
          if (gen !== generation) continue;
          mustReach(highs);
          endPending = false;
          markCaughtUp();
          if (doubtful.size === 0) return;
          // The brokers answer again, so every partition has a leader; anything a cut-off send left on it is
          // readable once the leader's high watermark has passed it (followers fetch within a replica fetch wait,
          // ≤ 500 ms by default). Ends read a while later settle the ids in doubt: read up to them, an id not found
          // was not written. The while counts from the end of the failed sends, not from their failure being
          // reported: kafkajs may still be retrying one — each of its attempts bounded by its request timeout (30 s),
          // so minutes at worst. Past ABANDONED_SEND_WAIT_MS the ids are settled anyway, with a warning: a send
          // that never ends must not keep its terminals' events refused for good.
          if (deps.abandonedSendsEnded) {
            const waited = performance.now();
            let cap: NodeJS.Timeout | undefined;
            const ended = await Promise.race([
              deps.abandonedSendsEnded().then(() => true),
              new Promise<false>((r) => (cap = setTimeout(() => r(false), abandonedSendWaitMs))),
            ]).finally(() => clearTimeout(cap));
            const waitedMs = Math.round(performance.now() - waited);
            if (!ended) log.warn({ waitedMs, inDoubt: doubtful.size }, 'a send given up on has not ended; settling the ids in doubt anyway (a late write would be taken for new)');
            else if (waitedMs > 1_000) log.info({ waitedMs }, 'the sends given up on have ended; settling the ids in doubt');
            if (gen !== generation || stopped) continue;
          }
          await new Promise((r) => setTimeout(r, doubtSettleMs));
          if (gen !== generation || stopped) continue;
          const later = await fetchEnds();
          if (gen !== generation) continue;
          settling = [...doubtful.keys()];
          doubtRemaining = new Map();
          for (const e of later) if (BigInt(e.high) > BigInt(next.get(e.partition) ?? e.high)) doubtRemaining.set(e.partition, BigInt(e.high) - 1n);
          settleIfReached();
          return;
        } catch (err) {
          log.warn({ err }, 'cannot read the end of the events log yet; unknown events are refused meanwhile');
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    } finally {
      syncing = false;
    }
  };
  const resync = (inDoubt: readonly string[] = []) => {
    for (const id of inDoubt) if (!seen.has(id)) doubtful.add(id);
    // A new failure restarts the settling: ids in doubt before it are settled by the later ends too.
    doubtRemaining = undefined;
    settling = [];
    generation++;
    caughtUp = false;
    endPending = true;
    if (!syncing) void syncLoop();
  };

  return {
    lookup: (id) => seen.get(id),
    inDoubt: (id) => doubtful.has(id),
    record: (id, hash) => put(id, hash, Date.now()),
    isCaughtUp: () => {
      if (!caughtUp) return false;
      const fresh = Date.now() - lastFetchAt <= STALE_FETCH_MS;
      if (fresh !== !staleLogged) {
        staleLogged = !fresh;
        if (fresh) log.info('idempotency index follows the events log again');
        else log.warn({ sinceLastFetchMs: Date.now() - lastFetchAt }, 'idempotency index has not fetched from the events log lately; unknown events are refused until it does');
      }
      return fresh;
    },
    resync,
    size: () => seen.size,
    evicted: () => evicted,
    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const since = Date.now() - deps.windowMs;
      const [byTime, ends] = await retry(() => Promise.all([admin.fetchTopicOffsetsByTimestamp(deps.topic, since), admin.fetchTopicOffsets(deps.topic)]));
      await admin.disconnect();
      // A partition with nothing newer than `since` answers -1: start at its end.
      for (const s of byTime) next.set(s.partition, s.offset === '-1' ? (ends.find((e) => e.partition === s.partition)?.high ?? '0') : s.offset);
      mustReach(ends);
      endPending = false;

      // A fetch waits at the broker for TAIL_MIN_BYTES (or 100 ms): under load one fetch per ~30 events instead of one
      // per produce request of every gateway, which cost this process and the broker more than the ids are worth.
      // This instance's own accepts are indexed at once anyway; another instance's show up at most 100 ms later.
      const c = deps.kafka.consumer({ groupId: `gateway-idempotency-${randomUUID()}`, maxWaitTimeInMs: 100, minBytes: TAIL_MIN_BYTES, sessionTimeout: 30_000 });
      consumer = c;
      c.on(c.events.CRASH, (e) => {
        log.warn({ err: e.payload.error, restart: e.payload.restart }, 'idempotency index consumer crashed; refusing new events until it has caught up again');
        resync();
      });
      c.on(c.events.FETCH, () => {
        lastFetchAt = Date.now();
        markCaughtUp();
      });
      c.on(c.events.GROUP_JOIN, () => {
        for (const [partition, offset] of next) c.seek({ topic: deps.topic, partition, offset });
      });
      await c.connect();
      await c.subscribe({ topic: deps.topic, fromBeginning: false });
      await c.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const id = m.headers?.['event-id']?.toString();
            const hash = m.headers?.['body-sha256']?.toString();
            const t = Number(m.timestamp);
            // A record without a usable timestamp (the old message format) counts from now: it must still expire.
            if (id && hash) put(id, hash, Number.isFinite(t) ? t : Date.now());
          }
          next.set(batch.partition, (BigInt(batch.lastOffset()) + 1n).toString());
          const want = remaining.get(batch.partition);
          if (want !== undefined && BigInt(batch.lastOffset()) >= want) remaining.delete(batch.partition);
          const doubtWant = doubtRemaining?.get(batch.partition);
          if (doubtWant !== undefined && BigInt(batch.lastOffset()) >= doubtWant) doubtRemaining!.delete(batch.partition);
          markCaughtUp();
          settleIfReached();
        },
      });
      for (const [partition, offset] of next) c.seek({ topic: deps.topic, partition, offset });
      markCaughtUp();
      sweeper = setInterval(sweep, 60_000);
      sweeper.unref();
      await first;
    },
    async stop() {
      stopped = true;
      if (sweeper) clearInterval(sweeper);
      await consumer?.disconnect();
    },
  };
}
