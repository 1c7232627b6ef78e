import { z } from 'zod';
import { loadConfig, platformEnv, port } from '../../../lib/config';

export const ConsoleEnv = z.object({
  ...platformEnv,
  CONSOLE_PORT: port(8090),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters (the start script generates one in demo mode)'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86400).default(8 * 3600),
  ACCOUNTS_FILE: z.string().default('.local/accounts.json'),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  HIT_LOOKBACK_DAYS: z.coerce.number().min(1).max(365).default(30),
  HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** A live-feed client whose unsent data passes this is dropped (told why) instead of slowing others. */
  SLOW_CLIENT_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  DASHBOARD_DIR: z.string().default('dashboards/console'),
});
export type ConsoleConfig = z.infer<typeof ConsoleEnv>;
export const loadConsoleConfig = (env: Record<string, string | undefined>): ConsoleConfig => loadConfig(ConsoleEnv, env);
