/**
 * 32-bit string hashes for the watchlist's tables. The polynomial part is kept separate from the final
 * mix so a fuzzy query can hash "the observed plate with one character inserted, deleted or replaced"
 * from prefix and suffix hashes in O(1), without building each variant string.
 */

/** Polynomial base (odd, so multiplication mod 2^32 is invertible). */
export const BASE = 0x01000193;

/** Σ s[i]·BASE^(n-1-i) mod 2^32 over UTF-16 code units of `s[from, to)`. */
export function polyHash(s: string, from = 0, to = s.length): number {
  let h = 0;
  for (let i = from; i < to; i++) h = (Math.imul(h, BASE) + s.charCodeAt(i)) >>> 0;
  return h;
}

/** poly(a + b) from poly(a), poly(b) and BASE^|b|. */
export const concatHash = (ha: number, hb: number, powB: number): number => (Math.imul(ha, powB) + hb) >>> 0;

/** Murmur3's finaliser: spreads the polynomial's weak low bits over the whole word (a bijection). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The table hash of a whole string, optionally in a domain (`salt`) so several key kinds share a table. */
export const stringHash = (s: string, salt = 0): number => mix((polyHash(s) ^ salt) >>> 0);

/** BASE^k mod 2^32 for k = 0..n. */
export function powers(n: number): Uint32Array {
  const out = new Uint32Array(n + 1);
  out[0] = 1;
  for (let k = 1; k <= n; k++) out[k] = Math.imul(out[k - 1]!, BASE) >>> 0;
  return out;
}
