import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import { parseWith } from '../../../../lib/http-service';
import { authorize } from '../../../../lib/auth/authenticate';
import type { Principal } from '../../../../lib/auth/tokens';
import { bucketsOf, keyOf, metricOf, countOf, round2 } from './aggregation-reader';
import { esCall, totalOf } from './es-call';
import { buildEventQuery, scopeClauses, TIME_ZONE } from './event-query';
import { csvHeader, csvRow, ndjsonRow, scanEvents } from './export-stream';
import { decodeCursor, encodeCursor } from './page-cursor';
import { LIST_SOURCE, maskIdsDeep, toResultItem, type EventSource } from './result-view';
import { registerEntityRoutes } from './register-entity-routes';
import { registerStatsRoute } from './register-stats-route';
import { SEARCH_DOCS } from './route-docs';
import type { SearchAuditRecord, SearchDeps, SearchGrant } from './search-deps';
import { grantFor, purposeUnder } from './grant-scope';
import { ExportQuery, requirePurpose, SearchBody, type SearchFilters } from './search-request';
import { SEARCH_ROLES } from './search-roles';

/** The terms of a search as the audit trail records them (only what was given). */
function termsOf(r: Partial<SearchFilters>): Record<string, unknown> {
  const keys = ['query', 'types', 'checkpointIds', 'jurisdiction', 'from', 'to', 'plate', 'plateFuzzy', 'idNumber', 'substance', 'outcome', 'suspicious'] as const;
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}

/** Creates the audit callback of a route: every search, view and export is recorded with actor, terms and purpose. */
export function auditor(deps: SearchDeps) {
  return (p: Principal, action: SearchAuditRecord['action'], terms: Record<string, unknown>, extra: { purpose?: string | undefined; target?: string; details?: Record<string, unknown>; grant?: SearchGrant | undefined } = {}) =>
    deps.audit?.({
      actor: p.sub,
      role: p.role,
      action,
      ...(extra.target ? { target: extra.target } : {}),
      ...(extra.purpose ? { purpose: extra.purpose } : {}),
      terms,
      details: { terms, ...extra.details, ...(extra.grant ? { grantId: extra.grant.grantId, grantJurisdiction: extra.grant.jurisdiction, caseNumber: extra.grant.caseNumber } : {}) },
      crossJurisdiction: extra.grant !== undefined,
    });
}

const SEARCH_AGGS: Record<string, estypes.AggregationsAggregationContainer> = {
  byType: { terms: { field: 'type', size: 3 } },
  byCheckpoint: { terms: { field: 'checkpointId', size: 50 } },
  bySubstance: { nested: { path: 'seized' }, aggs: { substances: { terms: { field: 'seized.substance', size: 50 }, aggs: { grams: { sum: { field: 'seized.grams' } }, events: { reverse_nested: {} } } } } },
  overTime: { date_histogram: { field: 'occurredAt', calendar_interval: 'day', time_zone: TIME_ZONE, format: 'yyyy-MM-dd', min_doc_count: 1 } },
};

/**
 * Investigators' search over the events alias (CONSOLE-API.md, "Search" and "Stats"): structured filters,
 * exact / partial / look-alike plates, ids, free text, search_after paging, aggregations, streamed export,
 * one event with its hits, timelines, associates, a vehicle's route and the statistics summary. Every
 * query is scoped to the caller's jurisdiction subtree; plate and person searches need a purpose; every
 * search, view and export is audited; resident ids are masked for roles that do not need them.
 */
export function registerSearchRoutes(app: FastifyInstance, deps: SearchDeps): void {
  const events = `${deps.indexPrefix}events`;
  const hits = `${deps.indexPrefix}hits`;
  const audit = auditor(deps);

  app.post('/api/v1/search', { schema: { tags: ['search'], summary: 'Search past events: filters, exact / partial (晋C*45) / look-alike plates, ids, free text, paging, aggregations', body: SEARCH_DOCS.searchBody } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.search);
    const r = parseWith(SearchBody, req.body ?? {}, 'search');
    const grant = grantFor(deps, p, r.grantId, r.jurisdiction);
    const purpose = purposeUnder(r.purpose, grant);
    if (r.plate || r.idNumber) requirePurpose(purpose, '/purpose');
    const query = buildEventQuery(r, p, grant);
    const order = r.sort === 'occurredAt:asc' ? 'asc' : 'desc';
    const after = r.after ? decodeCursor(r.after, r.sort) : undefined;
    const res = await esCall('search', () =>
      deps.es.search<EventSource>({
        index: events,
        ignore_unavailable: true,
        allow_no_indices: true,
        query,
        size: r.size,
        sort: [{ occurredAt: order }, { eventId: order }],
        track_total_hits: true,
        _source: LIST_SOURCE,
        ...(after ? { search_after: after } : {}),
        ...(r.query ? { highlight: { encoder: 'html', pre_tags: ['<em>'], post_tags: ['</em>'], fields: { text: { number_of_fragments: 3, fragment_size: 80 } } } } : {}),
        ...(r.aggregations ? { aggs: SEARCH_AGGS } : {}),
      }),
    );
    const total = totalOf(res.hits.total);
    audit(p, 'search', termsOf(r), { purpose, details: { total }, grant });
    const page = res.hits.hits;
    const last = page[page.length - 1];
    const next = page.length === r.size && last ? encodeCursor(r.sort, last.sort) : undefined;
    const aggs = res.aggregations as Record<string, unknown> | undefined;
    return {
      total,
      items: page.map((h) => toResultItem(h._source!, p, deps.checkpoints, h.highlight?.text)),
      ...(next ? { next } : {}),
      ...(r.aggregations
        ? {
            aggregations: {
              byType: bucketsOf(aggs?.byType).map((b) => ({ key: keyOf(b), count: b.doc_count })),
              byCheckpoint: bucketsOf(aggs?.byCheckpoint).map((b) => ({ key: keyOf(b), count: b.doc_count })),
              bySubstance: bucketsOf((aggs?.bySubstance as Record<string, unknown> | undefined)?.substances).map((b) => ({ key: keyOf(b), grams: round2(metricOf(b.grams)), count: countOf(b.events) })),
              overTime: bucketsOf(aggs?.overTime).map((b) => ({ key: keyOf(b), count: b.doc_count })),
            },
          }
        : {}),
    };
  });

  app.get('/api/v1/search/export', { schema: { tags: ['search'], summary: 'Export a result set as CSV or NDJSON, streamed (point in time + search_after)', querystring: SEARCH_DOCS.exportQuery } }, async (req, reply) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.export, { allowQueryToken: true });
    const q = parseWith(ExportQuery, req.query ?? {}, 'export query');
    const grant = grantFor(deps, p, q.grantId, q.jurisdiction);
    const purpose = purposeUnder(q.purpose, grant);
    if (q.plate || q.idNumber) requirePurpose(purpose, '/query/purpose');
    const query = buildEventQuery(q, p, grant);
    audit(p, 'export', termsOf(q), { purpose, details: { format: q.format, ...(q.limit ? { limit: q.limit } : {}) }, grant });
    const order = q.sort === 'occurredAt:asc' ? 'asc' : 'desc';
    const log = req.log;
    const pages = scanEvents({ es: deps.es, index: events, onCloseError: (err) => log.debug({ err }, 'point in time not closed; it expires by itself') }, query, { order, source: LIST_SOURCE, ...(q.limit ? { limit: q.limit } : {}) });
    const first = await esCall('export', () => pages.next());
    async function* body(): AsyncGenerator<string> {
      if (q.format === 'csv') yield csvHeader();
      const render = q.format === 'csv' ? csvRow : ndjsonRow;
      try {
        for (let page = first; !page.done; page = await pages.next()) yield page.value.map((s) => render(toResultItem(s, p, deps.checkpoints))).join('');
      } catch (err) {
        // Headers are gone: the download ends short, and the log says why.
        log.error({ err }, 'export stopped: Elasticsearch failed mid-stream');
        throw err;
      } finally {
        await pages.return(undefined);
      }
    }
    const stamp = new Date().toISOString().slice(0, 10);
    reply.header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="events-${stamp}.${q.format}"`);
    return reply.send(Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 }));
  });

  const EventParams = z.object({ eventId: z.string().min(1).max(64) });
  app.get('/api/v1/events/:eventId', { schema: { tags: ['search'], summary: 'One event with the hits it is evidence of', params: SEARCH_DOCS.eventParams } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.event);
    const { eventId } = parseWith(EventParams, req.params, 'path');
    const scope = scopeClauses(p);
    const [found, related] = await esCall('event lookup', () =>
      Promise.all([
        deps.es.search<{ event?: unknown }>({ index: events, ignore_unavailable: true, allow_no_indices: true, size: 1, _source: ['event'], query: { bool: { filter: [{ term: { eventId } }, ...scope] } } }),
        deps.es.search<{ hit?: unknown }>({ index: hits, ignore_unavailable: true, allow_no_indices: true, size: 100, _source: ['hit'], sort: [{ detectedAt: 'desc' }], query: { bool: { filter: [{ term: { evidenceEventIds: eventId } }, ...scope] } } }),
      ]),
    );
    const event = found.hits.hits[0]?._source?.event;
    // Outside the caller's scope reads as not found: existence is not disclosed.
    if (!event) throw new AppError('not_found', `No event ${eventId} in your jurisdiction`);
    audit(p, 'view', { eventId }, { target: `event:${eventId}` });
    return { event: maskIdsDeep(event, p), hits: related.hits.hits.flatMap((h) => (h._source?.hit ? [maskIdsDeep(h._source.hit, p)] : [])) };
  });

  registerEntityRoutes(app, deps, audit);
  registerStatsRoute(app, deps);
}
