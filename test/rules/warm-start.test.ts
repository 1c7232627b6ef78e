import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit, WatchlistEntry } from '../../schemas/src';
import type { RulesService } from '../../services/rules/src/app';
import { residentId } from '../../services/rules/src/fixtures';
import { createReferenceData } from '../../services/rules/src/reference-loader';
import { DEFAULT_RULES } from '../../services/rules/src/default-rules';
import { createCompactWatchlist } from '../../services/rules/src/watchlist/compact-watchlist';
import { readSnapshot, writeSnapshot } from '../../services/rules/src/watchlist/snapshot-file';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { inspection } from '../support/sample-events';
import { clock, collectHits, demoWatchlist, produceEvents, putWatchlist, rulesFor, type Collector } from './rules-harness';

interface Stats {
  watchlistEntries: number;
  watchlistLoad: { from: 'snapshot' | 'topic'; reason?: string; recordsApplied: number; threads: number; directRecords: number };
  watchlistSnapshot: { path: string; writes: number; lastError?: string } | null;
}
const stats = async (s: RulesService) => (await s.app.inject({ method: 'GET', url: '/api/v1/rules/stats' })).json() as Stats;

const t = clock();
const seen = (person: string, minutes: number) =>
  inspection({ checkpointId: 'CP-140882-G5-01', occurredAt: t(minutes), vehicle: { plate: '晋K1L2M3', kind: 'car', direction: 'inbound' }, driver: { idNumber: person }, passengers: [] });

/** Issue 4: 10 M entries must load in a minute; a restart resumes from a snapshot of the index and the offsets it holds. */
describe('rules watchlist warm start from a snapshot', () => {
  let ns: Namespace;
  let rules: RulesService | undefined;
  let hits: Collector<Hit>;
  const dir = mkdtempSync(join(tmpdir(), 'rules-snapshots-'));
  // Every read here goes through the worker threads (they take any backlog), so the snapshot written after a threaded
  // full read, and the warm start reading the few records since, are the ones checked below.
  const env = { RULES_STAGES: 'judge', WATCHLIST_SNAPSHOT_DIR: dir, WATCHLIST_SNAPSHOT_MIN_ENTRIES: '1', WATCHLIST_LOAD_THREADS: '2', WATCHLIST_LOAD_THREADS_FROM: '0' };
  const base = demoWatchlist();
  const fugitive = (n: number, o: Partial<WatchlistEntry> = {}): WatchlistEntry => ({ ...base.find((e) => e.category === 'fugitive')!, entryId: `WL-WARM-${n}`, key: residentId(500 + n, '140882'), ...o });
  const removed = fugitive(1);
  const changed = fugitive(2);
  const added = fugitive(3);
  let snapshotPath = '';
  /** Records on the watchlist topic (a producer retry may have written one twice: count the log, not the puts). */
  const records = async () => (await ns.admin.fetchTopicOffsets(ns.topics.watchlist)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  let recordsAtSnapshot = 0;

  beforeAll(async () => {
    ns = await createNamespace('rules-warm');
    await putWatchlist(ns, [...base, removed, changed]);
    hits = await collectHits(ns);
  });
  afterAll(async () => {
    await hits?.stop();
    await rules?.stop();
    await ns?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snapshots after a full read of the topic, and on stop', async () => {
    rules = rulesFor(ns, 'warm-1', env);
    await rules.start();
    const first = await stats(rules);
    recordsAtSnapshot = await records();
    expect(first.watchlistLoad).toMatchObject({ from: 'topic', reason: 'no snapshot yet', recordsApplied: recordsAtSnapshot, threads: 2, directRecords: recordsAtSnapshot });
    expect(first.watchlistEntries).toBe(base.length + 2);
    await eventually('the snapshot after the full read', async () => ((await stats(rules!)).watchlistSnapshot!.writes >= 1 ? true : undefined));
    snapshotPath = first.watchlistSnapshot!.path;
    await rules.stop();
    rules = undefined;
  });

  it('resumes from the snapshot, applying only what changed on the topic while it was down, and judges with it', async () => {
    // While no rules instance runs: one entry deleted, one moved to another person, one added.
    await putWatchlist(ns, [{ ...changed, key: residentId(600, '140882'), version: 2 }, added]);
    const producer = ns.kafka.producer();
    await producer.connect();
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: [{ key: removed.entryId, value: null }] });
    await producer.disconnect();

    rules = rulesFor(ns, 'warm-2', env);
    await rules.start();
    const s = await stats(rules);
    const changes = (await records()) - recordsAtSnapshot;
    expect(changes).toBeGreaterThanOrEqual(3);
    expect(s.watchlistLoad).toMatchObject({ from: 'snapshot', recordsApplied: changes, threads: 2 });
    expect(s.watchlistEntries).toBe(base.length + 2);

    // One partition, in order: if the removed or the moved entry were still held, their hits would come first.
    await produceEvents(ns, [seen(removed.key, 0), seen(changed.key, 1), seen(added.key, 2), seen(residentId(600, '140882'), 3)]);
    const found = await hits.until('the hits of the added and the moved entry', (items) => {
      const mine = items.filter((h) => h.match?.entryId?.startsWith('WL-WARM-'));
      return mine.length >= 2 ? mine : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(hits.items.filter((h) => h.match?.entryId?.startsWith('WL-WARM-')).map((h) => [h.match?.entryId, h.subject.key]).sort()).toEqual(
      [[added.entryId, added.key], [changed.entryId, residentId(600, '140882')]].sort(),
    );
    expect(found).toHaveLength(2);
    await rules.stop();
    rules = undefined;
  });

  it('reads the topic from the start when the snapshot is damaged or does not fit the topic', async () => {
    const good = readFileSync(snapshotPath);
    const { header, image } = await readSnapshot(snapshotPath);
    const mark = { positions: new Map(Object.entries(header.positions).map(([p, o]) => [Number(p), BigInt(o)])), lastKeys: new Map(Object.entries(header.lastKeys).map(([p, k]) => [Number(p), k])) };
    /** A well-formed snapshot (its digest right) of the same index at another mark. */
    const snapshotAt = async (positions: Map<number, bigint>, lastKeys: Map<number, string>) => {
      const other = join(dir, 'other.wlsnap');
      await writeSnapshot(other, { topic: header.topic, positions, lastKeys, introductions: [], caughtUpAt: new Date(), entries: header.entries }, image);
      return readFileSync(other);
    };
    const coldWith = async (file: Buffer, instance: string, reason: RegExp) => {
      writeFileSync(snapshotPath, file);
      rules = rulesFor(ns, instance, env);
      await rules.start();
      const s = await stats(rules);
      expect(s.watchlistLoad.from).toBe('topic');
      expect(s.watchlistLoad.reason).toMatch(reason);
      expect(s.watchlistEntries).toBe(base.length + 2);
      await rules.stop();
      rules = undefined;
    };
    // Positions past the end of the log (as after the topic was deleted and made again): not resumable.
    await coldWith(await snapshotAt(new Map([...mark.positions.keys()].map((p) => [p, 999_999n])), mark.lastKeys), 'warm-3', /snapshot at 999999, the log holds/);
    // Positions within the log, but another record where the snapshot saw its last one (a topic made again and refilled).
    await coldWith(await snapshotAt(mark.positions, new Map([...mark.lastKeys.keys()].map((p) => [p, 'WL-SOMETHING-ELSE']))), 'warm-4', /does not fit the topic: partition \d+ offset \d+ holds .*, the snapshot saw WL-SOMETHING-ELSE/);
    await coldWith(good.subarray(0, good.length - 10), 'warm-5', /unreadable snapshot/);
    // A header edited by hand (here: a position moved back to 0) no longer matches the digest.
    const headerLength = good.readUInt32LE(8);
    const h = JSON.parse(good.subarray(44, 44 + headerLength).toString()) as { positions: Record<string, string> };
    const moved = Object.keys(h.positions).find((k) => h.positions[k] !== '0')!;
    h.positions[moved] = '0';
    const hb = Buffer.from(JSON.stringify(h));
    const lead = Buffer.from(good.subarray(0, 44));
    lead.writeUInt32LE(hb.length, 8);
    const edited = Buffer.concat([lead, hb, good.subarray(44 + headerLength)]);
    await coldWith(edited, 'warm-6', /digest does not match/);
  });

  it('carries which records were new entries across a warm start, so a retro-hunt still behind them hunts them', async () => {
    const load = () => createReferenceData({ kafka: ns.kafka, topics: { watchlist: ns.topics.watchlist, rules: ns.topics.rules }, watchlist: createCompactWatchlist(), defaults: DEFAULT_RULES, retroGroupId: `${ns.topicPrefix}rules-retro`, logger: ns.logger });
    const first = load();
    await first.start();
    await putWatchlist(ns, [fugitive(9)]);
    const offsets = await ns.admin.fetchTopicOffsets(ns.topics.watchlist);
    const at = await eventually('the new entry applied', () => {
      const intro = first.watchlistMark().introductions[0];
      return intro && offsets.some((p) => `${p.partition}:${BigInt(p.high) - 1n}` === intro) ? intro : undefined;
    });
    const mark = first.watchlistMark();
    await first.stop();
    const [p, o] = at.split(':');
    // Resumed past that record, so it is not read again: it is an introduction only because the mark says so.
    const second = load();
    await second.start({ startAt: mark.positions, lastKeys: mark.lastKeys, introductions: mark.introductions });
    expect(second.watchlistRecordsApplied()).toBe(0);
    expect(second.isIntroduction(Number(p), o!)).toBe(true);
    await second.stop();
    const without = load();
    await without.start({ startAt: mark.positions, lastKeys: mark.lastKeys });
    expect(without.isIntroduction(Number(p), o!)).toBe(false);
    await without.stop();
  });
});
