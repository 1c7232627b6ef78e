import type { Admin, ITopicConfig } from 'kafkajs';

/** Logical topic names; the real name is `${TOPIC_PREFIX}${name}` so tests can namespace them. */
export const TOPICS = {
  events: 'events.v1',
  sightings: 'sightings.v1',
  hits: 'hits.v1',
  hitUpdates: 'hit-updates.v1',
  verdicts: 'verdicts.v1',
  watchlist: 'watchlist.v1',
  rules: 'rules.v1',
  audit: 'audit.v1',
  access: 'access.v1',
  deadLetters: 'dead-letters.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicNames = Record<TopicKey, string>;

const DAY_MS = 24 * 3600 * 1000;

/** Retention and compaction per topic (see docs/ARCHITECTURE.md). */
const TOPIC_CONFIG: Record<TopicKey, Record<string, string>> = {
  events: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
  sightings: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
  hits: { 'cleanup.policy': 'delete', 'retention.ms': String(90 * DAY_MS) },
  hitUpdates: { 'cleanup.policy': 'delete', 'retention.ms': String(90 * DAY_MS) },
  verdicts: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) },
  watchlist: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
  rules: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
  audit: { 'cleanup.policy': 'delete', 'retention.ms': String(3650 * DAY_MS) },
  // Accounts, grants and token revocations (docs/SECURITY.md): compacted, read whole by gateway and console.
  access: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
  deadLetters: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
};

export function topicNames(prefix = ''): TopicNames {
  return Object.fromEntries(Object.entries(TOPICS).map(([k, v]) => [k, `${prefix}${v}`])) as TopicNames;
}

/** Creates any missing topic; existing topics are left as they are. Returns the names created. */
export async function ensureTopics(admin: Admin, opts: { prefix?: string; partitions?: number; brokers: number }): Promise<string[]> {
  const all = topicNames(opts.prefix);
  const existing = new Set(await admin.listTopics());
  const replication = Math.min(3, opts.brokers);
  const wanted: ITopicConfig[] = (Object.keys(TOPICS) as TopicKey[])
    .filter((k) => !existing.has(all[k]))
    .map((k) => ({
      topic: all[k],
      numPartitions: opts.partitions ?? 6,
      replicationFactor: replication,
      configEntries: Object.entries({
        ...TOPIC_CONFIG[k],
        'min.insync.replicas': replication >= 3 ? '2' : '1',
      }).map(([name, value]) => ({ name, value })),
    }));
  if (wanted.length === 0) return [];
  // kafkajs' own waitForLeaders trips over metadata not yet propagated on multi-broker clusters
  // ("does not host this topic-partition"), so poll for leaders here instead.
  await admin.createTopics({ topics: wanted, waitForLeaders: false }).catch((err: unknown) => {
    if (!(err instanceof Error && /already exists/i.test(err.message))) throw err;
  });
  const names = wanted.map((t) => t.topic);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return names;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
