import type { FastifyInstance } from 'fastify';
import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import { EventSchema, HIT_STATUSES, HitActionSchema, SEVERITIES, type Event, type Hit, type WatchlistEntry, safeParse } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import type { Logger } from '../../../lib/logger';
import type { TokenService } from '../../../lib/auth/tokens';
import { allow, assertCanSeeHit, canSeeHit } from './access-policy';
import type { AuditTrail } from './audit';
import type { CompactedView } from './compacted-view';
import type { HitStore } from './hit-store';
import type { HitWorkflow } from './hit-workflow';
import { maskIdsFor } from './privacy';

const time = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');
const ListQuery = z.object({
  status: z.enum(HIT_STATUSES).optional(),
  severity: z.enum(SEVERITIES).optional(),
  checkpointId: z.string().max(40).optional(),
  from: time.optional(),
  to: time.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().max(300).optional(),
});
const SortCursor = z.tuple([z.number(), z.string().max(80)]);

function decodeAfter(s: string): [number, string] {
  try {
    return SortCursor.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch (cause) {
    throw new AppError('validation_failed', 'after is not a cursor from a previous page', { cause, errors: [{ path: '/after', message: 'not a page cursor' }] });
  }
}
const newestFirst = (a: { t: number; id: string }, b: { t: number; id: string }) => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Hit list, detail and workflow actions, from the store (the same view the live feed serves). */
export function registerHitRoutes(app: FastifyInstance, deps: { store: HitStore; workflow: HitWorkflow; tokens: TokenService; es: Client; indexPrefix: string; watchlist: CompactedView<WatchlistEntry>; audit: AuditTrail; logger: Logger }): void {
  const log = deps.logger.child({ component: 'hit-routes' });

  app.get('/api/v1/hits', { schema: { tags: ['hits'], summary: 'Hits in your scope, newest first (by detection time)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/hits');
    const q = parseWith(ListQuery, req.query, 'query');
    const from = q.from ? Date.parse(q.from) : -Infinity;
    const to = q.to ? Date.parse(q.to) : Infinity;
    const after = q.after ? decodeAfter(q.after) : undefined;
    const matching: Array<{ t: number; id: string; hit: Hit }> = [];
    for (const h of deps.store.all()) {
      if (!canSeeHit(p, h) || (q.status && h.status !== q.status) || (q.severity && h.severity !== q.severity) || (q.checkpointId && h.checkpointId !== q.checkpointId)) continue;
      const t = Date.parse(h.detectedAt);
      if (t < from || t >= to) continue;
      matching.push({ t, id: h.hitId, hit: h });
    }
    matching.sort(newestFirst);
    const start = after ? matching.findIndex((m) => newestFirst(m, { t: after[0], id: after[1] }) > 0) : 0;
    const page = start < 0 ? [] : matching.slice(start, start + q.limit);
    const last = page[page.length - 1];
    const more = start >= 0 && start + q.limit < matching.length;
    return { items: page.map((m) => maskIdsFor(p, m.hit)), total: matching.length, ...(more && last ? { next: Buffer.from(JSON.stringify([last.t, last.id])).toString('base64url') } : {}) };
  });

  app.get('/api/v1/hits/:hitId', { schema: { tags: ['hits'], summary: 'One hit with its evidence events and the matched watchlist entry' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/hits/:hitId');
    const { hitId } = req.params as { hitId: string };
    const hit = assertCanSeeHit(p, deps.store.get(hitId), hitId);
    let events: Event[] = [];
    try {
      const ids = [...new Set(hit.evidence.map((e) => e.eventId))].slice(0, 500);
      const res = await deps.es.search<{ event?: unknown }>({ index: `${deps.indexPrefix}events`, size: ids.length, query: { ids: { values: ids } }, _source: ['event'] });
      events = res.hits.hits.flatMap((h) => {
        const parsed = safeParse(EventSchema, h._source?.event);
        return parsed.success ? [parsed.data] : [];
      });
      events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    } catch (err) {
      // The hit itself is authoritative here; evidence events are a view that may be briefly unavailable.
      log.warn({ err: (err as Error).message }, 'evidence events not available from Elasticsearch');
    }
    const entry = hit.match.entryId ? deps.watchlist.get(hit.match.entryId) : undefined;
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'view', target: `hit:${hitId}`, details: { events: events.length } });
    return maskIdsFor(p, { hit, events, ...(entry ? { entry } : {}) });
  });

  app.post('/api/v1/hits/:hitId/actions', { schema: { tags: ['hits'], summary: 'acknowledge | assign | resolve | reopen, with expectedVersion (409 when stale)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/hits/:hitId/actions');
    const { hitId } = req.params as { hitId: string };
    const action = parseWith(HitActionSchema, req.body, 'action');
    const hit = await deps.workflow.act(p, hitId, action);
    return { hit: maskIdsFor(p, hit) };
  });
}
