/**
 * `npm run fuzz`: the long fuzzing run of issue 9 (bad input). Starts the gateway and the console in-process
 * on the real engines (the local stack, started if needed; topics and indices under a throwaway prefix,
 * deleted at the end), then runs
 *   1. the property tests with FC_RUNS (default 2000) runs per property,
 *   2. the Node HTTP fuzzer against every route of both services (FUZZ_SECONDS each, default 120),
 *   3. the WebSocket frame fuzzer against /api/v1/live (FUZZ_WS_SECONDS, default 60),
 *   4. schemathesis (PyPI, scripts/fuzz/schemathesis.sh) from the committed OpenAPI documents, with tokens
 *      (SCHEMATHESIS_MAX_EXAMPLES per operation, default 100; SKIP_SCHEMATHESIS=1 to leave it out),
 * and writes bench/results/<date>-fuzz.json. Exit code 1 when anything failed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureStack } from '../../infra/stack/stack';
import { ensureTopics } from '../../infra/topics';
import { createKafka } from '../../lib/kafka';
import { createElasticsearch } from '../../lib/elasticsearch';
import { createLogger } from '../../lib/logger';
import { REPO_ROOT } from '../repo-root';
import { fuzzHttp } from './http-fuzzer';
import { fuzzWebSocket } from './ws-fuzzer';
import { startFuzzTargets } from './targets';
import { consoleSeeds, gatewaySeeds } from './seeds';
import fc from 'fast-check';

const env = process.env;
const HTTP_SECONDS = Number(env.FUZZ_SECONDS ?? 120);
const WS_SECONDS = Number(env.FUZZ_WS_SECONDS ?? 60);
const FC_RUNS = Number(env.FC_RUNS ?? 2000);
const ST_EXAMPLES = Number(env.SCHEMATHESIS_MAX_EXAMPLES ?? 100);
const say = (m: string) => process.stdout.write(`[fuzz] ${m}\n`);
const doc = (name: string): unknown => JSON.parse(readFileSync(join(REPO_ROOT, 'docs/openapi', `${name}.openapi.json`), 'utf8'));

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => ((out += c.toString()), process.stdout.write(c)));
    child.stderr.on('data', (c: Buffer) => ((out += c.toString()), process.stderr.write(c)));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Property tests: how many inputs each file tried (they print "<name>: N inputs tried"). */
async function propertyTests(): Promise<{ passed: boolean; inputs: Record<string, number> }> {
  const files = ['schemas/src/schemas.property.test.ts', 'services/console/src/search/event-query.property.test.ts', 'services/console/src/watchlist-import.property.test.ts'];
  const r = await run('npx', ['vitest', 'run', '--project', 'unit', ...files], { FC_RUNS: String(FC_RUNS) });
  const inputs: Record<string, number> = {};
  for (const m of r.out.matchAll(/^([\w.-]+): (\d+) (?:inputs|files) tried$/gm)) inputs[m[1]!] = Number(m[2]);
  return { passed: r.code === 0, inputs };
}

/** schemathesis against one service; its JSON report gives the number of generated test cases. */
async function schemathesis(name: string, url: string, token: string, outDir: string): Promise<Record<string, unknown>> {
  const reportPath = join(outDir, `schemathesis-${name}.json`);
  const r = await run(join(REPO_ROOT, 'scripts/fuzz/schemathesis.sh'), [
    'run', join(REPO_ROOT, 'docs/openapi', `${name}.openapi.json`), '--url', url,
    '-H', `Authorization: Bearer ${token}`,
    '--checks', 'not_a_server_error,content_type_conformance,response_schema_conformance',
    '--max-examples', String(ST_EXAMPLES), '--workers', '2', '--request-timeout', '20', '--seed', '1123',
    '--exclude-path', '/api/v1/auth/logout', '--exclude-path', '/api/v1/auth/revoke',
    '--report', 'json', '--report-json-path', reportPath,
  ]);
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    report = undefined;
  }
  const summary = /=+ SUMMARY =+([\s\S]*)$/m.exec(r.out)?.[1]?.trim().slice(0, 4000);
  const cases = /(\d+) generated/.exec(r.out)?.[1] ?? /Test cases:\s+(\d+)/.exec(r.out)?.[1];
  return { exitCode: r.code, passed: r.code === 0, testCases: cases ? Number(cases) : undefined, summary, report: report ? reportPath.replace(`${REPO_ROOT}/`, '') : undefined };
}

async function main(): Promise<void> {
  const started = Date.now();
  const engines = await ensureStack({ log: say });
  const id = `fz${randomBytes(3).toString('hex')}`;
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'silent', name: 'fuzz' });
  const kafka = createKafka({ brokers: engines.kafkaBrokers, clientId: 'fuzz', logger });
  const es = createElasticsearch(engines.esUrl);
  const admin = kafka.admin();
  await admin.connect();
  const topicPrefix = `${id}.fuzz.`;
  const indexPrefix = `${id}-fuzz-`;
  await ensureTopics(admin, { prefix: topicPrefix, partitions: 3, brokers: engines.kafkaBrokers.length });
  const t = await startFuzzTargets({ kafka, es, logger, secret: randomBytes(24).toString('hex'), env: { KAFKA_BROKERS: engines.kafkaBrokers.join(','), ES_URL: engines.esUrl, TOPIC_PREFIX: topicPrefix, ES_INDEX_PREFIX: indexPrefix, KAFKA_PARTITIONS: '3', LOG_LEVEL: env.LOG_LEVEL ?? 'silent' } });
  const outDir = join(REPO_ROOT, '.local', 'fuzz');
  mkdirSync(outDir, { recursive: true });
  const results: Record<string, unknown> = {};
  try {
    say(`property tests, ${FC_RUNS} runs per property`);
    results.properties = await propertyTests();
    say(`HTTP fuzzing, ${HTTP_SECONDS} s per service`);
    const officer = () => fc.oneof({ weight: 6, arbitrary: fc.constant(null).map(() => t.tokenFor('officer')) }, { weight: 1, arbitrary: t.anyToken() });
    results.httpGateway = await fuzzHttp({ name: 'gateway', baseUrl: t.gatewayUrl, doc: doc('gateway'), token: officer, ...gatewaySeeds(), maxRequests: 1e9, maxMs: HTTP_SECONDS * 1000, concurrency: 8 });
    results.httpConsole = await fuzzHttp({ name: 'console', baseUrl: t.consoleUrl, doc: doc('console'), token: () => t.anyToken(), ...consoleSeeds(), maxRequests: 1e9, maxMs: HTTP_SECONDS * 1000 });
    say(`WebSocket fuzzing, ${WS_SECONDS} s`);
    results.websocket = await fuzzWebSocket({ wsUrl: t.consoleWsUrl, httpUrl: t.consoleUrl, token: () => t.tokenFor('commander'), maxSessions: 1e9, maxMs: WS_SECONDS * 1000 });
    if (env.SKIP_SCHEMATHESIS !== '1') {
      say(`schemathesis, ${ST_EXAMPLES} examples per operation`);
      results.schemathesisGateway = await schemathesis('gateway', t.gatewayUrl, t.tokenFor('officer'), outDir);
      results.schemathesisConsole = await schemathesis('console', t.consoleUrl, t.tokenFor('admin'), outDir);
    }
  } finally {
    await t.stop();
    const mine = (await admin.listTopics()).filter((x) => x.startsWith(topicPrefix));
    if (mine.length) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
    await es.indices.delete({ index: `${indexPrefix}*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
    await es.close();
  }
  const failures = ['httpGateway', 'httpConsole', 'websocket'].reduce((n, k) => n + ((results[k] as { failures?: unknown[] } | undefined)?.failures?.length ?? 0), 0);
  const passed = failures === 0 && (results.properties as { passed: boolean }).passed && ['schemathesisGateway', 'schemathesisConsole'].every((k) => !results[k] || (results[k] as { passed: boolean }).passed);
  const date = new Date().toISOString().slice(0, 10);
  const file = join(REPO_ROOT, 'bench', 'results', `${date}-fuzz.json`);
  writeFileSync(file, `${JSON.stringify({ name: 'fuzz', date, machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, settings: { HTTP_SECONDS, WS_SECONDS, FC_RUNS, ST_EXAMPLES }, passed, failures, durationSeconds: Math.round((Date.now() - started) / 1000), results }, null, 2)}\n`);
  say(`${passed ? 'passed' : 'FAILED'}: wrote ${file.replace(`${REPO_ROOT}/`, '')}`);
  rmSync(join(outDir, 'tmp'), { recursive: true, force: true });
  process.exit(passed ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz run failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
