import type { Rule } from '../../../../schemas/src';
import { createRecentHits, type RecentHits } from '../recent-hits';
import type { Sighting } from '../sighting';

/** A sighting as kept in memory: parsed time, no schema version. */
export type StoredSighting = Omit<Sighting, 'schemaVersion'> & { ms: number };

export interface KeyState {
  key: string;
  /** Ordered by event time, not arrival: late events are inserted where they belong. */
  sightings: StoredSighting[];
  /** Suspicious inspections (eventIds) already reported as not followed by a test. */
  reported: Set<string>;
}

/** A suspicious inspection waiting for its drug test (逢嫌必检). */
export interface Obligation {
  key: string;
  rule: Rule;
  inspection: StoredSighting;
  deadlineMs: number;
}

/** Everything stage 2 knows about one partition of `sightings.v1`; rebuilt by replay when the partition is assigned. */
export interface PartitionState {
  /** Highest event time seen on the partition (future times clamped), minus nothing: lateness is applied on use. */
  maxEventMs: number;
  keys: Map<string, KeyState>;
  pending: Map<string, Obligation>;
  recent: RecentHits;
}

export const newPartitionState = (): PartitionState => ({ maxEventMs: 0, keys: new Map(), pending: new Map(), recent: createRecentHits(50_000) });

/** Inserts in event-time order; false when the key already holds this event (a duplicate or a replay overlap). */
export function insertSighting(ks: KeyState, s: StoredSighting): boolean {
  const list = ks.sightings;
  if (list.some((x) => x.eventId === s.eventId && x.role === s.role)) return false;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.ms <= s.ms) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, s);
  return true;
}

export function keyState(state: PartitionState, key: string): KeyState {
  let ks = state.keys.get(key);
  if (!ks) state.keys.set(key, (ks = { key, sightings: [], reported: new Set() }));
  return ks;
}
