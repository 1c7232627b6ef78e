import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { bool, loadConfig, platformEnv, port } from '../../../lib/config';

export const RulesEnv = z.object({
  ...platformEnv,
  RULES_PORT: port(8081),
  CHECKPOINTS_FILE: z.string().default('infra/demo/checkpoints.json'),
  /** Stable per instance: its transactional ids are derived from it, so a restarted instance fences its predecessor. */
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('rules-1'),
  /** Which stages this process runs (all by default; split them to scale or isolate). */
  RULES_STAGES: z
    .string()
    .default('judge,correlate,retro')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['judge', 'correlate', 'retro'])).min(1)),
  /** How long judged event ids are remembered to drop duplicates (rebuilt by replay on assignment). */
  SEEN_WINDOW_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(24),
  /** Watermark = highest event time seen − this; 逢嫌必检 reports an obligation only once the watermark passed its deadline. */
  ALLOWED_LATENESS_MINUTES: z.coerce.number().min(0).max(24 * 60).default(10),
  /** How far behind the watermark a late event still finds the history it belongs to (state kept beyond the longest window). */
  LATE_HORIZON_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** Watermark ticks to every sightings partition whenever event time advanced this much. */
  WATERMARK_TICK_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Records per transaction: small keeps the officer's verdict fast; large raises throughput. */
  CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  /**
   * Memory bound of the correlation stage: subjects (plates, persons) held, spread over the sightings partitions;
   * past it the least recently seen are forgotten. ≈ 0.6 KB each with one sighting: the default holds ~0.6 GB.
   */
  RULES_CORRELATION_MAX_SUBJECTS: z.coerce.number().int().min(1_000).max(100_000_000).default(1_000_000),
  /**
   * The same bound counted in sightings (a subject seen often holds many): past it the least recently seen subjects
   * are forgotten too. ≈ 0.46 KB each (bench/correlation-memory.bench.ts): the default holds ~0.9 GB.
   */
  RULES_CORRELATION_MAX_SIGHTINGS: z.coerce.number().int().min(1_000).max(1_000_000_000).default(2_000_000),
  /** Sightings held of one subject: past it its oldest are dropped (a bus through the same checkpoints every day). */
  RULES_CORRELATION_MAX_SIGHTINGS_PER_SUBJECT: z.coerce.number().int().min(10).max(1_000_000).default(1_000),
  /**
   * Where the watchlist index is snapshotted with the topic offsets it holds, so a restart resumes from there instead
   * of reading the whole topic ('' = never). A missing, stale or damaged snapshot means a full read, never wrong data.
   */
  WATCHLIST_SNAPSHOT_DIR: z.string().default('.local/snapshots'),
  /** How often a changed watchlist is snapshotted (also after a full read and on shutdown). */
  WATCHLIST_SNAPSHOT_MINUTES: z.coerce.number().min(0.01).max(24 * 60).default(30),
  /** Smaller watchlists are not snapshotted: they load from the topic in seconds. */
  WATCHLIST_SNAPSHOT_MIN_ENTRIES: z.coerce.number().int().min(0).default(100_000),
  /**
   * Worker threads that parse and check watchlist records while the main thread applies them, for a start that reads
   * at least WATCHLIST_LOAD_THREADS_FROM records (a cold start of a big list: 10 million entries in about a minute
   * instead of four). 0 = read on the main thread only. Default: one per core, at most 2 — none on one core, where a
   * worker would only add the hand-over to the same work.
   */
  WATCHLIST_LOAD_THREADS: z.coerce.number().int().min(0).max(16).default(availableParallelism() >= 2 ? Math.min(2, availableParallelism()) : 0),
  WATCHLIST_LOAD_THREADS_FROM: z.coerce.number().int().min(0).default(200_000),
  /**
   * During such a read the worker threads fetch the records straight from the partition leaders (plaintext Fetch
   * requests of their own, `watchlist/direct-read.ts`) instead of kafkajs fetching them on the main thread: 10 M
   * entries in ~53 s instead of ~61. false = through kafkajs only. Wherever the direct read stops (a leader moved,
   * a broker restarted) the consumer reads on from there.
   */
  WATCHLIST_DIRECT_READ: bool(true),
  /**
   * The correlation stage's fetches wait at the broker for this many bytes of sightings, or
   * RULES_CORRELATE_FETCH_MAX_WAIT_MS: at live rates one transaction per ~0.1 s instead of one per judge
   * transaction (most correlation transactions carry offsets only, yet each costs the broker several writes and
   * wakes every reader). Corridor, co-traveller and trace-back hits wait at most that much longer; the judge
   * stage's watchlist hits and verdicts are not batched.
   */
  RULES_CORRELATE_FETCH_MIN_BYTES: z.coerce.number().int().min(1).max(16 * 1024 * 1024).default(64 * 1024),
  RULES_CORRELATE_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(10).max(5_000).default(100),
  TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(900_000).default(15_000),
});
export type RulesConfig = z.infer<typeof RulesEnv>;
export const loadRulesConfig = (env: Record<string, string | undefined>): RulesConfig => loadConfig(RulesEnv, env);
