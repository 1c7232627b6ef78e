import type { Rule } from '../../../../schemas/src';
import { oldestFirst } from '../../../../lib/oldest-first';
import { createRecentHits, type RecentHits } from '../recent-hits';
import type { Sighting } from '../sighting';

/** A sighting as kept in memory: parsed time, no schema version. */
export type StoredSighting = Omit<Sighting, 'schemaVersion'> & { ms: number };

export interface KeyState {
  key: string;
  /** Ordered by event time, not arrival: late events are inserted where they belong. */
  sightings: StoredSighting[];
  /** Suspicious inspections (eventIds) already reported as not followed by a test (made when the first is). */
  reported?: Set<string>;
  /**
   * How many of `sightings` carry each event id, made once the history is long (`ID_INDEX_FROM`): the duplicate
   * check then looks up instead of reading the whole history, whose entries lie all over the heap (a subject with
   * a few hundred sightings cost ~17 µs a sighting in cache misses, a third of the stage's CPU).
   */
  ids?: Map<string, number>;
}

const ID_INDEX_FROM = 16;

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
  /** Least recently seen subject first (a sighting moves its subject to the end). */
  keys: Map<string, KeyState>;
  /** At most this many subjects are held; past it the least recently seen is forgotten (counted in `evicted`). */
  maxKeys: number;
  evicted: number;
  /** Sightings held over all subjects; past `maxSightings` the least recently seen subjects are forgotten too. */
  sightings: number;
  maxSightings: number;
  /** At most this many sightings of one subject are held; past it its oldest go (counted in `trimmed`). */
  maxSightingsPerKey: number;
  trimmed: number;
  /** Takes the least recently seen subject out of `keys` (constant time: see lib/oldest-first). */
  leastRecent: { evict(): string | undefined };
  pending: Map<string, Obligation>;
  /** The ids of `pending` by deadline, earliest first (entries no longer pending are skipped when they come up). */
  due: DueQueue;
  recent: RecentHits;
}

/** A binary min-heap of (deadline, obligation id): flush takes what is due without scanning every obligation held. */
export interface DueQueue {
  push(deadlineMs: number, id: string): void;
  /** Removes and returns the earliest entry if its deadline is ≤ `ms`. */
  popDue(ms: number): { deadlineMs: number; id: string } | undefined;
  size(): number;
}

export function createDueQueue(): DueQueue {
  const heap: Array<{ deadlineMs: number; id: string }> = [];
  // A deadline that is not a number is due at once (as the scan it replaces judged it), and must not break the order.
  const key = (d: number) => (Number.isNaN(d) ? Number.NEGATIVE_INFINITY : d);
  const less = (i: number, j: number) => key(heap[i]!.deadlineMs) < key(heap[j]!.deadlineMs);
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  return {
    push(deadlineMs, id) {
      heap.push({ deadlineMs, id });
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!less(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    popDue(ms) {
      const top = heap[0];
      if (!top || key(top.deadlineMs) > ms) return undefined;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && less(l, m)) m = l;
          if (r < heap.length && less(r, m)) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return top;
    },
    size: () => heap.length,
  };
}

export interface PartitionLimits {
  /** Subjects held (default: no bound). */
  maxKeys?: number;
  /** Sightings held over all subjects (default: no bound). */
  maxSightings?: number;
  /** Sightings held of one subject (default: no bound). */
  maxSightingsPerKey?: number;
}

/** A partition's empty state. Keep the object itself (extend it with `Object.assign`, not a spread): its eviction counts into it. */
export function newPartitionState(limits: PartitionLimits = {}): PartitionState {
  const keys = new Map<string, KeyState>();
  const state: PartitionState = {
    maxEventMs: 0,
    keys,
    maxKeys: limits.maxKeys ?? Number.POSITIVE_INFINITY,
    evicted: 0,
    sightings: 0,
    maxSightings: limits.maxSightings ?? Number.POSITIVE_INFINITY,
    maxSightingsPerKey: limits.maxSightingsPerKey ?? Number.POSITIVE_INFINITY,
    trimmed: 0,
    leastRecent: oldestFirst(keys, (key) => {
      state.sightings -= keys.get(key)?.sightings.length ?? 0;
    }),
    pending: new Map(),
    due: createDueQueue(),
    recent: createRecentHits(50_000),
  };
  return state;
}

/** Index of the first sighting with time > `ms` (`orEqual`: ≥ `ms`) in a list ordered by event time. */
function bound(list: readonly StoredSighting[], ms: number, orEqual: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (orEqual ? list[mid]!.ms < ms : list[mid]!.ms <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The sightings with `fromMs ≤ time ≤ toMs`, in order: what `list.filter` on those times gives, found by binary
 * search, so a rule looks at its window of a subject's history and not at all of it.
 */
export function sightingsBetween(list: readonly StoredSighting[], fromMs: number, toMs: number): StoredSighting[] {
  if (!(fromMs <= toMs)) return [];
  return list.slice(bound(list, fromMs, true), bound(list, toMs, false));
}

/** Inserts in event-time order; false when the key already holds this event (a duplicate or a replay overlap). */
export function insertSighting(ks: KeyState, s: StoredSighting): boolean {
  const list = ks.sightings;
  if (!ks.ids && list.length >= ID_INDEX_FROM) {
    const ids = (ks.ids = new Map());
    for (const x of list) countId(ids, x.eventId, 1);
  }
  // The whole history, not only the same instant: an event id re-sent with a corrected time is still the same event.
  if ((!ks.ids || ks.ids.has(s.eventId)) && list.some((x) => x.eventId === s.eventId && x.role === s.role)) return false;
  list.splice(bound(list, s.ms, false), 0, s);
  if (ks.ids) countId(ks.ids, s.eventId, 1);
  return true;
}

function countId(ids: Map<string, number>, id: string, by: 1 | -1): void {
  const n = (ids.get(id) ?? 0) + by;
  if (n > 0) ids.set(id, n);
  else ids.delete(id);
}

/** Removes a subject's `n` oldest sightings, and counts them out of the partition's total. */
export function dropOldest(state: PartitionState, ks: KeyState, n: number): void {
  const gone = ks.sightings.splice(0, n);
  state.sightings -= gone.length;
  if (ks.ids) for (const x of gone) countId(ks.ids, x.eventId, -1);
}

/**
 * Adds a sighting to its subject's history (`insertSighting`) within the partition's memory bounds: past
 * `maxSightingsPerKey` the subject's oldest sightings go, past `maxSightings` the least recently seen other
 * subjects are forgotten (as under `maxKeys`). Only the oldest history is lost: a frequent traveller's month of
 * sightings is cut to its most recent ones, which trace-backs and windows reach first. False for a duplicate,
 * and for a late sighting older than all a full history keeps (it is trimmed at once: no rule may see it).
 */
export function addSighting(state: PartitionState, ks: KeyState, s: StoredSighting): boolean {
  if (!insertSighting(ks, s)) return false;
  state.sightings++;
  const over = ks.sightings.length - state.maxSightingsPerKey;
  let kept = true;
  if (over > 0) {
    // Only when trimming (at most maxSightingsPerKey + 1 entries): is the new one among those that go?
    kept = ks.sightings.indexOf(s) >= over;
    dropOldest(state, ks, over);
    state.trimmed += over;
  }
  // `ks` was made most recently seen by keyState, so it is the last the loop would reach.
  while (state.sightings > state.maxSightings && state.keys.size > 1 && state.leastRecent.evict() !== undefined) state.evicted++;
  return kept;
}

/**
 * The state of a subject, made most recently seen. Memory is bounded by `maxKeys`: a new subject past it
 * forgets the subject seen longest ago (its history then no longer takes part in windows and trace-backs;
 * an obligation of it still pending is judged on its inspection alone). Without the bound, a month of
 * sightings kept for trace-back ran a correlation process out of heap in ~20 minutes at 1,000 events/s.
 */
export function keyState(state: PartitionState, key: string): KeyState {
  let ks = state.keys.get(key);
  if (ks) {
    state.keys.delete(key);
    state.keys.set(key, ks);
    return ks;
  }
  while (state.keys.size >= state.maxKeys && state.leastRecent.evict() !== undefined) state.evicted++;
  state.keys.set(key, (ks = { key, sightings: [] }));
  return ks;
}

const interned = new Map<string, string>();
/** One copy of each short repeated text (checkpoint ids, types, roles): held sightings share them. */
export function intern(s: string | undefined): string | undefined {
  if (s === undefined || s.length > 40) return s;
  const have = interned.get(s);
  if (have !== undefined) return have;
  if (interned.size < 100_000) interned.set(s, s);
  return s;
}
