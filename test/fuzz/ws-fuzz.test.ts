import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, type Namespace } from '../support/namespace';
import { fuzzWebSocket } from '../../scripts/fuzz/ws-fuzzer';
import { startFuzzTargets, type FuzzTargets } from '../../scripts/fuzz/targets';

/**
 * Bounded WebSocket frame fuzzing of the live feed (issue 9, bad input) on the real engines: every bad frame
 * gets an error frame with a code or a clear close code, kept connections still answer ping, bad tokens are
 * refused at the upgrade with problem+json, and the console stays up. `FUZZ_SECONDS` scales it (default 20 s).
 */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20);
let ns: Namespace;
let t: FuzzTargets;

beforeAll(async () => {
  ns = await createNamespace('fuzzws');
  t = await startFuzzTargets({ kafka: ns.kafka, es: ns.es, logger: ns.logger, env: ns.env, secret: 'fuzz-ws-secret-'.padEnd(40, 'z') });
});
afterAll(async () => {
  await t?.stop();
  await ns?.cleanup();
});

describe('WebSocket frame fuzzing of /api/v1/live', () => {
  it('answers every garbage, huge, binary or hostile frame with an error frame or a clear close code, and stays up', async () => {
    const report = await fuzzWebSocket({ wsUrl: t.consoleWsUrl, httpUrl: t.consoleUrl, token: () => t.tokenFor('commander'), maxSessions: 100_000, maxMs: SECONDS * 1000 });
    process.stdout.write(`ws: ${report.sessions} sessions, ${report.frames} frames in ${(report.durationMs / 1000).toFixed(1)} s, server frames ${JSON.stringify(report.serverFrames)}, closes ${JSON.stringify(report.closeCodes)}, seed ${report.seed}\n`);
    expect(report.failures, JSON.stringify(report.failures.slice(0, 5), null, 2)).toEqual([]);
    expect(report.frames).toBeGreaterThan(50);
    expect(report.serverFrames.error ?? 0).toBeGreaterThan(0);
    expect(report.serverFrames.subscribed ?? 0).toBeGreaterThan(0);
  });
});
