import { describe, expect, it } from 'vitest';
import { EventSchema, WatchlistEntrySchema, jurisdictionChain, isWithinJurisdiction } from './index';

const inspection = {
  eventId: 'evt-00001',
  type: 'inspection',
  occurredAt: '2026-11-22T14:03:11.250+08:00',
  checkpointId: 'CP-140882-G5-01',
  terminalId: 'T-1',
  officerIds: ['O-1'],
  vehicle: { plate: '晋c·12345', kind: 'car', direction: 'inbound' },
  driver: { idNumber: '140882199007051231' },
  outcome: 'released',
};

describe('event schema', () => {
  it('accepts an inspection and normalises its plate and defaults', () => {
    const r = EventSchema.parse(inspection);
    expect(r).toMatchObject({ schemaVersion: 1, vehicle: { plate: '晋C12345' }, passengers: [], findings: { suspicious: false } });
  });

  it('rejects with paths: unknown type, bad id, unbounded text, bad weight', () => {
    const bad = (x: object) => EventSchema.safeParse(x).error?.issues.map((i) => i.path.join('/'));
    expect(bad({ ...inspection, type: 'x' })).toContain('type');
    expect(bad({ ...inspection, driver: { idNumber: '140882199007051232' } })).toContain('driver/idNumber');
    expect(bad({ ...inspection, terminalId: 'x'.repeat(41) })).toContain('terminalId');
    const seizure = { ...inspection, type: 'seizure', items: [{ substance: 'heroin', form: 'powder', netWeightGrams: 0, packages: 1, concealment: 'x' }] };
    expect(bad(seizure)).toContain('items/0/netWeightGrams');
  });

  it('normalises a watchlist key per kind and rejects an invalid one', () => {
    const base = { entryId: 'w1', category: 'case_vehicle', severity: 'high', action: 'detain', ownerJurisdiction: '140800', reason: 'r' };
    expect(WatchlistEntrySchema.parse({ ...base, kind: 'vehicle', key: '晋m 2e618' }).key).toBe('晋M2E618');
    expect(WatchlistEntrySchema.safeParse({ ...base, kind: 'person', key: '140882199007051232' }).success).toBe(false);
  });

  it('builds jurisdiction chains and scopes', () => {
    expect(jurisdictionChain('140882')).toEqual(['140882', '140800', '140000']);
    expect(jurisdictionChain('140000')).toEqual(['140000']);
    expect(isWithinJurisdiction('140882', '140000')).toBe(true);
    expect(isWithinJurisdiction('530621', '140000')).toBe(false);
  });
});
