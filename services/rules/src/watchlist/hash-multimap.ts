/**
 * An open-addressing multimap from a 32-bit hash to 32-bit values (entry slots, string ids), in one
 * Uint32Array of [hash, value + 1] pairs: 8 bytes a bucket, nothing for the garbage collector to trace.
 * Several values may share a hash (one key listed twice, or a collision): callers verify each candidate
 * against the record it points to. Linear probing; deletion shifts the cluster back, so there are no
 * tombstones and probes stay short under churn.
 */
export interface HashMultimap {
  add(hash: number, value: number): void;
  /** Grows the table at once to hold `n` pairs without growing again (a big load known in advance). */
  reserve(n: number): void;
  /** Removes one (hash, value) pair; false if it was not there. */
  remove(hash: number, value: number): boolean;
  /** Position of the first bucket holding `hash`, or -1. */
  first(hash: number): number;
  /** Position of the next bucket holding `hash` after `pos`, or -1. */
  next(hash: number, pos: number): number;
  valueAt(pos: number): number;
  size(): number;
  bytes(): number;
  /** The table as it is (not a copy): what `createHashMultimap(0, image)` restores. */
  image(): MultimapImage;
}

export interface MultimapImage {
  data: Uint32Array;
  count: number;
}

const MAX_LOAD = 0.7;

export function createHashMultimap(expected = 1024, from?: MultimapImage): HashMultimap {
  let cap = 16;
  while (cap * MAX_LOAD < expected) cap *= 2;
  if (from) {
    cap = from.data.length / 2;
    if (!Number.isInteger(cap) || cap < 16 || (cap & (cap - 1)) !== 0 || from.count > cap * MAX_LOAD) throw new RangeError('not a hash table image');
  }
  let mask = cap - 1;
  let data = from?.data ?? new Uint32Array(cap * 2);
  let count = from?.count ?? 0;

  const place = (d: Uint32Array, m: number, hash: number, stored: number) => {
    let i = hash & m;
    while (d[i * 2 + 1] !== 0) i = (i + 1) & m;
    d[i * 2] = hash;
    d[i * 2 + 1] = stored;
  };

  const grow = (to = cap * 2) => {
    const old = data;
    const oldCap = cap;
    cap = to;
    mask = cap - 1;
    data = new Uint32Array(cap * 2);
    for (let i = 0; i < oldCap; i++) if (old[i * 2 + 1] !== 0) place(data, mask, old[i * 2]!, old[i * 2 + 1]!);
  };

  const scan = (hash: number, from: number): number => {
    for (let i = from; ; i = (i + 1) & mask) {
      const v = data[i * 2 + 1]!;
      if (v === 0) return -1;
      if (data[i * 2] === hash) return i;
    }
  };

  return {
    add(hash, value) {
      if (count + 1 > cap * MAX_LOAD) grow();
      place(data, mask, hash >>> 0, value + 1);
      count++;
    },
    reserve(n) {
      let to = cap;
      while (to * MAX_LOAD < n) to *= 2;
      if (to > cap) grow(to);
    },
    remove(hash, value) {
      hash >>>= 0;
      let i = hash & mask;
      for (;;) {
        const v = data[i * 2 + 1]!;
        if (v === 0) return false;
        if (v === value + 1 && data[i * 2] === hash) break;
        i = (i + 1) & mask;
      }
      // Backward-shift deletion: move later members of the cluster into the hole when their home allows.
      let hole = i;
      let j = i;
      for (;;) {
        j = (j + 1) & mask;
        if (data[j * 2 + 1] === 0) break;
        const home = data[j * 2]! & mask;
        const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
        if (between) continue;
        data[hole * 2] = data[j * 2]!;
        data[hole * 2 + 1] = data[j * 2 + 1]!;
        hole = j;
      }
      data[hole * 2] = 0;
      data[hole * 2 + 1] = 0;
      count--;
      return true;
    },
    first: (hash) => scan(hash >>> 0, (hash >>> 0) & mask),
    next: (hash, pos) => scan(hash >>> 0, (pos + 1) & mask),
    valueAt: (pos) => data[pos * 2 + 1]! - 1,
    size: () => count,
    bytes: () => data.byteLength,
    image: () => ({ data, count }),
  };
}
