import { PROVINCES, PROVINCE_CONFUSIONS, SERIAL_CHARS, foldLookalikes } from '../../../../schemas/src';
import { concatHash, mix, polyHash, powers } from './string-hash';

/**
 * The folded plates a listed vehicle could have for an observed plate to be a fuzzy match, as table
 * hashes (`mix(polyHash(folded))`), each with a way to spell it out when a hash hits. Tiers, best first:
 * the look-alike fold itself, a confused province character, one character extra in the observed plate
 * (each deletion), one character missing from it (each insertion of a character a listed plate can have
 * there). Insertions are enumerated at query time (about 230 hashes, O(1) each from prefix and suffix
 * hashes) instead of indexing every deletion of every listed plate, which would cost ~8 table entries
 * per vehicle.
 */
export type Tier = 'lookalike' | 'province' | 'extra' | 'missing';

/**
 * The variants of one observed plate, as parallel arrays in one reused scratch (a lookup makes ~230 and usually
 * none hits, so none is built as an object or a string: 230 objects a lookup were a twentieth of the judge
 * stage's CPU). Variant i is `base` with `drop[i]` characters at `at[i]` replaced by `insert[i]` (a UTF-16 code
 * unit, 0 for none); tier t holds indices [tierEnd[t-1], tierEnd[t]). Valid until the next `plateVariants` call.
 */
export interface Variants {
  base: string;
  count: number;
  hash: Uint32Array;
  at: Uint8Array;
  drop: Uint8Array;
  insert: Uint16Array;
  /** End index of each tier, in TIERS order. */
  tierEnd: Int32Array;
}

export const TIERS: readonly Tier[] = ['lookalike', 'province', 'extra', 'missing'];

/** The folded plate variant `i` stands for (built only when its hash hit something). */
export const spellVariant = (v: Variants, i: number): string =>
  v.drop[i] === 0 && v.insert[i] === 0 ? v.base : v.base.slice(0, v.at[i]) + (v.insert[i] === 0 ? '' : String.fromCharCode(v.insert[i]!)) + v.base.slice(v.at[i]! + v.drop[i]!);

/** Longest plate given variants (a canonical plate has at most 8 characters; longer input gets none). */
const MAX_FOLDED = 60;
const MAX_CONFUSIONS = Math.max(0, ...Object.values(PROVINCE_CONFUSIONS).map((l) => l.length));

function push(v: Variants, hash: number, at: number, drop: number, insert: number): void {
  const i = v.count++;
  v.hash[i] = hash;
  v.at[i] = at;
  v.drop[i] = drop;
  v.insert[i] = insert;
}

const SUFFIXES = '警学挂港澳';
/** Characters a folded listed plate can hold after the province character. */
const FOLDED_SERIAL = [...new Set(foldLookalikes(SERIAL_CHARS))].join('');
const FOLDED_SERIAL_AND_SUFFIXES = FOLDED_SERIAL + SUFFIXES;
const POW = powers(64);
/** Every tier's most: one fold, each confusion, each deletion, each insertion of the longest alphabet anywhere. */
const CAPACITY = 1 + MAX_CONFUSIONS + MAX_FOLDED + (MAX_FOLDED + 1) * Math.max(PROVINCES.length, FOLDED_SERIAL_AND_SUFFIXES.length);
const SCRATCH: Variants = {
  base: '',
  count: 0,
  hash: new Uint32Array(CAPACITY),
  at: new Uint8Array(CAPACITY),
  drop: new Uint8Array(CAPACITY),
  insert: new Uint16Array(CAPACITY),
  tierEnd: new Int32Array(TIERS.length),
};

/** The hash under which a listed plate is indexed for fuzzy lookup. */
export const foldedHash = (plateKey: string): number => mix(polyHash(foldLookalikes(plateKey)));

/** Variants of observed plate `observed` (already canonical), tier by tier, to be probed in order (into the scratch). */
export function plateVariants(observed: string): Variants {
  const f = foldLookalikes(observed);
  const m = f.length;
  const out = SCRATCH;
  out.base = f;
  out.count = 0;
  out.tierEnd.fill(0);
  if (m === 0 || m > MAX_FOLDED) return out;
  const pre = new Uint32Array(m + 1);
  const suf = new Uint32Array(m + 1);
  for (let i = 0; i < m; i++) pre[i + 1] = (Math.imul(pre[i]!, 0x01000193) + f.charCodeAt(i)) >>> 0;
  for (let i = m - 1; i >= 0; i--) suf[i] = (Math.imul(f.charCodeAt(i), POW[m - 1 - i]!) + suf[i + 1]!) >>> 0;

  push(out, mix(pre[m]!), 0, 0, 0);
  out.tierEnd[0] = out.count;
  for (const alt of PROVINCE_CONFUSIONS[f[0]!] ?? []) push(out, mix(concatHash(alt.charCodeAt(0), suf[1]!, POW[m - 1]!)), 0, 1, alt.charCodeAt(0));
  out.tierEnd[1] = out.count;
  if (m > 1) {
    for (let p = 0; p < m; p++) {
      if (p > 0 && f[p] === f[p - 1]) continue; // deleting either of two equal neighbours gives the same plate
      push(out, mix(concatHash(pre[p]!, suf[p + 1]!, POW[m - p - 1]!)), p, 1, 0);
    }
  }
  out.tierEnd[2] = out.count;
  for (let p = 0; p <= m; p++) {
    const alphabet = p === 0 ? PROVINCES : p === m ? FOLDED_SERIAL_AND_SUFFIXES : FOLDED_SERIAL;
    for (let k = 0; k < alphabet.length; k++) {
      const c = alphabet.charCodeAt(k);
      if (p > 0 && p < m && f.charCodeAt(p) === c) continue; // inserting c before an equal c is the same as inserting it after
      push(out, mix(concatHash(concatHash(pre[p]!, c, 0x01000193), suf[p]!, POW[m - p]!)), p, 0, c);
    }
  }
  out.tierEnd[3] = out.count;
  return out;
}
