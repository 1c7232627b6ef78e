import type { HitState } from './hit-merge';

/**
 * The hits the console holds in memory, least recently recorded first, within the look-back.
 *
 * Why: the store reads the look-back (30 days by default) at start, and a console that ran for a month used to
 * keep every hit folded since, forever: its memory grew with uptime without a bound. Now a hit whose last record
 * is older than the look-back is forgotten, as a restart would not read it either (so a running instance and a
 * restarted one agree). A forgotten hit is still in Elasticsearch.
 *
 * Deliberately no count bound: a hit forgotten while it can still be updated (a late drug test up to 24 h, a
 * trace-back up to 30 days) would come back from its next rules record as new, its workflow lost, and the
 * instances would disagree on its workflow sequence. Memory is sized by the look-back (docs/CAPACITY.md).
 */
export interface HeldHits {
  get(hitId: string): HitState | undefined;
  /** The state of a hit after a record written at `atMs` (Kafka record time): it becomes the most recent. */
  put(hitId: string, state: HitState, atMs: number): void;
  values(): IterableIterator<HitState>;
  readonly size: number;
  /**
   * Forgets the hits last recorded before `cutoffMs`, from the least recent on; stops at the first that is not
   * (records of different partitions arrive slightly out of time order: such a hit goes at a later call).
   */
  expire(cutoffMs: number): string[];
}

interface Held {
  state: HitState;
  atMs: number;
}

export function createHeldHits(opts: { onForget?: (hitId: string) => void } = {}): HeldHits {
  const map = new Map<string, Held>();
  return {
    get: (id) => map.get(id)?.state,
    put(id, state, atMs) {
      // Deleting first moves it to the end: the map stays in the order hits were last recorded.
      map.delete(id);
      map.set(id, { state, atMs });
    },
    *values() {
      for (const h of map.values()) yield h.state;
    },
    get size() {
      return map.size;
    },
    expire(cutoffMs) {
      const gone: string[] = [];
      // Deleting the entry just visited is safe while iterating a Map.
      for (const [id, h] of map) {
        if (h.atMs >= cutoffMs) break;
        map.delete(id);
        gone.push(id);
        opts.onForget?.(id);
      }
      return gone;
    },
  };
}
