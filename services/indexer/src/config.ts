import { z } from 'zod';
import { loadConfig, platformEnv, port } from '../../../lib/config';

export const IndexerEnv = z.object({
  ...platformEnv,
  INDEXER_PORT: port(8082),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
});
export type IndexerConfig = z.infer<typeof IndexerEnv>;
export const loadIndexerConfig = (env: Record<string, string | undefined>): IndexerConfig => loadConfig(IndexerEnv, env);
