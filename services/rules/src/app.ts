import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import { createKafka } from '../../../lib/kafka';
import type { Logger } from '../../../lib/logger';
import { loadCheckpointRegistry, type CheckpointRegistry } from '../../../lib/checkpoints';
import { ensureTopics, topicNames } from '../../../infra/topics';
import { createWatchlistIndex } from './simple-watchlist';
import { createReferenceData } from './reference-loader';
import { createEventWorker } from './event-worker';
import { DEFAULT_RULES } from './default-rules';
import type { RulesConfig } from './config';
import { Counter } from 'prom-client';

export interface RulesService {
  app: FastifyInstance;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The rules service: watchlist + rule set in memory, events judged into hits and verdicts exactly once. */
export function buildRules(config: RulesConfig, deps: { logger: Logger; kafka?: Kafka; registry?: CheckpointRegistry }): RulesService {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: `rules-${config.INSTANCE_ID}`, logger: log });
  const topics = topicNames(config.TOPIC_PREFIX);
  const registry = deps.registry ?? loadCheckpointRegistry(config.CHECKPOINTS_FILE);
  const watchlist = createWatchlistIndex();
  const reference = createReferenceData({ kafka, topics, watchlist, defaults: DEFAULT_RULES, logger: log });
  const metrics = createMetrics('rules');
  const hitsRaised = new Counter({ name: 'rules_hits_total', help: 'Hits raised or updated', labelNames: ['rule', 'severity'], registers: [metrics.registry] });
  const worker = createEventWorker({
    kafka,
    topics,
    groupId: `${config.TOPIC_PREFIX}rules`,
    transactionalId: `${config.TOPIC_PREFIX}rules-${config.INSTANCE_ID}`,
    watchlist,
    reference,
    registry,
    logger: log,
    onHits: (hits) => hits.forEach((h) => hitsRaised.inc({ rule: h.ruleId, severity: h.severity })),
  });
  let ready = false;
  const app = createHttpService({ logger: log, metrics, isReady: () => ready });
  app.get('/api/v1/rules/stats', async () => ({ watchlistEntries: watchlist.size(), ...worker.stats() }));

  return {
    app,
    async start() {
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(admin, { prefix: config.TOPIC_PREFIX, brokers: (await admin.describeCluster()).brokers.length });
      await admin.disconnect();
      await reference.start();
      await worker.start();
      ready = true;
      log.info({ entries: watchlist.size() }, 'rules ready');
    },
    async stop() {
      ready = false;
      await app.close();
      await worker.stop();
      await reference.stop();
    },
  };
}
