import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { Principal, Role, TokenService } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Reads the bearer token (header, or `?token=` for browsers' WebSocket and download links). */
export function tokenFrom(req: FastifyRequest, allowQuery: boolean): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7).trim();
  if (allowQuery) {
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q.length > 0) return q;
  }
  return undefined;
}

/**
 * The one place a route states who may call it. Returns the verified principal; throws 401 without a
 * valid token and 403 for a role not listed.
 */
export function authorize(tokens: TokenService, req: FastifyRequest, roles: readonly Role[], opts: { allowQueryToken?: boolean } = {}): Principal {
  const token = tokenFrom(req, opts.allowQueryToken ?? false);
  if (!token) throw new AppError('unauthenticated', 'Send Authorization: Bearer <token> (POST /api/v1/auth/token)');
  const principal = tokens.verify(token);
  if (!roles.includes(principal.role)) throw new AppError('forbidden', `Role ${principal.role} may not do this`);
  req.principal = principal;
  return principal;
}
