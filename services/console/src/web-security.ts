import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/errors';

/** The origin the request was addressed to, as the browser names it. */
const selfOrigin = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

/**
 * Strict CORS and browser hardening. Cross-origin calls are refused unless the origin is listed in
 * `CORS_ORIGINS` (same origin only by default) — also for the WebSocket upgrade, which browsers do not
 * subject to CORS. The CSP lets the web console load only its own scripts and connect only back here.
 */
export function registerWebSecurity(app: FastifyInstance, opts: { corsOrigins: string[] }): void {
  const listed = new Set(opts.corsOrigins.map((o) => o.replace(/\/$/, '')));

  const foreign = (req: FastifyRequest): string | undefined => {
    const origin = req.headers.origin;
    return typeof origin === 'string' && origin !== selfOrigin(req) ? origin : undefined;
  };
  // Refused in preValidation, not onRequest: the WebSocket plugin's own onRequest hook must have run for
  // it to close a refused upgrade's socket.
  app.addHook('preValidation', async (req) => {
    const origin = foreign(req);
    if (origin && !listed.has(origin)) throw new AppError('forbidden', `Origin ${origin} may not call this API`);
  });
  app.addHook('onRequest', async (req, reply) => {
    const origin = foreign(req);
    if (!origin || !listed.has(origin)) return undefined;
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      return reply
        .header('access-control-allow-methods', 'GET, POST, PUT, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type, x-request-id')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    }
    return undefined;
  });
  // Preflights need a route for the hook above to run on; anything else asking OPTIONS gets 204 too.
  app.options('/*', { schema: { hide: true } }, async (_req, reply) => reply.status(204).send());

  // Callback style on purpose: lib/http-service's /readyz and /metrics call reply.send() in async handlers
  // without returning it, which double-sends once a second async onSend hook adds a tick.
  app.addHook('onSend', (req, reply, payload, done) => {
    const host = req.host;
    // Swagger UI brings its own inline bootstrap; everything else gets the strict policy.
    if (!req.url.startsWith('/docs')) {
      reply.header(
        'content-security-policy',
        [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          "font-src 'self'",
          `connect-src 'self' ws://${host} wss://${host}`,
          "object-src 'none'",
          "base-uri 'self'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].join('; '),
      );
    }
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    done(null, payload);
  });
}
