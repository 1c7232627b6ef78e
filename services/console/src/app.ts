import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kafka, Producer } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import type { WatchlistEntry } from '../../../schemas/src';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import { createKafka } from '../../../lib/kafka';
import { createElasticsearch } from '../../../lib/elasticsearch';
import type { Logger } from '../../../lib/logger';
import { registerDocs } from '../../../lib/openapi';
import { createTokenService, type TokenService } from '../../../lib/auth/tokens';
import { createAccountStore, loadAccountsFile, type AccountStore } from '../../../lib/auth/accounts';
import { registerLoginRoute } from '../../../lib/auth/login-route';
import { authorize } from '../../../lib/auth/authenticate';
import { loadCheckpointRegistry, type CheckpointRegistry } from '../../../lib/checkpoints';
import { topicNames } from '../../../infra/topics';
import { createHitStore } from './hit-store';
import { registerLiveFeed } from './live-feed';
import { registerHitRoutes } from './routes-hits';
import { registerSearchRoutes } from './routes-search';
import { registerWatchlistRoutes } from './routes-watchlist';
import { startWatchlistView } from './watchlist-view';
import { createAuditTrail } from './audit-trail';
import { ROUTE_ROLES } from './access';
import type { ConsoleConfig } from './config';

export interface ConsoleService {
  app: FastifyInstance;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The command console: live feed, hit workflow, investigator search, watchlist admin, the web console. */
export function buildConsole(config: ConsoleConfig, deps: { logger: Logger; kafka?: Kafka; es?: Client; tokens?: TokenService; accounts?: AccountStore; checkpoints?: CheckpointRegistry }): ConsoleService {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'console', logger: log });
  const es = deps.es ?? createElasticsearch(config.ES_URL);
  const topics = topicNames(config.TOPIC_PREFIX);
  const tokens = deps.tokens ?? createTokenService({ secret: config.AUTH_SECRET, ttlSeconds: config.TOKEN_TTL_SECONDS });
  const accounts = deps.accounts ?? createAccountStore(loadAccountsFile(config.ACCOUNTS_FILE));
  const checkpoints = deps.checkpoints ?? loadCheckpointRegistry(config.CHECKPOINTS_FILE);
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const store = createHitStore({ kafka, topics, logger: log });
  const audit = createAuditTrail({ producer, topic: topics.audit, logger: log });
  const watchlist = new Map<string, WatchlistEntry>();
  let stopView: (() => Promise<void>) | undefined;
  let ready = false;

  const app = createHttpService({ logger: log, metrics: createMetrics('console'), bodyLimit: 64 * 1024 * 1024, isReady: () => ready && store.isCaughtUp() });
  registerDocs(app, { title: 'Checkpoint command console', version: '1.0.0' });
  void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  void app.register(async (scoped) => {
    registerLoginRoute(scoped, { accounts, tokens, onLogin: (e) => audit.record({ actor: e.username, role: accounts.find(e.username)?.role ?? 'unknown', action: e.ok ? 'login' : 'login_failed', details: { ip: e.ip, ...(e.reason ? { reason: e.reason } : {}) } }) });
    scoped.get('/api/v1/me', async (req) => {
      const p = authorize(tokens, req, ROUTE_ROLES.reference);
      return { username: p.sub, role: p.role, jurisdiction: p.jur, ...(p.cp ? { checkpointId: p.cp } : {}) };
    });
    scoped.get('/api/v1/checkpoints', async (req) => {
      authorize(tokens, req, ROUTE_ROLES.reference);
      return { items: checkpoints.all(), corridors: checkpoints.corridors() };
    });
    registerLiveFeed(scoped, { store, tokens, heartbeatMs: config.HEARTBEAT_MS, slowClientBytes: config.SLOW_CLIENT_BYTES, logger: log });
    registerHitRoutes(scoped, { store, tokens, producer, hitUpdatesTopic: topics.hitUpdates, audit: (r) => audit.record(r) });
    registerSearchRoutes(scoped, { es, indexPrefix: config.ES_INDEX_PREFIX, tokens, checkpoints, audit: (r) => audit.record(r) });
    registerWatchlistRoutes(scoped, { tokens, producer, topic: topics.watchlist, view: watchlist, audit: (r) => audit.record(r) });
  });
  const dashboard = resolve(config.DASHBOARD_DIR);
  if (existsSync(dashboard)) void app.register(fastifyStatic, { root: dashboard, prefix: '/', index: ['index.html'] });
  const chartJs = resolve('node_modules/chart.js/dist');
  if (existsSync(chartJs)) void app.register(fastifyStatic, { root: chartJs, prefix: '/vendor/chart.js/', decorateReply: false });

  return {
    app,
    async start() {
      await producer.connect();
      stopView = await startWatchlistView(kafka, topics.watchlist, watchlist);
      await store.start();
      ready = true;
      log.info({ hits: store.all().length }, 'console ready');
    },
    async stop() {
      ready = false;
      await app.close();
      await audit.flush();
      await store.stop();
      await stopView?.();
      await producer.disconnect();
    },
  };
}
