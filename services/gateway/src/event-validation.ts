import { z } from 'zod';
import { EventSchema, VerdictSchema, type Event, parseEvent, safeParse } from '../../../schemas/src';
import { fieldErrors } from '../../../lib/http-service';
import type { Validation } from './accept-events';
import type { Verdict } from './verdict-waiter';

/** Validates one submitted event with the shared zod schema (inspections by its fast path); errors carry JSON-pointer paths. */
export function validateEvent(raw: unknown): Validation<Event> {
  const parsed = parseEvent(raw);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export function parseVerdict(raw: unknown): Verdict | undefined {
  const parsed = safeParse(VerdictSchema, raw);
  return parsed.success ? (parsed.data as Verdict) : undefined;
}

/** JSON Schema of an event for the OpenAPI document (documentation; zod validates). */
export const eventJsonSchema = z.toJSONSchema(EventSchema, { io: 'input', unrepresentable: 'any' }) as object;
