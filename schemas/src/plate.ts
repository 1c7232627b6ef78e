/**
 * GA 36 motor-vehicle plates. Ordinary: province character + issuing-authority letter + 5 serial characters
 * (letters without I/O, digits). New-energy (GA 36-2018): 6 serial characters, small = D/A/B/C/E/F/G/H/J/K,
 * then a letter or digit, then 4 digits; large = 5 digits then one of those letters. Special suffixes
 * replace the last serial character: 警 police, 学 coach (driving school), 挂 trailer, 港/澳 Hong Kong/Macao
 * vehicles (issued as 粤Z…).
 *
 * Everything is table lookups over a bounded input: no regular expression, nothing to backtrack.
 */

/** The 31 province-level plate characters (mainland provinces, autonomous regions, municipalities). */
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PROVINCE_SET = new Set(PROVINCES);

/** Plate province character by the first two digits of a GB/T 2260 code (for fixtures, simulators, hints). */
export const PROVINCE_BY_REGION: Readonly<Record<string, string>> = {
  '11': '京', '12': '津', '13': '冀', '14': '晋', '15': '蒙', '21': '辽', '22': '吉', '23': '黑', '31': '沪', '32': '苏', '33': '浙',
  '34': '皖', '35': '闽', '36': '赣', '37': '鲁', '41': '豫', '42': '鄂', '43': '湘', '44': '粤', '45': '桂', '46': '琼', '50': '渝',
  '51': '川', '52': '贵', '53': '云', '54': '藏', '61': '陕', '62': '甘', '63': '青', '64': '宁', '65': '新',
};

/** Serial characters: A-Z without I and O (they read as 1 and 0), and digits. */
export const SERIAL_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const SERIAL_SET = new Set(SERIAL_CHARS);
const LETTER_SET = new Set('ABCDEFGHJKLMNPQRSTUVWXYZ');
const DIGIT_SET = new Set('0123456789');
/** New-energy type letters: D (battery electric) and F (other) first, A-K (without I) since 2022. */
export const NEW_ENERGY_LETTERS = 'DABCEFGHJK';
const NEV_SET = new Set(NEW_ENERGY_LETTERS);
const SUFFIX_KIND = { 警: 'police', 学: 'coach', 挂: 'trailer', 港: 'hongkong', 澳: 'macao' } as const;
type Suffix = keyof typeof SUFFIX_KIND;

export type PlateKind = 'ordinary' | 'new-energy' | (typeof SUFFIX_KIND)[Suffix];
export type PlateResult = { ok: true; plate: string; kind: PlateKind; province: string } | { ok: false; reason: string };

/** Separators terminals and OCR put between the characters: spaces, dots and the several middle dots. */
const SEPARATORS = new Set([' ', '\u3000', '\t', '.', '·', '•', '・', '‧', '∙', '-', '_', '。']);
const SEPARATOR_CODES = new Set([...SEPARATORS].map((c) => c.charCodeAt(0)));

/** Nothing for `canonicalPlate` to change (no separator, lower-case or full-width latin): most plates read. */
function isCanonical(plate: string): boolean {
  for (let i = 0; i < plate.length; i++) {
    const c = plate.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 0xff01 && c <= 0xff5e) || SEPARATOR_CODES.has(c)) return false;
  }
  return true;
}

/**
 * Upper-case latin letters (full-width ones folded to ASCII) and strip separators; no look-alike folding.
 * `晋c·12345` → `晋C12345`.
 */
export function canonicalPlate(plate: string): string {
  if (isCanonical(plate)) return plate;
  let out = '';
  for (const ch of plate) {
    if (SEPARATORS.has(ch)) continue;
    let c = ch.charCodeAt(0);
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0; // full-width ASCII block (Ａ, ０, ｃ) to ASCII
    if (c >= 97 && c <= 122) c -= 32;
    out += c === ch.charCodeAt(0) ? ch : String.fromCharCode(c);
  }
  return out;
}

function serialProblem(c: string): string {
  return c === 'I' || c === 'O' ? 'serials never use the letters I or O' : `"${c}" cannot appear in a plate serial`;
}

/** Validates a plate and returns its canonical form, kind and province character. */
export function parsePlate(raw: string): PlateResult {
  if (raw.length > 32) return { ok: false, reason: 'a plate has 7 characters (8 for new-energy vehicles)' };
  const chars = [...canonicalPlate(raw)];
  if (chars.length < 7 || chars.length > 8) return { ok: false, reason: 'a plate has 7 characters (8 for new-energy vehicles)' };
  const province = chars[0]!;
  if (!PROVINCE_SET.has(province)) return { ok: false, reason: `"${province}" is not a province character` };
  if (!LETTER_SET.has(chars[1]!)) return { ok: false, reason: 'the second character is the issuing authority letter (A-Z, not I or O)' };
  const plate = chars.join('');
  const last = chars[chars.length - 1]!;
  const suffix = last in SUFFIX_KIND ? SUFFIX_KIND[last as Suffix] : undefined;
  if (suffix) {
    if (chars.length !== 7) return { ok: false, reason: `a plate ending in ${last} has 7 characters` };
    for (let i = 2; i < 6; i++) if (!SERIAL_SET.has(chars[i]!)) return { ok: false, reason: serialProblem(chars[i]!) };
    if ((suffix === 'hongkong' || suffix === 'macao') && (province !== '粤' || chars[1] !== 'Z')) return { ok: false, reason: 'Hong Kong and Macao plates are issued as 粤Z' };
    return { ok: true, plate, kind: suffix, province };
  }
  for (let i = 2; i < chars.length; i++) if (!SERIAL_SET.has(chars[i]!)) return { ok: false, reason: serialProblem(chars[i]!) };
  if (chars.length === 7) return { ok: true, plate, kind: 'ordinary', province };
  const s = chars.slice(2);
  const small = NEV_SET.has(s[0]!) && DIGIT_SET.has(s[2]!) && DIGIT_SET.has(s[3]!) && DIGIT_SET.has(s[4]!) && DIGIT_SET.has(s[5]!);
  const large = NEV_SET.has(s[5]!) && DIGIT_SET.has(s[0]!) && DIGIT_SET.has(s[1]!) && DIGIT_SET.has(s[2]!) && DIGIT_SET.has(s[3]!) && DIGIT_SET.has(s[4]!);
  if (!small && !large) return { ok: false, reason: 'an 8-character new-energy serial is D/A-K + letter or digit + 4 digits (small) or 5 digits + D/A-K (large)' };
  return { ok: true, plate, kind: 'new-energy', province };
}

/** True when `raw` is a valid GA 36 plate after canonicalisation. */
export const isValidPlate = (raw: string): boolean => parsePlate(raw).ok;

/** OCR look-alike classes, each folded to its first member (a digit). */
export const LOOKALIKE_CLASSES = ['0ODQ', '1I', '2Z', '5S', '8B', '6G'] as const;
const FOLD = new Map<string, string>();
for (const cls of LOOKALIKE_CLASSES) for (const ch of cls.slice(1)) FOLD.set(ch, cls[0]!);

/**
 * Folds OCR look-alikes {0,O,D,Q}→0 {1,I}→1 {2,Z}→2 {5,S}→5 {8,B}→8 {6,G}→6, so plates that an OCR could
 * confuse compare equal. Only latin letters are touched (province characters pass through); expects a
 * canonical plate. Idempotent.
 */
export function foldLookalikes(s: string): string {
  let i = 0;
  while (i < s.length && !FOLD.has(s[i]!)) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (const ch of s.slice(i)) out += FOLD.get(ch) ?? ch;
  return out;
}

/**
 * Province characters that plate OCR and hurried hand entry confuse. A starting list, drawn from
 * plate-recognition error reports: extend it from false-negative reviews. Some members are not province
 * characters (州, 泸, 象 …) but are what an OCR engine outputs; they matter for investigators' searches.
 * Each pair is read both ways.
 */
const PROVINCE_CONFUSION_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['鄂', '粤'], ['鄂', '鲁'], ['粤', '鲁'], ['鲁', '鲜'], ['辽', '宁'], ['京', '宁'], ['沪', '泸'], ['豫', '象'],
  ['陕', '陜'], ['皖', '晥'], ['川', '州'], ['贵', '责'], ['云', '去'], ['闽', '阁'], ['冀', '翼'], ['浙', '渐'],
  ['晋', '普'], ['蒙', '豪'], ['湘', '相'], ['吉', '古'], ['甘', '廿'], ['新', '亲'], ['津', '沣'], ['藏', '臧'],
  ['黑', '墨'], ['桂', '挂'],
];

/** Character → characters it is commonly misread as (symmetric). */
export const PROVINCE_CONFUSIONS: Readonly<Record<string, readonly string[]>> = (() => {
  const out: Record<string, string[]> = {};
  for (const [a, b] of PROVINCE_CONFUSION_PAIRS) {
    (out[a] ??= []).push(b);
    (out[b] ??= []).push(a);
  }
  return out;
})();

export interface PlateDifference {
  kind: 'exact' | 'lookalike' | 'province' | 'length';
  /** 0-based character positions in the listed plate (for `length`: where a character is missing or extra). */
  positions: number[];
  description: { zh: string; en: string };
}

function lengthDiff(x: string[], y: string[]): PlateDifference {
  let p = 0;
  while (p < x.length && p < y.length && x[p] === y[p]) p++;
  const longer = x.length > y.length ? x : y;
  const oneApart = Math.abs(x.length - y.length) === 1 && [...longer.slice(0, p), ...longer.slice(p + 1)].join('') === (longer === x ? y : x).join('');
  if (!oneApart) {
    return { kind: 'length', positions: [], description: { zh: `号牌长度不同(${x.length}/${y.length}位)`, en: `length differs (${x.length} vs ${y.length})` } };
  }
  const ch = longer[p]!;
  return y.length < x.length
    ? { kind: 'length', positions: [p], description: { zh: `识别号牌漏了第${p + 1}位"${ch}"`, en: `observed plate lacks character ${p + 1} "${ch}"` } }
    : { kind: 'length', positions: [p], description: { zh: `识别号牌在第${p + 1}位多出"${ch}"`, en: `observed plate has an extra "${ch}" at position ${p + 1}` } };
}

/**
 * How plate `b` (observed) differs from `a` (listed), for a hit's `match.differences`: `exact`, `province`
 * (the province character differs, whatever else does), `lookalike` (same length, other characters differ)
 * or `length` (one missing or extra character).
 */
export function plateDiff(a: string, b: string): PlateDifference {
  const x = [...canonicalPlate(a)];
  const y = [...canonicalPlate(b)];
  if (x.length !== y.length) return lengthDiff(x, y);
  const positions: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) positions.push(i);
  if (positions.length === 0) return { kind: 'exact', positions, description: { zh: '号牌完全一致', en: 'plates identical' } };
  const zh: string[] = [];
  const en: string[] = [];
  for (const i of positions) {
    const pair = `${x[i]}/${y[i]}`;
    if (i === 0) {
      zh.push(`省份简称${pair}`);
      en.push(`province ${pair}`);
    } else if (foldLookalikes(x[i]!) === foldLookalikes(y[i]!)) {
      zh.push(`第${i + 1}位形近${pair}`);
      en.push(`look-alike ${pair} at ${i + 1}`);
    } else {
      zh.push(`第${i + 1}位不同${pair}`);
      en.push(`different ${pair} at ${i + 1}`);
    }
  }
  return {
    kind: positions[0] === 0 ? 'province' : 'lookalike',
    positions,
    description: { zh: `疑误识:${zh.join(',')}`, en: `possible misread: ${en.join(', ')}` },
  };
}
