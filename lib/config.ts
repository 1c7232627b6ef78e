import { z } from 'zod';
import { safeParse } from '../schemas/src';

/** Raised when the environment does not describe a runnable service; the message lists every problem. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses a service's configuration once, at start. `env` is usually `process.env`; tests pass
 * overrides instead of branching on NODE_ENV.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const parsed = safeParse(schema, env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  ${issues.join('\n  ')}`, issues);
}

/** Comma-separated list in an environment variable, e.g. KAFKA_BROKERS=127.0.0.1:19092,127.0.0.1:19093. */
export const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1));

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Settings every service shares: where the engines are and how names are namespaced. */
export const platformEnv = {
  KAFKA_BROKERS: csv.default(['127.0.0.1:19092']),
  ES_URL: z.url().default('http://127.0.0.1:19200'),
  TOPIC_PREFIX: z.string().max(64).default(''),
  ES_INDEX_PREFIX: z.string().max(64).regex(/^[a-z0-9_.-]*$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
};
