import type { Hit, Rule, RuleKind, WatchlistEntry } from '../../../../schemas/src';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';
import { applyDraft, draftHitId, type HitDraft } from '../hit-builder';
import { DAY_MS, MINUTE_MS, numParam } from '../rule-params';
import type { Sighting } from '../sighting';
import { corridorTransit } from './corridor-transit';
import { addSighting, dropOldest, intern, keyState, type PartitionState, type StoredSighting } from './partition-state';
import { repeatPositive } from './repeat-positive';
import { traceBackDrafts, traceBackEntry } from './seizure-trace-back';
import { isMet, lateTestDrafts, obligationOf, unmetDraft } from './suspicious-without-test';

/** What correlating produced; absent while replaying (state is rebuilt, nothing is emitted). */
export interface CorrelationOutput {
  hits: Hit[];
  entries: WatchlistEntry[];
}

export interface Correlator {
  /** Applies one sighting to its key's history and evaluates the correlation rules on it. */
  observe(state: PartitionState, s: Sighting, rules: readonly Rule[], now: Date, out?: CorrelationOutput): void;
  /** A watermark tick from stage 1: event time moved on, even if this partition saw no sighting. */
  advance(state: PartitionState, watermark: string, now: Date): void;
  /** Reports 逢嫌必检 obligations whose deadline the watermark passed without a test. Call after each batch. */
  flush(state: PartitionState, rules: readonly Rule[], now: Date, out?: CorrelationOutput): void;
  /** Drops history older than every window plus the late horizon. */
  evict(state: PartitionState, rules: readonly Rule[]): void;
  /** How far back history must reach (and a replay must start) for the enabled rules. */
  retentionMs(rules: readonly Rule[]): number;
  watermarkMs(state: PartitionState): number;
}

/**
 * The sighting as held in a subject's history: repeated strings interned, its time parsed once. Built field by field,
 * not with a rest and spreads (`{ ...rest, ...(cond ? {…} : {}) }` cost ~2 µs a sighting in V8); optional fields
 * only when present, so a held sighting has no slots for what it lacks.
 */
export function storedSighting(s: Sighting): StoredSighting {
  const stored: StoredSighting = {
    eventId: s.eventId,
    type: intern(s.type) as StoredSighting['type'],
    checkpointId: intern(s.checkpointId)!,
    occurredAt: s.occurredAt,
    subjectKind: intern(s.subjectKind) as StoredSighting['subjectKind'],
    key: s.key,
    role: intern(s.role)!,
    ms: Date.parse(s.occurredAt),
  };
  if (s.plate !== undefined) stored.plate = s.plate;
  if (s.vehicleKind !== undefined) stored.vehicleKind = intern(s.vehicleKind);
  if (s.positive !== undefined) stored.positive = s.positive;
  if (s.suspicious !== undefined) stored.suspicious = s.suspicious;
  if (s.relatedEventId !== undefined) stored.relatedEventId = s.relatedEventId;
  return stored;
}

export const CORRELATION_KINDS: readonly RuleKind[] = ['corridor_transit', 'positive_drug_test', 'suspicious_without_test', 'seizure_trace_back'];

/**
 * Stage 2: event-time correlation per subject key. Watermark = highest event time seen on the partition
 * (future times clamped to now + skew) minus the allowed lateness; windows are by event time, so late
 * events correlate with what they belong to; only 逢嫌必检 waits for the watermark (it reports an absence).
 */
export function createCorrelator(deps: { registry: CheckpointRegistry; latenessMs: number; lateHorizonMs: number; futureSkewMs?: number }): Correlator {
  const ctx = { registry: deps.registry };
  const skew = deps.futureSkewMs ?? 5 * MINUTE_MS;

  const apply = (state: PartitionState, d: HitDraft, now: Date, out?: CorrelationOutput) => {
    const hit = applyDraft(d, state.recent.get(draftHitId(d)), deps.registry, now);
    if (!hit) return;
    state.recent.set(hit);
    out?.hits.push(hit);
  };
  const bump = (state: PartitionState, ms: number, now: Date) => {
    if (Number.isFinite(ms)) state.maxEventMs = Math.max(state.maxEventMs, Math.min(ms, now.getTime() + skew));
  };

  const correlator: Correlator = {
    watermarkMs: (state) => state.maxEventMs - deps.latenessMs,
    observe(state, s, rules, now, out) {
      const stored = storedSighting(s);
      bump(state, stored.ms, now);
      const ks = keyState(state, s.key);
      if (!addSighting(state, ks, stored)) return;
      const drafts: HitDraft[] = [];
      for (const rule of rules) {
        if (!rule.enabled) continue;
        switch (rule.kind) {
          case 'corridor_transit':
            drafts.push(...corridorTransit(stored, ks, rule, ctx));
            break;
          case 'positive_drug_test':
            drafts.push(...repeatPositive(stored, ks, rule, ctx));
            break;
          case 'suspicious_without_test': {
            const ob = obligationOf(stored, ks, rule);
            if (ob && !ks.reported?.has(stored.eventId)) {
              const id = `${rule.ruleId}|${ks.key}|${stored.eventId}`;
              state.pending.set(id, ob);
              state.due.push(ob.deadlineMs, id);
            }
            drafts.push(...lateTestDrafts(stored, ks, rule));
            break;
          }
          case 'seizure_trace_back': {
            drafts.push(...traceBackDrafts(stored, ks, rule, ctx));
            const entry = s.type === 'seizure' && out ? traceBackEntry(stored, ks.key, rule, deps.registry, now) : undefined;
            if (entry) out!.entries.push(entry);
            break;
          }
          default:
            break;
        }
      }
      for (const d of drafts) apply(state, d, now, out);
    },
    advance(state, watermark, now) {
      bump(state, Date.parse(watermark), now);
    },
    flush(state, rules, now, out) {
      const wm = correlator.watermarkMs(state);
      // Earliest deadline first, only those due: scanning every obligation held on every chunk grew with the backlog.
      for (let next = state.due.popDue(wm); next; next = state.due.popDue(wm)) {
        const id = next.id;
        const ob = state.pending.get(id);
        // Gone (judged, or dropped past retention), or set again since with another deadline (its own entry follows).
        if (!ob || !Object.is(ob.deadlineMs, next.deadlineMs)) continue;
        state.pending.delete(id);
        const rule = rules.find((r) => r.ruleId === ob.rule.ruleId && r.enabled);
        // A subject forgotten under the memory bound is judged on its inspection alone (no test was seen).
        const ks = state.keys.get(ob.key) ?? { key: ob.key, sightings: [ob.inspection] };
        if (!rule) continue;
        const current = { ...ob, rule };
        if (isMet(current, ks)) continue;
        (ks.reported ??= new Set()).add(ob.inspection.eventId);
        apply(state, unmetDraft(current, ks), now, out);
      }
    },
    evict(state, rules) {
      const cutoff = state.maxEventMs - correlator.retentionMs(rules);
      for (const [key, ks] of state.keys) {
        let n = 0;
        while (n < ks.sightings.length && ks.sightings[n]!.ms < cutoff) n++;
        if (n === 0) continue;
        dropOldest(state, ks, n);
        if (ks.sightings.length === 0) state.keys.delete(key);
        else if (ks.reported) for (const id of ks.reported) if (!ks.sightings.some((x) => x.eventId === id)) ks.reported.delete(id);
      }
      // An obligation outlives its subject's state only under the memory bound (keyState); past retention it goes too.
      for (const [id, ob] of state.pending) if (ob.inspection.ms < cutoff) state.pending.delete(id);
    },
    retentionMs(rules) {
      let window = 0;
      for (const r of rules) {
        if (!r.enabled) continue;
        if (r.kind === 'corridor_transit') window = Math.max(window, numParam(r, 'windowMinutes', 360) * MINUTE_MS);
        if (r.kind === 'positive_drug_test') window = Math.max(window, numParam(r, 'repeatWindowDays', 30) * DAY_MS);
        if (r.kind === 'suspicious_without_test') window = Math.max(window, (numParam(r, 'windowMinutes', 30) + numParam(r, 'lateTestHours', 24) * 60) * MINUTE_MS);
        if (r.kind === 'seizure_trace_back') window = Math.max(window, numParam(r, 'days', 30) * DAY_MS);
      }
      return window + deps.lateHorizonMs + deps.latenessMs;
    },
  };
  return correlator;
}
