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

/**
 * The verdicts of one chunk of judged events as one `verdicts.v1` record (key `~verdicts`, on the partition
 * of the events' own partition): what the rules service writes. One record per chunk instead of one per
 * event, as for sightings: kafkajs spends ~20 µs of CPU encoding each record. Single verdicts are still read.
 */
export const VerdictPackSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  verdicts: z.array(VerdictSchema).min(1).max(10_000),
});
export type VerdictPack = z.output<typeof VerdictPackSchema>;
export const VERDICT_PACK_KEY = '~verdicts';
