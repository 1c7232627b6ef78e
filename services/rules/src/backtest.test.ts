import { describe, expect, it } from 'vitest';
import type { Event } from '../../../schemas/src';
import { backtest } from './backtest';
import { at, defaultRule, entry, inspectionEvent, registry, residentId, watchlistOf } from './fixtures';

const fugitive = entry({ kind: 'person', key: residentId(90), category: 'fugitive' });
const ctx = { watchlist: watchlistOf(fugitive), registry };
async function* stream(events: Event[]): AsyncIterable<Event> {
  for (const e of events) yield e;
}

describe('backtest', () => {
  it('reports what a disabled draft rule would have hit, merging repeats in the cool-down into one hit', async () => {
    const draft = { ...defaultRule('watchlist_person'), ruleId: 'draft-person', enabled: false };
    const events = [inspectionEvent({ occurredAt: at(0), driver: { idNumber: fugitive.key } }), inspectionEvent({ occurredAt: at(10), driver: { idNumber: fugitive.key } }), inspectionEvent({ occurredAt: at(20) })];
    const r = await backtest(draft, stream(events), ctx);
    expect(r).toMatchObject({ eventsScanned: 3, truncated: false });
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]).toMatchObject({ ruleId: 'draft-person', version: 2 });
  });

  it('runs a correlation rule over events given in any order', async () => {
    const cps = ['CP-140100-G5-03', 'CP-140882-G5-01', 'CP-140802-G5-02'];
    const events = cps.map((checkpointId, i) => inspectionEvent({ checkpointId, occurredAt: at([120, 0, 60][i]!), vehicle: { plate: '晋A9K8L7', kind: 'car', direction: 'inbound' } }));
    const r = await backtest(defaultRule('corridor_transit'), events, ctx);
    expect(r.hits.map((h) => [h.ruleId, h.checkpointId])).toEqual([['corridor-transit', 'CP-140882-G5-01']]);
    const stricter = await backtest(defaultRule('corridor_transit', { minCheckpoints: 4 }), events, ctx);
    expect(stricter.hits).toEqual([]);
  });

  it('stops collecting at the hit limit and says so', async () => {
    const events = [0, 120, 240].map((m) => inspectionEvent({ occurredAt: at(m), driver: { idNumber: fugitive.key } }));
    const r = await backtest(defaultRule('watchlist_person'), events, { ...ctx, maxHits: 2 });
    expect(r).toMatchObject({ truncated: true });
    expect(r.hits).toHaveLength(2);
  });
});
