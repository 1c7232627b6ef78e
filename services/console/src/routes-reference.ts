import type { FastifyInstance } from 'fastify';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import type { TokenService } from '../../../lib/auth/tokens';
import { allow } from './access-policy';

/** Who am I, and the checkpoint registry (positions, corridors) the web console draws. */
export function registerReferenceRoutes(app: FastifyInstance, deps: { tokens: TokenService; checkpoints: CheckpointRegistry }): void {
  app.get('/api/v1/me', { schema: { tags: ['auth'], summary: 'The account behind the token' } }, async (req) => {
    const p = allow(deps.tokens, req, 'GET /api/v1/me');
    return { username: p.sub, role: p.role, jurisdiction: p.jur, ...(p.cp ? { checkpointId: p.cp } : {}) };
  });
  app.get('/api/v1/checkpoints', { schema: { tags: ['reference'], summary: 'Checkpoints and corridors' } }, async (req) => {
    allow(deps.tokens, req, 'GET /api/v1/checkpoints');
    const items = deps.checkpoints.all().map((c) => ({ id: c.checkpointId, checkpointId: c.checkpointId, name: c.name, jurisdiction: c.jurisdiction, lat: c.lat, lon: c.lon, kind: c.kind, corridors: c.corridorIds }));
    return { items, corridors: deps.checkpoints.corridors() };
  });
}
