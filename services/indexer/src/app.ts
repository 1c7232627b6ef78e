import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import { createKafka } from '../../../lib/kafka';
import { createElasticsearch } from '../../../lib/elasticsearch';
import type { Logger } from '../../../lib/logger';
import { loadCheckpointRegistry } from '../../../lib/checkpoints';
import { topicNames } from '../../../infra/topics';
import { deleteIndicesOlderThan, ensureIndexTemplates } from '../../../infra/elasticsearch/templates';
import { createBulkIndexer } from './bulk-indexer';
import type { IndexerConfig } from './config';

export interface Indexer {
  app: FastifyInstance;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function buildIndexer(config: IndexerConfig, deps: { logger: Logger; kafka?: Kafka; es?: Client }): Indexer {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'indexer', logger: log });
  const es = deps.es ?? createElasticsearch(config.ES_URL, { maxRetries: 0, requestTimeoutMs: 15_000 });
  const topics = topicNames(config.TOPIC_PREFIX);
  const bulk = createBulkIndexer({ ensureTemplates: () => ensureIndexTemplates(es, config.ES_INDEX_PREFIX), kafka, es, indexPrefix: config.ES_INDEX_PREFIX, topics, groupId: `${config.TOPIC_PREFIX}indexer`, registry: loadCheckpointRegistry(config.CHECKPOINTS_FILE), logger: log });
  let started = false;
  let retention: NodeJS.Timeout | undefined;
  const app = createHttpService({ logger: log, metrics: createMetrics('indexer'), isReady: () => started && bulk.isHealthy() });
  app.get('/api/v1/indexer/stats', async () => bulk.stats());
  return {
    app,
    async start() {
      // Elasticsearch may be down: consume anyway; batches wait (uncommitted) until it is back.
      await bulk.start();
      started = true;
      const sweep = () => void deleteIndicesOlderThan(es, config.ES_INDEX_PREFIX, config.RETENTION_DAYS).then((gone) => gone.length && log.info({ gone }, 'retention: indices removed')).catch((err: unknown) => log.warn({ err }, 'retention sweep failed'));
      sweep();
      retention = setInterval(sweep, 86_400_000);
      retention.unref();
    },
    async stop() {
      started = false;
      if (retention) clearInterval(retention);
      await app.close();
      await bulk.stop();
    },
  };
}
