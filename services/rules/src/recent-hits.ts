import type { Hit } from '../../../schemas/src';

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
  return {
    get: (id) => map.get(id),
    set(hit) {
      map.delete(hit.hitId);
      map.set(hit.hitId, hit);
      if (map.size > max) map.delete(map.keys().next().value!);
    },
    size: () => map.size,
  };
}
