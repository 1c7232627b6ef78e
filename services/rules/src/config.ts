import { z } from 'zod';
import { loadConfig, platformEnv, port } from '../../../lib/config';

export const RulesEnv = z.object({
  ...platformEnv,
  RULES_PORT: port(8081),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  /** Stable per instance so a restarted instance fences its predecessor's open transaction. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('rules-1'),
  SEEN_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 30).default(168),
});
export type RulesConfig = z.infer<typeof RulesEnv>;
export const loadRulesConfig = (env: Record<string, string | undefined>): RulesConfig => loadConfig(RulesEnv, env);
