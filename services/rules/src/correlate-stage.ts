import type { Kafka, Message } from 'kafkajs';
import type { Hit, Rule } from '../../../schemas/src';
import type { Logger } from '../../../lib/logger';
import type { Correlator, CorrelationOutput } from './correlation/correlator';
import { newPartitionState, type PartitionLimits, type PartitionState } from './correlation/partition-state';
import { deadLetter, describeIssues, parseJson } from './dead-letter';
import { replayPartitions } from './partition-replay';
import { z } from 'zod';
import { SIGHTING_PACK_KEY, SightingSchema, WATERMARK_KEY, WatermarkTickSchema } from './sighting';
import type { StageLogic, TopicMessages } from './transactional-stage';
import { safeParse } from '../../../schemas/src';

export interface CorrelateStats {
  sightings: number;
  hits: number;
  entries: number;
  deadLetters: number;
  keys: number;
  /** Subjects forgotten under the memory bounds (least recently seen first). */
  evicted: number;
  /** Sightings held, and the oldest of frequently seen subjects dropped under the per-subject bound. */
  held: number;
  trimmed: number;
  /** Suspicious inspections waiting for their drug test (逢嫌必检). */
  pending: number;
}

const EVICT_EVERY_MS = 60_000;

/** A pack's envelope; each sighting in it is validated on its own, so one bad sighting costs only itself. */
const PackEnvelope = z.object({ schemaVersion: z.literal(1).default(1), sightings: z.array(z.unknown()).min(1).max(5_000) });

/**
 * Stage 2 (group `rules-correlate`): event-time state per subject key over `sightings.v1`; emits
 * correlation hits and trace-back watchlist entries in the caller's transaction. State of a newly
 * assigned partition is rebuilt by replaying its sightings from now − (longest window + late horizon).
 */
export function createCorrelateLogic(deps: {
  kafka: Kafka;
  logger: Logger;
  topics: { sightings: string; hits: string; watchlist: string; deadLetters: string };
  correlator: Correlator;
  rules: () => readonly Rule[];
  onHits?: (hits: Hit[]) => void;
  /** Memory bounds per partition (see `keyState`, `addSighting`); unbounded when not given. */
  limitsPerPartition?: () => PartitionLimits;
}): StageLogic & { stats(): CorrelateStats } {
  const log = deps.logger.child({ component: 'correlate' });
  const states = new Map<number, PartitionState & { evictedAt: number }>();
  /** Hits of the chunk in flight, reported to `onHits` once its transaction committed. */
  const uncommitted = new Map<number, Hit[]>();
  const stats = { sightings: 0, hits: 0, entries: 0, deadLetters: 0 };
  const warnedFull = new Set<number>();
  const stateFor = (p: number) => {
    let st = states.get(p);
    if (!st) states.set(p, (st = Object.assign(newPartitionState(deps.limitsPerPartition?.()), { evictedAt: Date.now() })));
    return st;
  };

  /** Applies one `sightings.v1` record (a pack, a single sighting or a watermark tick); the problems of what it could not apply, and how many sightings it applied. */
  const apply = (st: PartitionState, key: string | undefined, raw: string, rules: readonly Rule[], now: Date, out?: CorrelationOutput): { problems: string[]; applied: number } => {
    const json = parseJson(raw);
    if (json === undefined) return { problems: ['not JSON'], applied: 0 };
    if (key === WATERMARK_KEY) {
      const tick = safeParse(WatermarkTickSchema, json);
      if (!tick.success) return { problems: [describeIssues(tick.error.issues)], applied: 0 };
      deps.correlator.advance(st, tick.data.watermark, now);
      return { problems: [], applied: 0 };
    }
    const items: unknown[] = [];
    const problems: string[] = [];
    if (key === SIGHTING_PACK_KEY) {
      const pack = safeParse(PackEnvelope, json);
      if (!pack.success) return { problems: [describeIssues(pack.error.issues)], applied: 0 };
      items.push(...pack.data.sightings);
    } else items.push(json);
    let applied = 0;
    items.forEach((item, i) => {
      const s = safeParse(SightingSchema, item);
      if (!s.success) {
        problems.push(key === SIGHTING_PACK_KEY ? `sightings/${i}: ${describeIssues(s.error.issues)}` : describeIssues(s.error.issues));
        return;
      }
      deps.correlator.observe(st, s.data, rules, now, out);
      applied++;
    });
    return { problems, applied };
  };

  return {
    stats: () => {
      const all = [...states.values()];
      const sum = (f: (s: PartitionState) => number) => all.reduce((n, s) => n + f(s), 0);
      return { ...stats, keys: sum((s) => s.keys.size), evicted: sum((s) => s.evicted), pending: sum((s) => s.pending.size), held: sum((s) => s.sightings), trimmed: sum((s) => s.trimmed) };
    },
    drop: (p) => void states.delete(p),
    process(p, messages, now) {
      const st = stateFor(p);
      const rules = deps.rules();
      const out: CorrelationOutput = { hits: [], entries: [] };
      const dead: Message[] = [];
      for (const m of messages) {
        const raw = m.value?.toString() ?? '';
        const { problems, applied } = apply(st, m.key?.toString(), raw, rules, now, out);
        if (problems.length) dead.push(deadLetter({ topic: deps.topics.sightings, partition: p, offset: m.offset, raw }, problems.join('; '), now));
        stats.sightings += applied;
      }
      deps.correlator.flush(st, rules, now, out);
      if (st.evicted > 0 && !warnedFull.has(p)) {
        warnedFull.add(p);
        log.warn({ partition: p, subjects: st.keys.size }, 'correlation state is at its memory bound: the least recently seen subjects are forgotten from now on (trace-backs and windows see only what is held; RULES_CORRELATION_MAX_SUBJECTS, RULES_CORRELATION_MAX_SIGHTINGS)');
      }
      if (now.getTime() - st.evictedAt > EVICT_EVERY_MS) {
        deps.correlator.evict(st, rules);
        st.evictedAt = now.getTime();
      }
      uncommitted.set(p, out.hits);
      stats.hits += out.hits.length;
      stats.entries += out.entries.length;
      stats.deadLetters += dead.length;
      const outputs: TopicMessages[] = [
        { topic: deps.topics.hits, messages: out.hits.map((h) => ({ key: h.hitId, value: JSON.stringify(h) })) },
        { topic: deps.topics.watchlist, messages: out.entries.map((e) => ({ key: e.entryId, value: JSON.stringify(e) })) },
        { topic: deps.topics.deadLetters, messages: dead },
      ];
      return outputs;
    },
    committed(p) {
      const hits = uncommitted.get(p);
      uncommitted.delete(p);
      if (hits?.length) deps.onHits?.(hits);
    },
    async rebuild(ranges, heartbeat) {
      const rules = deps.rules();
      for (const r of ranges) stateFor(r.partition);
      await replayPartitions(
        { kafka: deps.kafka, topic: deps.topics.sightings, logger: deps.logger },
        { fromTimestamp: Date.now() - deps.correlator.retentionMs(rules), ranges, heartbeat },
        (p, m) => void apply(stateFor(p), m.key?.toString(), m.value?.toString() ?? '', rules, new Date(Number(m.timestamp) || Date.now())),
      );
      // Obligations the live run already reported are marked reported again, without emitting.
      for (const r of ranges) deps.correlator.flush(stateFor(r.partition), rules, new Date());
    },
  };
}
