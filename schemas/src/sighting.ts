import { z } from 'zod';
import { CheckpointId, OffsetDateTime } from './common';
import { EventType } from './events';

/** `sightings.v1` key of a vehicle: `plate:<canonical plate>`. */
export const plateSubjectKey = (plate: string): string => `plate:${plate}`;
/** `sightings.v1` key of a person: `person:<id18>`. */
export const personSubjectKey = (id18: string): string => `person:${id18}`;

/**
 * One subject seen in one event, re-keyed by subject on `sightings.v1` (written by the rules service's
 * first stage), so every sighting of a vehicle or person lands on one partition for correlation.
 */
export const SightingSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  eventId: z.string().min(1).max(64),
  type: EventType,
  checkpointId: CheckpointId,
  occurredAt: OffsetDateTime,
  subjectKind: z.enum(['vehicle', 'person']),
  key: z.string().min(3).max(40),
  role: z.string().max(20),
  /** The vehicle a person was in (inspection, drug test), for summaries. */
  plate: z.string().max(16).optional(),
  vehicleKind: z.string().max(20).optional(),
  positive: z.boolean().optional(),
  suspicious: z.boolean().optional(),
  relatedEventId: z.string().max(64).optional(),
});
export type Sighting = z.output<typeof SightingSchema>;

/**
 * Event time carried to every partition of `sightings.v1` (key `~watermark`), so a partition without
 * traffic still sees time pass and its deadlines expire.
 */
export const WatermarkTickSchema = z.object({ schemaVersion: z.literal(1).default(1), watermark: OffsetDateTime });
export type WatermarkTick = z.output<typeof WatermarkTickSchema>;
export const WATERMARK_KEY = '~watermark';

/**
 * The sightings one chunk of events produced for one partition of `sightings.v1`, as one record (key
 * `~sightings`, partition chosen by the default partitioner of each sighting's subject key, so every sighting
 * of a subject still lands on one partition). One record per partition instead of one per sighting: kafkajs
 * spends ~20 µs of CPU encoding each record, which made the officer-facing stage's transactions grow with load.
 * Single-sighting records (keyed by subject) are still read.
 */
export const SightingPackSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  sightings: z.array(SightingSchema).min(1).max(5_000),
});
export type SightingPack = z.output<typeof SightingPackSchema>;
export const SIGHTING_PACK_KEY = '~sightings';
