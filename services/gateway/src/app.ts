import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import type { Kafka } from 'kafkajs';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import type { Logger } from '../../../lib/logger';
import { createKafka } from '../../../lib/kafka';
import { createTokenService, type TokenService } from '../../../lib/auth/tokens';
import { createAccountStore, loadAccountsFile, type AccountStore } from '../../../lib/auth/accounts';
import { registerLoginRoute } from '../../../lib/auth/login-route';
import { createAccessSync } from '../../../lib/auth/access-sync';
import { registerDocs } from '../../../lib/openapi';
import { ensureTopics, topicNames } from '../../../infra/topics';
import { createEventPublisher } from './publish-event';
import { createIdempotencyIndex } from './idempotency-index';
import { createVerdictWaiter } from './verdict-waiter';
import { createEventIntake } from './accept-events';
import { createRateLimiter } from './rate-limiter';
import { registerEventRoutes } from './routes-events';
import { eventJsonSchema, validateEvent, parseVerdict } from './event-validation';
import type { GatewayConfig } from './config';

export interface GatewayDeps {
  logger: Logger;
  kafka?: Kafka;
  accounts?: AccountStore;
  tokens?: TokenService;
}

export interface Gateway {
  app: FastifyInstance;
  /** Connects the producer and reads the idempotency window; `/readyz` is green afterwards. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The terminal gateway, injectable: tests pass their own logger, Kafka client and accounts. */
export function buildGateway(config: GatewayConfig, deps: GatewayDeps): Gateway {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'gateway', logger: log });
  const topics = topicNames(config.TOPIC_PREFIX);
  const tokens = deps.tokens ?? createTokenService({ secret: config.AUTH_SECRET, ttlSeconds: config.TOKEN_TTL_SECONDS });
  const accounts = deps.accounts ?? createAccountStore(loadAccountsFile(config.ACCOUNTS_FILE, { demoMode: config.DEMO_MODE }));
  // Accounts changed and tokens revoked through the console reach this instance through access.v1.
  const access = createAccessSync({ kafka, topic: topics.access, accounts, tokens, logger: log, name: 'gateway', demoMode: config.DEMO_MODE });

  const publisher = createEventPublisher({ kafka, topic: topics.events, logger: log });
  const index = createIdempotencyIndex({ kafka, topic: topics.events, windowMs: config.IDEMPOTENCY_WINDOW_HOURS * 3600_000, maxEvents: config.IDEMPOTENCY_MAX_EVENTS, logger: log, abandonedSendsEnded: publisher.abandonedSendsEnded });
  const verdicts = createVerdictWaiter({ kafka, topic: topics.verdicts, logger: log, parse: parseVerdict });
  const intake = createEventIntake({ validate: validateEvent, publisher, index, maxInFlight: config.MAX_IN_FLIGHT_EVENTS });
  let ready = false;

  const metrics = createMetrics('gateway');
  new Gauge({ name: 'gateway_idempotency_events', help: 'Event ids held by the idempotency index', registers: [metrics.registry], collect() { this.set(index.size()); } });
  new Gauge({ name: 'gateway_idempotency_evicted', help: 'Event ids forgotten before their window ended (IDEMPOTENCY_MAX_EVENTS) since start', registers: [metrics.registry], collect() { this.set(index.evicted()); } });
  const app = createHttpService({ logger: log, metrics, bodyLimit: config.BODY_LIMIT_BYTES, isReady: () => ready && access.isCaughtUp() && index.isCaughtUp() });
  // Terminals send JSON only; fastify's default text/plain parser would turn a wrong content type into a confusing 400.
  app.removeContentTypeParser('text/plain');
  if (config.DOCS_ENABLED) registerDocs(app, { title: 'Checkpoint gateway (terminals)', version: '1.0.0' });
  // Routes go in a plugin so that they are added after the docs plugin loaded: routes added straight on the root
  // are added at once, before @fastify/swagger's onRoute hook exists, and were missing from /openapi.json.
  void app.register(async (api) => {
    registerLoginRoute(api, { accounts, tokens });
    registerEventRoutes(api, {
      intake,
      tokens,
      verdicts,
      limiter: createRateLimiter({ ratePerSec: config.TERMINAL_RATE_PER_SEC, burst: config.TERMINAL_BURST }),
      eventJsonSchema,
    });
  });

  return {
    app,
    async start() {
      await publisher.connect();
      const admin = kafka.admin();
      await admin.connect();
      try {
        await ensureTopics(admin, { prefix: config.TOPIC_PREFIX, brokers: (await admin.describeCluster()).brokers.length });
      } finally {
        await admin.disconnect();
      }
      await Promise.all([access.start(), index.start(), verdicts.start()]);
      ready = true;
      log.info({ events: index.size() }, 'gateway ready');
    },
    async stop() {
      ready = false;
      await app.close();
      await publisher.disconnect();
      await Promise.all([index.stop(), verdicts.stop(), access.stop()]);
    },
  };
}
