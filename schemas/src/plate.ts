/**
 * GA 36 motor-vehicle plates. Ordinary: province character + issuing-authority letter + 5 serial characters
 * (letters without I/O, digits). New-energy: 6 serial characters (small: D/A/B/C/E/F/G/H/J/K first; large:
 * one of them last). Special suffixes replace the last serial character: 警 police, 学 coach (driving school),
 * 挂 trailer, 港/澳 Hong Kong/Macao vehicles.
 */
export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PROVINCE_SET = new Set(PROVINCES);
const SERIAL_CHARS = new Set('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789');
const AUTHORITY_LETTERS = new Set('ABCDEFGHJKLMNPQRSTUVWXYZ');
const NEV_LETTERS = new Set('DABCEFGHJK');
const SUFFIX_KIND = { 警: 'police', 学: 'coach', 挂: 'trailer', 港: 'hongkong', 澳: 'macao' } as const;

export type PlateKind = 'ordinary' | 'new-energy' | (typeof SUFFIX_KIND)[keyof typeof SUFFIX_KIND];
export type PlateResult = { ok: true; plate: string; kind: PlateKind; province: string } | { ok: false; reason: string };

/** Upper-case latin letters and strip separators (spaces, dots, middle dots, dashes). */
export function canonicalPlate(plate: string): string {
  let out = '';
  for (const ch of plate.trim()) {
    if (ch === ' ' || ch === '·' || ch === '.' || ch === '-' || ch === '•' || ch === '\u3000') continue;
    out += ch >= 'a' && ch <= 'z' ? ch.toUpperCase() : ch;
  }
  return out;
}

export function parsePlate(raw: string): PlateResult {
  const p = canonicalPlate(raw);
  const chars = [...p];
  if (chars.length < 7 || chars.length > 8) return { ok: false, reason: 'a plate has 7 characters (8 for new-energy vehicles)' };
  const province = chars[0]!;
  if (!PROVINCE_SET.has(province)) return { ok: false, reason: `"${province}" is not a province character` };
  if (!AUTHORITY_LETTERS.has(chars[1]!)) return { ok: false, reason: 'the second character is the issuing authority letter (A-Z, not I or O)' };
  const serial = chars.slice(2);
  const last = serial[serial.length - 1]!;
  const suffix = SUFFIX_KIND[last as keyof typeof SUFFIX_KIND];
  const body = suffix ? serial.slice(0, -1) : serial;
  for (const c of body) if (!SERIAL_CHARS.has(c)) return { ok: false, reason: c === 'I' || c === 'O' ? 'serials never use the letters I or O' : `"${c}" cannot appear in a plate serial` };
  if (chars.length === 7) return { ok: true, plate: p, kind: suffix ?? 'ordinary', province };
  if (suffix) return { ok: false, reason: 'special plates have 7 characters' };
  const smallNev = NEV_LETTERS.has(serial[0]!) && serial.slice(1).every((c) => c >= '0' && c <= '9' || SERIAL_CHARS.has(c));
  const largeNev = NEV_LETTERS.has(last) && serial.slice(0, 5).every((c) => c >= '0' && c <= '9');
  if (!smallNev && !largeNev) return { ok: false, reason: 'an 8-character new-energy plate starts (small) or ends (large) with D, A-H, J or K' };
  return { ok: true, plate: p, kind: 'new-energy', province };
}

export const isValidPlate = (raw: string): boolean => parsePlate(raw).ok;

const LOOKALIKE: Record<string, string> = { O: '0', D: '0', Q: '0', I: '1', Z: '2', S: '5', B: '8', G: '6' };

/** Folds OCR look-alike classes {0,O,D,Q} {1,I} {2,Z} {5,S} {8,B} {6,G} to one representative. */
export function foldLookalikes(s: string): string {
  let out = '';
  for (const ch of s) out += LOOKALIKE[ch] ?? ch;
  return out;
}

/**
 * Province characters OCR and hurried hand entry confuse (a starting list from plate-recognition error
 * reports; extend it from false-negative reviews).
 */
export const PROVINCE_CONFUSIONS: Record<string, readonly string[]> = {
  鄂: ['粤', '鲁'], 粤: ['鄂'], 鲁: ['鄂', '鲜'], 辽: ['宁'], 宁: ['辽'], 京: ['宁'], 皖: ['晥'], 豫: ['象'],
  陕: ['陜'], 川: ['州'], 贵: ['责'], 云: ['去'], 闽: ['阁'], 津: ['沣'], 沪: ['泸'], 晋: ['普'], 蒙: ['豪'],
  湘: ['相'], 赣: ['韺'], 吉: ['古'], 甘: ['廿'], 青: ['晴'], 新: ['亲'], 苏: ['芬'],
};

export interface PlateDifference {
  kind: 'exact' | 'lookalike' | 'province' | 'length';
  positions: number[];
  description: { zh: string; en: string };
}

/** How plate `b` (observed) differs from `a` (listed), for a hit's explanation. */
export function plateDiff(a: string, b: string): PlateDifference {
  const x = [...canonicalPlate(a)];
  const y = [...canonicalPlate(b)];
  if (x.join('') === y.join('')) return { kind: 'exact', positions: [], description: { zh: '号牌完全一致', en: 'plates identical' } };
  if (x.length !== y.length) {
    return { kind: 'length', positions: [], description: { zh: `号牌长度不同(${x.length}/${y.length}位),疑漏录或多录一位`, en: `length differs (${x.length} vs ${y.length}): one character missing or extra` } };
  }
  const positions: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) positions.push(i);
  if (positions.length === 1 && positions[0] === 0) {
    return { kind: 'province', positions, description: { zh: `省份简称疑误识(${x[0]}/${y[0]})`, en: `province character misread (${x[0]} vs ${y[0]})` } };
  }
  const pairs = positions.map((i) => `${x[i]}/${y[i]}`).join(', ');
  return { kind: 'lookalike', positions, description: { zh: `形近字符疑误识(${pairs})`, en: `look-alike characters misread (${pairs})` } };
}
