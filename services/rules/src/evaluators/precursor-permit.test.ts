import { describe, expect, it } from 'vitest';
import { defaultRule, entry, inspectionEvent, registry, watchlistOf } from '../fixtures';
import { precursorPermit } from './precursor-permit';

const permit = entry({
  kind: 'permit',
  key: 'YZD-1508-2026-0031',
  category: 'precursor_permit',
  validFrom: '2026-06-01T00:00:00+08:00',
  validUntil: '2026-12-31T23:59:59+08:00',
  attributes: { chemical: 'ephedra', maxQuantityKg: 500, carrierPlate: '蒙K3H761', permitNo: 'YZD-1508-2026-0031' },
});
const ctx = { watchlist: watchlistOf(permit), registry };
const rule = defaultRule('precursor_permit');
const truck = (o: { plate?: string; chemical?: string; quantityKg?: number; permitNo?: string; occurredAt?: string }) =>
  inspectionEvent({
    ...(o.occurredAt ? { occurredAt: o.occurredAt } : {}),
    vehicle: { plate: o.plate ?? '蒙K3H761', kind: 'truck', direction: 'outbound' },
    cargo: { description: '麻黄草', precursors: [{ chemical: o.chemical ?? 'ephedra', quantityKg: o.quantityKg ?? 300, ...(o.permitNo === '' ? {} : { permitNo: o.permitNo ?? 'yzd-1508-2026-0031' }) }] },
  });

describe('precursor cargo permit', () => {
  it('stays silent for cargo within a valid permit for that chemical and carrier', () => {
    expect(precursorPermit(truck({}), rule, ctx)).toEqual([]);
  });

  it('fires above the permitted quantity, naming both amounts', () => {
    const [d] = precursorPermit(truck({ quantityKg: 800 }), rule, ctx);
    expect(d).toMatchObject({ category: 'precursor_permit', subject: { kind: 'cargo', key: '蒙K3H761' }, match: { entryId: permit.entryId } });
    expect(d!.summary.en).toContain('800 kg of 500 kg');
  });

  it('fires for a permit number not on file, an expired permit, another carrier, and another chemical', () => {
    for (const e of [truck({ permitNo: 'YZD-0000-2026-0001' }), truck({ occurredAt: '2027-02-01T10:00:00+08:00' }), truck({ plate: '晋C12345' }), truck({ chemical: 'ephedrine' })]) {
      const drafts = precursorPermit(e, rule, ctx);
      expect(drafts).toHaveLength(1);
      expect(drafts[0]!.summary.en).toContain('without a valid permit');
    }
  });

  it('accepts the permit registered for the carrier when the driver shows no number, but not on an unlicensed truck', () => {
    expect(precursorPermit(truck({ permitNo: '' }), rule, ctx)).toEqual([]);
    expect(precursorPermit(truck({ permitNo: '', plate: '晋C12345' }), rule, ctx)).toHaveLength(1);
  });

  it('stays silent for an inspection without precursor cargo', () => {
    expect(precursorPermit(inspectionEvent(), rule, ctx)).toEqual([]);
  });
});
