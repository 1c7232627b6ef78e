import { z } from 'zod';
import { OffsetDateTime, text } from './common';

export const AUDIT_ACTIONS = ['login', 'login_failed', 'search', 'view', 'export', 'hit_action', 'watchlist_change', 'rule_change', 'account_change'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A SHA-256 digest, lower-case hex. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in lower-case hex');
/** The `prevHash` of the first record of a chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * Append-only and hash-chained per chain (one chain per writing instance, `seq` from 0): `hash` covers
 * `prevHash` and the record without its hash, so a removed or edited record breaks the chain. `audit.v1`,
 * key = actor.
 */
export const AuditRecordSchema = z.object({
  schemaVersion: z.literal(1).default(1),
  recordId: text(80),
  chainId: text(80),
  seq: z.number().int().min(0),
  at: OffsetDateTime,
  actor: text(64),
  role: text(20),
  action: z.enum(AUDIT_ACTIONS),
  target: text(200).optional(),
  /** Why a search or export was made (required by the console for searches of persons). */
  purpose: text(500).optional(),
  details: z.record(z.string().max(64), z.unknown()).default({}),
  /** The actor reached outside their own jurisdiction (cross-region cooperation). */
  crossJurisdiction: z.boolean().default(false),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type AuditRecord = z.output<typeof AuditRecordSchema>;
