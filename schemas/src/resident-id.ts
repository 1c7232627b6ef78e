/**
 * Chinese resident identity numbers (GB 11643): 6-digit region, 8-digit birth date, 3-digit sequence
 * (odd = male) and an ISO 7064 MOD 11-2 check character (0-9 or X, X only last). Legacy 15-digit ids are
 * normalised to 18 digits. Residence permits of Hong Kong/Macao/Taiwan residents (810000/820000/830000) and
 * the 18-digit foreigners' permanent residence card (leading 9) use the same checksum.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type ResidentIdResult =
  | { ok: true; id18: string; birthDate: string; sex: 'M' | 'F'; regionCode: string; kind: 'resident' | 'hk-macao-taiwan-permit' | 'foreigner' }
  | { ok: false; reason: string };

/** The check character for the first 17 digits. */
export function computeCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function validDate(y: number, m: number, d: number, today: Date): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return false;
  return dt.getTime() <= today.getTime();
}

export function parseResidentId(raw: string, today: Date = new Date()): ResidentIdResult {
  const s = raw.trim().toUpperCase();
  let id18: string;
  if (s.length === 15) {
    if (!isDigits(s)) return { ok: false, reason: 'a 15-digit id has digits only' };
    const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
    id18 = first17 + computeCheckDigit(first17);
  } else if (s.length === 18) {
    if (!isDigits(s.slice(0, 17))) return { ok: false, reason: 'the first 17 characters must be digits (X only last)' };
    const last = s[17]!;
    if (!(last === 'X' || (last >= '0' && last <= '9'))) return { ok: false, reason: 'the last character must be a digit or X' };
    if (computeCheckDigit(s.slice(0, 17)) !== last) return { ok: false, reason: 'the check digit does not match (ISO 7064 MOD 11-2)' };
    id18 = s;
  } else {
    return { ok: false, reason: 'a resident id has 18 characters (or 15 for legacy ids)' };
  }
  const y = Number(id18.slice(6, 10));
  const m = Number(id18.slice(10, 12));
  const d = Number(id18.slice(12, 14));
  if (!validDate(y, m, d, today)) return { ok: false, reason: 'the birth date is not a real past date' };
  const region = id18.slice(0, 6);
  const kind = id18[0] === '9' ? 'foreigner' : ['810000', '820000', '830000'].includes(region) ? 'hk-macao-taiwan-permit' : 'resident';
  if (kind === 'resident' && (id18[0] === '0' || id18.slice(0, 2) === '00')) return { ok: false, reason: 'unknown region code' };
  return {
    ok: true,
    id18,
    birthDate: `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`,
    sex: Number(id18[16]) % 2 === 1 ? 'M' : 'F',
    regionCode: region,
    kind,
  };
}

export const isValidResidentId = (raw: string): boolean => parseResidentId(raw).ok;

/** `140202********123X`: region kept, birth date and sequence hidden, for roles that do not need the id. */
export function maskResidentId(id18: string): string {
  return id18.length === 18 ? `${id18.slice(0, 6)}********${id18.slice(14)}` : '*'.repeat(id18.length);
}
