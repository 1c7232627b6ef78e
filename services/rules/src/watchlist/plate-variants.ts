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
 * One variant: `base` (the folded observed plate) with `drop` characters at `at` replaced by `insert`. Plain
 * data rather than a closure per variant: a lookup makes ~230 of them, and closures (named by tsx's
 * keepNames, one defineProperty each) were a sixth of the rules service's CPU under load.
 */
export interface Variant {
  tier: Tier;
  hash: number;
  base: string;
  at: number;
  drop: 0 | 1;
  insert: string;
}

/** The folded plate a variant stands for (built only when its hash hit something). */
export const spellVariant = (v: Variant): string => (v.drop === 0 && v.insert === '' ? v.base : v.base.slice(0, v.at) + v.insert + v.base.slice(v.at + v.drop));

const SUFFIXES = '警学挂港澳';
/** Characters a folded listed plate can hold after the province character. */
const FOLDED_SERIAL = [...new Set(foldLookalikes(SERIAL_CHARS))].join('');
const POW = powers(64);

/** The hash under which a listed plate is indexed for fuzzy lookup. */
export const foldedHash = (plateKey: string): number => mix(polyHash(foldLookalikes(plateKey)));

/** Variants of observed plate `observed` (already canonical), tier by tier, to be probed in order. */
export function plateVariants(observed: string): Record<Tier, Variant[]> {
  const f = foldLookalikes(observed);
  const m = f.length;
  const out: Record<Tier, Variant[]> = { lookalike: [], province: [], extra: [], missing: [] };
  if (m === 0 || m > 60) return out;
  const pre = new Uint32Array(m + 1);
  const suf = new Uint32Array(m + 1);
  for (let i = 0; i < m; i++) pre[i + 1] = (Math.imul(pre[i]!, 0x01000193) + f.charCodeAt(i)) >>> 0;
  for (let i = m - 1; i >= 0; i--) suf[i] = (Math.imul(f.charCodeAt(i), POW[m - 1 - i]!) + suf[i + 1]!) >>> 0;

  out.lookalike.push({ tier: 'lookalike', hash: mix(pre[m]!), base: f, at: 0, drop: 0, insert: '' });
  for (const alt of PROVINCE_CONFUSIONS[f[0]!] ?? []) {
    out.province.push({ tier: 'province', hash: mix(concatHash(alt.charCodeAt(0), suf[1]!, POW[m - 1]!)), base: f, at: 0, drop: 1, insert: alt });
  }
  if (m > 1) {
    for (let p = 0; p < m; p++) {
      if (p > 0 && f[p] === f[p - 1]) continue; // deleting either of two equal neighbours gives the same plate
      out.extra.push({ tier: 'extra', hash: mix(concatHash(pre[p]!, suf[p + 1]!, POW[m - p - 1]!)), base: f, at: p, drop: 1, insert: '' });
    }
  }
  for (let p = 0; p <= m; p++) {
    const alphabet = p === 0 ? PROVINCES : p === m ? FOLDED_SERIAL + SUFFIXES : FOLDED_SERIAL;
    for (const c of alphabet) {
      if (p > 0 && p < m && f[p] === c) continue; // inserting c before an equal c is the same as inserting it after
      const h = mix(concatHash(concatHash(pre[p]!, c.charCodeAt(0), 0x01000193), suf[p]!, POW[m - p]!));
      out.missing.push({ tier: 'missing', hash: h, base: f, at: p, drop: 0, insert: c });
    }
  }
  return out;
}
