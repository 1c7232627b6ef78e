import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { Admin, Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { createKafka } from '../../lib/kafka';
import { createElasticsearch } from '../../lib/elasticsearch';
import { createLogger, type Logger } from '../../lib/logger';
import { ensureTopics, topicNames, type TopicNames } from '../../infra/topics';

export interface Namespace {
  /** Unique per test file: `t<random>.` for topics, `t<random>-` for indices. */
  topicPrefix: string;
  indexPrefix: string;
  topics: TopicNames;
  kafkaBrokers: string[];
  esUrl: string;
  brokerCount: number;
  kafka: Kafka;
  admin: Admin;
  es: Client;
  logger: Logger;
  /** Environment for a service under test, pointing it at this namespace. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * Gives a test file its own topics and index prefix on the shared real engines, so files run in
 * parallel and leave nothing behind. Call in `beforeAll`, and `cleanup()` in `afterAll`.
 */
export async function createNamespace(
  label: string,
  opts: { partitions?: number; createTopics?: boolean; /** Engines other than the shared ones (a test's private stack). */ engines?: { kafkaBrokers?: string[]; esUrl?: string; brokerCount?: number } } = {},
): Promise<Namespace> {
  const id = `t${randomBytes(4).toString('hex')}`;
  const topicPrefix = `${id}.${label}.`;
  const indexPrefix = `${id}-${label.toLowerCase().replace(/[^a-z0-9]/g, '')}-`;
  const kafkaBrokers = opts.engines?.kafkaBrokers ?? inject('kafkaBrokers');
  const esUrl = opts.engines?.esUrl ?? inject('esUrl');
  const brokerCount = opts.engines?.brokerCount ?? (opts.engines?.kafkaBrokers ? opts.engines.kafkaBrokers.length : inject('brokerCount'));
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: `test-${label}` });
  const kafka = createKafka({ brokers: kafkaBrokers, clientId: `test-${label}`, logger });
  const admin = kafka.admin();
  await admin.connect();
  if (opts.createTopics !== false) await ensureTopics(admin, { prefix: topicPrefix, partitions: opts.partitions ?? 3, brokers: brokerCount });
  const es = createElasticsearch(esUrl);
  return {
    topicPrefix,
    indexPrefix,
    topics: topicNames(topicPrefix),
    kafkaBrokers,
    esUrl,
    brokerCount,
    kafka,
    admin,
    es,
    logger,
    env: {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ES_URL: esUrl,
      TOPIC_PREFIX: topicPrefix,
      ES_INDEX_PREFIX: indexPrefix,
      KAFKA_PARTITIONS: String(opts.partitions ?? 3),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
    async cleanup() {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
      if (mine.length) await admin.deleteTopics({ topics: mine, timeout: 30_000 }).catch(() => undefined);
      await admin.disconnect();
      await es.indices.delete({ index: `${indexPrefix}*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await es.indices.deleteIndexTemplate({ name: `${indexPrefix}*` }).catch(() => undefined);
      await es.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes; the error names what was awaited. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
