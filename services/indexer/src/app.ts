import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import { createKafka } from '../../../lib/kafka';
import { createElasticsearch } from '../../../lib/elasticsearch';
import type { Logger } from '../../../lib/logger';
import { loadCheckpointRegistry, type CheckpointRegistry } from '../../../lib/checkpoints';
import { topicNames } from '../../../infra/topics';
import { ensureIndexTemplates, ensureMonthlyIndices } from '../../../infra/elasticsearch/templates';
import { createBulkWriter, type BulkItemResult } from './bulk-writer';
import { createIndexerMetrics } from './indexer-metrics';
import { startRetentionSweep } from './retention-sweep';
import { createTopicConsumer } from './topic-consumer';
import type { IndexerConfig } from './config';

export interface Indexer {
  app: FastifyInstance;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const PROBE_EVERY_MS = 5_000;

/**
 * Kafka → Elasticsearch: events, hits, hit updates and audit records into monthly indices behind
 * aliases, `_id` = eventId / hitId / recordId. Health and metrics over HTTP only. /readyz is false until
 * the consumer joined its group and while Elasticsearch is unreachable (then nothing is committed).
 */
export function buildIndexer(config: IndexerConfig, deps: { logger: Logger; kafka?: Kafka; es?: Client; checkpoints?: CheckpointRegistry }): Indexer {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'indexer', logger: log });
  // No client-side retries: the bulk writer owns retrying, with backoff and without committing.
  const es = deps.es ?? createElasticsearch(config.ES_URL, { maxRetries: 0, requestTimeoutMs: config.ES_REQUEST_TIMEOUT_MS });
  const registry = deps.checkpoints ?? loadCheckpointRegistry(config.CHECKPOINTS_FILE);
  const metrics = createMetrics('indexer');
  const im = createIndexerMetrics(metrics.registry);
  let esReachable = true;
  let started = false;
  let probe: NodeJS.Timeout | undefined;
  let stopRetention: (() => void) | undefined;

  // Templates (and this month's indices) must exist before the first document; done once per process.
  let prepared = false;
  const prepare = async () => {
    if (prepared) return;
    await ensureIndexTemplates(es, config.ES_INDEX_PREFIX);
    await ensureMonthlyIndices(es, config.ES_INDEX_PREFIX);
    prepared = true;
  };
  const writer = createBulkWriter({
    send: async (operations) => {
      const res = await es.bulk({ operations, refresh: false }, { requestTimeout: config.ES_REQUEST_TIMEOUT_MS });
      return res.items.map((item): BulkItemResult => {
        const r = Object.values(item)[0]!;
        return { status: r.status, error: r.error ? { type: r.error.type, reason: r.error.reason ?? null } : undefined };
      });
    },
    prepare,
    maxDocs: config.INDEXER_BULK_MAX_DOCS,
    maxInFlight: config.INDEXER_BULKS_IN_FLIGHT,
    lingerMs: config.INDEXER_LINGER_MS,
    logger: log,
    onBulk: (s) => {
      im.bulkSeconds.observe(s.seconds);
      im.bulkDocs.observe(s.docs);
      im.retried.inc(s.retried);
    },
  });
  const consumers = Array.from({ length: config.INDEXER_CONSUMERS }, () => createTopicConsumer({
    kafka,
    groupId: `${config.TOPIC_PREFIX}${config.INDEXER_GROUP_ID}`,
    topics: topicNames(config.TOPIC_PREFIX),
    indexPrefix: config.ES_INDEX_PREFIX,
    registry,
    writer,
    concurrency: config.INDEXER_CONCURRENCY,
    fetch: { minBytes: config.INDEXER_FETCH_MIN_BYTES, maxWaitMs: config.INDEXER_FETCH_MAX_WAIT_MS },
    metrics: im,
    logger: log,
  }));

  const healthy = () => esReachable && writer.isHealthy();
  const app = createHttpService({ logger: log, metrics, isReady: () => started && consumers.every((c) => c.isJoined()) && healthy(), brokenReason: () => consumers.map((c) => c.brokenReason()).find((r) => r !== undefined) });

  // While idle nothing would notice Elasticsearch going away; readiness should.
  const checkElasticsearch = async () => {
    try {
      await es.cluster.health({ timeout: '2s' }, { requestTimeout: 3_000 });
      esReachable = true;
    } catch {
      esReachable = false;
    }
    im.elasticsearchUp.set(healthy() ? 1 : 0);
  };

  return {
    app,
    async start() {
      await checkElasticsearch();
      if (esReachable) {
        await prepare().catch((err: unknown) => log.warn({ err }, 'index templates not yet written; the first bulk retries'));
      } else log.warn({ url: config.ES_URL }, 'Elasticsearch unreachable at start: consuming, but nothing is committed until it is back');
      // Consume even if Elasticsearch is down: batches wait, uncommitted, and catch up when it returns.
      await Promise.all(consumers.map((c) => c.start()));
      started = true;
      probe = setInterval(() => void checkElasticsearch(), PROBE_EVERY_MS);
      probe.unref();
      stopRetention = startRetentionSweep({ es, prepareMonths: () => ensureMonthlyIndices(es, config.ES_INDEX_PREFIX), indexPrefix: config.ES_INDEX_PREFIX, days: config.RETENTION_DAYS, auditDays: config.AUDIT_RETENTION_DAYS, logger: log });
    },
    async stop() {
      started = false;
      if (probe) clearInterval(probe);
      stopRetention?.();
      await app.close();
      // Give in-flight bulks a moment to finish (their offsets then get committed); past that, or while
      // Elasticsearch is down, abandon them: they are consumed again after the restart.
      const giveUp = setTimeout(() => writer.close(), healthy() ? 5_000 : 0);
      try {
        await Promise.all(consumers.map((c) => c.stop()));
      } finally {
        clearTimeout(giveUp);
        writer.close();
      }
    },
  };
}
