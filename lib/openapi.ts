import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ERROR_CATALOGUE } from './errors';

/** RFC 9457 problem details as every service renders them (lib/http-service.ts, lib/errors.ts). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail', 'retriable'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
    detail: { type: 'string' },
    retriable: { type: 'boolean' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string', description: 'JSON pointer into the request' }, message: { type: 'string' } } },
    },
  },
} as const;

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/**
 * Documents the error side of every operation: any 4xx or 5xx is `application/problem+json` with a stable
 * `code` from the catalogue. Fuzzers (schemathesis) check responses against this.
 */
export function withProblemResponses(doc: Record<string, unknown>): Record<string, unknown> {
  const components = (doc.components ?? {}) as Record<string, Record<string, unknown>>;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  for (const ops of Object.values(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.has(method)) continue;
      op.responses = { ...op.responses, '4XX': problemResponse('The request was refused (problem+json with a stable `code`; `errors[].path` for bad input)'), '5XX': problemResponse('The service could not answer (problem+json; `retriable` says whether to retry, honour `Retry-After`)') };
    }
  }
  return { ...doc, components: { ...components, schemas: { ...components.schemas, Problem: PROBLEM_SCHEMA } } };
}

/**
 * OpenAPI 3.1 generated from the route schemas (which come from the zod schemas), served at
 * `/openapi.json`, with Swagger UI at `/docs`. Call before registering routes, and register routes inside a
 * plugin (`app.register(async (api) => …)`): a route added straight on the root is added before the docs
 * plugin has loaded, and would be missing from the document.
 */
export function registerDocs(app: FastifyInstance, info: { title: string; version: string; description?: string }): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transformObject: (d) => withProblemResponses(('openapiObject' in d ? d.openapiObject : d.swaggerObject) as Record<string, unknown>) as never,
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
