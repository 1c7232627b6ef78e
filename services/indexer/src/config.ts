import { z } from 'zod';
import { loadConfig, platformEnv, port } from '../../../lib/config';

export const IndexerEnv = z.object({
  ...platformEnv,
  INDEXER_PORT: port(8082),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  /** Consumer group (prefixed with TOPIC_PREFIX); every indexer instance joins the same one. */
  INDEXER_GROUP_ID: z.string().min(1).max(100).default('indexer'),
  /** Events and hits indices whose whole month is older than this are deleted (daily sweep). */
  RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
  /** The audit trail is kept longer than the events it talks about. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(3650),
  /** Partitions processed at once; their batches are coalesced into one bulk request. */
  INDEXER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  /**
   * Kafka consumers in this process (one group; the partitions are split between them), sharing one bulk writer.
   * A kafkajs consumer fetches again only once every batch of its last fetch is indexed, so with one consumer
   * Elasticsearch idles while the next fetch is read and turned into documents, and the process while
   * Elasticsearch indexes; a second consumer's cycle fills those gaps.
   */
  INDEXER_CONSUMERS: z.coerce.number().int().min(1).max(8).default(2),
  INDEXER_BULK_MAX_DOCS: z.coerce.number().int().min(1).max(50_000).default(5_000),
  /** Bulk requests in flight while a backlog waits (each takes one of Elasticsearch's write threads). */
  INDEXER_BULKS_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  INDEXER_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  /**
   * A fetch waits at the broker until this much is there or INDEXER_FETCH_MAX_WAIT_MS passed: at live rates bulks
   * of tens to hundreds of documents instead of one fetch and one small bulk per producer write, which cost
   * Elasticsearch and Kafka several times more CPU per event. Adds at most the wait to time-to-searchable
   * (which the 1 s refresh dominates).
   */
  INDEXER_FETCH_MIN_BYTES: z.coerce.number().int().min(1).max(16 * 1024 * 1024).default(256 * 1024),
  INDEXER_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(10).max(5_000).default(250),
  ES_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
});
export type IndexerConfig = z.infer<typeof IndexerEnv>;
export const loadIndexerConfig = (env: Record<string, string | undefined>): IndexerConfig => loadConfig(IndexerEnv, env);
