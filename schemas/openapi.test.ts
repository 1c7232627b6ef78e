import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiFiles, OPENAPI_DIR } from './generate-openapi';

const STALE = 'docs/openapi is stale: run `npm run schemas:generate` and commit the result';

type Doc = { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: { schemas?: Record<string, unknown> } };

describe('committed OpenAPI documents of the gateway and the console', async () => {
  const fresh = await buildOpenApiFiles();
  const doc = (name: string) => JSON.parse(fresh.get(`${name}.openapi.json`)!) as Doc;

  it('are committed exactly as the services serve them at /openapi.json', () => {
    const onDisk = readdirSync(OPENAPI_DIR).filter((f) => f.endsWith('.openapi.json')).sort();
    expect(onDisk, STALE).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) expect(readFileSync(join(OPENAPI_DIR, name), 'utf8'), `${STALE} (${name} differs)`).toBe(content);
  });

  it('list every public route of DESIGN.md §3, the gateway’s included', () => {
    expect(Object.keys(doc('gateway').paths).sort()).toEqual(['/api/v1/auth/token', '/api/v1/events', '/api/v1/events/batch']);
    const console = Object.keys(doc('console').paths);
    for (const p of ['/api/v1/hits', '/api/v1/hits/{hitId}/actions', '/api/v1/search', '/api/v1/search/export', '/api/v1/watchlist/import', '/api/v1/rules/{ruleId}/backtest', '/api/v1/audit', '/api/v1/stats/summary'])
      expect(console, p).toContain(p);
  });

  it('are OpenAPI 3.1 and declare every error as problem+json', () => {
    for (const name of ['gateway', 'console']) {
      const d = doc(name);
      expect(d.openapi).toBe('3.1.0');
      expect(d.components?.schemas?.Problem).toBeDefined();
      for (const [path, ops] of Object.entries(d.paths))
        for (const [method, op] of Object.entries(ops)) expect(Object.keys(op.responses ?? {}), `${name} ${method} ${path}`).toEqual(expect.arrayContaining(['4XX', '5XX']));
    }
  });
});
