import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import type { Logger } from '../../../lib/logger';
import { retry } from '../../../lib/retry';
import type { WatchlistMark } from './reference-loader';
import type { CompactWatchlist } from './watchlist/compact-watchlist';
import { readSnapshot, readSnapshotHeader, writeSnapshot } from './watchlist/snapshot-file';

/** Kafka's default `delete.retention.ms`: how long a compacted topic keeps a tombstone. */
const DEFAULT_DELETE_RETENTION_MS = 86_400_000;
/** kafkajs `ConfigResourceTypes.TOPIC` (not importable by name from Node's ESM loader: kafkajs is CommonJS). */
const TOPIC_RESOURCE = 2;

export interface SnapshotOutcome {
  from: 'snapshot' | 'topic';
  /** Why the topic is read from the start (no snapshot, or why it could not be used). */
  reason?: string;
  /** Age of the snapshot restored. */
  ageMs?: number;
  ms?: number;
}

export interface WatchlistSnapshots {
  readonly path: string;
  /**
   * Restores the snapshot into the (empty) watchlist if it can be resumed from: same topic and partitions, every
   * position within the log, younger than the topic's tombstone retention (an older one may miss deletions that
   * compaction has since dropped). Returns the offsets to resume from, or undefined to read the topic from the start.
   */
  restore(watchlist: CompactWatchlist, admin: Admin): Promise<{ mark?: WatchlistMark; outcome: SnapshotOutcome }>;
  /**
   * Writes one; the caller guarantees the watchlist does not change until it resolves, and that `mark` was the end
   * of the log at `caughtUpAt` (the age check on restore relies on it).
   */
  write(watchlist: CompactWatchlist, mark: WatchlistMark, caughtUpAt: Date): Promise<{ bytes: number; ms: number }>;
}

/**
 * Warm start for a rules instance (issue 4: 10 million entries must load in a minute; parsing them all from the
 * topic takes ~6 minutes on two cores): the watchlist index is snapshotted to local disk with the topic offsets it
 * holds, and a restart reads the snapshot back and consumes the topic only from those offsets. The topic stays the
 * source of truth: a snapshot that cannot be trusted is ignored and the topic read from the start.
 */
export function createWatchlistSnapshots(deps: { dir: string; topic: string; logger: Logger }): WatchlistSnapshots {
  const log = deps.logger.child({ component: 'watchlist-snapshots' });
  const path = join(deps.dir, `${deps.topic.replace(/[^A-Za-z0-9._-]/g, '_')}.wlsnap`);

  const usable = async (admin: Admin): Promise<{ mark: WatchlistMark; ageMs: number } | string> => {
    let header;
    try {
      header = await readSnapshotHeader(path);
    } catch (err) {
      return `unreadable snapshot: ${(err as Error).message}`;
    }
    if (!header) return 'no snapshot yet';
    // (The header's fields are checked for shape by readSnapshotHeader; their digest by readSnapshot below.)
    if (header.topic !== deps.topic) return `the snapshot is of topic ${header.topic}`;
    const ageMs = Date.now() - Date.parse(header.writtenAt);
    const offsets = await retry(() => admin.fetchTopicOffsets(deps.topic));
    if (offsets.length !== Object.keys(header.positions).length) return `the topic has ${offsets.length} partitions, the snapshot ${Object.keys(header.positions).length}`;
    const positions = new Map<number, bigint>();
    for (const p of offsets) {
      const at = header.positions[String(p.partition)];
      if (at === undefined) return `the snapshot has no position for partition ${p.partition}`;
      const next = BigInt(at);
      // Past the end: the topic was recreated since. Before the start: records were deleted unseen.
      if (next > BigInt(p.high) || next < BigInt(p.low)) return `partition ${p.partition}: snapshot at ${next}, the log holds ${p.low}–${p.high}`;
      positions.set(p.partition, next);
    }
    const described = await retry(() => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC_RESOURCE, name: deps.topic, configNames: ['delete.retention.ms'] }] }));
    const value = described.resources[0]?.configEntries.find((e) => e.configName === 'delete.retention.ms')?.configValue;
    const retentionMs = value && Number.isFinite(Number(value)) ? Number(value) : DEFAULT_DELETE_RETENTION_MS;
    if (!(ageMs >= 0) || ageMs >= retentionMs) return `the snapshot is ${Math.round(ageMs / 60_000)} min old; tombstones are kept ${Math.round(retentionMs / 60_000)} min`;
    const lastKeys = new Map(Object.entries(header.lastKeys).map(([p, k]) => [Number(p), k]));
    return { mark: { positions, lastKeys, introductions: header.introductions }, ageMs };
  };

  return {
    path,
    async restore(watchlist, admin) {
      const t0 = performance.now();
      const ok = await usable(admin).catch((err: unknown) => `snapshot not checked against the topic: ${(err as Error).message}`);
      if (typeof ok === 'string') {
        log.info({ path, reason: ok }, 'watchlist: reading the topic from the start');
        return { outcome: { from: 'topic', reason: ok } };
      }
      try {
        const { header, image } = await readSnapshot(path);
        watchlist.restore(image);
        if (watchlist.size() !== header.entries) throw new Error(`restored ${watchlist.size()} entries, the header says ${header.entries}`);
      } catch (err) {
        const reason = `unusable snapshot: ${(err as Error).message}`;
        watchlist.clear();
        log.warn({ path, reason }, 'watchlist: reading the topic from the start');
        return { outcome: { from: 'topic', reason } };
      }
      const ms = Math.round(performance.now() - t0);
      log.info({ path, entries: watchlist.size(), ageMs: ok.ageMs, ms }, 'watchlist restored from snapshot; reading the topic from its offsets');
      return { mark: ok.mark, outcome: { from: 'snapshot', ageMs: ok.ageMs, ms } };
    },
    async write(watchlist, mark, caughtUpAt) {
      const t0 = performance.now();
      await mkdir(deps.dir, { recursive: true });
      const info = { topic: deps.topic, positions: mark.positions, lastKeys: mark.lastKeys, introductions: mark.introductions, caughtUpAt, entries: watchlist.size() };
      const { bytes } = await writeSnapshot(path, info, watchlist.image());
      const ms = Math.round(performance.now() - t0);
      log.info({ path, entries: watchlist.size(), bytes, ms }, 'watchlist snapshot written');
      return { bytes, ms };
    },
  };
}
