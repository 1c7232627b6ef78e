import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../lib/errors';
import { authorize } from '../../../lib/auth/authenticate';
import type { TokenService } from '../../../lib/auth/tokens';
import type { EventIntake, ItemResult } from './accept-events';
import type { VerdictWaiter } from './verdict-waiter';
import type { createRateLimiter } from './rate-limiter';
import { safeParse } from '../../../schemas/src';

const WaitQuery = z.object({ waitMs: z.coerce.number().int().min(0).max(5000).optional() }).passthrough();
const BATCH_MAX = 1000;

export interface EventRoutesDeps {
  intake: EventIntake;
  tokens: TokenService;
  verdicts: VerdictWaiter;
  limiter: ReturnType<typeof createRateLimiter>;
  eventJsonSchema: object;
}

function throwFor(r: Extract<ItemResult, { status: 'rejected' }>): never {
  throw new AppError(r.code, r.detail, { ...(r.errors ? { errors: r.errors } : {}), ...(r.retryAfterSeconds !== undefined ? { retryAfterSeconds: r.retryAfterSeconds } : {}) });
}

/** `POST /api/v1/events` and `POST /api/v1/events/batch` (DESIGN.md §3). */
export function registerEventRoutes(app: FastifyInstance, deps: EventRoutesDeps): void {
  const limit = (key: string, cost: number) => {
    const wait = deps.limiter.take(key, cost);
    if (wait > 0) throw new AppError('rate_limited', `Too many events from ${key}; slow down`, { retryAfterSeconds: wait });
  };

  app.post(
    '/api/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Submit one event (inspection, drug test or seizure)',
        description: '202 only after Kafka acknowledged it (acks=all). Resubmitting the same eventId and body answers 200 duplicate; a different body 409. `?waitMs=` (≤ 5000) waits for the rules verdict and returns its hits.',
        querystring: { type: 'object', properties: { waitMs: { type: 'integer', minimum: 0, maximum: 5000 } } },
        body: deps.eventJsonSchema,
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const principal = authorize(deps.tokens, req, ['officer']);
      const q = safeParse(WaitQuery, req.query);
      if (!q.success) throw new AppError('validation_failed', 'waitMs must be an integer from 0 to 5000', { errors: [{ path: '/query/waitMs', message: q.error.issues[0]?.message ?? 'invalid' }] });
      limit(principal.cp ?? principal.sub, 1);
      const eventId = (req.body as { eventId?: unknown } | null)?.eventId;
      const waitMs = q.data.waitMs ?? 0;
      // Listen before publishing: the verdict may come back faster than our own ack.
      const waiter = waitMs > 0 && typeof eventId === 'string' ? deps.verdicts.expect(eventId, waitMs) : undefined;
      let result: ItemResult | undefined;
      try {
        [result] = await deps.intake.accept([req.body], principal);
      } catch (err) {
        waiter?.cancel();
        throw err;
      }
      if (!result || result.status === 'rejected') {
        waiter?.cancel();
        throwFor(result ?? { status: 'rejected', code: 'internal', detail: 'no result' });
      }
      if (result.status === 'duplicate') {
        waiter?.cancel();
        return reply.status(200).send({ eventId: result.eventId, status: 'duplicate' });
      }
      const verdict = waiter ? await waiter.promise : undefined;
      return reply.status(202).send({
        eventId: result.eventId,
        status: 'accepted',
        ...(waiter ? { verdict: verdict ? { judged: true, judgedAt: verdict.judgedAt, hits: verdict.hits } : { judged: false, hits: [] } } : {}),
      });
    },
  );

  app.post(
    '/api/v1/events/batch',
    {
      schema: {
        tags: ['events'],
        summary: 'Submit up to 1,000 events (store-and-forward from an offline terminal)',
        description: 'Per-item results in input order: accepted, duplicate or rejected (with code and errors). 202 when every valid item was accepted or was a duplicate.',
        body: { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: BATCH_MAX, items: deps.eventJsonSchema } } },
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const principal = authorize(deps.tokens, req, ['officer']);
      const body = req.body as { events?: unknown } | null;
      if (!body || typeof body !== 'object' || !Array.isArray(body.events))
        throw new AppError('validation_failed', 'The body must be {"events": [...]}', { errors: [{ path: '/events', message: 'expected an array of events' }] });
      if (body.events.length === 0) throw new AppError('validation_failed', 'The batch is empty', { errors: [{ path: '/events', message: 'at least one event' }] });
      if (body.events.length > BATCH_MAX)
        throw new AppError('validation_failed', `At most ${BATCH_MAX} events per batch`, { errors: [{ path: '/events', message: `has ${body.events.length} items; at most ${BATCH_MAX}` }] });
      limit(principal.cp ?? principal.sub, body.events.length);
      const results = await deps.intake.accept(body.events, principal);
      const counts = { accepted: 0, duplicate: 0, rejected: 0 };
      for (const r of results) counts[r.status] += 1;
      return reply.status(202).send({ results, ...counts });
    },
  );
}
