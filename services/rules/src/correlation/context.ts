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
 * The earliest window of length `windowMs` that contains `s` and in which `qualifies` holds, or undefined.
 * Anchoring at the earliest qualifying start keeps the hit id stable while later sightings extend it.
 */
export function qualifyingWindow(candidates: readonly StoredSighting[], s: StoredSighting, windowMs: number, qualifies: (win: StoredSighting[]) => boolean): StoredSighting[] | undefined {
  for (const start of candidates) {
    if (start.ms > s.ms) break;
    if (start.ms < s.ms - windowMs) continue;
    const win = candidates.filter((x) => x.ms >= start.ms && x.ms <= start.ms + windowMs);
    if (qualifies(win)) return win;
  }
  return undefined;
}
