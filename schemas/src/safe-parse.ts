import { z } from 'zod';

/**
 * `schema.safeParse(input)` for untrusted input, which never throws. Zod 4 runs a string's or array's length
 * checks on any value that has a `length` property, whatever its type, and comparing a JSON value such as
 * `{"length": {"toString": 0}}` with a number throws a TypeError from inside zod. Every boundary that validates
 * what it did not make (HTTP bodies and queries, Kafka records) calls this, so such a value is a 400 or a
 * dead letter, never a 500 or a stopped consumer. The issue points at the first value of that shape.
 */
export function safeParse<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> {
  try {
    return schema.safeParse(input);
  } catch (err) {
    const path = hostilePath(input, [], 0) ?? [];
    const error = new z.ZodError([{ code: 'custom', path, message: `not a value this field can hold (${err instanceof Error ? err.message : 'rejected'})`, input }]);
    return { success: false, error } as z.ZodSafeParseResult<z.output<S>>;
  }
}

/** Path to the first object whose `length` is neither a number nor absent (what makes zod's length check throw). */
function hostilePath(v: unknown, path: PropertyKey[], depth: number): PropertyKey[] | undefined {
  if (typeof v !== 'object' || v === null || depth > 64) return undefined;
  if (!Array.isArray(v) && 'length' in v && typeof (v as { length: unknown }).length !== 'number') return path;
  for (const [k, child] of Object.entries(v)) {
    const found = hostilePath(child, [...path, Array.isArray(v) ? Number(k) : k], depth + 1);
    if (found) return found;
  }
  return undefined;
}
