import type { FastifyInstance } from 'fastify';
import type { estypes } from '@elastic/elasticsearch';
import { z } from 'zod';
import { canonicalPlate } from '../../../../schemas/src';
import { parseWith } from '../../../../lib/http-service';
import { authorize } from '../../../../lib/auth/authenticate';
import type { Principal } from '../../../../lib/auth/tokens';
import { bucketsOf, keyOf } from './aggregation-reader';
import { esCall } from './es-call';
import { residentIdOrFail, scopeClauses, timeRange, type Clause } from './event-query';
import { idFor, SIGHTING_SOURCE, toSighting, type EventSource, type Sighting } from './result-view';
import type { SearchAuditRecord, SearchDeps, SearchGrant } from './search-deps';
import { grantFor, purposeUnder } from './grant-scope';
import { requirePurpose, RouteQuery, TimelineQuery } from './search-request';
import { SEARCH_ROLES } from './search-roles';
import { SEARCH_DOCS } from './route-docs';

type Audit = (p: Principal, action: SearchAuditRecord['action'], terms: Record<string, unknown>, extra?: { purpose?: string | undefined; target?: string; grant?: SearchGrant | undefined }) => void;

/** A timeline lists every sighting; past this many it says so instead of growing without bound. */
export const MAX_SIGHTINGS = 5_000;
const PAGE = 1_000;
const DAY = 86_400_000;

const PlateParams = z.object({ plate: z.string().min(1).max(32).transform(canonicalPlate).pipe(z.string().min(2, 'a plate').max(10)) });
const PersonParams = z.object({ idNumber: z.string().min(1).max(20) });

/** Timelines, associates and a vehicle's route: the investigator's trace of a vehicle or a person. */
export function registerEntityRoutes(app: FastifyInstance, deps: SearchDeps, audit: Audit): void {
  const index = `${deps.indexPrefix}events`;

  /** Every sighting matching `filter` in time order, paged with search_after, at most MAX_SIGHTINGS. */
  const sightings = async (filter: Clause[]): Promise<{ rows: EventSource[]; truncated: boolean }> => {
    const rows: EventSource[] = [];
    let after: estypes.SortResults | undefined;
    while (rows.length < MAX_SIGHTINGS) {
      const size = Math.min(PAGE, MAX_SIGHTINGS - rows.length);
      const res = await esCall('timeline', () =>
        deps.es.search<EventSource>({ index, ignore_unavailable: true, allow_no_indices: true, size, _source: SIGHTING_SOURCE, sort: [{ occurredAt: 'asc' }, { eventId: 'asc' }], track_total_hits: false, query: { bool: { filter } }, ...(after ? { search_after: after } : {}) }),
      );
      const page = res.hits.hits;
      rows.push(...page.map((h) => h._source!));
      if (page.length < size) return { rows, truncated: false };
      after = page[page.length - 1]!.sort;
    }
    return { rows, truncated: true };
  };
  const withTruncation = <T extends object>(body: T, truncated: boolean) => (truncated ? { ...body, truncated: true } : body);

  app.get('/api/v1/entities/vehicles/:plate/timeline', { schema: { tags: ['search'], summary: 'Every sighting of a vehicle, in time order, with checkpoint and place', params: SEARCH_DOCS.plateParams, querystring: SEARCH_DOCS.timelineQuery } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.vehicle);
    const { plate } = parseWith(PlateParams, req.params, 'path');
    const q = parseWith(TimelineQuery, req.query ?? {}, 'query');
    const grant = grantFor(deps, p, q.grantId);
    const purpose = purposeUnder(q.purpose, grant);
    requirePurpose(purpose, '/query/purpose');
    const { rows, truncated } = await sightings([{ term: { plates: plate } }, ...scopeClauses(p, undefined, grant), ...timeRange('occurredAt', q.from, q.to)]);
    audit(p, 'search', { plate, from: q.from, to: q.to }, { purpose, target: `vehicle:${plate}`, grant });
    const list: Sighting[] = rows.map((s) => toSighting(s, deps.checkpoints));
    return withTruncation({ plate, sightings: list }, truncated);
  });

  app.get('/api/v1/entities/persons/:idNumber/timeline', { schema: { tags: ['search'], summary: 'Every sighting of a person, in time order, with their role', params: SEARCH_DOCS.personParams, querystring: SEARCH_DOCS.timelineQuery } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.person);
    const id = residentIdOrFail(parseWith(PersonParams, req.params, 'path').idNumber, '/params/idNumber');
    const q = parseWith(TimelineQuery, req.query ?? {}, 'query');
    const grant = grantFor(deps, p, q.grantId);
    const purpose = purposeUnder(q.purpose, grant);
    requirePurpose(purpose, '/query/purpose');
    const { rows, truncated } = await sightings([{ term: { personIds: id } }, ...scopeClauses(p, undefined, grant), ...timeRange('occurredAt', q.from, q.to)]);
    audit(p, 'search', { idNumber: id, from: q.from, to: q.to }, { purpose, target: `person:${id}`, grant });
    return withTruncation({ idNumber: idFor(p)(id), sightings: rows.map((s) => toSighting(s, deps.checkpoints, id)) }, truncated);
  });

  app.get('/api/v1/entities/persons/:idNumber/associates', { schema: { tags: ['search'], summary: 'Who travelled in the same vehicle as a person, how often, when last, in which vehicles', params: SEARCH_DOCS.personParams, querystring: SEARCH_DOCS.timelineQuery } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.person);
    const id = residentIdOrFail(parseWith(PersonParams, req.params, 'path').idNumber, '/params/idNumber');
    const q = parseWith(TimelineQuery, req.query ?? {}, 'query');
    const grant = grantFor(deps, p, q.grantId);
    const purpose = purposeUnder(q.purpose, grant);
    requirePurpose(purpose, '/query/purpose');
    const res = await esCall('associates', () =>
      deps.es.search({
        index,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: 0,
        track_total_hits: false,
        query: { bool: { filter: [{ term: { personIds: id } }, ...scopeClauses(p, undefined, grant), ...timeRange('occurredAt', q.from, q.to)] } },
        aggs: {
          associates: {
            terms: { field: 'personIds', size: 100, exclude: [id] },
            aggs: {
              plates: { terms: { field: 'plates', size: 10 } },
              latest: { top_hits: { size: 1, sort: [{ occurredAt: 'desc' }], _source: ['occurredAtLocal', 'occurredAt', 'view.persons'] } },
            },
          },
        },
      }),
    );
    audit(p, 'search', { associatesOf: id, from: q.from, to: q.to }, { purpose, target: `person:${id}`, grant });
    const show = idFor(p);
    const associates = bucketsOf((res.aggregations as Record<string, unknown> | undefined)?.associates).map((b) => {
      const other = keyOf(b);
      const latest = (b.latest as { hits?: { hits?: Array<{ _source?: EventSource }> } } | undefined)?.hits?.hits?.[0]?._source;
      const name = latest?.view?.persons?.find((x) => x.idNumber === other)?.name;
      return {
        idNumber: show(other),
        display: name && show(other) === other ? `${name} ${other}` : show(other),
        count: b.doc_count,
        lastSeenAt: latest?.occurredAtLocal ?? latest?.occurredAt ?? '',
        plates: bucketsOf(b.plates).map(keyOf),
      };
    });
    return { idNumber: show(id), associates };
  });

  app.get('/api/v1/entities/vehicles/:plate/route', { schema: { tags: ['search'], summary: "A vehicle's route over the days before its latest seizure (or before now)", params: SEARCH_DOCS.plateParams, querystring: SEARCH_DOCS.routeQuery } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.vehicle);
    const { plate } = parseWith(PlateParams, req.params, 'path');
    const q = parseWith(RouteQuery, req.query ?? {}, 'query');
    const grant = grantFor(deps, p, q.grantId);
    const purpose = purposeUnder(q.purpose, grant);
    requirePurpose(purpose, '/query/purpose');
    const scope = scopeClauses(p, undefined, grant);
    // Trace-back is anchored at the seizure: the days that led to it, not the days since.
    const seized = await esCall('route', () =>
      deps.es.search<{ occurredAt: string }>({ index, ignore_unavailable: true, allow_no_indices: true, size: 1, _source: ['occurredAt'], sort: [{ occurredAt: 'desc' }], query: { bool: { filter: [{ term: { plates: plate } }, { term: { type: 'seizure' } }, ...scope] } } }),
    );
    const anchor = seized.hits.hits[0]?._source ? Date.parse(seized.hits.hits[0]._source.occurredAt) : Date.now();
    const { rows, truncated } = await sightings([{ term: { plates: plate } }, ...scope, { range: { occurredAt: { gte: new Date(anchor - q.days * DAY).toISOString(), lte: new Date(anchor).toISOString() } } }]);
    audit(p, 'search', { plate, routeDays: q.days }, { purpose, target: `vehicle:${plate}`, grant });
    const points: Array<{ checkpointId: string; lat: number; lon: number; occurredAt: string }> = [];
    for (const s of rows.map((r) => toSighting(r, deps.checkpoints))) {
      // A vehicle checked twice at one checkpoint has not moved: one point per stop.
      if (s.lat === undefined || s.lon === undefined || points[points.length - 1]?.checkpointId === s.checkpointId) continue;
      points.push({ checkpointId: s.checkpointId, lat: s.lat, lon: s.lon, occurredAt: s.occurredAt });
    }
    return withTruncation({ plate, points }, truncated);
  });
}
