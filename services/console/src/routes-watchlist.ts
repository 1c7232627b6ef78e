import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { WatchlistEntrySchema, type WatchlistEntry } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { authorize } from '../../../lib/auth/authenticate';
import type { TokenService } from '../../../lib/auth/tokens';
import { ROUTE_ROLES } from './access';
import type { AuditInput } from './audit-trail';

/** Watchlist admin: writes go to the compacted `watchlist.v1` (the source of truth the rules service loads). */
export function registerWatchlistRoutes(app: FastifyInstance, deps: { tokens: TokenService; producer: Producer; topic: string; view: Map<string, WatchlistEntry>; audit: (r: AuditInput) => void }): void {
  app.get('/api/v1/watchlist/entries', { schema: { tags: ['watchlist'] } }, async (req) => {
    authorize(deps.tokens, req, ROUTE_ROLES.watchlistRead);
    const q = req.query as { kind?: string; category?: string; limit?: string };
    const items = [...deps.view.values()].filter((e) => (!q.kind || e.kind === q.kind) && (!q.category || e.category === q.category));
    return { items: items.slice(0, Math.min(500, Number(q.limit ?? 100) || 100)), total: items.length };
  });
  app.get('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'] } }, async (req) => {
    authorize(deps.tokens, req, ROUTE_ROLES.watchlistRead);
    const e = deps.view.get((req.params as { entryId: string }).entryId);
    if (!e) throw new AppError('not_found');
    return { entry: e };
  });
  app.put('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'], summary: 'Create or replace an entry (version bumped, provenance set)' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.watchlistWrite);
    const entryId = (req.params as { entryId: string }).entryId;
    const body = parseWith(WatchlistEntrySchema, { ...(req.body as object), entryId }, 'watchlist entry');
    const entry: WatchlistEntry = { ...body, version: (deps.view.get(entryId)?.version ?? 0) + 1, provenance: { source: 'admin', by: p.sub, at: new Date().toISOString() } };
    await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: entryId, value: JSON.stringify(entry) }] });
    deps.view.set(entryId, entry);
    deps.audit({ actor: p.sub, role: p.role, action: 'watchlist_change', target: `watchlist:${entryId}`, details: { op: 'put', version: entry.version } });
    return { entry };
  });
  app.delete('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'] } }, async (req, reply) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.watchlistWrite);
    const entryId = (req.params as { entryId: string }).entryId;
    if (!deps.view.has(entryId)) throw new AppError('not_found');
    await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: entryId, value: null }] });
    deps.view.delete(entryId);
    deps.audit({ actor: p.sub, role: p.role, action: 'watchlist_change', target: `watchlist:${entryId}`, details: { op: 'delete' } });
    return reply.status(204).send();
  });
}
