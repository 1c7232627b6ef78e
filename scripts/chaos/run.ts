import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { runChaos, type ChaosOptions, type ChaosReport } from './scenario';

/**
 * Options of a chaos run from the environment (defaults: the private stack of the chaos lane), and where
 * its figures go: bench/results/chaos-<date>.json.
 *   CHAOS_STACK_ROOT (.local-chaos) · CHAOS_KAFKA_PORT (24092) · CHAOS_ES_PORT (24200) · CHAOS_RATE (8 checks/s)
 *   CHAOS_PLANT_EVERY_MS (1000) · CHAOS_SETTLE_MS (8000) · CHAOS_ES_DOWN_MS (20000) · CHAOS_BROKER_DOWN_MS (10000)
 *   CHAOS_MAX_FAULTS (all) · CHAOS_KEEP_STACK=1 leaves the engines running · CHAOS_RESULTS (the JSON path)
 */
export function chaosOptionsFromEnv(log: (m: string) => void, env = process.env): ChaosOptions {
  const num = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    repoRoot: REPO_ROOT,
    stackRoot: env.CHAOS_STACK_ROOT ?? join(REPO_ROOT, '.local-chaos'),
    kafkaPort: num('CHAOS_KAFKA_PORT', 24092),
    esPort: num('CHAOS_ES_PORT', 24200),
    rate: num('CHAOS_RATE', 8),
    plantEveryMs: num('CHAOS_PLANT_EVERY_MS', 1000),
    settleMs: num('CHAOS_SETTLE_MS', 8000),
    esDownMs: num('CHAOS_ES_DOWN_MS', 20_000),
    brokerDownMs: num('CHAOS_BROKER_DOWN_MS', 10_000),
    maxFaults: env.CHAOS_MAX_FAULTS ? Number(env.CHAOS_MAX_FAULTS) : undefined,
    stopStackAtEnd: env.CHAOS_KEEP_STACK !== '1',
    log,
  };
}

export function writeChaosReport(report: ChaosReport, env = process.env): string {
  const file = env.CHAOS_RESULTS ?? join(REPO_ROOT, 'bench/results', `chaos-${report.date.slice(0, 10)}.json`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const isMain = process.argv[1] && /scripts\/chaos\/run\.ts$/.test(process.argv[1]);
if (isMain) {
  const log = (m: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
  runChaos(chaosOptionsFromEnv(log))
    .then((report) => {
      const file = writeChaosReport(report);
      const { faultsInjected, lostEvents, duplicateDocuments, duplicateHits, duplicateHitRecords, duplicateEvents, missingHits, hitsNotIndexed, plantedWithoutHit, consumerLagRecords, slowClientDropped } = report;
      log(`results in ${file}: ${JSON.stringify({ faultsInjected, lostEvents, duplicateDocuments, duplicateHits, duplicateHitRecords, duplicateEvents, missingHits, hitsNotIndexed, plantedWithoutHit, consumerLagRecords, slowClientDropped })}`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
