import { z } from 'zod';
import { parseResidentId } from './resident-id';
import { parsePlate } from './plate';

/** Bounded text: every string on the wire has a limit. */
export const text = (max: number) => z.string().max(max);
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
export const uuidLike = z.string().min(8).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/** ISO 8601 with an explicit offset (Z or ±hh:mm); kept as given, since event time is what matters. */
export const OffsetDateTime = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, 'must be an ISO 8601 time with an offset, e.g. 2026-11-22T14:03:11.250+08:00')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date and time');

/** Grams to 0.01, strictly positive. */
export const Grams = z
  .number()
  .positive('must be greater than 0')
  .max(1e9)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most 2 decimals (0.01 g)');

export const JurisdictionCode = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code');
export const CheckpointId = z.string().max(40).regex(/^CP-\d{6}-[A-Z0-9]{1,8}-\d{2}$/, 'like CP-140300-G5-01');

/** A resident id, validated (checksum, birth date) and normalised to 18 characters. */
export const ResidentId = z.string().max(20).transform((s, ctx) => {
  const r = parseResidentId(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  }
  return r.id18;
});

/** A GA 36 plate, validated and canonicalised. */
export const Plate = z.string().max(16).transform((s, ctx) => {
  const r = parsePlate(s);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.reason });
    return z.NEVER;
  }
  return r.plate;
});

/** `140882` → `['140882', '140800', '140000']` (county, prefecture, province). */
export function jurisdictionChain(code: string): string[] {
  const out = [code];
  const pref = `${code.slice(0, 4)}00`;
  const prov = `${code.slice(0, 2)}0000`;
  if (pref !== code) out.push(pref);
  if (prov !== pref) out.push(prov);
  return out;
}

/** True when `code` lies inside `scope` (a province sees its cities and counties; `000000` is national). */
export function isWithinJurisdiction(code: string, scope: string): boolean {
  if (scope === '000000') return true;
  return jurisdictionChain(code).includes(scope);
}

export const Bilingual = z.object({ zh: text(500), en: text(1000) });

/** Permit numbers are compared upper-case without spaces. */
export const canonicalPermitNo = (s: string): string => s.trim().toUpperCase().replace(/\s+/g, '');
