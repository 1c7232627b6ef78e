import { OffsetDateTime } from './common';

/**
 * What the hand-written fast paths of the schemas share (watchlist-fast.ts, event-fast.ts). A fast path accepts
 * only what it is sure of and answers exactly as the zod schema would; anything else goes to zod.
 */

/** A plain object (not an array, not a class instance). */
export const isObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** A string of `min`..`max` UTF-16 units (zod's `.min()` / `.max()` on strings). */
export const str = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

/** The very pattern zod checks `OffsetDateTime` with (read from the schema, not copied). */
export const DATE_TIME: RegExp = (OffsetDateTime as unknown as { _zod: { pattern: RegExp } })._zod.pattern;

/** Every own key of `o` is in `allowed` and none holds `undefined` (zod's handling of those is left to zod). */
export function onlyKnown(o: Record<string, unknown>, allowed: Set<string> | readonly string[]): boolean {
  // `for…in` and no closure: this runs for every object of every event and watchlist entry read. On a plain object
  // (`isObject`) it walks the own keys, plus any enumerable key someone added to Object.prototype — which then
  // fails the check and leaves the object to zod.
  if (allowed instanceof Set) {
    for (const k in o) if (!allowed.has(k) || o[k] === undefined) return false;
  } else {
    for (const k in o) if (!allowed.includes(k) || o[k] === undefined) return false;
  }
  return true;
}
