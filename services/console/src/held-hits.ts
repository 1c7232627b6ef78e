import { oldestFirst } from '../../../lib/oldest-first';
import type { HitState } from './hit-merge';

/**
 * The hits the console holds in memory, least recently recorded first, within the look-back and a count bound.
 *
 * Why: the store reads the look-back (30 days by default) at start, and a console that ran for a month used to
 * keep every hit folded since, forever: its memory grew with uptime without a bound.
 * Now a hit whose last record is older than the look-back is forgotten, as a restart would not read it either,
 * and past `maxHits` the least recently recorded go first. A forgotten hit is still in Elasticsearch (search).
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
  /** Hits forgotten under the count bound since start (the look-back's are not counted: they are due). */
  readonly evicted: number;
}

interface Held {
  state: HitState;
  atMs: number;
}

export function createHeldHits(opts: { maxHits: number; onForget?: (hitId: string) => void }): HeldHits {
  const map = new Map<string, Held>();
  const leastRecent = oldestFirst(map);
  let evicted = 0;
  return {
    get: (id) => map.get(id)?.state,
    put(id, state, atMs) {
      // Deleting first moves it to the end: the map stays in the order hits were last recorded.
      map.delete(id);
      map.set(id, { state, atMs });
      while (map.size > opts.maxHits) {
        const gone = leastRecent.evict();
        if (gone === undefined) break;
        evicted++;
        opts.onForget?.(gone);
      }
    },
    *values() {
      for (const h of map.values()) yield h.state;
    },
    get size() {
      return map.size;
    },
    expire(cutoffMs) {
      const gone: string[] = [];
      // A fresh iterator from the front (called once a minute, not per record: see lib/oldest-first on why).
      for (const [id, h] of map) {
        if (h.atMs >= cutoffMs) break;
        gone.push(id);
      }
      for (const id of gone) {
        map.delete(id);
        opts.onForget?.(id);
      }
      return gone;
    },
    get evicted() {
      return evicted;
    },
  };
}
