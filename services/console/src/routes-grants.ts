import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isJurisdictionCode, type GrantRecord } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { AccountStore } from '../../../lib/auth/accounts';
import type { AccessSync } from '../../../lib/auth/access-sync';
import type { Principal, TokenService } from '../../../lib/auth/tokens';
import { allow, inScope } from './access-policy';
import type { AuditTrail } from './audit';
import { grantState, MAX_GRANT_DAYS } from './grants';

const CreateBody = z
  .object({
    grantee: z.string().regex(/^[a-z0-9._-]{2,40}$/),
    jurisdiction: z.string().refine(isJurisdictionCode, 'a GB/T 2260 jurisdiction code'),
    caseNumber: z.string().trim().min(2).max(60),
    reason: z.string().trim().max(500).optional(),
    validUntil: z.iso.datetime({ offset: true }),
  })
  .strict();
const GrantParams = z.object({ grantId: z.string().regex(/^G-[A-Za-z0-9-]{4,60}$/) });

const writeError = (err: unknown) => new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', 'The change could not be written to the event log; nothing changed', { cause: err, retryAfterSeconds: 2 });
const view = (g: GrantRecord) => ({ ...g, state: grantState(g) });

/**
 * Cross-jurisdiction grants (issue 7): an admin or commander whose jurisdiction contains the target gives an
 * investigator from elsewhere access to it for one case until an expiry. Searches that use a grant are
 * flagged `crossJurisdiction` in the audit trail with the grant id; creating and revoking one is an
 * `account_change` audit record. Grants live on `access.v1` with the accounts.
 */
export function registerGrantRoutes(app: FastifyInstance, deps: { tokens: TokenService; accounts: AccountStore; access: AccessSync; audit: AuditTrail }): void {
  const stamp = (p: Principal) => ({ by: p.sub, at: new Date().toISOString() });
  /** Grants a caller may see: the ones they hold, or (commanders, admins, auditors) those into their jurisdiction. */
  const visible = (p: Principal, g: GrantRecord) => (p.role === 'investigator' ? g.grantee === p.sub : inScope(p, g.jurisdiction));

  app.get('/api/v1/grants', { schema: { tags: ['grants'], summary: 'Grants you hold (investigators) or into your jurisdiction' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/grants');
    const items = deps.access.grants().filter((g) => visible(p, g)).sort((a, b) => (a.granted.at < b.granted.at ? 1 : -1));
    return { items: items.map(view) };
  });

  app.post('/api/v1/grants', { schema: { tags: ['grants'], summary: 'Grant an investigator access to a jurisdiction in your scope, for a case, until an expiry' } }, async (req, reply) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/grants');
    const b = parseWith(CreateBody, req.body ?? {}, 'grant');
    if (!inScope(p, b.jurisdiction)) throw new AppError('out_of_scope', `Only an admin or commander of ${b.jurisdiction} (or above) may grant access to it`);
    const grantee = deps.accounts.find(b.grantee);
    if (!grantee || grantee.disabled || grantee.role !== 'investigator') throw new AppError('validation_failed', 'Grants are for active investigator accounts', { errors: [{ path: '/grantee', message: grantee ? 'not an active investigator' : 'no such account' }] });
    if (inScope({ jur: grantee.jurisdiction } as Principal, b.jurisdiction)) throw new AppError('validation_failed', `${b.grantee} already has ${b.jurisdiction} in scope`, { errors: [{ path: '/jurisdiction', message: 'already in the grantee’s scope' }] });
    const until = Date.parse(b.validUntil);
    if (until <= Date.now() || until > Date.now() + MAX_GRANT_DAYS * 86_400_000) throw new AppError('validation_failed', `validUntil must be in the future and at most ${MAX_GRANT_DAYS} days ahead`, { errors: [{ path: '/validUntil', message: `future, ≤ ${MAX_GRANT_DAYS} days` }] });
    const grant: GrantRecord = {
      kind: 'grant',
      schemaVersion: 1,
      grantId: `G-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      grantee: b.grantee,
      jurisdiction: b.jurisdiction,
      caseNumber: b.caseNumber,
      ...(b.reason ? { reason: b.reason } : {}),
      validUntil: b.validUntil,
      granted: stamp(p),
    };
    await deps.access.publish(grant).catch((e: unknown) => Promise.reject(writeError(e)));
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'account_change', target: `grant:${grant.grantId}`, purpose: b.caseNumber, details: { change: 'grant', grantee: b.grantee, jurisdiction: b.jurisdiction, caseNumber: b.caseNumber, validUntil: b.validUntil } });
    reply.code(201);
    return { grant: view(grant) };
  });

  app.delete('/api/v1/grants/:grantId', { schema: { tags: ['grants'], summary: 'Revoke a grant (kept, marked revoked)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'DELETE /api/v1/grants/:grantId');
    const { grantId } = parseWith(GrantParams, req.params, 'path');
    const g = deps.access.grant(grantId);
    if (!g) throw new AppError('not_found', `No grant ${grantId}`);
    if (!inScope(p, g.jurisdiction)) throw new AppError('out_of_scope', `Grant ${grantId} is into ${g.jurisdiction}, outside ${p.jur}`);
    if (g.revoked) return { grant: view(g) };
    const revoked: GrantRecord = { ...g, revoked: stamp(p) };
    await deps.access.publish(revoked).catch((e: unknown) => Promise.reject(writeError(e)));
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'account_change', target: `grant:${grantId}`, purpose: g.caseNumber, details: { change: 'grant_revoked', grantee: g.grantee, jurisdiction: g.jurisdiction } });
    return { grant: view(revoked) };
  });
}
