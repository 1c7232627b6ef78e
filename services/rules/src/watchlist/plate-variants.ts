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

export interface Variant {
  tier: Tier;
  hash: number;
  /** The folded plate this variant stands for (built only when its hash hit something). */
  spell(): string;
}

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

  out.lookalike.push({ tier: 'lookalike', hash: mix(pre[m]!), spell: () => f });
  for (const alt of PROVINCE_CONFUSIONS[f[0]!] ?? []) {
    out.province.push({ tier: 'province', hash: mix(concatHash(alt.charCodeAt(0), suf[1]!, POW[m - 1]!)), spell: () => alt + f.slice(1) });
  }
  if (m > 1) {
    for (let p = 0; p < m; p++) {
      if (p > 0 && f[p] === f[p - 1]) continue; // deleting either of two equal neighbours gives the same plate
      out.extra.push({ tier: 'extra', hash: mix(concatHash(pre[p]!, suf[p + 1]!, POW[m - p - 1]!)), spell: () => f.slice(0, p) + f.slice(p + 1) });
    }
  }
  for (let p = 0; p <= m; p++) {
    const alphabet = p === 0 ? PROVINCES : p === m ? FOLDED_SERIAL + SUFFIXES : FOLDED_SERIAL;
    for (const c of alphabet) {
      if (p > 0 && p < m && f[p] === c) continue; // inserting c before an equal c is the same as inserting it after
      const h = mix(concatHash(concatHash(pre[p]!, c.charCodeAt(0), 0x01000193), suf[p]!, POW[m - p]!));
      out.missing.push({ tier: 'missing', hash: h, spell: () => f.slice(0, p) + c + f.slice(p) });
    }
  }
  return out;
}
