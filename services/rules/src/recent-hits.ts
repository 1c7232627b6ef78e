import type { Hit } from '../../../schemas/src';
import { oldestFirst } from '../../../lib/oldest-first';

export interface RecentHits {
  get(hitId: string): Hit | undefined;
  set(hit: Hit): void;
  size(): number;
}

/**
 * The latest version of recently raised hits, so a repeat inside the cool-down updates the hit with the
 * accumulated evidence. Least recently touched first out; rebuilt by replay after a restart.
 */
export function createRecentHits(max = 100_000): RecentHits {
  const map = new Map<string, Hit>();
  const oldest = oldestFirst(map);
  return {
    get: (id) => map.get(id),
    set(hit) {
      map.delete(hit.hitId);
      map.set(hit.hitId, hit);
      if (map.size > max) oldest.evict();
    },
    size: () => map.size,
  };
}
