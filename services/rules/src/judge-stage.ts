import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { VERDICT_PACK_KEY, type Event, type Hit, type Rule, parseEvent } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { Logger } from '../../../lib/logger';
import { deadLetter, describeIssues, parseJson } from './dead-letter';
import { evaluateEvent } from './evaluate-event';
import { applyDraft, draftHitId } from './hit-builder';
import { replayPartitions } from './partition-replay';
import { createRecentHits, type RecentHits } from './recent-hits';
import { MINUTE_MS } from './rule-params';
import { createSeenSet, type SeenSet } from './seen-set';
import { WATERMARK_KEY, packSightings, sightingsOf, type Sighting } from './sighting';
import type { StageLogic, TopicMessages } from './transactional-stage';
import type { WatchlistLookup } from './watchlist-port';

interface JudgeState {
  seen: SeenSet;
  recent: RecentHits;
}

export interface JudgeStats {
  events: number;
  duplicates: number;
  hits: number;
  deadLetters: number;
}

const FUTURE_SKEW_MS = 5 * MINUTE_MS;

/** A verdict carries up to 100 full hits: packs stay well under the broker's 1 MB record-batch limit. */
export const MAX_VERDICT_PACK_BYTES = 256 * 1024;

/** Verdicts (each already JSON) as pack values of at most MAX_VERDICT_PACK_BYTES (a larger verdict goes alone). */
export function packVerdicts(verdicts: readonly string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length) out.push(`{"schemaVersion":1,"verdicts":[${current.join(',')}]}`);
    current = [];
    bytes = 0;
  };
  for (const v of verdicts) {
    const size = Buffer.byteLength(v);
    if (current.length && bytes + size > MAX_VERDICT_PACK_BYTES) flush();
    current.push(v);
    bytes += size + 1;
  }
  flush();
  return out;
}

/**
 * Stage 1 (group `rules`): validates each event (bad → dead letter), drops duplicates by eventId, evaluates
 * the stateless rules, and emits — in the caller's transaction — the hits, one verdict per judged event
 * (for the gateway's `?waitMs`), the event's sightings re-keyed by subject for stage 2, and watermark ticks.
 */
export function createJudgeLogic(deps: {
  kafka: Kafka;
  logger: Logger;
  topics: { events: string; hits: string; verdicts: string; sightings: string; deadLetters: string };
  registry: CheckpointRegistry;
  watchlist: WatchlistLookup;
  rules: () => readonly Rule[];
  seenWindowMs: number;
  tickEveryMs: number;
  sightingsPartitions: () => number;
  verdictsPartitions: () => number;
  onHits?: (hits: Hit[]) => void;
}): StageLogic & { stats(): JudgeStats } {
  const states = new Map<number, JudgeState>();
  const stats: JudgeStats = { events: 0, duplicates: 0, hits: 0, deadLetters: 0 };
  /** Hits of the chunk in flight, reported to `onHits` once its transaction committed. */
  const uncommitted = new Map<number, Hit[]>();
  let maxEventMs = 0;
  let lastTickMs = 0;
  const stateFor = (p: number) => {
    let st = states.get(p);
    if (!st) states.set(p, (st = { seen: createSeenSet(deps.seenWindowMs), recent: createRecentHits(100_000) }));
    return st;
  };
  const ctx = { watchlist: deps.watchlist, registry: deps.registry };

  /** New hit versions (to emit) and every hit the event touched (for its verdict). */
  const judge = (st: JudgeState, e: Event, rules: readonly Rule[], now: Date) => {
    const touched = new Map<string, Hit>();
    const emitted: Hit[] = [];
    for (const d of evaluateEvent(e, rules, ctx)) {
      const id = draftHitId(d);
      const previous = st.recent.get(id);
      const hit = applyDraft(d, previous, deps.registry, now);
      if (hit) {
        st.recent.set(hit);
        emitted.push(hit);
        touched.set(id, hit);
      } else if (previous) touched.set(id, previous);
    }
    return { touched: [...touched.values()], emitted };
  };

  const parse = (m: KafkaMessage) => {
    const raw = m.value?.toString() ?? '';
    const json = parseJson(raw);
    const parsed = parseEvent(json);
    return { raw, parsed, reason: json === undefined ? (raw ? 'not JSON' : 'empty message') : parsed.success ? '' : describeIssues(parsed.error.issues) };
  };

  return {
    stats: () => ({ ...stats }),
    drop: (p) => void states.delete(p),
    process(p, messages, now) {
      const st = stateFor(p);
      const rules = deps.rules();
      const hits: Message[] = [];
      /** Each judged event's verdict as JSON, packed into records below. */
      const verdicts: string[] = [];
      const sightings: Message[] = [];
      const subjects: Sighting[] = [];
      const dead: Message[] = [];
      const emittedAll: Hit[] = [];
      for (const m of messages) {
        const { raw, parsed, reason } = parse(m);
        if (!parsed.success) {
          dead.push(deadLetter({ topic: deps.topics.events, partition: p, offset: m.offset, raw }, reason, now));
          continue;
        }
        const e = parsed.data;
        if (st.seen.has(e.eventId)) {
          stats.duplicates++;
          continue;
        }
        st.seen.add(e.eventId, Number(m.timestamp) || now.getTime());
        const { touched, emitted } = judge(st, e, rules, now);
        emittedAll.push(...emitted);
        for (const h of emitted) hits.push({ key: h.hitId, value: JSON.stringify(h), headers: { 'event-id': e.eventId } });
        verdicts.push(JSON.stringify({ schemaVersion: 1, eventId: e.eventId, judgedAt: new Date().toISOString(), hits: touched.slice(0, 100) }));
        for (const s of sightingsOf(e)) subjects.push(s);
        maxEventMs = Math.max(maxEventMs, Math.min(Date.parse(e.occurredAt), now.getTime() + FUTURE_SKEW_MS));
      }
      // One record per sightings partition (each pack before that partition's watermark tick).
      for (const m of packSightings(subjects, deps.sightingsPartitions())) sightings.push(m);
      // Watermark ticks to every sightings partition, so quiet partitions still see event time pass.
      if (maxEventMs >= lastTickMs + deps.tickEveryMs) {
        const value = JSON.stringify({ schemaVersion: 1, watermark: new Date(maxEventMs).toISOString() });
        for (let i = 0; i < deps.sightingsPartitions(); i++) sightings.push({ partition: i, key: WATERMARK_KEY, value });
        lastTickMs = maxEventMs;
      }
      st.seen.prune(now.getTime());
      uncommitted.set(p, emittedAll);
      stats.events += verdicts.length;
      stats.hits += hits.length;
      stats.deadLetters += dead.length;
      const out: TopicMessages[] = [
        { topic: deps.topics.hits, messages: hits },
        // The chunk's verdicts as one record (more only past MAX_VERDICT_PACK_BYTES), on the chunk's own partition number.
        { topic: deps.topics.verdicts, messages: packVerdicts(verdicts).map((value) => ({ partition: p % deps.verdictsPartitions(), key: VERDICT_PACK_KEY, value })) },
        { topic: deps.topics.sightings, messages: sightings },
        { topic: deps.topics.deadLetters, messages: dead },
      ];
      return out;
    },
    committed(p) {
      const hits = uncommitted.get(p);
      uncommitted.delete(p);
      if (hits?.length) deps.onHits?.(hits);
    },
    async rebuild(ranges, heartbeat) {
      const rules = deps.rules();
      const coolDown = Math.max(0, ...rules.map((r) => r.coolDownMinutes)) * MINUTE_MS;
      for (const r of ranges) stateFor(r.partition);
      await replayPartitions(
        { kafka: deps.kafka, topic: deps.topics.events, logger: deps.logger },
        { fromTimestamp: Date.now() - Math.max(deps.seenWindowMs, coolDown), ranges, heartbeat },
        (p, m) => {
          const { parsed } = parse(m);
          if (!parsed.success) return;
          const st = stateFor(p);
          if (st.seen.has(parsed.data.eventId)) return;
          const at = Number(m.timestamp) || Date.now();
          st.seen.add(parsed.data.eventId, at);
          judge(st, parsed.data, rules, new Date(at));
        },
      );
    },
  };
}
