import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from '../../schemas/src';
import type { RulesService } from '../../services/rules/src/app';
import { createNamespace, eventually, type Namespace } from '../support/namespace';
import { IDS, inspection } from '../support/sample-events';
import { collectHits, produceEvents, putWatchlist, rulesFor, type Collector } from './rules-harness';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace('Z', '+00:00');
const personEntry = (entryId: string, key: string, extra: Record<string, unknown> = {}) => ({
  entryId, kind: 'person', key, category: 'fugitive', severity: 'critical', action: 'detain', ownerJurisdiction: '520500', reason: '新增网上逃犯 / newly wanted', attributes: {}, ...extra,
});

/** Indexes events the way the indexer does (the fields the retro-hunt queries), behind the `events` alias. */
async function indexPastEvents(ns: Namespace, docs: Array<{ eventId: string; checkpointId: string; occurredAt: string; plates: string[]; personIds: string[] }>) {
  const index = `${ns.indexPrefix}events-past`;
  const kw = { type: 'keyword' } as const;
  await ns.es.indices.create({ index, aliases: { [`${ns.indexPrefix}events`]: {} }, mappings: { properties: { eventId: kw, type: kw, checkpointId: kw, jurisdiction: kw, plates: kw, personIds: kw, occurredAt: { type: 'date' } } } });
  await ns.es.bulk({ refresh: true, operations: docs.flatMap((d) => [{ index: { _index: index, _id: d.eventId } }, { ...d, type: 'inspection', jurisdiction: d.checkpointId.slice(3, 9) }]) });
}

describe('retro-hunt: a new watchlist entry is matched against past sightings', () => {
  let ns: Namespace;
  let rules: RulesService;
  let hits: Collector<Hit>;
  const retro = (items: Hit[], entryId: string) => items.filter((h) => h.ruleId === 'retro-hunt' && h.match.entryId === entryId);

  beforeAll(async () => {
    ns = await createNamespace('rules-retro');
    await indexPastEvents(ns, [
      { eventId: 'past-0001', checkpointId: 'CP-520500-G56-01', occurredAt: ago(2), plates: ['贵F1A2B3'], personIds: [IDS.bijie] },
      { eventId: 'past-0002', checkpointId: 'CP-530602-G85-01', occurredAt: ago(1), plates: ['云C5D6E7'], personIds: [IDS.bijie, IDS.zhaotong] },
      { eventId: 'past-0003', checkpointId: 'CP-520500-G56-01', occurredAt: ago(45), plates: ['贵F1A2B3'], personIds: [IDS.bijie] },
      { eventId: 'past-0004', checkpointId: 'CP-140882-G5-01', occurredAt: ago(3), plates: ['晋C12345'], personIds: [IDS.yangquan] },
    ]);
    // Listed before the service started: part of the initial load, never hunted.
    await putWatchlist(ns, [personEntry('WL-OLD-0001', IDS.yangquan)]);
    rules = rulesFor(ns, 'retro-1');
    await rules.start();
    hits = await collectHits(ns);
  });
  afterAll(async () => {
    await hits?.stop();
    await rules?.stop();
    await ns?.cleanup();
  });

  it('raises one hit per past sighting within the window, routed to the new entry owner', async () => {
    await putWatchlist(ns, [personEntry('WL-NEW-0001', IDS.bijie)]);
    const found = await hits.until('two retro-hunt hits', (items) => (retro(items, 'WL-NEW-0001').length >= 2 ? retro(items, 'WL-NEW-0001') : undefined));
    expect(found.map((h) => h.evidence[0]!.eventId).sort()).toEqual(['past-0001', 'past-0002']);
    expect(found[0]).toMatchObject({ severity: 'critical', action: 'detain', subject: { kind: 'person', key: IDS.bijie }, match: { exact: true } });
    expect(found.every((h) => h.jurisdictions.includes('520000'))).toBe(true);
  });

  it('hunts a new vehicle entry by its plate', async () => {
    await putWatchlist(ns, [{ entryId: 'WL-NEW-V001', kind: 'vehicle', key: '云C5D6E7', category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '530600', reason: '涉案车辆', attributes: {} }]);
    const [hit] = await hits.until('the vehicle retro-hunt hit', (items) => (retro(items, 'WL-NEW-V001').length ? retro(items, 'WL-NEW-V001') : undefined));
    expect(hit).toMatchObject({ subject: { kind: 'vehicle', key: '云C5D6E7' }, checkpointId: 'CP-530602-G85-01' });
  });

  it('does not hunt entries of the initial load, nor an unchanged entry put again', async () => {
    await putWatchlist(ns, [personEntry('WL-NEW-0001', IDS.bijie, { version: 2, reason: '更新 / updated' }), personEntry('WL-NEW-0002', IDS.chengdu)]);
    await eventually('the later entry to be hunted', async () => {
      const res = await rules.app.inject({ method: 'GET', url: '/api/v1/rules/stats' });
      return (res.json() as { retro: { hunted: number } }).retro.hunted >= 3 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(retro(hits.items, 'WL-OLD-0001')).toEqual([]);
    expect(retro(hits.items, 'WL-NEW-0001')).toHaveLength(2);
    expect(hits.items.filter((h) => h.ruleId === 'retro-hunt').map((h) => `${h.hitId}@${h.version}`).length).toBe(3);
  });
});

describe('retro-hunt without an events index', () => {
  let ns: Namespace;
  let rules: RulesService;
  afterAll(async () => {
    await rules?.stop();
    await ns?.cleanup();
  });

  it('finds nothing and keeps judging events', async () => {
    ns = await createNamespace('rules-retro-noindex');
    rules = rulesFor(ns, 'retro-2');
    await rules.start();
    const hits = await collectHits(ns);
    await putWatchlist(ns, [personEntry('WL-NEW-0009', IDS.ordos)]);
    await eventually('the entry to be hunted', async () => ((await rules.app.inject({ method: 'GET', url: '/api/v1/rules/stats' })).json() as { retro: { hunted: number } }).retro.hunted === 1 ? true : undefined);
    await produceEvents(ns, [inspection({ driver: { idNumber: IDS.ordos }, passengers: [] })]);
    const hit = await hits.until('the live hit on the new entry', (items) => items.find((h) => h.ruleId === 'watchlist-person'));
    await hits.stop();
    expect(hit.match.entryId).toBe('WL-NEW-0009');
    expect(hits.items.filter((h) => h.ruleId === 'retro-hunt')).toEqual([]);
  });
});
