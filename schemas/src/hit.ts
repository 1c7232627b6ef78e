import { z } from 'zod';
import { Bilingual, CheckpointId, JurisdictionCode, OffsetDateTime, text } from './common';
import { EventType } from './events';
import { ACTIONS, SEVERITIES, WATCHLIST_CATEGORIES } from './watchlist';

export const HIT_STATUSES = ['new', 'acknowledged', 'assigned', 'resolved'] as const;
export const DISPOSITIONS = ['confirmed', 'false_positive', 'not_found', 'other'] as const;

export const HIT_SUBJECT_KINDS = ['person', 'vehicle', 'permit', 'cargo'] as const;
export const MATCH_KINDS = ['exact', 'lookalike', 'province', 'length', 'pattern'] as const;
export const HIT_HISTORY_ACTIONS = ['raised', 'updated', 'acknowledge', 'assign', 'resolve', 'reopen', 'escalate'] as const;

/** One event a hit rests on. */
export const HitEvidence = z.object({ eventId: text(64), type: EventType, checkpointId: CheckpointId, occurredAt: OffsetDateTime });
const Evidence = HitEvidence;
export const HitHistoryEntry = z.object({
  at: OffsetDateTime,
  by: text(64),
  action: z.enum(HIT_HISTORY_ACTIONS),
  note: text(2000).optional(),
  version: z.number().int().min(1),
});

/** A lead for officers: what matched, on what evidence, and what they are asked to do. */
export const HitSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  hitId: text(80),
  ruleId: text(64),
  ruleVersion: z.number().int().min(0),
  severity: z.enum(SEVERITIES),
  category: z.union([z.enum(WATCHLIST_CATEGORIES), text(64)]),
  action: z.enum(ACTIONS),
  occurredAt: OffsetDateTime,
  detectedAt: OffsetDateTime,
  checkpointId: CheckpointId,
  jurisdictions: z.array(JurisdictionCode).min(1).max(20),
  subject: z.object({ kind: z.enum(HIT_SUBJECT_KINDS), key: text(40), display: text(100) }),
  match: z.object({
    entryId: text(64).optional(),
    exact: z.boolean(),
    kind: z.enum(MATCH_KINDS),
    differences: z.object({ positions: z.array(z.number().int()), description: Bilingual }).optional(),
  }),
  evidence: z.array(Evidence).min(1).max(500),
  summary: Bilingual,
  status: z.enum(HIT_STATUSES).default('new'),
  assignee: text(64).optional(),
  disposition: z.enum(DISPOSITIONS).optional(),
  history: z.array(HitHistoryEntry).max(500).default([]),
  version: z.number().int().min(1),
});
export type Hit = z.output<typeof HitSchema>;

export const HitActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge'), expectedVersion: z.number().int().min(1), note: text(2000).optional() }),
  z.object({ action: z.literal('assign'), expectedVersion: z.number().int().min(1), assignee: text(64).min(1), note: text(2000).optional() }),
  z.object({ action: z.literal('resolve'), expectedVersion: z.number().int().min(1), disposition: z.enum(DISPOSITIONS), note: text(2000).optional() }),
  z.object({ action: z.literal('reopen'), expectedVersion: z.number().int().min(1), note: text(2000).optional() }),
]);
export type HitAction = z.infer<typeof HitActionSchema>;

/**
 * Kafka headers of a `hit-updates.v1` record (its value is the full hit as the console computed it):
 * the kind of update, the workflow sequence number it claims, and the writing console instance.
 */
export const HitUpdateHeadersSchema = z.object({
  kind: z.enum(['action', 'escalate', 'repair']),
  'workflow-seq': z.string().max(12).regex(/^\d+$/, 'a decimal sequence number'),
  instance: text(80),
});
export type HitUpdateHeaders = z.infer<typeof HitUpdateHeadersSchema>;
