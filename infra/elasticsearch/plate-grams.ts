import { canonicalPlate, foldLookalikes, PROVINCE_CONFUSIONS } from '../../schemas/src';

/**
 * Partial-plate search without the ngram tokenizer (analysis-common is missing in the minimal build) and
 * without wildcard scans over the terms dictionary: the indexer stores, per canonical plate,
 *   - every substring of 2..8 characters (`C7K`, `45`),
 *   - every prefix anchored with `^` (`^晋`, `^晋C`) and every suffix anchored with `$` (`5$`, `45$`),
 * in the keyword field `plateGrams`. A search pattern becomes a handful of term lookups. This file is the
 * one place that knows the encoding, so the indexer and the search plugin cannot drift apart.
 */
export const START = '^';
export const END = '$';
const MAX_GRAM = 8;

const gram = (chars: readonly string[] | string, i: number, j: number): string => (typeof chars === 'string' ? chars.slice(i, j) : chars.slice(i, j).join(''));

/** Grams of one canonical plate (deduplicated), in the order: substrings by start, then prefixes and suffixes by length. */
export function plateGrams(plate: string): string[] {
  // Plates are BMP characters (one UTF-16 unit each), so substrings are cheap slices; anything with a surrogate
  // pair is split by code point instead. The indexer calls this for every event.
  // (No closures: under tsx every closure created costs a defineProperty.)
  const chars: readonly string[] | string = /[\uD800-\uDFFF]/.test(plate) ? [...plate] : plate;
  const len = chars.length;
  const out = new Set<string>();
  for (let i = 0; i < len; i++) {
    for (let n = 2; n <= MAX_GRAM && i + n <= len; n++) out.add(gram(chars, i, i + n));
  }
  for (let n = 1; n <= Math.min(MAX_GRAM, len); n++) {
    out.add(START + gram(chars, 0, n));
    out.add(gram(chars, len - n, len) + END);
  }
  return [...out];
}

/** Grams of every plate of a document. */
export function plateGramsOf(plates: readonly string[]): string[] {
  if (plates.length === 1) return plateGrams(plates[0]!);
  return [...new Set(plates.flatMap(plateGrams))];
}

export type PlatePattern =
  /** A whole plate: one term on `plates` (or `platesFolded`). */
  | { kind: 'exact'; plate: string }
  /**
   * A partial plate: every entry of `groups` must match (each entry is a set of alternative gram terms —
   * one term unless look-alikes were expanded); `verify` is a wildcard over `plates` needed only when the
   * grams alone would over-match (three or more known segments, or a lone middle character).
   */
  | { kind: 'partial'; groups: string[][]; verify?: string };

export class PlatePatternError extends Error {
  override readonly name = 'PlatePatternError';
}

/**
 * `晋C*45` → `^晋C` and `45$`; `C7K2` (no wildcard, not a whole plate) → the substring gram; a whole
 * plate → exact. With `fuzzy`, OCR look-alikes (0/O/D/Q 1/I 2/Z 5/S 8/B 6/G) and confused province
 * characters of the pattern are expanded, so a misread plate still finds the vehicle.
 */
export function platePattern(raw: string, opts: { fuzzy: boolean; isWholePlate: (p: string) => boolean; maxAlternatives?: number }): PlatePattern {
  const p = canonicalPlate(raw.replaceAll('＊', '*').replaceAll('%', '*')).replace(/\*+/g, '*');
  // A misread plate may be invalid as written (an O in the serial): with `fuzzy`, 7 or 8 characters are a whole plate.
  const whole = opts.isWholePlate(p) || (opts.fuzzy && [...p].length >= 7 && [...p].length <= 8);
  if (!p.includes('*') && whole) return { kind: 'exact', plate: p };
  const segments = p.split('*');
  const known = segments.filter((s) => s.length > 0);
  if ([...p.replaceAll('*', '')].length < 2 && !(known.length === 1 && segments[0] === known[0])) {
    throw new PlatePatternError('a partial plate needs at least two known characters (or a leading province character, e.g. 晋*)');
  }
  const groups: string[] = [];
  let verify = false;
  segments.forEach((seg, i) => {
    if (!seg) return;
    const chars = [...seg];
    if (chars.length > MAX_GRAM) throw new PlatePatternError('a plate has at most 8 characters');
    const atStart = i === 0;
    const atEnd = i === segments.length - 1;
    if (atStart && atEnd) {
      // No wildcard at all: "any substring".
      if (chars.length < 2) throw new PlatePatternError('a partial plate needs at least two known characters');
      groups.push(seg);
    } else if (atStart) groups.push(START + seg);
    else if (atEnd) groups.push(seg + END);
    else if (chars.length >= 2) {
      groups.push(seg);
      verify = true;
    } else verify = true;
  });
  if (known.length >= 3) verify = true;
  // Anchored ends that could overlap in a short plate (e.g. 晋C12*123) need the order checked too.
  if (segments.length === 2 && [...known.join('')].length > 7) verify = true;
  if (!groups.length) throw new PlatePatternError('a partial plate needs two consecutive known characters or a known start or end');
  const max = opts.maxAlternatives ?? 256;
  const expanded = groups.map((g) => (opts.fuzzy ? lookalikeVariants(g, max) : [g]));
  return verify && !opts.fuzzy ? { kind: 'partial', groups: expanded, verify: p } : { kind: 'partial', groups: expanded };
}

const CLASSES: string[] = ['0ODQ', '1I', '2Z', '5S', '8B', '6G'];
const CLASS_OF = new Map<string, string>();
for (const c of CLASSES) for (const ch of c) CLASS_OF.set(ch, c);

/** A province character and every character it is confused with, in either direction (晋 ↔ 普). */
export function provinceAlternatives(ch: string): string[] {
  const out = new Set([ch, ...(PROVINCE_CONFUSIONS[ch] ?? [])]);
  for (const [p, confused] of Object.entries(PROVINCE_CONFUSIONS)) if (confused.includes(ch)) out.add(p);
  return [...out];
}

/**
 * Every spelling of a gram an OCR could have produced or misread, including confused province characters.
 * Bounded: a pattern made only of look-alike characters would explode, so it is refused past `max`.
 */
export function lookalikeVariants(gram: string, max = 256): string[] {
  let out = [''];
  for (const ch of gram) {
    const alts = CLASS_OF.get(ch)?.split('') ?? provinceAlternatives(ch);
    const next: string[] = [];
    for (const prefix of out) for (const a of alts) next.push(prefix + a);
    if (next.length > max) throw new PlatePatternError('the pattern is too ambiguous for a look-alike search; give more characters or search exactly');
    out = next;
  }
  return out;
}

/** Folded forms of a whole plate and of its province-confused spellings, for `platesFolded`. */
export function foldedPlateVariants(plate: string): string[] {
  const chars = [...plate];
  const first = chars[0] ?? '';
  const rest = chars.slice(1).join('');
  return [...new Set(provinceAlternatives(first).map((p) => foldLookalikes(p + rest)))];
}
