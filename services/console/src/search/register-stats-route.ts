import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../../../lib/http-service';
import { authorize } from '../../../../lib/auth/authenticate';
import { esCall } from './es-call';
import type { SearchDeps } from './search-deps';
import { StatsQuery } from './search-request';
import { SEARCH_ROLES } from './search-roles';
import { SEARCH_DOCS } from './route-docs';
import { shapeStats, statsRequests } from './stats-summary';

/**
 * `GET /api/v1/stats/summary`: counts and sums only (no person appears), so auditors may read it too;
 * still scoped to the caller's jurisdiction subtree.
 */
export function registerStatsRoute(app: FastifyInstance, deps: SearchDeps): void {
  app.get('/api/v1/stats/summary', { schema: { tags: ['search'], summary: 'Inspections, tests and positive rate, seizures by substance, hits by severity and status, per time bucket and jurisdiction', querystring: SEARCH_DOCS.statsQuery } }, async (req) => {
    const p = authorize(deps.tokens, req, SEARCH_ROLES.stats);
    const q = parseWith(StatsQuery, req.query ?? {}, 'query');
    const r = statsRequests(q, p, Date.now());
    const [events, hits] = await esCall('statistics', () =>
      Promise.all([
        deps.es.search({ index: `${deps.indexPrefix}events`, ignore_unavailable: true, allow_no_indices: true, ...r.events }),
        deps.es.search({ index: `${deps.indexPrefix}hits`, ignore_unavailable: true, allow_no_indices: true, ...r.hits }),
      ]),
    );
    return shapeStats(events.aggregations as Record<string, unknown> | undefined, hits.aggregations as Record<string, unknown> | undefined);
  });
}
