import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccountRecord } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { Account, AccountStore } from '../../../lib/auth/accounts';
import type { AccessSync } from '../../../lib/auth/access-sync';
import { generatePassword, hashPassword } from '../../../lib/auth/passwords';
import { ROLES, type Principal, type TokenService } from '../../../lib/auth/tokens';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { allow, inScope } from './access-policy';
import type { AuditTrail } from './audit';

const Username = z.string().regex(/^[a-z0-9._-]{2,40}$/, '2-40 of a-z 0-9 . _ -');
const Jurisdiction = z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code');
const Password = z.string().min(12, 'at least 12 characters').max(256);
const CreateBody = z.object({ username: Username, role: z.enum(ROLES), jurisdiction: Jurisdiction, checkpointId: z.string().min(1).max(40).optional(), password: Password.optional() }).strict();
const PatchBody = z
  .object({ role: z.enum(ROLES).optional(), jurisdiction: Jurisdiction.optional(), checkpointId: z.string().min(1).max(40).nullable().optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
const PasswordBody = z.object({ password: Password.optional() }).strict();
const RevokeBody = z.object({ username: Username, jti: z.string().min(1).max(64) }).strict();
const UserParams = z.object({ username: Username });

export interface AccountRoutesDeps {
  tokens: TokenService;
  accounts: AccountStore;
  access: AccessSync;
  checkpoints: CheckpointRegistry;
  audit: AuditTrail;
}

/** What the API shows of an account: never the hash. */
export const accountView = (a: Account) => ({ username: a.username, role: a.role, jurisdiction: a.jurisdiction, ...(a.checkpointId ? { checkpointId: a.checkpointId } : {}), disabled: a.disabled, ...(a.demo ? { demo: true } : {}) });

const writeError = (err: unknown) => (err instanceof AppError ? err : new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', 'The change could not be written to the event log; nothing changed', { cause: err, retryAfterSeconds: 2 }));

/**
 * Account administration (admins, within their jurisdiction) and token revocation. Every change is a record
 * on `access.v1` that all gateway and console instances apply, and an `account_change` audit record.
 * A change of role, jurisdiction, checkpoint, password or a disable revokes the user's existing tokens, so
 * nobody keeps rights they no longer have for the rest of a token's life.
 */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): void {
  const stamp = (p: Principal) => ({ by: p.sub, at: new Date().toISOString() });
  const record = (a: Account, p: Principal): AccountRecord => ({ kind: 'account', schemaVersion: 1, ...a, changed: stamp(p) });
  const revokeUser = (sub: string, p: Principal, reason: string) =>
    deps.access.publish({ kind: 'revocation', schemaVersion: 1, scope: 'user', sub, notBeforeMs: Date.now(), reason, revoked: stamp(p) });
  const audit = (p: Principal, target: string, details: Record<string, unknown>) => deps.audit.record({ actor: p.sub, role: p.role, action: 'account_change', target, details });

  /** An officer is bound to a known checkpoint inside the account's jurisdiction; nobody else has one. */
  const checkBinding = (a: Pick<Account, 'role' | 'jurisdiction' | 'checkpointId'>) => {
    if (a.role !== 'officer') {
      if (a.checkpointId) throw new AppError('validation_failed', 'Only officers are bound to a checkpoint', { errors: [{ path: '/checkpointId', message: 'only for officers' }] });
      return;
    }
    const cp = a.checkpointId ? deps.checkpoints.get(a.checkpointId) : undefined;
    if (!cp) throw new AppError('validation_failed', 'An officer needs a known checkpoint', { errors: [{ path: '/checkpointId', message: a.checkpointId ? 'unknown checkpoint' : 'required for officers' }] });
    if (!inScope({ jur: a.jurisdiction } as Principal, cp.jurisdiction)) throw new AppError('validation_failed', `Checkpoint ${cp.checkpointId} is outside jurisdiction ${a.jurisdiction}`, { errors: [{ path: '/checkpointId', message: 'outside the account jurisdiction' }] });
  };
  /** The target account, existing and inside the admin's jurisdiction. */
  const target = (p: Principal, username: string): Account => {
    const a = deps.accounts.find(username);
    if (!a) throw new AppError('not_found', `No account ${username}`);
    if (!inScope(p, a.jurisdiction)) throw new AppError('out_of_scope', `Account ${username} is outside ${p.jur}`);
    return a;
  };

  app.get('/api/v1/accounts', { schema: { tags: ['accounts'], summary: 'Accounts within your jurisdiction (no credentials)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/accounts');
    const items = deps.accounts.list().filter((a) => inScope(p, a.jurisdiction)).sort((a, b) => (a.username < b.username ? -1 : 1));
    return { items: items.map(accountView) };
  });

  app.post('/api/v1/accounts', { schema: { tags: ['accounts'], summary: 'Create an account; the password is generated unless given, and shown once' } }, async (req, reply) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/accounts');
    const b = parseWith(CreateBody, req.body ?? {}, 'account');
    if (!inScope(p, b.jurisdiction)) throw new AppError('out_of_scope', `Jurisdiction ${b.jurisdiction} is outside ${p.jur}`);
    checkBinding(b);
    if (deps.accounts.find(b.username)) throw new AppError('account_exists', `Account ${b.username} exists`);
    const password = b.password ?? generatePassword();
    const account: Account = { username: b.username, passwordHash: await hashPassword(password), role: b.role, jurisdiction: b.jurisdiction, ...(b.checkpointId ? { checkpointId: b.checkpointId } : {}), disabled: false };
    await deps.access.publish(record(account, p)).catch((e: unknown) => Promise.reject(writeError(e)));
    await audit(p, `account:${b.username}`, { change: 'create', role: b.role, jurisdiction: b.jurisdiction, ...(b.checkpointId ? { checkpointId: b.checkpointId } : {}) });
    reply.code(201);
    return { account: accountView(account), ...(b.password ? {} : { password }) };
  });

  app.patch('/api/v1/accounts/:username', { schema: { tags: ['accounts'], summary: 'Change role, jurisdiction, checkpoint or disable / enable; revokes the user’s tokens' } }, async (req) => {
    const p = allow(deps.tokens, req, 'PATCH /api/v1/accounts/:username');
    const { username } = parseWith(UserParams, req.params, 'path');
    const b = parseWith(PatchBody, req.body ?? {}, 'change');
    const before = target(p, username);
    if (username === p.sub && (b.disabled === true || (b.role && b.role !== before.role) || (b.jurisdiction && b.jurisdiction !== before.jurisdiction))) {
      throw new AppError('validation_failed', 'You cannot disable, demote or move your own account; ask another admin', { errors: [{ path: '', message: 'own account' }] });
    }
    if (b.jurisdiction && !inScope(p, b.jurisdiction)) throw new AppError('out_of_scope', `Jurisdiction ${b.jurisdiction} is outside ${p.jur}`);
    const { checkpointId: oldCp, ...rest } = before;
    const cp = b.checkpointId === null ? undefined : (b.checkpointId ?? oldCp);
    const role = b.role ?? before.role;
    const after: Account = { ...rest, role, jurisdiction: b.jurisdiction ?? before.jurisdiction, disabled: b.disabled ?? before.disabled, ...(cp && role === 'officer' ? { checkpointId: cp } : {}) };
    checkBinding(after);
    const fields = (['role', 'jurisdiction', 'checkpointId', 'disabled'] as const).filter((k) => before[k] !== after[k]);
    if (fields.length === 0) return { account: accountView(after), changed: [] };
    try {
      await deps.access.publish(record(after, p));
      await revokeUser(username, p, fields.join(','));
    } catch (err) {
      throw writeError(err);
    }
    await audit(p, `account:${username}`, { change: 'update', fields: Object.fromEntries(fields.map((k) => [k, { from: before[k] ?? null, to: after[k] ?? null }])), tokensRevoked: true });
    return { account: accountView(after), changed: fields };
  });

  app.post('/api/v1/accounts/:username/password', { schema: { tags: ['accounts'], summary: 'Reset a password (generated unless given, shown once); revokes the user’s tokens' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/accounts/:username/password');
    const { username } = parseWith(UserParams, req.params, 'path');
    const b = parseWith(PasswordBody, req.body ?? {}, 'password reset');
    const before = target(p, username);
    const password = b.password ?? generatePassword();
    try {
      await deps.access.publish(record({ ...before, passwordHash: await hashPassword(password) }, p));
      await revokeUser(username, p, 'password_reset');
    } catch (err) {
      throw writeError(err);
    }
    await audit(p, `account:${username}`, { change: 'password_reset', tokensRevoked: true });
    return { username, ...(b.password ? {} : { password }) };
  });

  app.post('/api/v1/accounts/:username/revoke-tokens', { schema: { tags: ['accounts'], summary: 'Revoke every token of a user issued until now (all services, all instances)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/accounts/:username/revoke-tokens');
    const { username } = parseWith(UserParams, req.params, 'path');
    target(p, username);
    await revokeUser(username, p, 'admin').catch((e: unknown) => Promise.reject(writeError(e)));
    await audit(p, `account:${username}`, { change: 'revoke_tokens' });
    return { username, revoked: 'all' };
  });

  app.post('/api/v1/auth/revoke', { schema: { tags: ['auth'], summary: 'Revoke one token of a user by its id (jti, in the login audit record)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/auth/revoke');
    const b = parseWith(RevokeBody, req.body ?? {}, 'revocation');
    target(p, b.username);
    // The token's expiry is unknown here: keep the revocation for the longest life a token can have.
    const exp = Math.floor(Date.now() / 1000) + 7 * 86400;
    await deps.access.publish({ kind: 'revocation', schemaVersion: 1, scope: 'token', jti: b.jti, sub: b.username, exp, revoked: stamp(p) }).catch((e: unknown) => Promise.reject(writeError(e)));
    await audit(p, `account:${b.username}`, { change: 'revoke_token', jti: b.jti });
    return { jti: b.jti, revoked: true };
  });

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Revoke the token this request carries' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/auth/logout');
    await deps.access.publish({ kind: 'revocation', schemaVersion: 1, scope: 'token', jti: p.jti, sub: p.sub, exp: p.exp, revoked: stamp(p) }).catch((e: unknown) => Promise.reject(writeError(e)));
    await audit(p, `account:${p.sub}`, { change: 'logout', jti: p.jti });
    return { revoked: true };
  });
}
