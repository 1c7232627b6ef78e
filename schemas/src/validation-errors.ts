import type { z } from 'zod';

/** One bad field, as the gateway and console render it in a problem+json `errors` array. */
export interface FieldError {
  /** RFC 6901 JSON pointer into the submitted document (`/vehicle/plate`, `/passengers/0/idNumber`); `''` for the whole. */
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** RFC 6901: `~` → `~0`, `/` → `~1` in each segment. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) out += `/${String(seg).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

function collect(issues: readonly Issue[], base: ReadonlyArray<PropertyKey>, out: FieldError[], limit: number): void {
  for (const issue of issues) {
    if (out.length >= limit) return;
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      // One entry per key, pointing at the key itself, so a form can mark the very field.
      for (const key of issue.keys) if (out.length < limit) out.push({ path: jsonPointer([...path, key]), message: `unknown field "${key}"` });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // None of the alternatives matched: report the one that came closest (fewest issues) instead of a bare "Invalid input".
      const closest = issue.errors.reduce((best, e) => (e.length < best.length ? e : best));
      collect(closest, path, out, limit);
    } else {
      out.push({ path: jsonPointer(path), message: issue.message });
    }
  }
}

/**
 * Turns a ZodError into JSON-pointer field errors, at most `limit` of them (a hostile batch must not
 * produce a megabyte of errors).
 */
export function validationErrors(error: z.ZodError, limit = 50): FieldError[] {
  const out: FieldError[] = [];
  collect(error.issues, [], out, limit);
  return out;
}
