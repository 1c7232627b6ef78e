import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { HitActionSchema } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { authorize } from '../../../lib/auth/authenticate';
import type { TokenService } from '../../../lib/auth/tokens';
import { isKafkaUnavailable } from '../../../lib/kafka';
import { canSeeHit, ROUTE_ROLES } from './access';
import { applyAction } from './hit-workflow';
import type { HitStore } from './hit-store';

const ListQuery = z.object({
  status: z.enum(['new', 'acknowledged', 'assigned', 'resolved']).optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low']).optional(),
  checkpointId: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Hit list, detail and workflow actions; actions go through Kafka so every console instance agrees. */
export function registerHitRoutes(app: FastifyInstance, deps: { store: HitStore; tokens: TokenService; producer: Producer; hitUpdatesTopic: string; audit: (r: { actor: string; role: string; action: 'view' | 'hit_action'; target: string; details?: Record<string, unknown> }) => void }): void {
  app.get('/api/v1/hits', { schema: { tags: ['hits'], summary: 'Hits in your scope, newest first' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.readHits);
    const q = parseWith(ListQuery, req.query, 'query');
    const items = deps.store
      .all()
      .filter((h) => canSeeHit(h, p) && (!q.status || h.status === q.status) && (!q.severity || h.severity === q.severity) && (!q.checkpointId || h.checkpointId === q.checkpointId))
      .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
    return { items: items.slice(0, q.limit), total: items.length };
  });

  app.get('/api/v1/hits/:hitId', { schema: { tags: ['hits'], summary: 'One hit with its history' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.readHits);
    const { hitId } = req.params as { hitId: string };
    const hit = deps.store.get(hitId);
    if (!hit || !canSeeHit(hit, p)) throw new AppError('not_found', `No hit ${hitId} in your scope`);
    deps.audit({ actor: p.sub, role: p.role, action: 'view', target: `hit:${hitId}` });
    return { hit };
  });

  app.post('/api/v1/hits/:hitId/actions', { schema: { tags: ['hits'], summary: 'acknowledge | assign | resolve | reopen, with expectedVersion' } }, async (req) => {
    const p = authorize(deps.tokens, req, ROUTE_ROLES.actOnHits);
    const { hitId } = req.params as { hitId: string };
    const hit = deps.store.get(hitId);
    if (!hit || !canSeeHit(hit, p)) throw new AppError('not_found', `No hit ${hitId} in your scope`);
    const action = parseWith(HitActionSchema, req.body, 'action');
    const next = applyAction(hit, action, p.sub, new Date());
    try {
      await deps.producer.send({ topic: deps.hitUpdatesTopic, acks: -1, messages: [{ key: hitId, value: JSON.stringify(next) }] });
    } catch (err) {
      throw new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', undefined, { cause: err, retryAfterSeconds: 2 });
    }
    deps.store.applyLocal(next);
    deps.audit({ actor: p.sub, role: p.role, action: 'hit_action', target: `hit:${hitId}`, details: { action: action.action, version: next.version } });
    return { hit: next };
  });
}
