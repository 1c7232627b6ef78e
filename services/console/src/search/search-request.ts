import { z } from 'zod';
import { SUBSTANCE_IDS } from '../../../../schemas/src';
import { AppError } from '../../../../lib/errors';

/** A date (`2026-11-22`, read in China time) or a time with or without offset; Elasticsearch parses either. */
export const DateInput = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/, 'a date (2026-11-22) or an ISO 8601 time (2026-11-22T14:00:00+08:00)')
  .refine((s) => !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)), 'not a real date');

const EVENT_TYPES = ['inspection', 'drug_test', 'seizure'] as const;
const OUTCOMES = ['released', 'held', 'referred', 'positive', 'negative', 'invalid'] as const;

/** Filters shared by the search body, the export query string and (partly) the statistics. */
const Filters = {
  query: z.string().trim().min(1).max(200).optional(),
  types: z.array(z.enum(EVENT_TYPES)).max(3).optional(),
  checkpointIds: z.array(z.string().max(40)).max(100).optional(),
  jurisdiction: z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code').optional(),
  from: DateInput.optional(),
  to: DateInput.optional(),
  plate: z.string().trim().min(1).max(16).optional(),
  plateFuzzy: z.boolean().optional(),
  idNumber: z.string().trim().min(1).max(20).optional(),
  substance: z.enum(SUBSTANCE_IDS).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  suspicious: z.boolean().optional(),
  sort: z.enum(['occurredAt:desc', 'occurredAt:asc']).default('occurredAt:desc'),
  purpose: z.string().trim().max(500).optional(),
  /** A cross-jurisdiction grant (GET /api/v1/grants) to search under. */
  grantId: z.string().max(70).optional(),
};

export const SearchBody = z.object({
  ...Filters,
  size: z.number().int().min(1).max(200).default(50),
  after: z.string().max(1000).optional(),
  aggregations: z.boolean().optional(),
});
export type SearchBody = z.infer<typeof SearchBody>;
export type SearchFilters = Omit<SearchBody, 'size' | 'after' | 'aggregations'>;

const list = z.string().max(4000).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const flag = z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1');

/** The export's query string: the search filters as strings (lists comma-separated), plus format and limit. */
export const ExportQuery = z.object({
  ...Filters,
  types: list.pipe(z.array(z.enum(EVENT_TYPES)).max(3)).optional(),
  checkpointIds: list.pipe(z.array(z.string().max(40)).max(100)).optional(),
  plateFuzzy: flag.optional(),
  suspicious: flag.optional(),
  format: z.enum(['csv', 'ndjson']).default('csv'),
  limit: z.coerce.number().int().min(1).max(10_000_000).optional(),
  token: z.string().max(4000).optional(),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

export const TimelineQuery = z.object({ from: DateInput.optional(), to: DateInput.optional(), purpose: z.string().trim().max(500).optional(), grantId: z.string().max(70).optional() });
export const RouteQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30), purpose: z.string().trim().max(500).optional(), grantId: z.string().max(70).optional() });
export const StatsQuery = z.object({
  from: DateInput.optional(),
  to: DateInput.optional(),
  jurisdiction: z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code').optional(),
  bucket: z.enum(['day', 'hour']).default('day'),
});

/** A stated purpose: a few words (≥ 4 characters) or a case number such as `A-2026-17` or `J123`. */
export function isPurpose(purpose: string | undefined): boolean {
  const p = purpose?.trim() ?? '';
  return [...p].length >= 4 || /^[A-Za-z]{1,4}-?\d{2,}$/.test(p);
}

/** Searches about a person or a plate must say why (it is audited with the terms). */
export function requirePurpose(purpose: string | undefined, pointer: string): void {
  if (!isPurpose(purpose)) {
    throw new AppError('purpose_required', 'State a purpose or case number (at least 4 characters) for plate and person searches', { errors: [{ path: pointer, message: 'required for plate and person searches' }] });
  }
}
