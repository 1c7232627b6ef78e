import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors';
import { parseWith } from '../http-service';
import type { AccountStore } from './accounts';
import type { TokenService } from './tokens';

const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export interface LoginDeps {
  accounts: AccountStore;
  tokens: TokenService;
  /** Failed logins allowed per username within `lockWindowMs` before it is locked for that long. */
  maxFailures?: number;
  lockWindowMs?: number;
  /** `jti` (successful logins) names the token, so an admin can revoke it (POST /api/v1/auth/revoke). */
  onLogin?: (event: { username: string; ok: boolean; reason?: string; ip: string; jti?: string }) => void;
}

/** `POST /api/v1/auth/token`: username + password → short-lived bearer token, with lock-out on guessing. */
export function registerLoginRoute(app: FastifyInstance, deps: LoginDeps): void {
  const maxFailures = deps.maxFailures ?? 5;
  const windowMs = deps.lockWindowMs ?? 5 * 60_000;
  const failures = new Map<string, { count: number; first: number }>();

  app.post(
    '/api/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a username and password for a bearer token',
        body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
      },
    },
    async (req) => {
      const body = parseWith(LoginBody, req.body, 'login');
      const now = Date.now();
      const f = failures.get(body.username);
      if (f && now - f.first > windowMs) failures.delete(body.username);
      const current = failures.get(body.username);
      if (current && current.count >= maxFailures) {
        deps.onLogin?.({ username: body.username, ok: false, reason: 'locked', ip: req.ip });
        throw new AppError('account_locked', undefined, { retryAfterSeconds: Math.ceil((current.first + windowMs - now) / 1000) });
      }
      const account = await deps.accounts.authenticate(body.username, body.password);
      if (!account) {
        const entry = failures.get(body.username) ?? { count: 0, first: now };
        entry.count += 1;
        failures.set(body.username, entry);
        deps.onLogin?.({ username: body.username, ok: false, reason: 'bad_credentials', ip: req.ip });
        throw new AppError('invalid_credentials');
      }
      failures.delete(body.username);
      const { token, expiresAt, claims } = deps.tokens.issue({
        sub: account.username,
        role: account.role,
        jur: account.jurisdiction,
        ...(account.checkpointId ? { cp: account.checkpointId } : {}),
      });
      deps.onLogin?.({ username: account.username, ok: true, ip: req.ip, jti: claims.jti });
      return {
        token,
        expiresAt,
        user: { username: account.username, role: account.role, jurisdiction: account.jurisdiction, ...(account.checkpointId ? { checkpointId: account.checkpointId } : {}) },
      };
    },
  );
}
