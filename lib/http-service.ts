import '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyError, type FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { AppError, ERROR_CATALOGUE, toProblem, type FieldError } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { safeParse } from '../schemas/src';

export interface HttpServiceOptions {
  logger: Logger;
  metrics: Metrics;
  /** Largest accepted body in bytes; a batch of 1,000 events needs a few MB. */
  bodyLimit?: number;
  /** Answers /readyz; a service is ready once its consumers caught up and producers connected. */
  isReady: () => boolean;
  /**
   * Answers /healthz (liveness): why the process is broken for good, if it is — a part of it stopped and will not
   * start again by itself (a Kafka consumer kafkajs gave up on), so only a restart helps. `npm start`'s supervisor
   * and an orchestrator's liveness probe restart it on the 503. Not ready (catching up, a dependency down) is not broken.
   */
  brokenReason?: () => string | undefined;
}

/**
 * A fastify instance with what every service shares: problem+json errors (one handler), request ids,
 * security headers, /healthz, /readyz and /metrics. Route bodies are validated by zod in the handlers
 * (see `parseWith`); the JSON Schemas on routes only document them for OpenAPI.
 */
export function createHttpService(opts: HttpServiceOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // Each service logs what matters itself; a line per request would drown it (and cost at 1,000 requests/s).
    logController: new LogController({ disableRequestLogging: true }),
    // Errors fastify's router raises before any route runs (a path segment over maxParamLength, a path that
    // does not decode): answered as problem+json like every other refusal, not fastify's plain JSON (found by
    // the HTTP fuzzer, docs/FUZZING.md).
    // Requests Node's HTTP parser refuses (headers over its limit, not HTTP at all, too slow) never reach a route:
    // answered on the socket, as problem+json too (fastify's default writes plain JSON; found by schemathesis).
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const code = err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'malformed_request';
      const body = JSON.stringify(toProblem(new AppError(code)));
      const status = ERROR_CATALOGUE[code].status;
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${ERROR_CATALOGUE[code].title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      socket.destroy(err);
    },
    frameworkErrors: (err, req, reply) => {
      const code = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : err.code === 'FST_ERR_BAD_URL' ? 'validation_failed' : 'internal';
      const path = req.url.split('?')[0]!;
      void (reply as unknown as FastifyReply)
        .status(ERROR_CATALOGUE[code].status)
        .type('application/problem+json')
        .send(toProblem(new AppError(code, code === 'internal' ? undefined : err.message.slice(0, 300), { cause: err, ...(code === 'validation_failed' ? { errors: [{ path: '', message: 'the path is not valid percent-encoding' }] } : {}) }), path.slice(0, 300)));
    },
  });
  // Node itself answers an Expect header other than 100-continue with a bare 417 (no body, no type); answer it
  // like every other refusal instead (found by the HTTP fuzzer, docs/FUZZING.md).
  app.server.on('checkExpectation', (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    res.writeHead(417, { 'content-type': 'application/problem+json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', connection: 'close' });
    res.end(JSON.stringify(toProblem(new AppError('expectation_failed', `Unsupported Expect: ${String(req.headers.expect).slice(0, 100)}`), path)));
  });
  // Validation is zod's job (one source of truth); route schemas are documentation only.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', reply.getHeader('cache-control') ?? 'no-store');
  });
  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', method: req.method, status: String(reply.statusCode) });
    opts.metrics.httpDuration.observe({ route: req.routeOptions.url ?? 'unmatched', method: req.method }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = err instanceof AppError ? err : fromFastifyError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ code: appErr.code }, 'request rejected');
    if (appErr.retryAfterSeconds !== undefined) reply.header('retry-after', String(appErr.retryAfterSeconds));
    reply.status(appErr.status).type('application/problem+json').send(toProblem(appErr, req.url.split('?')[0]));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).type('application/problem+json').send(toProblem(new AppError('route_not_found', `No endpoint ${req.method} ${req.url.split('?')[0]}`), req.url.split('?')[0]));
  });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    const reason = opts.brokenReason?.();
    return reason === undefined ? reply.send({ status: 'ok' }) : reply.status(503).send({ status: 'failed', reason });
  });
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (!opts.isReady()) throw new AppError('not_ready', 'Still catching up with the event log', { retryAfterSeconds: 2 });
    return reply.send({ status: 'ready' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  return app;
}

/** Maps fastify's own errors (parser, body limit, content type) onto the catalogue. */
function fromFastifyError(err: FastifyError): AppError {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', err.message, { cause: err, errors: [{ path: '', message: err.message }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', err.message, { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type', err.message, { cause: err });
    default:
      break;
  }
  if (err instanceof SyntaxError) return new AppError('malformed_json', err.message, { cause: err });
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    if (err.statusCode === 413) return new AppError('payload_too_large', err.message, { cause: err });
    if (err.statusCode === 415) return new AppError('unsupported_media_type', err.message, { cause: err });
    if (err.statusCode === 404) return new AppError('not_found', err.message, { cause: err });
    return new AppError('validation_failed', err.message, { cause: err, errors: [{ path: '', message: err.message }] });
  }
  return new AppError('internal', undefined, { cause: err });
}

/** Converts zod issues to JSON-pointer field errors. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.slice(0, 50).map((i) => ({
    path: i.path.length ? '/' + i.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/') : '',
    message: i.message,
  }));
}

/** Validates untrusted input; throws a 400 `validation_failed` listing every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.infer<S> {
  const parsed = safeParse(schema, input);
  if (parsed.success) return parsed.data;
  throw new AppError('validation_failed', `The ${what} has ${parsed.error.issues.length} invalid field(s)`, {
    errors: fieldErrors(parsed.error),
  });
}
