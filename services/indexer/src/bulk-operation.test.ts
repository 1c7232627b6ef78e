import { describe, expect, it } from 'vitest';
import { createCheckpointRegistry } from '../../../lib/checkpoints';
import { toBulkOperation } from './bulk-operation';
import type { EventDocument } from './event-document';

const registry = createCheckpointRegistry({
  corridors: [],
  checkpoints: [{ checkpointId: 'CP-140882-G5-01', name: { zh: '河津禹门口', en: 'Hejin' }, jurisdiction: '140882', lat: 35.666, lon: 110.588, kind: 'fixed', corridorIds: [] }],
});
const topics = { events: 'e', hits: 'h', hitUpdates: 'hu', audit: 'a' };
const ctx = { topics, indexPrefix: 'p-', registry };
const base = { eventId: 'ev-0000001', occurredAt: '2026-11-22T14:03:11.250+08:00', checkpointId: 'CP-140882-G5-01', terminalId: 'T-1', officerIds: ['O-1'] };
const inspection = { ...base, type: 'inspection', vehicle: { plate: '晋c·7k245', kind: 'car', direction: 'inbound' }, driver: { idNumber: '140882199007051231', name: '张伟' }, passengers: [{ idNumber: '140100199202283457' }], findings: { suspicious: true, indicators: ['hidden_compartment'], note: '后备箱夹层发现可疑包裹' }, outcome: 'held' };
const seizure = { ...base, eventId: 'ev-0000002', type: 'seizure', items: [{ substance: 'methamphetamine', form: 'crystal', netWeightGrams: 1000.25, packages: 2, concealment: '油箱' }, { substance: 'methamphetamine', form: 'tablet', netWeightGrams: 0.5, packages: 1, concealment: '座椅' }, { substance: 'heroin', form: 'powder', netWeightGrams: 20, packages: 1, concealment: '座椅' }], vehicles: [{ plate: '晋C7K245' }], persons: [] };
const hit = { hitId: 'hit-1', ruleId: 'r', ruleVersion: 1, severity: 'high', category: 'case_vehicle', action: 'detain', occurredAt: '2026-10-31T23:00:00+08:00', detectedAt: '2026-10-31T23:00:01+08:00', checkpointId: 'CP-140882-G5-01', jurisdictions: ['140882', '530600'], subject: { kind: 'vehicle', key: '晋C7K245', display: '晋C7K245' }, match: { exact: true, kind: 'exact' }, evidence: [{ eventId: 'ev-0000001', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: '2026-10-31T23:00:00+08:00' }], summary: { zh: '涉案车辆', en: 'case vehicle' }, version: 3 };

describe('bulk operations from Kafka messages', () => {
  it('index an event once, by id, in the month of its event time, with plates, scope and people flattened', () => {
    const r = toBulkOperation('e', JSON.stringify(inspection), ctx);
    if (!r.ok) throw new Error(r.reason);
    expect(r.op.action).toEqual({ create: { _index: 'p-events-2026.11', _id: 'ev-0000001' } });
    const d = r.op.doc as EventDocument;
    expect(d.plates).toEqual(['晋C7K245']);
    expect(d.platesFolded).toEqual(['晋C7K245']);
    expect(d.plateGrams).toEqual(expect.arrayContaining(['^晋C', '45$', 'C7K']));
    expect(d.jurisdictionChain).toEqual(['140882', '140800', '140000']);
    expect(d.personIds).toEqual(['140882199007051231', '140100199202283457']);
    expect(d.associations).toEqual(['140100199202283457|140882199007051231']);
    expect(d.occurredAtLocal).toBe('2026-11-22T14:03:11.250+08:00');
    expect(d.location).toEqual({ lat: 35.666, lon: 110.588 });
    expect(d.text).toContain('夹层');
    expect(d.text).toContain('张伟');
    expect(d.view.persons).toEqual([{ idNumber: '140882199007051231', role: 'driver', name: '张伟' }, { idNumber: '140100199202283457', role: 'passenger' }]);
  });

  it('sum seized grams per substance, to the hundredth', () => {
    const r = toBulkOperation('e', JSON.stringify(seizure), ctx);
    if (!r.ok) throw new Error(r.reason);
    const d = r.op.doc as EventDocument;
    expect(d.seized).toEqual([{ substance: 'methamphetamine', grams: 1000.75, packages: 3 }, { substance: 'heroin', grams: 20, packages: 1 }]);
    expect(d.grams).toBe(1020.75);
    expect(d.text).toContain('冰毒');
    expect(d.view.summary.zh).toContain('冰毒 1000.75 克');
  });

  it('version hits externally so an older version never overwrites a newer one, and scope them by every routed jurisdiction', () => {
    const r = toBulkOperation('hu', JSON.stringify(hit), ctx);
    if (!r.ok) throw new Error(r.reason);
    expect(r.op.action).toEqual({ index: { _index: 'p-hits-2026.10', _id: 'hit-1', version: 3, version_type: 'external' } });
    expect((r.op.doc as { jurisdictionChain: string[] }).jurisdictionChain).toEqual(['140882', '140800', '140000', '530600', '530000']);
  });

  it('report messages the schemas refuse, with the reason, instead of indexing them', () => {
    expect(toBulkOperation('e', '{', ctx)).toEqual({ ok: false, reason: 'not JSON' });
    const bad = toBulkOperation('e', JSON.stringify({ ...inspection, occurredAt: '2026-11-22 14:03' }), ctx);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^invalid event: occurredAt/);
  });
});
