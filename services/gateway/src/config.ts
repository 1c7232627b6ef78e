import { z } from 'zod';
import { bool, loadConfig, platformEnv, port } from '../../../lib/config';

export const GatewayEnv = z.object({
  ...platformEnv,
  GATEWAY_PORT: port(8080),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters (the start script generates one in demo mode)'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86400).default(8 * 3600),
  ACCOUNTS_FILE: z.string().default('.local/accounts.json'),
  IDEMPOTENCY_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 30).default(168),
  /** At most this many event ids in the idempotency index (≈ 150 bytes of heap each, measured; 5 M ≈ 0.75 GB), the oldest forgotten first. */
  IDEMPOTENCY_MAX_EVENTS: z.coerce.number().int().min(1000).default(5_000_000),
  MAX_IN_FLIGHT_EVENTS: z.coerce.number().int().min(1).default(20_000),
  TERMINAL_RATE_PER_SEC: z.coerce.number().min(1).default(1_000),
  TERMINAL_BURST: z.coerce.number().min(1).default(5_000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  DOCS_ENABLED: bool(true),
  /** Demo accounts (`demo: true`, made by `npm start`) are loaded only when this is on. */
  DEMO_MODE: bool(false),
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const loadGatewayConfig = (env: Record<string, string | undefined>): GatewayConfig => loadConfig(GatewayEnv, env);
