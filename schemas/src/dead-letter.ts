import { z } from 'zod';
import { OffsetDateTime, text } from './common';

/**
 * A record a consumer could not process (`dead-letters.v1`, key = source topic): where it was, why, and
 * its payload as received (truncated by the writer), so it can be inspected and replayed.
 */
export const DeadLetterSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  sourceTopic: text(200),
  partition: z.number().int().min(0),
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  offset: z.string().max(30).regex(/^\d+$/, 'a decimal offset'),
  reason: text(2000),
  payload: text(1_000_000),
  at: OffsetDateTime,
  /** The service that gave up on the record. */
  service: text(40),
});
export type DeadLetter = z.output<typeof DeadLetterSchema>;
