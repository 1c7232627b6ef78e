import type { FastifyInstance } from 'fastify';
import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import { AuditRecordSchema, type AuditRecord, safeParse } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import type { TokenService } from '../../../lib/auth/tokens';
import { allow } from './access-policy';
import type { AuditTrail } from './audit';
import { verifyAuditIndex } from './audit-verify';

const time = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');
const AuditQuery = z.object({
  actor: z.string().max(64).optional(),
  action: AuditRecordSchema.shape.action.optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(500).optional(),
});
const After = z.tuple([z.number(), z.string()]);

const esUnavailable = (err: unknown) => new AppError('search_unavailable', 'The audit index is not reachable right now', { cause: err, retryAfterSeconds: 5 });

/** The auditor's API over `${prefix}audit` (records indexed from `audit.v1` by the indexer). */
export function registerAuditRoutes(app: FastifyInstance, deps: { tokens: TokenService; es: Client; indexPrefix: string; audit: AuditTrail }): void {
  const index = `${deps.indexPrefix}audit`;

  app.get('/api/v1/audit', { schema: { tags: ['audit'], summary: 'Audit records, newest first' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/audit');
    const q = parseWith(AuditQuery, req.query, 'query');
    let after: [number, string] | undefined;
    if (q.after) {
      try {
        after = After.parse(JSON.parse(Buffer.from(q.after, 'base64url').toString('utf8')));
      } catch (cause) {
        throw new AppError('validation_failed', 'after is not a cursor from a previous page', { cause, errors: [{ path: '/after', message: 'not a page cursor' }] });
      }
    }
    const filter: object[] = [];
    if (q.actor) filter.push({ term: { actor: q.actor } });
    if (q.action) filter.push({ term: { action: q.action } });
    if (q.from || q.to) filter.push({ range: { at: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } });
    let items: AuditRecord[] = [];
    let last: Array<string | number> | undefined;
    try {
      const res = await deps.es.search<{ record?: unknown }>({
        index,
        size: q.limit,
        query: { bool: { filter } },
        sort: [{ at: 'desc' }, { recordId: 'desc' }],
        _source: ['record'],
        ...(after ? { search_after: after } : {}),
      });
      items = res.hits.hits.flatMap((h) => {
        const r = safeParse(AuditRecordSchema, h._source?.record);
        return r.success ? [r.data] : [];
      });
      if (res.hits.hits.length === q.limit) last = res.hits.hits[res.hits.hits.length - 1]!.sort as Array<string | number>;
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode !== 404) throw esUnavailable(err);
    }
    // Reading the trail is itself audited (without listing what was read).
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'search', target: 'audit', details: { actor: q.actor, action: q.action, from: q.from, to: q.to, returned: items.length } });
    return { items, ...(last ? { next: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}) };
  });

  app.get('/api/v1/audit/verify', { schema: { tags: ['audit'], summary: 'Verify every hash chain; reports the first break' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/audit/verify');
    let result;
    try {
      result = await verifyAuditIndex(deps.es, deps.indexPrefix);
    } catch (err) {
      throw esUnavailable(err);
    }
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'search', target: 'audit:verify', details: { ok: result.ok, checked: result.checked } });
    return result;
  });
}
