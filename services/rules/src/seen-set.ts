/**
 * Event ids judged recently, bounded by time (arrival, ms) and count. Duplicates that slip past the gateway
 * (a sub-second race between two gateway instances) arrive right after the original, so a window of hours
 * is ample; it is rebuilt by replay when a partition is assigned, so a restart does not forget it.
 */
export interface SeenSet {
  has(eventId: string): boolean;
  add(eventId: string, atMs: number): void;
  /** Forgets ids older than the window, measured from `nowMs`. */
  prune(nowMs: number): void;
  size(): number;
}

import { oldestFirst } from '../../../lib/oldest-first';

export function createSeenSet(windowMs: number, maxSize = 2_000_000): SeenSet {
  const map = new Map<string, number>();
  const oldest = oldestFirst(map);
  return {
    has: (id) => map.has(id),
    add(id, atMs) {
      map.delete(id);
      map.set(id, atMs);
      if (map.size > maxSize) oldest.evict();
    },
    prune(nowMs) {
      // Insertion order is arrival order, so the oldest are at the front.
      for (const [id, at] of map) {
        if (at >= nowMs - windowMs) break;
        map.delete(id);
      }
    },
    size: () => map.size,
  };
}
