import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from '../../schemas/src';
import type { RulesService } from '../../services/rules/src/app';
import { createNamespace, type Namespace } from '../support/namespace';
import { IDS, inspection } from '../support/sample-events';
import { clock, collectHits, demoWatchlist, drained, produceEvents, putWatchlist, rulesFor, type Collector } from './rules-harness';

const G5 = ['CP-140882-G5-01', 'CP-140802-G5-02', 'CP-140100-G5-03', 'CP-140321-G20-01'];
const t = clock();
const pass = (checkpointId: string, minutes: number, plate: string, driver: string = IDS.hejin) =>
  inspection({ checkpointId, occurredAt: t(minutes), vehicle: { plate, kind: 'car', direction: 'inbound' }, driver: { idNumber: driver }, passengers: [] });

describe('rules state survives a restart (rebuilt by replay on partition assignment)', () => {
  let ns: Namespace;
  let rules: RulesService | undefined;
  let hits: Collector<Hit>;
  const fugitive = demoWatchlist().find((e) => e.category === 'fugitive')!;

  beforeAll(async () => {
    ns = await createNamespace('rules-restart');
    await putWatchlist(ns, demoWatchlist());
    hits = await collectHits(ns);
  });
  afterAll(async () => {
    await hits?.stop();
    await rules?.stop();
    await ns?.cleanup();
  });

  const settle = async () => {
    await drained(ns, `${ns.topicPrefix}rules`, ns.topics.events, { transactional: false });
    await drained(ns, `${ns.topicPrefix}rules-correlate`, ns.topics.sightings, { transactional: true });
  };

  it('completes a corridor transit begun before the restart, updates hits raised before it, and judges a re-sent event only once', async () => {
    rules = rulesFor(ns, 'restart-a');
    await rules.start();
    const before = [pass(G5[0]!, 0, '晋E1F2G3'), pass(G5[1]!, 60, '晋E1F2G3'), pass(G5[0]!, 0, '晋H4J5K6'), pass(G5[1]!, 30, '晋H4J5K6'), pass(G5[2]!, 60, '晋H4J5K6')];
    const fugitiveSeen = pass(G5[3]!, 10, '晋L7M8N9', fugitive.key);
    await produceEvents(ns, [...before, fugitiveSeen]);
    await hits.until('the hits raised before the restart', (items) => (items.length >= 2 ? items : undefined));
    await settle();
    await rules.stop();

    // Another instance, nothing in memory: it must rebuild from the logs.
    rules = rulesFor(ns, 'restart-b');
    await rules.start();
    const again = pass(G5[3]!, 20, '晋L7M8N9', fugitive.key);
    await produceEvents(ns, [pass(G5[2]!, 120, '晋E1F2G3'), pass(G5[3]!, 90, '晋H4J5K6'), fugitiveSeen, again]);
    await hits.until('the corridor hit completed after the restart', (items) => items.find((h) => h.subject.key === '晋E1F2G3'));
    await hits.until('the corridor hit updated after the restart', (items) => items.find((h) => h.subject.key === '晋H4J5K6' && h.version === 2));
    await hits.until('the watchlist hit updated after the restart', (items) => items.find((h) => h.subject.key === fugitive.key && h.version === 2));
    await settle();

    const versions = (key: string) => hits.items.filter((h) => h.subject.key === key).map((h) => h.version);
    expect(versions('晋E1F2G3')).toEqual([1]);
    expect(versions('晋H4J5K6')).toEqual([1, 2]);
    // The re-sent fugitive event is a duplicate (seen-set rebuilt by replay): only `again` updates the hit.
    expect(versions(fugitive.key)).toEqual([1, 2]);
    const updated = hits.items.find((h) => h.subject.key === fugitive.key && h.version === 2)!;
    expect(updated.evidence.map((e) => e.eventId)).toEqual([fugitiveSeen.eventId, again.eventId]);
  });
});
