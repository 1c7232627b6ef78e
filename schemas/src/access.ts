import { z } from 'zod';
import { OffsetDateTime, text } from './common';

const Username = z.string().regex(/^[a-z0-9._-]{2,40}$/, '2-40 of a-z 0-9 . _ -');
const Jurisdiction = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code');
const Actor = z.object({ by: text(64), at: OffsetDateTime });

/**
 * An account as every service holds it (scrypt hash, never a password). Key `account:<username>`.
 * The latest record wins over the seed file (`ACCOUNTS_FILE`).
 */
export const AccountRecordSchema = z.object({
  kind: z.literal('account'),
  schemaVersion: z.literal(1).default(1),
  username: Username,
  passwordHash: z.string().startsWith('scrypt$').max(200),
  role: z.enum(['officer', 'commander', 'investigator', 'admin', 'auditor']),
  jurisdiction: Jurisdiction,
  checkpointId: z.string().max(40).optional(),
  disabled: z.boolean().default(false),
  /** A demo account (demo mode only); ignored by services not in demo mode. */
  demo: z.boolean().optional(),
  changed: Actor,
});

/**
 * Access for an investigator to a jurisdiction outside their own, for one case, until `validUntil`.
 * Key `grant:<grantId>`; a revoked grant is kept with `revoked` set (it stays auditable).
 */
export const GrantRecordSchema = z.object({
  kind: z.literal('grant'),
  schemaVersion: z.literal(1).default(1),
  grantId: z.string().regex(/^G-[A-Za-z0-9-]{4,60}$/),
  grantee: Username,
  jurisdiction: Jurisdiction,
  caseNumber: z.string().trim().min(2).max(60),
  reason: text(500).optional(),
  validUntil: OffsetDateTime,
  granted: Actor,
  revoked: Actor.optional(),
});

/**
 * Revocation of one token (key `revocation:token:<jti>`) or of every token of a user issued before
 * `notBefore` (key `revocation:user:<username>`). Only matters until the tokens would expire anyway.
 */
export const RevocationRecordSchema = z.discriminatedUnion('scope', [
  z.object({ kind: z.literal('revocation'), schemaVersion: z.literal(1).default(1), scope: z.literal('token'), jti: z.string().min(1).max(64), sub: Username.optional(), exp: z.number().int(), revoked: Actor }),
  z.object({ kind: z.literal('revocation'), schemaVersion: z.literal(1).default(1), scope: z.literal('user'), sub: Username, notBeforeMs: z.number().int(), reason: text(100).optional(), revoked: Actor }),
]);

/** A record of `access.v1` (compacted): accounts, cross-jurisdiction grants and token revocations. */
export const AccessRecordSchema = z.union([AccountRecordSchema, GrantRecordSchema, RevocationRecordSchema]);
export type AccountRecord = z.output<typeof AccountRecordSchema>;
export type GrantRecord = z.output<typeof GrantRecordSchema>;
export type RevocationRecord = z.output<typeof RevocationRecordSchema>;
export type AccessRecord = z.output<typeof AccessRecordSchema>;

/** The compaction key of a record: the latest record per key is the state. */
export function accessKey(r: AccessRecord): string {
  if (r.kind === 'account') return `account:${r.username}`;
  if (r.kind === 'grant') return `grant:${r.grantId}`;
  return r.scope === 'token' ? `revocation:token:${r.jti}` : `revocation:user:${r.sub}`;
}
