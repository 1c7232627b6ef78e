import type { FastifyInstance } from 'fastify';
import type { Kafka, Producer } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import websocket from '@fastify/websocket';
import { Gauge } from 'prom-client';
import { RuleSchema, type Rule } from '../../../schemas/src';
import { createHttpService } from '../../../lib/http-service';
import { createMetrics } from '../../../lib/metrics';
import { createKafka } from '../../../lib/kafka';
import { createElasticsearch } from '../../../lib/elasticsearch';
import type { Logger } from '../../../lib/logger';
import { registerDocs } from '../../../lib/openapi';
import { createTokenService, type TokenService } from '../../../lib/auth/tokens';
import { createAccountStore, loadAccountsFile, type AccountStore } from '../../../lib/auth/accounts';
import { registerLoginRoute } from '../../../lib/auth/login-route';
import { createAccessSync } from '../../../lib/auth/access-sync';
import { loadCheckpointRegistry, type CheckpointRegistry } from '../../../lib/checkpoints';
import { ensureTopics, topicNames } from '../../../infra/topics';
import { retry } from '../../../lib/retry';
import { DEFAULT_RULES } from '../../rules/src/default-rules';
import { createAuditTrail, type AuditEntry, type AuditTrail } from './audit';
import { createBacktestRunner } from './backtest-runner';
import { createCompactedView, parseJsonWith } from './compacted-view';
import { createHitStore, type HitStore } from './hit-store';
import { createHitWorkflow } from './hit-workflow';
import { registerLiveFeed } from './live-feed';
import { registerAccountRoutes } from './routes-accounts';
import { registerAuditRoutes } from './routes-audit';
import { registerGrantRoutes } from './routes-grants';
import { createGrantCheck } from './grants';
import { registerHitRoutes } from './routes-hits';
import { registerReferenceRoutes } from './routes-reference';
import { registerRuleRoutes } from './routes-rules';
import { registerWatchlistRoutes } from './routes-watchlist';
import { registerSearchRoutes } from './search';
import { createWatchlistImporter } from './watchlist-import';
import { createWatchlistView } from './watchlist-view';
import { registerWebConsole } from './web-static';
import { registerWebSecurity } from './web-security';
import type { ConsoleConfig } from './config';

export interface ConsoleDeps {
  logger: Logger;
  kafka?: Kafka;
  es?: Client;
  tokens?: TokenService;
  accounts?: AccountStore;
  checkpoints?: CheckpointRegistry;
}

export interface ConsoleService {
  app: FastifyInstance;
  store: HitStore;
  audit: AuditTrail;
  /** Connects, reads the hit log, watchlist and rules; `/readyz` is green afterwards. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The command console: live feed, hit workflow, watchlist and rules admin, audit, search, the web console. */
export function buildConsole(config: ConsoleConfig, deps: ConsoleDeps): ConsoleService {
  const log = deps.logger;
  const kafka = deps.kafka ?? createKafka({ brokers: config.KAFKA_BROKERS, clientId: `console-${config.INSTANCE_ID}`, logger: log });
  const es = deps.es ?? createElasticsearch(config.ES_URL);
  const topics = topicNames(config.TOPIC_PREFIX);
  const tokens = deps.tokens ?? createTokenService({ secret: config.AUTH_SECRET, ttlSeconds: config.TOKEN_TTL_SECONDS });
  const accounts = deps.accounts ?? createAccountStore(loadAccountsFile(config.ACCOUNTS_FILE, { demoMode: config.DEMO_MODE }));
  const checkpoints = deps.checkpoints ?? loadCheckpointRegistry(config.CHECKPOINTS_FILE);
  const metrics = createMetrics('console');
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  const store = createHitStore({ kafka, topics, lookbackMs: config.HIT_LOOKBACK_DAYS * 86_400_000, logMaxFrames: config.LIVE_LOG_MAX_FRAMES, logMaxBytes: config.LIVE_LOG_MAX_MB * 2 ** 20, instanceId: config.INSTANCE_ID, logger: log });
  new Gauge({ name: 'console_hits_held', help: 'Hits the console holds in memory (those last recorded within HIT_LOOKBACK_DAYS)', registers: [metrics.registry], collect() { this.set(store.size()); } });
  new Gauge({ name: 'console_hits_expired', help: 'Hits forgotten since start because their last record fell behind HIT_LOOKBACK_DAYS', registers: [metrics.registry], collect() { this.set(store.expired()); } });
  const access = createAccessSync({ kafka, topic: topics.access, accounts, tokens, producer, logger: log, name: `console-${config.INSTANCE_ID}`, demoMode: config.DEMO_MODE });
  const checkGrant = createGrantCheck((id) => access.grant(id));
  const audit = createAuditTrail({ producer, topic: topics.audit, instanceId: config.INSTANCE_ID, logger: log });
  const watchlist = createWatchlistView({ kafka, topic: topics.watchlist, logger: log, loadThreads: { threads: config.WATCHLIST_LOAD_THREADS, fromRecords: config.WATCHLIST_LOAD_THREADS_FROM, direct: config.WATCHLIST_DIRECT_READ } });
  const rules = createCompactedView<Rule>({ kafka, topic: topics.rules, parse: parseJsonWith(RuleSchema), logger: log, name: 'rules' });
  const workflow = createHitWorkflow({ store, producer, checkpoints, audit, logger: log, confirmTimeoutMs: config.ACTION_CONFIRM_TIMEOUT_MS, escalateAfterMs: config.ESCALATE_AFTER_MS, escalationScanMs: config.ESCALATION_SCAN_MS });
  const importer = createWatchlistImporter({ producer, topic: topics.watchlist, view: watchlist, audit, batchSize: config.IMPORT_BATCH_SIZE, limitBytes: config.IMPORT_LIMIT_BYTES, logger: log });
  let ready = false;

  const app = createHttpService({ logger: log, metrics, bodyLimit: config.BODY_LIMIT_BYTES, isReady: () => ready && access.isCaughtUp() && store.isCaughtUp() && store.isHealthy(), brokenReason: () => (store.isHealthy() ? undefined : 'hit consumer stopped for good') });
  if (config.DOCS_ENABLED) registerDocs(app, { title: 'Checkpoint command console', version: '1.0.0' });
  registerWebSecurity(app, { corsOrigins: config.CORS_ORIGINS });
  void app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  void app.register(async (api) => {
    registerLoginRoute(api, {
      accounts,
      tokens,
      onLogin: (e) => void audit.record({ actor: e.username, role: accounts.find(e.username)?.role ?? 'unknown', action: e.ok ? 'login' : 'login_failed', details: { ip: e.ip, ...(e.reason ? { reason: e.reason } : {}), ...(e.jti ? { jti: e.jti } : {}) } }),
    });
    registerReferenceRoutes(api, { tokens, checkpoints });
    registerLiveFeed(api, { store, kafka, tokens, heartbeatMs: config.HEARTBEAT_MS, slowClientBytes: config.SLOW_CLIENT_BYTES, slowClientGraceMs: config.SLOW_CLIENT_GRACE_MS, closeGraceMs: config.WS_CLOSE_GRACE_MS, registry: metrics.registry, logger: log });
    registerHitRoutes(api, { store, workflow, tokens, es, indexPrefix: config.ES_INDEX_PREFIX, watchlist, audit, logger: log });
    registerWatchlistRoutes(api, { tokens, producer, topic: topics.watchlist, view: watchlist, importer, audit });
    registerRuleRoutes(api, {
      tokens,
      producer,
      topic: topics.rules,
      view: rules,
      defaults: DEFAULT_RULES,
      backtest: createBacktestRunner({ es, indexPrefix: config.ES_INDEX_PREFIX, registry: checkpoints, watchlist: () => watchlist.readyLookup(), maxEvents: config.BACKTEST_MAX_EVENTS }),
      audit,
    });
    registerAccountRoutes(api, { tokens, accounts, access, checkpoints, audit });
    registerGrantRoutes(api, { tokens, accounts, access, audit });
    registerAuditRoutes(api, { tokens, es, indexPrefix: config.ES_INDEX_PREFIX, audit });
    registerSearchRoutes(api, { es, indexPrefix: config.ES_INDEX_PREFIX, tokens, checkpoints, audit: (r: AuditEntry) => void audit.record(r), checkGrant });
  });
  registerWebConsole(app, { dir: config.DASHBOARD_DIR });

  return {
    app,
    store,
    audit,
    async start() {
      // Whichever service starts first creates the topics, so start order does not matter.
      const admin = kafka.admin();
      await admin.connect();
      try {
        await retry(async () => ensureTopics(admin, { prefix: config.TOPIC_PREFIX, brokers: (await admin.describeCluster()).brokers.length }), { attempts: 30, maxMs: 5_000 });
      } finally {
        await admin.disconnect();
      }
      await producer.connect();
      // The watchlist may take minutes at 10 M entries: the live feed and the hit workflow do not wait for it past
      // WATCHLIST_READY_WAIT_SECONDS (its endpoints answer 503 not_ready meanwhile; see watchlist-view.ts).
      const watchlistRead = watchlist.start().then(
        () => log.info({ entries: watchlist.size() }, 'watchlist read'),
        (err: unknown) => log.error({ err }, 'the watchlist could not be read: its endpoints answer 503 until a restart'),
      );
      await Promise.all([access.start(), rules.start(), store.start()]);
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([watchlistRead, new Promise<void>((r) => (waited = setTimeout(r, config.WATCHLIST_READY_WAIT_SECONDS * 1000)))]);
      clearTimeout(waited);
      workflow.start();
      ready = true;
      log.info({ hits: store.size(), watchlist: watchlist.isCaughtUp() ? watchlist.size() : 'still being read', auditChain: audit.chainId }, 'console ready');
    },
    async stop() {
      ready = false;
      await app.close();
      await workflow.stop();
      await audit.flush(5_000);
      await Promise.all([store.stop(), watchlist.stop(), rules.stop(), access.stop()]);
      await producer.disconnect();
    },
  };
}
