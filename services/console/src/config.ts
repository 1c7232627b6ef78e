import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { bool, loadConfig, platformEnv, port } from '../../../lib/config';

const ms = (fallback: number, min = 10) => z.coerce.number().int().min(min).default(fallback);

export const ConsoleEnv = z.object({
  ...platformEnv,
  CONSOLE_PORT: port(8090),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters (the start script generates one in demo mode)'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86400).default(8 * 3600),
  ACCOUNTS_FILE: z.string().default('.local/accounts.json'),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  /** Names this instance's audit chain and its workflow records; unique per running instance. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/).default('console-1'),
  /**
   * How far back the hit store (and so the live feed's replay) reaches at start; a running store forgets hits last
   * recorded before it too. Memory ≈ 1.2 KB a hit held (bench/hit-memory.bench.ts): size it to the hit rate.
   */
  HIT_LOOKBACK_DAYS: z.coerce.number().min(0.0001).max(365).default(30),
  /** Frames the live feed keeps in memory for resuming; older cursors are served from Kafka. */
  LIVE_LOG_MAX_FRAMES: z.coerce.number().int().min(1).default(200_000),
  /** …and about this many MiB of their records at most (a hit updated often is a large frame per version; parsed, a record takes a few times its size). */
  LIVE_LOG_MAX_MB: z.coerce.number().min(1).default(64),
  HEARTBEAT_MS: ms(10_000, 50),
  /** A live client whose unsent bytes pass this is dropped (and told why) instead of slowing others. */
  SLOW_CLIENT_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  /** How long a client may keep more than SLOW_CLIENT_BYTES unsent before it is dropped. */
  SLOW_CLIENT_GRACE_MS: ms(5_000),
  /** How long a dropped or closing client may take to read its close frame before the socket is cut. */
  WS_CLOSE_GRACE_MS: ms(5_000),
  /** A critical hit still `new` after this long is escalated one jurisdiction level up (NCIC: 10 minutes). */
  ESCALATE_AFTER_MS: ms(10 * 60_000, 100),
  ESCALATION_SCAN_MS: ms(15_000, 50),
  /** How long a workflow action waits to see its record applied by the log before answering. */
  ACTION_CONFIRM_TIMEOUT_MS: ms(10_000, 100),
  /** Upper bound on events one backtest reads from Elasticsearch. */
  BACKTEST_MAX_EVENTS: z.coerce.number().int().min(1).default(2_000_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Watchlist imports stream; this bounds one upload, not memory. */
  IMPORT_LIMIT_BYTES: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  /**
   * How long start waits for the watchlist to be read before the console is ready anyway: a big list (10 M entries
   * take ~2 min) must not hold the live feed and the hit workflow. Until it is read, the watchlist endpoints, imports
   * and backtests answer 503 not_ready with Retry-After.
   */
  /** Worker threads for reading a big watchlist at start (as the rules service's settings of the same names). */
  WATCHLIST_LOAD_THREADS: z.coerce.number().int().min(0).max(16).default(availableParallelism() >= 2 ? Math.min(2, availableParallelism()) : 0),
  WATCHLIST_LOAD_THREADS_FROM: z.coerce.number().int().min(0).default(200_000),
  /** The workers fetch the watchlist's records from the partition leaders themselves (as the rules service does). */
  WATCHLIST_DIRECT_READ: bool(true),
  WATCHLIST_READY_WAIT_SECONDS: z.coerce.number().min(0).max(3_600).default(10),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Extra origins allowed to call the API from a browser; same-origin only when empty. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.url())),
  DASHBOARD_DIR: z.string().default('dashboards/console'),
  DOCS_ENABLED: bool(true),
  /** Demo accounts (`demo: true`, made by `npm start`) are loaded only when this is on. */
  DEMO_MODE: bool(false),
});
export type ConsoleConfig = z.infer<typeof ConsoleEnv>;
export const loadConsoleConfig = (env: Record<string, string | undefined>): ConsoleConfig => loadConfig(ConsoleEnv, env);
