import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors';
import { createRevocationList, type RevocationList } from './revocations';
import { safeParse } from '../../schemas/src';

export const ROLES = ['officer', 'commander', 'investigator', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const Principal = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum(ROLES),
  /** GB/T 2260 code the account is scoped to. */
  jur: z.string().regex(/^\d{6}$/),
  /** Officers only: the one checkpoint they may submit for. */
  cp: z.string().max(40).optional(),
  jti: z.string(),
  /** Seconds with millisecond precision, so a revocation of a user's tokens spares a login right after it. */
  iat: z.number(),
  exp: z.number().int(),
});
export type Principal = z.infer<typeof Principal>;

export interface TokenService {
  issue(p: Omit<Principal, 'jti' | 'iat' | 'exp'>): { token: string; expiresAt: string; claims: Principal };
  /** Throws `token_invalid` for anything but a well-signed, unexpired, unrevoked token. */
  verify(token: string): Principal;
  /** Revokes one token in this process only; services share revocations through access-sync.ts. */
  revoke(jti: string, exp: number): void;
  /** True when the token behind these claims was revoked since it was verified (for long-lived connections). */
  isRevoked(p: Principal): boolean;
  readonly revocations: RevocationList;
  readonly ttlSeconds: number;
}

/** At most this many verified tokens remembered per process. */
const VERIFIED_MAX = 10_000;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

/**
 * HS256 JWTs shared by the gateway and the console (same secret). Short-lived by default; revoked
 * token ids are kept until they would have expired anyway.
 */
export function createTokenService(opts: { secret: string; ttlSeconds?: number; now?: () => number; revocations?: RevocationList }): TokenService {
  if (opts.secret.length < 32) throw new Error('AUTH_SECRET must be at least 32 characters');
  const key = Buffer.from(opts.secret);
  const ttl = opts.ttlSeconds ?? 8 * 3600;
  const now = opts.now ?? (() => Date.now() / 1000);
  // Tokens of any service may be up to 7 days old (the TOKEN_TTL_SECONDS maximum); user cut-offs last that long.
  const revocations = opts.revocations ?? createRevocationList({ maxTtlSeconds: 7 * 86400, now });
  const sign = (data: string) => createHmac('sha256', key).update(data).digest();
  /**
   * Tokens whose signature and claims were checked, by their exact text: a terminal sends the same token with every
   * event, and the HMAC, base64 and claim parsing cost the gateway ~10 µs a request. A different text (any byte of
   * the signature) is checked in full; expiry and revocation are checked on every use.
   */
  const verified = new Map<string, Principal>();

  return {
    issue(p) {
      const iat = now();
      const claims: Principal = { ...p, jti: randomUUID(), iat: Math.floor(iat * 1000) / 1000, exp: Math.floor(iat) + ttl };
      const body = `${HEADER}.${b64(claims)}`;
      return { token: `${body}.${sign(body).toString('base64url')}`, expiresAt: new Date(claims.exp * 1000).toISOString(), claims };
    },
    verify(token) {
      let claims = verified.get(token);
      if (claims === undefined) {
        const parts = token.split('.');
        if (parts.length !== 3 || parts[0] !== HEADER) throw new AppError('token_invalid');
        const given = Buffer.from(parts[2] ?? '', 'base64url');
        const expected = sign(`${parts[0]}.${parts[1]}`);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('token_invalid');
        let raw: unknown;
        try {
          raw = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
        } catch (cause) {
          throw new AppError('token_invalid', undefined, { cause });
        }
        const parsed = safeParse(Principal, raw);
        if (!parsed.success) throw new AppError('token_invalid');
        claims = Object.freeze(parsed.data);
        // Only well-signed tokens are kept; a full table is dropped whole (terminals log in again every few hours).
        if (verified.size >= VERIFIED_MAX) verified.clear();
        verified.set(token, claims);
      }
      // Expiry and revocation are checked on every use, cached or not.
      if (claims.exp <= now()) throw new AppError('token_invalid', 'The token has expired; log in again');
      if (revocations.isRevoked(claims)) throw new AppError('token_invalid', 'The token was revoked; log in again');
      return claims;
    },
    revoke: (jti, exp) => revocations.revokeToken(jti, exp),
    isRevoked: (p) => revocations.isRevoked(p),
    revocations,
    ttlSeconds: ttl,
  };
}
