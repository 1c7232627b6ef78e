import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * OpenAPI 3.1 generated from the route schemas (which come from the zod schemas), served at
 * `/openapi.json`, with Swagger UI at `/docs`. Call before registering routes.
 */
export function registerDocs(app: FastifyInstance, info: { title: string; version: string; description?: string }): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
