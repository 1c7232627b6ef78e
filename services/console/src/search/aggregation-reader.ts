import { z } from 'zod';
import { safeParse } from '../../../../schemas/src';

/**
 * Reads Elasticsearch aggregation results without trusting their shape blindly: the client types them as
 * a wide union, and a missing index yields no aggregations at all; a missing part reads as empty or zero.
 */
const Bucket = z.looseObject({ key: z.union([z.string(), z.number()]), key_as_string: z.string().optional(), doc_count: z.number() });
export type Bucket = z.infer<typeof Bucket>;
const Buckets = z.object({ buckets: z.array(Bucket) });
const Metric = z.object({ value: z.number().nullable() });
const Count = z.object({ doc_count: z.number() });

export const bucketsOf = (v: unknown): Bucket[] => safeParse(Buckets, v).data?.buckets ?? [];
export const metricOf = (v: unknown): number => safeParse(Metric, v).data?.value ?? 0;
export const countOf = (v: unknown): number => safeParse(Count, v).data?.doc_count ?? 0;
export const keyOf = (b: Bucket): string => b.key_as_string ?? String(b.key);
/** `{ key: count }` of a terms aggregation. */
export const countsByKey = (v: unknown): Record<string, number> => Object.fromEntries(bucketsOf(v).map((b) => [keyOf(b), b.doc_count]));
export const round2 = (n: number): number => Math.round(n * 100) / 100;
