import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, type Namespace } from '../support/namespace';
import { fuzzHttp, type HttpFuzzReport } from '../../scripts/fuzz/http-fuzzer';
import { startFuzzTargets, type FuzzTargets } from '../../scripts/fuzz/targets';
import { consoleSeeds, gatewaySeeds } from '../../scripts/fuzz/seeds';

/**
 * Bounded HTTP fuzzing (issue 9, bad input) of the gateway and the console on the real engines, from their
 * committed OpenAPI documents: random and mutated paths, query strings, headers, tokens and bodies against
 * every route. No 5xx, no dropped connection, the service still healthy, every error problem+json with a
 * catalogued code. `FUZZ_SECONDS` scales the budget (default 30 s per service); `npm run fuzz` runs longer.
 */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 30);
const doc = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, `../../docs/openapi/${name}.openapi.json`), 'utf8'));
const summary = (r: HttpFuzzReport) => `${r.target}: ${r.requests} requests over ${r.operations} operations in ${(r.durationMs / 1000).toFixed(1)} s, statuses ${JSON.stringify(r.byStatus)}, seed ${r.seed}`;

let ns: Namespace;
let t: FuzzTargets;

beforeAll(async () => {
  ns = await createNamespace('fuzzhttp');
  t = await startFuzzTargets({ kafka: ns.kafka, es: ns.es, logger: ns.logger, env: ns.env, secret: 'fuzz-secret-'.padEnd(40, 'z') });
});
afterAll(async () => {
  await t?.stop();
  await ns?.cleanup();
});

describe('HTTP fuzzing from the OpenAPI documents', () => {
  it('the gateway answers every random or mutated request with a 2xx or a problem+json 4xx, and stays up', async () => {
    const officer = () => fc.oneof({ weight: 6, arbitrary: fc.constant(null).map(() => t.tokenFor('officer')) }, { weight: 1, arbitrary: t.anyToken() });
    const report = await fuzzHttp({ name: 'gateway', baseUrl: t.gatewayUrl, doc: doc('gateway'), token: officer, ...gatewaySeeds(), maxRequests: 50_000, maxMs: SECONDS * 1000, concurrency: 8 });
    process.stdout.write(`${summary(report)}\n`);
    expect(report.failures, JSON.stringify(report.failures.slice(0, 5), null, 2)).toEqual([]);
    expect(report.requests).toBeGreaterThan(100);
    // The fuzzer reached past validation too: some events were accepted.
    expect((report.byStatus['202'] ?? 0) + (report.byStatus['200'] ?? 0)).toBeGreaterThan(0);
  });

  it('the console answers every random or mutated request with a 2xx or a problem+json 4xx, and stays up', async () => {
    const report = await fuzzHttp({ name: 'console', baseUrl: t.consoleUrl, doc: doc('console'), token: () => t.anyToken(), ...consoleSeeds(), maxRequests: 50_000, maxMs: SECONDS * 1000 });
    process.stdout.write(`${summary(report)}\n`);
    expect(report.failures, JSON.stringify(report.failures.slice(0, 5), null, 2)).toEqual([]);
    expect(report.operations).toBeGreaterThan(30);
    expect(report.byStatus['200'] ?? 0).toBeGreaterThan(0);
  });
});
