import type { z } from 'zod';

/** One bad field, as the gateway and console render it in a problem+json `errors` array. */
export interface FieldError {
  /** RFC 6901 JSON pointer into the submitted document (`/vehicle/plate`, `/passengers/0/idNumber`); `''` for the whole. */
  path: string;
  message: string;
}

/** RFC 6901: `~` → `~0`, `/` → `~1` in each segment. */
export function jsonPointer(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) out += `/${String(seg).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

/**
 * Turns a ZodError into JSON-pointer field errors, at most `limit` of them (a hostile batch must not
 * produce a megabyte of errors). For a union none of whose members matched, the member whose `type` (or
 * other discriminator) the input named has already been chosen by zod, so its issues carry full paths.
 */
export function validationErrors(error: z.ZodError, limit = 50): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (out.length >= limit) break;
    out.push({ path: jsonPointer(issue.path), message: issue.message });
  }
  return out;
}
