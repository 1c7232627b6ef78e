import type { FastifyInstance } from 'fastify';
import type { Client } from '@elastic/elasticsearch';
import { Readable } from 'node:stream';
import { maskResidentId, parseResidentId, canonicalPlate, type Event } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { authorize } from '../../../lib/auth/authenticate';
import type { Principal, TokenService } from '../../../lib/auth/tokens';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { ROUTE_ROLES } from './access';
import { buildQuery, requirePurpose, SearchRequest } from './search-query';

type Audit = (r: { actor: string; role: string; action: 'search' | 'view' | 'export'; target?: string; purpose?: string; details?: Record<string, unknown> }) => void;
interface Source { eventId: string; type: string; occurredAt: string; checkpointId: string; jurisdiction: string; plates: string[]; personIds: string[]; event: Event }

/** Investigators' search over the events alias; every query is scoped to the caller and audited. */
export function registerSearchRoutes(app: FastifyInstance, deps: { es: Client; indexPrefix: string; tokens: TokenService; checkpoints: CheckpointRegistry; audit: Audit }): void {
  const index = `${deps.indexPrefix}events`;
  const showIds = (p: Principal) => p.role === 'investigator' || p.role === 'admin';
  const item = (s: Source, p: Principal) => {
    const cp = deps.checkpoints.get(s.checkpointId);
    return {
      eventId: s.eventId,
      type: s.type,
      occurredAt: s.occurredAt,
      checkpointId: s.checkpointId,
      checkpointName: cp?.name ?? { zh: s.checkpointId, en: s.checkpointId },
      jurisdiction: s.jurisdiction,
      plate: s.plates[0],
      persons: s.personIds.map((id) => (showIds(p) ? id : maskResidentId(id))),
      lat: cp?.lat,
      lon: cp?.lon,
      summary: summarise(s.event),
    };
  };
  const esCall = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const status = (err as { meta?: { statusCode?: number } }).meta?.statusCode;
      if (status === 404) throw new AppError('not_found', 'Nothing indexed yet');
      throw new AppError('search_unavailable', undefined, { cause: err, retryAfterSeconds: 5 });
    }
  };

  app.post('/api/v1/search', { schema: { tags: ['search'], summary: 'Search past events (partial and look-alike plates, ids, text, filters)' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search);
    const r = parseWith(SearchRequest, req.body, 'search');
    requirePurpose(r);
    const [field, order] = r.sort.split(':') as [string, 'asc' | 'desc'];
    let searchAfter: unknown[] | undefined;
    if (r.after) {
      try {
        searchAfter = JSON.parse(Buffer.from(r.after, 'base64url').toString()) as unknown[];
      } catch {
        throw new AppError('validation_failed', 'after is not a cursor from a previous page', { errors: [{ path: '/after', message: 'invalid cursor' }] });
      }
    }
    const res = await esCall(() =>
      deps.es.search<Source>({
        index,
        query: buildQuery(r, p) as never,
        size: r.size,
        sort: [{ [field]: order }, { eventId: 'asc' }] as never,
        track_total_hits: true,
        ...(searchAfter ? { search_after: searchAfter as never } : {}),
        ...(r.aggregations
          ? { aggs: { byType: { terms: { field: 'type' } }, byCheckpoint: { terms: { field: 'checkpointId', size: 50 } }, bySubstance: { terms: { field: 'substances' }, aggs: { grams: { sum: { field: 'grams' } } } }, overTime: { date_histogram: { field: 'occurredAt', calendar_interval: 'day' } } } }
          : {}),
      }),
    );
    deps.audit({ actor: p.sub, role: p.role, action: 'search', purpose: r.purpose, details: { plate: r.plate, idNumber: r.idNumber, query: r.query, total: typeof res.hits.total === 'number' ? res.hits.total : res.hits.total?.value } });
    const hits = res.hits.hits;
    const last = hits[hits.length - 1];
    const aggs = res.aggregations as Record<string, { buckets: Array<{ key: string | number; key_as_string?: string; doc_count: number; grams?: { value: number } }> }> | undefined;
    return {
      total: typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0),
      items: hits.map((h) => item(h._source!, p)),
      ...(last?.sort && hits.length === r.size ? { next: Buffer.from(JSON.stringify(last.sort)).toString('base64url') } : {}),
      ...(aggs
        ? {
            aggregations: Object.fromEntries(
              Object.entries(aggs).map(([k, v]) => [k, v.buckets.map((b) => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count, ...(b.grams ? { grams: Math.round(b.grams.value * 100) / 100 } : {}) }))]),
            ),
          }
        : {}),
    };
  });

  app.get('/api/v1/events/:eventId', { schema: { tags: ['search'], summary: 'One event' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search);
    const { eventId } = req.params as { eventId: string };
    const res = await esCall(() => deps.es.search<Source>({ index, query: buildQuery({ sort: 'occurredAt:desc', size: 1 }, p) as never, post_filter: { term: { eventId } }, size: 1 }));
    const s = res.hits.hits[0]?._source;
    if (!s) throw new AppError('not_found', `No event ${eventId} in your scope`);
    deps.audit({ actor: p.sub, role: p.role, action: 'view', target: `event:${eventId}` });
    return { event: showIds(p) ? s.event : JSON.parse(JSON.stringify(s.event).replace(/"idNumber":"(\d{6})\d{8}(\d{3}[\dX])"/g, '"idNumber":"$1********$2"')) };
  });

  const timeline = async (p: Principal, term: object, purpose: string | undefined, target: string) => {
    if (!purpose || purpose.trim().length < 4) throw new AppError('purpose_required', 'State a purpose or case number (?purpose=)', { errors: [{ path: '/query/purpose', message: 'required' }] });
    const res = await esCall(() => deps.es.search<Source>({ index, query: { bool: { filter: [term, ...((buildQuery({ sort: 'occurredAt:asc', size: 1 }, p) as { bool: { filter: object[] } }).bool.filter)] } } as never, sort: [{ occurredAt: 'asc' }] as never, size: 1000 }));
    deps.audit({ actor: p.sub, role: p.role, action: 'search', target, purpose });
    return res.hits.hits.map((h) => item(h._source!, p));
  };

  app.get('/api/v1/entities/vehicles/:plate/timeline', { schema: { tags: ['search'], summary: 'Every sighting of a vehicle, in time order' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search);
    const plate = canonicalPlate((req.params as { plate: string }).plate);
    const sightings = await timeline(p, { term: { plates: plate } }, (req.query as { purpose?: string }).purpose, `vehicle:${plate}`);
    return { plate, sightings };
  });

  app.get('/api/v1/entities/persons/:idNumber/timeline', { schema: { tags: ['search'], summary: 'Every sighting of a person, in time order' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search);
    const raw = (req.params as { idNumber: string }).idNumber;
    const id = parseResidentId(raw);
    if (!id.ok) throw new AppError('validation_failed', id.reason, { errors: [{ path: '/params/idNumber', message: id.reason }] });
    const sightings = await timeline(p, { term: { personIds: id.id18 } }, (req.query as { purpose?: string }).purpose, `person:${id.id18}`);
    return { idNumber: showIds(p) ? id.id18 : maskResidentId(id.id18), sightings };
  });

  app.get('/api/v1/entities/persons/:idNumber/associates', { schema: { tags: ['search'], summary: 'Who travelled with a person, how often' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search);
    const id = parseResidentId((req.params as { idNumber: string }).idNumber);
    if (!id.ok) throw new AppError('validation_failed', id.reason, { errors: [{ path: '/params/idNumber', message: id.reason }] });
    const rows = await timeline(p, { term: { personIds: id.id18 } }, (req.query as { purpose?: string }).purpose, `associates:${id.id18}`);
    const counts = new Map<string, { count: number; lastSeenAt: string; plates: Set<string> }>();
    const res = await esCall(() => deps.es.search<Source>({ index, query: { term: { personIds: id.id18 } }, size: 1000, _source: ['personIds', 'plates', 'occurredAt'] }));
    for (const h of res.hits.hits)
      for (const other of h._source!.personIds)
        if (other !== id.id18) {
          const c = counts.get(other) ?? { count: 0, lastSeenAt: '', plates: new Set<string>() };
          c.count++;
          if (h._source!.occurredAt > c.lastSeenAt) c.lastSeenAt = h._source!.occurredAt;
          h._source!.plates.forEach((x) => c.plates.add(x));
          counts.set(other, c);
        }
    return {
      idNumber: showIds(p) ? id.id18 : maskResidentId(id.id18),
      sightings: rows.length,
      associates: [...counts.entries()].sort((a, b) => b[1].count - a[1].count).map(([other, c]) => ({ idNumber: showIds(p) ? other : maskResidentId(other), display: maskResidentId(other), count: c.count, lastSeenAt: c.lastSeenAt, plates: [...c.plates] })),
    };
  });

  app.get('/api/v1/search/export', { schema: { tags: ['search'], summary: 'Export a result set as CSV or NDJSON, streamed' } }, async (req, reply) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.search, { allowQueryToken: true });
    const q = req.query as Record<string, string | undefined>;
    const format = q.format === 'ndjson' ? 'ndjson' : 'csv';
    const r = parseWith(SearchRequest, { ...(q.plate ? { plate: q.plate } : {}), ...(q.idNumber ? { idNumber: q.idNumber } : {}), ...(q.query ? { query: q.query } : {}), ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.types ? { types: q.types.split(',') } : {}), ...(q.purpose ? { purpose: q.purpose } : {}), ...(q.plateFuzzy === 'true' ? { plateFuzzy: true } : {}) }, 'export query');
    requirePurpose(r);
    deps.audit({ actor: p.sub, role: p.role, action: 'export', purpose: r.purpose, details: { format, plate: r.plate, idNumber: r.idNumber } });
    const query = buildQuery(r, p);
    // Page with search_after so a million rows stream with one page in memory at a time.
    async function* rows(): AsyncGenerator<string> {
      if (format === 'csv') yield '\ufeffeventId,type,occurredAt,checkpointId,jurisdiction,plate,persons\n';
      let after: unknown[] | undefined;
      for (;;) {
        const res = await deps.es.search<Source>({ index, query: query as never, size: 1000, sort: [{ occurredAt: 'asc' }, { eventId: 'asc' }] as never, ...(after ? { search_after: after as never } : {}) });
        const hits = res.hits.hits;
        for (const h of hits) {
          const it = item(h._source!, p);
          yield format === 'ndjson' ? `${JSON.stringify(it)}\n` : `${[it.eventId, it.type, it.occurredAt, it.checkpointId, it.jurisdiction, it.plate ?? '', it.persons.join(' ')].map(csvCell).join(',')}\n`;
        }
        if (hits.length < 1000) return;
        after = hits[hits.length - 1]!.sort;
      }
    }
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    reply.header('content-disposition', `attachment; filename="events.${format}"`);
    return reply.send(Readable.from(rows()));
  });
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replaceAll('"', '""').replace(/^([=+\-@])/, "'$1")}"` : v;
}

function summarise(e: Event): { zh: string; en: string } {
  switch (e.type) {
    case 'inspection':
      return { zh: `车辆查验 ${e.vehicle.plate}${e.findings.suspicious ? '(可疑)' : ''}`, en: `inspection ${e.vehicle.plate}${e.findings.suspicious ? ' (suspicious)' : ''}` };
    case 'drug_test': {
      const pos = e.results.filter((r) => r.outcome === 'positive').map((r) => r.substance);
      return { zh: `毒品检测 ${pos.length ? `阳性(${pos.join('、')})` : '阴性'}`, en: `drug test ${pos.length ? `positive (${pos.join(', ')})` : 'negative'}` };
    }
    case 'seizure': {
      const g = e.items.reduce((n, i) => n + i.netWeightGrams, 0);
      return { zh: `缴获毒品 ${Math.round(g * 100) / 100} 克`, en: `seizure ${Math.round(g * 100) / 100} g` };
    }
  }
}
