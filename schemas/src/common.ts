import { z } from 'zod';
import { parsePlate } from './plate';
import { parseResidentId } from './resident-id';

/** Bounded text: every string on the wire has a limit, so one message cannot cost unbounded memory or time. */
export const text = (max: number) => z.string().max(max);
/** Bounded, non-empty text. */
export const nonEmptyText = (max: number) => z.string().min(1).max(max);
/** A bounded array: the wire never carries an unbounded list. */
export const boundedArray = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

/** Identifiers made by terminals and services: a short run of URL- and log-safe characters. */
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
/** Client-made event ids (UUIDs in practice; any id of 8-64 safe characters is taken as given). */
export const uuidLike = z.string().min(8).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/**
 * ISO 8601 / RFC 3339 with an explicit offset (Z or ±hh:mm), real calendar dates only; kept as given,
 * since the event time and its offset are what an investigator reads.
 */
export const OffsetDateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with an offset, e.g. 2026-11-22T14:03:11.250+08:00' })
  .max(40);

/** Grams to 0.01 g, strictly positive. */
export const Grams = z.number().positive('must be greater than 0').max(1e9).multipleOf(0.01, 'at most 2 decimals (0.01 g)');

/**
 * True for a 6-digit GB/T 2260 code whose levels nest: `000000` (national), `pp0000` (province),
 * `pppp00` (prefecture), `ppppcc` (county); a county under prefecture `00` does not exist.
 */
export function isJurisdictionCode(code: string): boolean {
  if (code.length !== 6) return false;
  for (let i = 0; i < 6; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (code.startsWith('00')) return code === '000000';
  return !(code[2] === '0' && code[3] === '0' && (code[4] !== '0' || code[5] !== '0'));
}
export const JurisdictionCode = z
  .string()
  .regex(/^\d{6}$/, { message: 'a 6-digit GB/T 2260 code', abort: true })
  .refine(isJurisdictionCode, 'not a GB/T 2260 code: province pp0000, prefecture pppp00, county ppppcc');

export type JurisdictionLevel = 'national' | 'province' | 'prefecture' | 'county';
export function jurisdictionLevel(code: string): JurisdictionLevel {
  if (code === '000000') return 'national';
  if (code.endsWith('0000')) return 'province';
  return code.endsWith('00') ? 'prefecture' : 'county';
}

/** `140882` → `['140882', '140800', '140000']` (county, prefecture, province); a province is its own chain. */
export function jurisdictionChain(code: string): string[] {
  const out = [code];
  const pref = `${code.slice(0, 4)}00`;
  const prov = `${code.slice(0, 2)}0000`;
  if (pref !== code) out.push(pref);
  if (prov !== pref) out.push(prov);
  return out;
}

/**
 * True when `code` lies inside `scope` (a province sees its prefectures and counties; `000000` sees all).
 * Allocation-free: the live feed asks this for every hit and every subscriber.
 */
export function isWithinJurisdiction(code: string, scope: string): boolean {
  if (scope === '000000' || scope === code) return true;
  if (scope.endsWith('0000')) return code.startsWith(scope.slice(0, 2));
  if (scope.endsWith('00')) return code.startsWith(scope.slice(0, 4));
  return false;
}

/** `CP-<jurisdiction>-<road or site>-<nn>`, e.g. `CP-140300-G5-01`. */
export const CheckpointId = z
  .string()
  .max(40)
  .regex(/^CP-\d{6}-[A-Z0-9]{1,8}-\d{2}$/, 'like CP-140300-G5-01');

/** The jurisdiction code a checkpoint id embeds (`CP-140300-G5-01` → `140300`). */
export const checkpointJurisdiction = (checkpointId: string): string => checkpointId.slice(3, 9);

/** A resident id, validated (checksum, birth date, region) and normalised to 18 characters. */
export const ResidentId = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const r = parseResidentId(s);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.reason, input: s });
      return z.NEVER;
    }
    return r.id18;
  })
  .meta({ description: '18-character resident id (ISO 7064 MOD 11-2 check, X last) or legacy 15-digit id; normalised to 18', examples: ['140882199007052410'] });

/** A GA 36 plate, validated and canonicalised (`晋c·12345` → `晋C12345`). */
export const Plate = z
  .string()
  .max(32)
  .transform((s, ctx) => {
    const r = parsePlate(s);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.reason, input: s });
      return z.NEVER;
    }
    return r.plate;
  })
  .meta({ description: 'GA 36 plate: 7 characters (8 for new-energy), serials without I or O; separators and case are normalised', examples: ['晋C12345'] });

/** A pair of labels for the console (zh-CN first) and English readers. */
export const Bilingual = z.object({ zh: text(500), en: text(1000) });
export type Bilingual = z.infer<typeof Bilingual>;

/** Permit numbers are compared upper-case without spaces. */
export const canonicalPermitNo = (s: string): string => s.trim().toUpperCase().replace(/\s+/g, '');
