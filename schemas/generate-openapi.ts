/**
 * Writes `docs/openapi/`: the OpenAPI 3.1 documents the gateway and the console serve at `/openapi.json`,
 * taken from the services themselves (built in-process with a fixed config, never started: nothing connects).
 * `npm run schemas:generate` writes them with the JSON Schema / AsyncAPI files; `openapi.test.ts` fails while
 * the committed files differ from a fresh generation. The fuzzers (scripts/fuzz, test/fuzz) read these files.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../lib/logger';
import { createAccountStore } from '../lib/auth/accounts';
import { buildGateway } from '../services/gateway/src/app';
import { loadGatewayConfig } from '../services/gateway/src/config';
import { buildConsole } from '../services/console/src/app';
import { loadConsoleConfig } from '../services/console/src/config';

export const OPENAPI_DIR = join(import.meta.dirname, '..', 'docs', 'openapi');

/** A config that only exists to build the route table: defaults everywhere, no real secret, no accounts. */
const BUILD_ENV = { AUTH_SECRET: 'openapi-generation-only-'.padEnd(40, '-'), DOCS_ENABLED: 'true', LOG_LEVEL: 'silent' };

async function documentOf(app: FastifyInstance): Promise<unknown> {
  await app.ready();
  try {
    return app.swagger();
  } finally {
    await app.close();
  }
}

/** Service name → its OpenAPI document, exactly as served at `/openapi.json`. */
export async function buildOpenApiDocuments(): Promise<Record<'gateway' | 'console', unknown>> {
  const logger = createLogger({ level: 'silent', name: 'openapi-generate' });
  const gateway = buildGateway(loadGatewayConfig(BUILD_ENV), { logger, accounts: createAccountStore([]) });
  const console = buildConsole(loadConsoleConfig(BUILD_ENV), { logger, accounts: createAccountStore([]) });
  return { gateway: await documentOf(gateway.app), console: await documentOf(console.app) };
}

/** File name → content. Deterministic: the route table and schemas only. */
export async function buildOpenApiFiles(): Promise<Map<string, string>> {
  const docs = await buildOpenApiDocuments();
  return new Map(Object.entries(docs).map(([name, doc]) => [`${name}.openapi.json`, `${JSON.stringify(doc, null, 2)}\n`]));
}

/** Replaces docs/openapi/ with a fresh generation. */
export async function writeOpenApiFiles(dir = OPENAPI_DIR): Promise<string[]> {
  const files = await buildOpenApiFiles();
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.openapi.json') && !files.has(f)) rmSync(join(dir, f));
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return [...files.keys()];
}
