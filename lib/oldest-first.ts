/**
 * Removes the oldest key (insertion order) of a Map or Set in constant time: a bounded map used as an LRU or
 * FIFO evicts with this instead of `map.delete(map.keys().next().value)`.
 *
 * Why: V8 leaves a hole in a Map's table for every deleted entry until the table is rebuilt, and a fresh
 * iterator walks the holes at the front one by one. An LRU at its bound deletes at the front on every insert,
 * so `keys().next()` grew to ~140 µs an eviction at a million entries (measured against 6 µs this way): at
 * the soak's ~1,100 evictions a second, a sixth of a core, and likely most of why the correlation stage's CPU
 * doubled once it reached its bound. One iterator kept across calls walks each hole once.
 *
 * Correct as long as only this evicts from the front: every key the iterator has passed was deleted (or
 * deleted and set again, which moves it to the end, where the iterator meets it again in turn).
 * `beforeDelete` sees each evicted key while it is still in the map (to account for its value).
 */
export function oldestFirst<K>(m: Map<K, unknown> | Set<K>, beforeDelete?: (key: K) => void): { evict(): K | undefined } {
  let it: Iterator<K> | undefined;
  return {
    evict() {
      if (m.size === 0) return undefined;
      let r = it?.next();
      // A finished iterator stays finished even when keys are added later: start a new one.
      if (!r || r.done) {
        it = m.keys();
        r = it.next();
      }
      if (r.done) return undefined;
      beforeDelete?.(r.value);
      m.delete(r.value);
      return r.value;
    },
  };
}
