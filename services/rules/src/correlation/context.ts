import type { Rule } from '../../../../schemas/src';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';
import type { Evidence, HitDraft } from '../hit-builder';
import { personSubject, vehicleSubject } from '../evaluators/context';
import type { KeyState, StoredSighting } from './partition-state';

export interface CorrelationContext {
  registry: CheckpointRegistry;
}

/** A rule over the event-time history of one subject (vehicle or person). Pure over the key's state. */
export type SightingEvaluator = (s: StoredSighting, ks: KeyState, rule: Rule, ctx: CorrelationContext) => HitDraft[];

export const subjectOfKey = (key: string): HitDraft['subject'] => (key.startsWith('plate:') ? vehicleSubject(key.slice(6)) : personSubject(key.slice(7)));

export const evidenceOfSighting = (s: StoredSighting): Evidence => ({ eventId: s.eventId, type: s.type, checkpointId: s.checkpointId, occurredAt: s.occurredAt });

/** Distinct events, earliest first (one event can name a person twice, e.g. as driver and owner). */
export function distinctEvents(list: readonly StoredSighting[]): StoredSighting[] {
  const seen = new Set<string>();
  return list.filter((s) => (seen.has(s.eventId) ? false : (seen.add(s.eventId), true)));
}

/**
 * The earliest window of length `windowMs` that contains `s` and holds at least `need` distinct `keyOf`
 * values (checkpoints for a corridor transit, events for repeat positives), or undefined.
 * Anchoring at the earliest qualifying start keeps the hit id stable while later sightings extend it.
 * `candidates` are sorted by time. One sliding pass: a vehicle sighted thousands of times in the window
 * (a bus, or a terminal flooding one plate) costs linear time, not cubic.
 */
export function qualifyingWindow(candidates: readonly StoredSighting[], s: StoredSighting, windowMs: number, need: number, keyOf: (x: StoredSighting) => string): StoredSighting[] | undefined {
  const counts = new Map<string, number>();
  const add = (x: StoredSighting) => counts.set(keyOf(x), (counts.get(keyOf(x)) ?? 0) + 1);
  const remove = (x: StoredSighting) => {
    const k = keyOf(x);
    const n = counts.get(k)! - 1;
    if (n === 0) counts.delete(k);
    else counts.set(k, n);
  };
  let i = 0;
  while (i < candidates.length && candidates[i]!.ms < s.ms - windowMs) i++;
  let j = i; // the window is candidates[i, j): every candidate from the start's time to start + windowMs
  for (; i < candidates.length; i++) {
    const start = candidates[i]!;
    if (start.ms > s.ms) break;
    // A later start in a run of equal times sees a subset of what the first one saw, so it cannot qualify
    // where that one did not: the same answer as checking every start's full window.
    while (j < candidates.length && candidates[j]!.ms <= start.ms + windowMs) add(candidates[j++]!);
    if (counts.size >= need) return candidates.slice(i, j);
    remove(start);
  }
  return undefined;
}
