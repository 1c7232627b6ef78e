import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from '../../schemas/src';
import type { RulesService } from '../../services/rules/src/app';
import { createNamespace, type Namespace } from '../support/namespace';
import { IDS, inspection } from '../support/sample-events';
import { clock, collectHits, demoWatchlist, produceEvents, putWatchlist, rulesFor, type Collector } from './rules-harness';

const G5 = ['CP-140882-G5-01', 'CP-140802-G5-02', 'CP-140100-G5-03', 'CP-140321-G20-01'];
const t = clock();
const pass = (checkpointId: string, minutes: number, plate: string, driver: string = IDS.hejin) =>
  inspection({ checkpointId, occurredAt: t(minutes), vehicle: { plate, kind: 'car', direction: 'inbound' }, driver: { idNumber: driver }, passengers: [] });

/** `npm start` runs the rules service as two processes: judge + retro-hunt, and correlation alone. */
describe('rules service split in two processes, as npm start runs it', () => {
  let ns: Namespace;
  let judge: RulesService;
  let correlate: RulesService;
  let hits: Collector<Hit>;
  const entries = demoWatchlist();
  const fugitive = entries.find((e) => e.category === 'fugitive')!;

  beforeAll(async () => {
    ns = await createNamespace('rules-split');
    await putWatchlist(ns, entries);
    judge = rulesFor(ns, 'split-judge', { RULES_STAGES: 'judge,retro' });
    correlate = rulesFor(ns, 'split-correlate', { RULES_STAGES: 'correlate' });
    await Promise.all([judge.start(), correlate.start()]);
    hits = await collectHits(ns);
  });
  afterAll(async () => {
    await hits?.stop();
    await Promise.all([judge?.stop(), correlate?.stop()]);
    await ns?.cleanup();
  });

  it('raises watchlist hits in the judging process and corridor hits in the correlation process', async () => {
    await produceEvents(ns, [pass(G5[0]!, 0, '晋S1T2U3'), pass(G5[1]!, 50, '晋S1T2U3'), pass(G5[2]!, 100, '晋S1T2U3'), pass(G5[3]!, 10, '晋V4W5X6', fugitive.key)]);
    const corridor = await hits.until('the corridor hit', (items) => items.find((h) => h.ruleId === 'corridor-transit' && h.subject.key === '晋S1T2U3'));
    const wanted = await hits.until('the fugitive hit', (items) => items.find((h) => h.subject.key === fugitive.key));
    expect(corridor.evidence).toHaveLength(3);
    expect(wanted).toMatchObject({ category: 'fugitive', match: { entryId: fugitive.entryId, exact: true } });
  });

  it('loads the watchlist only where entries are looked up: the correlation-only process reads the rules alone', async () => {
    const stats = async (s: RulesService) => (await s.app.inject({ method: 'GET', url: '/api/v1/rules/stats' })).json() as { holdsWatchlist: boolean; watchlistEntries: number; rules: number };
    const [j, c] = await Promise.all([stats(judge), stats(correlate)]);
    expect(j).toMatchObject({ holdsWatchlist: true, watchlistEntries: entries.length });
    expect(c).toMatchObject({ holdsWatchlist: false, watchlistEntries: 0 });
    expect(c.rules).toBe(j.rules);
    expect(c.rules).toBeGreaterThan(0);
  });
});
