import type { TestProject } from 'vitest/node';
import { obtainEngines } from './engines';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    esUrl: string;
    brokerCount: number;
  }
}

/** Obtains real Kafka and Elasticsearch once per run and hands their addresses to every test file. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[engines] ${m}\n`);
  const engines = await obtainEngines(log);
  log(`using ${engines.source}: kafka ${engines.kafkaBrokers.join(',')} · elasticsearch ${engines.esUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  project.provide('kafkaBrokers', engines.kafkaBrokers);
  project.provide('esUrl', engines.esUrl);
  project.provide('brokerCount', engines.brokerCount);
  return async () => {
    await engines.stop?.();
  };
}
