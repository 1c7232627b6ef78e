import { z } from 'zod';
import { OffsetDateTime, text } from './common';

/** Append-only, hash-chained per chain (one chain per writing instance). */
export const AuditRecordSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  recordId: text(80),
  chainId: text(80),
  seq: z.number().int().min(0),
  at: OffsetDateTime,
  actor: text(64),
  role: text(20),
  action: z.enum(['login', 'login_failed', 'search', 'view', 'export', 'hit_action', 'watchlist_change', 'rule_change', 'account_change']),
  target: text(200).optional(),
  purpose: text(500).optional(),
  details: z.record(z.string().max(64), z.unknown()).default({}),
  crossJurisdiction: z.boolean().default(false),
  prevHash: text(64),
  hash: text(64),
});
export type AuditRecord = z.output<typeof AuditRecordSchema>;

export const DeadLetterSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  sourceTopic: text(200),
  partition: z.number().int(),
  offset: text(30),
  reason: text(2000),
  payload: text(1_000_000),
  at: OffsetDateTime,
  service: text(40),
});
export type DeadLetter = z.output<typeof DeadLetterSchema>;
