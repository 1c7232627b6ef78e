import { request } from 'node:http';
import { existsSync } from 'node:fs';

export interface EngineEndpoints {
  kafkaBrokers: string[];
  esUrl: string;
  /** How they were obtained, printed once so a failing run says what it talked to. */
  source: 'environment' | 'testcontainers' | 'local-stack';
  brokerCount: number;
  stop?: () => Promise<void>;
}

/** Pings the Docker API socket; cheap (≤ 1 s) and false on machines with only the docker client. */
export async function dockerRuntimeUsable(socketPath = '/var/run/docker.sock'): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  if (!process.env.DOCKER_HOST && !existsSync(socketPath)) return false;
  if (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith('unix://')) return true;
  const path = process.env.DOCKER_HOST?.replace('unix://', '') ?? socketPath;
  return new Promise((resolve) => {
    const req = request({ socketPath: path, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * Real engines for the integration suites, in this order: endpoints given by the environment
 * (TEST_KAFKA_BROKERS + TEST_ES_URL) → testcontainers when a Docker runtime answers → the locally
 * provisioned processes (infra/stack), which are left running for the next run to reuse.
 */
export async function obtainEngines(log: (m: string) => void): Promise<EngineEndpoints> {
  const givenKafka = process.env.TEST_KAFKA_BROKERS;
  const givenEs = process.env.TEST_ES_URL;
  if (givenKafka && givenEs) {
    const kafkaBrokers = givenKafka.split(',').map((s) => s.trim());
    return { kafkaBrokers, esUrl: givenEs, source: 'environment', brokerCount: Number(process.env.TEST_KAFKA_BROKER_COUNT ?? 1) };
  }
  if (await dockerRuntimeUsable()) {
    const { startContainers } = await import('./containers');
    return startContainers(log);
  }
  const { ensureStack } = await import('../../infra/stack/stack');
  const endpoints = await ensureStack({ log });
  return { ...endpoints, source: 'local-stack', brokerCount: endpoints.kafkaBrokers.length };
}
