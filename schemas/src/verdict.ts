import { z } from 'zod';
import { OffsetDateTime, text } from './common';
import { HitSchema } from './hit';

/**
 * One per judged event on `verdicts.v1` (key = eventId), for the gateway's `?waitMs` instant verdict:
 * every hit the event raised or updated, so the officer hears at once what to do.
 */
export const VerdictSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  eventId: text(64),
  judgedAt: OffsetDateTime,
  /** Ids of the hits below; optional because `hits` carries them too. */
  hitIds: z.array(text(80)).max(100).optional(),
  hits: z.array(HitSchema).max(100),
});
export type Verdict = z.output<typeof VerdictSchema>;
