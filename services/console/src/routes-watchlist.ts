import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { WATCHLIST_CATEGORIES, WatchlistEntrySchema, type WatchlistEntry } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { TokenService } from '../../../lib/auth/tokens';
import { allow, inScope } from './access-policy';
import type { AuditTrail } from './audit';
import type { WatchlistView } from './watchlist-view';
import { maskIdsFor } from './privacy';
import type { WatchlistImporter } from './watchlist-import';

const ListQuery = z.object({
  kind: z.enum(['person', 'vehicle', 'permit']).optional(),
  category: z.enum(WATCHLIST_CATEGORIES).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const EntryId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/);
const ImportQuery = z.object({ format: z.enum(['ndjson', 'csv']).optional() });

const produceError = (err: unknown) => new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', 'The change could not be written to the event log; nothing changed', { cause: err, retryAfterSeconds: 2 });

/**
 * Watchlist admin over the compacted `watchlist.v1` (the rules service's source): reads from this
 * instance's view of the topic, writes produced with acks=all. Admins change only entries owned within
 * their jurisdiction.
 */
export function registerWatchlistRoutes(app: FastifyInstance, deps: { tokens: TokenService; producer: Producer; topic: string; view: WatchlistView; importer: WatchlistImporter; audit: AuditTrail }): void {
  app.get('/api/v1/watchlist/entries', { schema: { tags: ['watchlist'], summary: 'Entries owned within your jurisdiction' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/watchlist/entries');
    deps.view.assertRead();
    const q = parseWith(ListQuery, req.query, 'query');
    const { items, total } = await deps.view.list({ inScope: (j) => inScope(p, j), kind: q.kind, category: q.category, needle: q.q?.toLowerCase() }, q.limit);
    return { items: items.map((e) => maskIdsFor(p, e)), total };
  });

  app.get('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'] } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/watchlist/entries/:entryId');
    deps.view.assertRead();
    const entryId = parseWith(EntryId, (req.params as { entryId: string }).entryId, 'entry id');
    const e = deps.view.get(entryId);
    if (!e) throw new AppError('not_found', `No watchlist entry ${entryId}`);
    if (!inScope(p, e.ownerJurisdiction)) throw new AppError('out_of_scope', `Entry ${entryId} is owned outside ${p.jur}`);
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'view', target: `watchlist:${entryId}` });
    return { entry: maskIdsFor(p, e) };
  });

  app.put('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'], summary: 'Create or replace an entry (version bumped, provenance set)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'PUT /api/v1/watchlist/entries/:entryId');
    deps.view.assertRead();
    const entryId = parseWith(EntryId, (req.params as { entryId: string }).entryId, 'entry id');
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    if (body.entryId !== undefined && body.entryId !== entryId) throw new AppError('validation_failed', 'entryId in the body differs from the path', { errors: [{ path: '/entryId', message: `must be ${entryId}` }] });
    const parsed = parseWith(WatchlistEntrySchema, { ...body, entryId, version: undefined, provenance: undefined }, 'watchlist entry');
    const existing = deps.view.get(entryId);
    if (!inScope(p, parsed.ownerJurisdiction) || (existing && !inScope(p, existing.ownerJurisdiction))) throw new AppError('out_of_scope', `Entries owned outside ${p.jur} are not yours to change`);
    const entry: WatchlistEntry = { ...parsed, version: (existing?.version ?? 0) + 1, provenance: { source: 'admin', by: p.sub, at: new Date().toISOString() } };
    try {
      await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: entryId, value: JSON.stringify(entry) }] });
    } catch (err) {
      throw produceError(err);
    }
    deps.view.applyLocal(entryId, entry);
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'watchlist_change', target: `watchlist:${entryId}`, details: { op: existing ? 'update' : 'create', version: entry.version, kind: entry.kind, category: entry.category } });
    return { entry };
  });

  app.delete('/api/v1/watchlist/entries/:entryId', { schema: { tags: ['watchlist'], summary: 'Remove an entry (a tombstone on the compacted topic)' } }, async (req, reply) => {
    const p = allow(deps.tokens, req, 'DELETE /api/v1/watchlist/entries/:entryId');
    deps.view.assertRead();
    const entryId = parseWith(EntryId, (req.params as { entryId: string }).entryId, 'entry id');
    const existing = deps.view.get(entryId);
    if (!existing) throw new AppError('not_found', `No watchlist entry ${entryId}`);
    if (!inScope(p, existing.ownerJurisdiction)) throw new AppError('out_of_scope', `Entry ${entryId} is owned outside ${p.jur}`);
    try {
      await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: entryId, value: null }] });
    } catch (err) {
      throw produceError(err);
    }
    deps.view.applyLocal(entryId, undefined);
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'watchlist_change', target: `watchlist:${entryId}`, details: { op: 'delete', version: existing.version } });
    return reply.status(204).send();
  });

  // The import body is a stream handed over as it arrives (no body limit here: the importer counts bytes).
  void app.register(async (scoped) => {
    scoped.addContentTypeParser(['application/x-ndjson', 'text/csv'], (_req, payload, done) => done(null, payload));
    scoped.post('/api/v1/watchlist/import', { schema: { tags: ['watchlist'], summary: 'Import an NDJSON or CSV file (streamed); poll the job for progress' } }, async (req, reply) => {
      const p = allow(deps.tokens, req, 'POST /api/v1/watchlist/import');
      deps.view.assertRead();
      const q = parseWith(ImportQuery, req.query, 'query');
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = q.format ?? (type === 'text/csv' ? 'csv' : 'ndjson');
      if (!(type === 'text/csv' || type === 'application/x-ndjson') || (type === 'text/csv') !== (format === 'csv')) {
        throw new AppError('unsupported_media_type', 'Send the file as application/x-ndjson (format=ndjson) or text/csv (format=csv)');
      }
      const job = deps.importer.start(p, format, req.body as Readable);
      return reply.status(202).send({ jobId: job.jobId });
    });
  });

  app.get('/api/v1/watchlist/import/:jobId', { schema: { tags: ['watchlist'], summary: 'Progress of an import' } }, async (req) => {
    allow(deps.tokens, req, 'GET /api/v1/watchlist/import/:jobId');
    const jobId = (req.params as { jobId: string }).jobId;
    const job = deps.importer.get(jobId);
    if (!job) throw new AppError('not_found', `No import job ${jobId}`);
    return job;
  });
}
