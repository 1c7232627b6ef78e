import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { HitSchema, type Hit, safeParse } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';
import { positionKey, type Positions, type TopicTag } from './cursor';
import { createFrameLog, type FrameLog } from './frame-log';
import { createHeldHits } from './held-hits';
import { applyRulesRecord, applyUpdateRecord, UPDATE_HEADERS, type ApplyOutcome, type HitState, type UpdateKind } from './hit-merge';

export interface HitStore {
  /** Reads both topics from now − look-back; resolves once caught up with their ends as of start. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isCaughtUp(): boolean;
  isHealthy(): boolean;
  get(hitId: string): Hit | undefined;
  /** Workflow records applied to a hit so far (the number the next one must claim, minus one). */
  workflowSeq(hitId: string): number;
  all(): IterableIterator<Hit>;
  size(): number;
  /** Hits forgotten since start because their last record fell behind the look-back. */
  expired(): number;
  log: FrameLog;
  /** Called after each consumed batch that added frames (subscribers then pull from the log). */
  onFrames(listener: () => void): () => void;
  /**
   * Called (once caught up) for a hit whose latest record is a rules update to a hit with workflow state:
   * Elasticsearch (indexed by version) would show the rules' view; a repair record puts the merge there.
   */
  onRepairNeeded(listener: (hitId: string) => void): () => void;
  /** This writer's id, put on every hit-updates record it writes, so it can learn their fate. */
  writerId: string;
  /** How the log judged a hit-updates record this instance wrote, once consumed (or `timeout`). */
  outcomeOf(partition: number, offset: string, timeoutMs: number): Promise<ApplyOutcome | 'timeout'>;
  topics: { hits: string; hitUpdates: string };
}

const OWN_OUTCOMES_MAX = 10_000;
const EXPIRE_EVERY_MS = 60_000;
/** A record's Kafka time; one without a usable time counts from now (it is then forgotten last, not first). */
const recordMs = (ts: string) => {
  const t = Number(ts);
  return Number.isFinite(t) && t > 0 ? t : Date.now();
};

/**
 * The console's view of hits: `hits.v1` and `hit-updates.v1` (read committed) from now − look-back into
 * memory, folded per hit (see hit-merge), and the frame log the live feed serves. Rebuilt at every start;
 * holds no state of its own that Kafka does not.
 */
export function createHitStore(deps: { kafka: Kafka; topics: { hits: string; hitUpdates: string }; lookbackMs: number; logMaxFrames: number; logMaxBytes?: number; instanceId: string; logger: Logger }): HitStore {
  const log = deps.logger.child({ component: 'hit-store' });
  const frameListeners = new Set<() => void>();
  const repairListeners = new Set<(hitId: string) => void>();
  const pendingRepair = new Set<string>();
  const states = createHeldHits({ onForget: (hitId) => pendingRepair.delete(hitId) });
  let expired = 0;
  let expireTimer: NodeJS.Timeout | undefined;
  const writerId = `${deps.instanceId}-${randomUUID().slice(0, 8)}`;
  const ownOutcomes = new Map<string, ApplyOutcome>();
  const waiters = new Map<string, (o: ApplyOutcome | 'timeout') => void>();
  let frames: FrameLog = createFrameLog({ start: {}, max: deps.logMaxFrames, maxBytes: deps.logMaxBytes });
  let consumer: Consumer | undefined;
  let caughtUp = false;
  let healthy = true;
  const tagOf = (topic: string): TopicTag => (topic === deps.topics.hits ? 'h' : 'u');

  const parse = (raw: Buffer | null): Hit | undefined => {
    if (!raw) return undefined;
    try {
      const p = safeParse(HitSchema, JSON.parse(raw.toString('utf8')));
      return p.success ? p.data : undefined;
    } catch {
      return undefined;
    }
  };

  const settleOwn = (partition: number, offset: string, outcome: ApplyOutcome) => {
    const k = `${partition}:${offset}`;
    const w = waiters.get(k);
    if (w) {
      waiters.delete(k);
      w(outcome);
      return;
    }
    ownOutcomes.set(k, outcome);
    if (ownOutcomes.size > OWN_OUTCOMES_MAX) ownOutcomes.delete(ownOutcomes.keys().next().value!);
  };

  const store: HitStore = {
    writerId,
    topics: deps.topics,
    get log() {
      return frames;
    },
    isCaughtUp: () => caughtUp,
    isHealthy: () => healthy,
    get: (id) => states.get(id)?.merged,
    workflowSeq: (id) => states.get(id)?.workflow?.seq ?? 0,
    *all() {
      for (const s of states.values()) yield s.merged;
    },
    size: () => states.size,
    expired: () => expired,
    onFrames(l) {
      frameListeners.add(l);
      return () => frameListeners.delete(l);
    },
    onRepairNeeded(l) {
      repairListeners.add(l);
      return () => repairListeners.delete(l);
    },
    outcomeOf(partition, offset, timeoutMs) {
      const k = `${partition}:${offset}`;
      const known = ownOutcomes.get(k);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(k);
          resolve('timeout');
        }, timeoutMs);
        waiters.set(k, (o) => {
          clearTimeout(timer);
          resolve(o);
        });
      });
    },

    async start() {
      const admin = deps.kafka.admin();
      await admin.connect();
      const since = Date.now() - deps.lookbackMs;
      const start: Positions = {};
      // Partition → last offset (possibly a transaction marker) that must be consumed to be caught up.
      const remaining = new Map<string, number>();
      try {
        for (const topic of [deps.topics.hits, deps.topics.hitUpdates]) {
          const [byTime, ends] = await retry(() => Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, since), admin.fetchTopicOffsets(topic)]));
          for (const e of ends) {
            const at = byTime.find((b) => b.partition === e.partition)?.offset ?? '-1';
            const from = at === '-1' ? Number(e.high) : Number(at);
            const key = positionKey(tagOf(topic), e.partition);
            start[key] = String(from);
            if (Number(e.high) > from) remaining.set(key, Number(e.high) - 1);
          }
        }
      } finally {
        await admin.disconnect();
      }
      frames = createFrameLog({ start, max: deps.logMaxFrames, maxBytes: deps.logMaxBytes });

      let resolveCaughtUp!: () => void;
      const done = new Promise<void>((r) => (resolveCaughtUp = r));
      const markCaughtUp = () => {
        if (!caughtUp && remaining.size === 0) {
          caughtUp = true;
          log.info({ hits: states.size, frames: frames.head(), repairs: pendingRepair.size }, 'hit store caught up');
          for (const id of pendingRepair) for (const l of repairListeners) l(id);
          resolveCaughtUp();
        }
      };

      consumer = deps.kafka.consumer({ groupId: `console-hits-${writerId}`, readUncommitted: false, maxWaitTimeInMs: 50, minBytes: 1, maxBytes: 16 * 1024 * 1024, sessionTimeout: 30_000 });
      // Batches holding only transaction markers never reach eachBatch; this event sees every batch.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        const key = positionKey(tagOf(e.payload.topic), e.payload.partition);
        const want = remaining.get(key);
        if (want !== undefined && Number(e.payload.lastOffset) >= want) {
          remaining.delete(key);
          markCaughtUp();
        }
      });
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) {
          healthy = false;
          log.error({ err: e.payload.error }, 'hit consumer stopped');
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [deps.topics.hits, deps.topics.hitUpdates], fromBeginning: false });
      await consumer.run({
        // Offsets are committed to this instance's own group only so that a consumer restart after a
        // broker error resumes where it was; records already folded are skipped below.
        autoCommit: true,
        autoCommitInterval: 2_000,
        eachBatch: async ({ batch }) => {
          const tag = tagOf(batch.topic);
          const key = positionKey(tag, batch.partition);
          let added = 0;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            const next = frames.nextOffset(key);
            if (next !== undefined && offset < next) continue;
            const value = parse(m.value);
            if (!value) {
              log.warn({ topic: batch.topic, partition: batch.partition, offset }, 'not a valid hit; skipped');
              frames.advance(key, offset);
              continue;
            }
            let outcome: ApplyOutcome;
            const before = states.get(value.hitId);
            if (tag === 'h') {
              const r = applyRulesRecord(before, value);
              outcome = r.outcome;
              states.put(value.hitId, r.state, recordMs(m.timestamp));
              if (outcome === 'changed' && r.state.workflow) {
                pendingRepair.add(value.hitId);
                if (caughtUp) for (const l of repairListeners) l(value.hitId);
              }
            } else {
              const kind = (m.headers?.[UPDATE_HEADERS.kind]?.toString() ?? 'action') as UpdateKind;
              const seq = Number(m.headers?.[UPDATE_HEADERS.seq]?.toString() ?? NaN);
              if (!['action', 'escalate', 'repair'].includes(kind) || !Number.isInteger(seq) || seq < 1) {
                log.warn({ partition: batch.partition, offset }, 'hit update without a valid workflow sequence; skipped');
                frames.advance(key, offset);
                continue;
              }
              const r = applyUpdateRecord(before, value, kind, seq);
              outcome = r.outcome;
              states.put(value.hitId, r.state, recordMs(m.timestamp));
              if (m.headers?.[UPDATE_HEADERS.instance]?.toString() === writerId) settleOwn(batch.partition, m.offset, outcome);
              if (value.version === r.state.merged.version) pendingRepair.delete(value.hitId);
            }
            const state = states.get(value.hitId)!;
            if (outcome === 'new' || outcome === 'changed') {
              frames.advance(key, offset, { type: outcome === 'new' ? 'hit' : 'hit.updated', hit: state.merged, bytes: m.value?.length ?? 0 });
              added++;
            } else {
              frames.advance(key, offset);
            }
          }
          if (added) for (const l of frameListeners) l();
        },
      });
      for (const [key, from] of Object.entries(start)) {
        const [tag, partition] = key.split(':') as [TopicTag, string];
        consumer.seek({ topic: tag === 'h' ? deps.topics.hits : deps.topics.hitUpdates, partition: Number(partition), offset: from });
      }
      markCaughtUp();
      await done;
      // What a restart now would not read is forgotten by a running store too (see held-hits).
      expireTimer = setInterval(() => {
        expired += states.expire(Date.now() - deps.lookbackMs).length;
      }, EXPIRE_EVERY_MS);
      expireTimer.unref();
    },
    async stop() {
      clearInterval(expireTimer);
      await consumer?.disconnect();
      for (const [k, w] of waiters) {
        waiters.delete(k);
        w('timeout');
      }
    },
  };
  return store;
}
