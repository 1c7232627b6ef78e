import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeCheckDigit, type WatchlistEntry } from '../../schemas/src';
import { createWatchlistView, type WatchlistView } from '../../services/console/src/watchlist-view';
import { createPrepareWorkers, type PrepareWorkers } from '../../services/rules/src/watchlist/prepare-workers';
import { createNamespace, type Namespace } from '../support/namespace';

/** The console reads a big watchlist with worker threads; the view it ends with is the one a main-thread read gives. */
const person = (n: number, o: Record<string, unknown> = {}) => {
  const first17 = `14088219${String(70 + (n % 30))}0101${String(n % 1000).padStart(3, '0')}`;
  return { entryId: `WL-CV-${n}`, kind: 'person', key: first17 + computeCheckDigit(first17), category: 'fugitive', severity: 'critical', action: 'detain', ownerJurisdiction: '140882', reason: `在逃 ${n % 4}`, version: 1, ...o };
};

describe('console watchlist view read with worker threads', () => {
  let ns: Namespace;
  const N = 1_500;
  beforeAll(async () => {
    ns = await createNamespace('console-wl-threads');
    const producer = ns.kafka.producer({ idempotent: true });
    await producer.connect();
    const put = (e: Record<string, unknown>) => ({ key: String(e.entryId), value: JSON.stringify(e) });
    await producer.send({ topic: ns.topics.watchlist, acks: -1, messages: Array.from({ length: N }, (_, n) => put(person(n))) });
    await producer.send({
      topic: ns.topics.watchlist,
      acks: -1,
      messages: [
        ...Array.from({ length: 100 }, (_, k) => put(person(k * 3, { version: 2, reason: '改' }))),
        ...Array.from({ length: 50 }, (_, k) => ({ key: `WL-CV-${k * 7 + 1}`, value: null })),
        { key: 'WL-CV-BAD', value: '{"entryId":' },
      ],
    });
    await producer.disconnect();
  });
  afterAll(() => ns?.cleanup());

  const read = async (threads: number, opts: { create?: (t: number) => PrepareWorkers; direct?: boolean; directUnitOffsets?: number } = {}): Promise<WatchlistView> => {
    const view = createWatchlistView({ kafka: ns.kafka, topic: ns.topics.watchlist, logger: ns.logger, loadThreads: { threads, fromRecords: 0, ...opts } });
    await view.start();
    await view.stop();
    return view;
  };
  const all = async (v: WatchlistView): Promise<WatchlistEntry[]> => (await v.list({ inScope: () => true }, 1_000_000)).items;

  it('holds what a main-thread read holds, also when every other worker answer fails', async () => {
    const main = await all(await read(0));
    expect(main).toHaveLength(N - 50);
    expect(main.find((e) => e.entryId === 'WL-CV-3')).toMatchObject({ version: 2, reason: '改' });
    expect(await all(await read(2, { direct: false }))).toEqual(main);
    let chunks = 0;
    const flaky = (t: number): PrepareWorkers => {
      const real = createPrepareWorkers(t);
      return { ...real, prepare: (values) => (chunks++ % 2 === 1 ? Promise.reject(new Error('worker exited (code 1)')) : real.prepare(values)) };
    };
    expect(await all(await read(2, { create: flaky, direct: false }))).toEqual(main);
    expect(chunks).toBeGreaterThan(1);
  });

  it('holds the same when the workers fetch the records from the leaders, whole, in small units, or stopping half way', async () => {
    const main = await all(await read(0));
    let units = 0;
    let prepared = 0;
    const counting = (failAt: number) => (t: number): PrepareWorkers => {
      const real = createPrepareWorkers(t);
      return {
        ...real,
        readRange: (req) => (++units === failAt ? Promise.reject(new Error('partition 1: the broker answered error code 6')) : real.readRange(req)),
        prepare: (values) => ((prepared += values.length), real.prepare(values)),
      };
    };
    expect(await all(await read(2, { create: counting(0) }))).toEqual(main);
    expect(prepared).toBe(0); // every record came by the direct read
    expect(await all(await read(2, { create: counting(0), directUnitOffsets: 29 }))).toEqual(main);
    units = 0;
    // The twentieth unit fails: the consumer reads on from there (its records through the workers' other path).
    expect(await all(await read(2, { create: counting(20), directUnitOffsets: 29 }))).toEqual(main);
    expect(units).toBeGreaterThanOrEqual(20);
    expect(prepared).toBeGreaterThan(0);
  });

  it('reads nothing more, and starts no consumer, once stopped during the direct read', async () => {
    const slow = (t: number): PrepareWorkers => {
      const real = createPrepareWorkers(t);
      return { ...real, readRange: async (req) => (await new Promise((r) => setTimeout(r, 40)), real.readRange(req)) };
    };
    const view = createWatchlistView({ kafka: ns.kafka, topic: ns.topics.watchlist, logger: ns.logger, loadThreads: { threads: 2, fromRecords: 0, create: slow, directUnitOffsets: 20 } });
    const started = view.start().then(() => 'resolved', () => 'rejected');
    const deadline = Date.now() + 20_000;
    while (view.size() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(view.size()).toBeGreaterThan(0);
    await view.stop();
    const atStop = view.size();
    expect(await Promise.race([started, new Promise((r) => setTimeout(() => r('pending'), 1_500))])).toBe('pending');
    expect(view.size() - atStop).toBeLessThanOrEqual(20); // at most the unit being applied when stop came
    expect(view.size()).toBeLessThan(N - 50);
  });
});
