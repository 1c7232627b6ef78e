import { describe, expect, it } from 'vitest';
import { EventSchema, eventSubjects } from './events';
import { SAMPLE_LEGACY_ID, SAMPLE_PLATES, SAMPLE_RESIDENT_IDS as IDS } from './fixtures';
import { validationErrors } from './validation-errors';

const base = {
  eventId: '7f9c1c3e-5d1a-4c59-9b0e-2f4f7d3a8b11',
  occurredAt: '2026-11-22T14:03:11.250+08:00',
  checkpointId: 'CP-140882-G5-01',
  terminalId: 'T-0042',
  officerIds: ['O-1408-017'],
};
const inspection = {
  ...base,
  type: 'inspection',
  vehicle: { plate: '晋c·12345', plateColor: 'blue', kind: 'car', direction: 'inbound' },
  driver: { idNumber: IDS.hejin, name: '张伟' },
  passengers: [{ idNumber: SAMPLE_LEGACY_ID.id15 }],
  cargo: { description: '麻黄草', precursors: [{ chemical: 'ephedra', quantityKg: 300, permitNo: 'YZD-1508-2026-0031' }] },
  findings: { suspicious: true, indicators: ['nervous', 'hidden_compartment'], note: '后备箱夹层' },
  outcome: 'referred',
};
const drugTest = {
  ...base,
  type: 'drug_test',
  subject: { idNumber: IDS.ludian },
  relatedEventId: inspection.eventId,
  vehicle: { plate: SAMPLE_PLATES.yunnanZhaotong, kind: 'coach' },
  reason: 'suspicious',
  specimen: 'saliva',
  kit: { model: 'DT-6', lot: 'L2026-11' },
  results: [
    { substance: 'methamphetamine', outcome: 'positive', cutoffNgMl: 50 },
    { substance: 'ketamine', outcome: 'negative' },
  ],
  alcohol: { mgPer100ml: 0 },
};
const seizure = {
  ...base,
  type: 'seizure',
  relatedEventId: inspection.eventId,
  items: [{ substance: 'heroin', form: 'powder', netWeightGrams: 352.27, packages: 2, concealment: 'body_packing' }],
  cashCny: 12000.5,
  vehicles: [{ plate: SAMPLE_PLATES.yunnanZhaotong }],
  persons: [{ idNumber: IDS.ludian, role: 'courier', detained: true }],
};

/** JSON-pointer paths of every problem, as the gateway renders them. */
const problems = (x: unknown) => {
  const r = EventSchema.safeParse(x);
  return r.success ? [] : validationErrors(r.error).map((e) => e.path);
};

describe('event schema', () => {
  it('accepts an inspection, normalising plate and ids and keeping the time as given', () => {
    const e = EventSchema.parse(inspection);
    expect(e).toMatchObject({ schemaVersion: 1, type: 'inspection', occurredAt: '2026-11-22T14:03:11.250+08:00', vehicle: { plate: '晋C12345' }, passengers: [{ idNumber: SAMPLE_LEGACY_ID.id18 }] });
  });

  it('fills the defaults of a minimal inspection', () => {
    const { passengers: _p, cargo: _c, findings: _f, ...minimal } = inspection;
    expect(EventSchema.parse(minimal)).toMatchObject({ passengers: [], findings: { suspicious: false, indicators: [], note: '' } });
  });

  it('accepts a drug test and a seizure', () => {
    expect(EventSchema.parse(drugTest)).toMatchObject({ type: 'drug_test', schemaVersion: 1 });
    expect(EventSchema.parse(seizure)).toMatchObject({ type: 'seizure', precursors: [], items: [{ netWeightGrams: 352.27 }] });
  });

  it('rejects an unknown or missing type at /type, and a future schema version', () => {
    expect(problems({ ...inspection, type: 'arrest' })).toEqual(['/type']);
    expect(problems({ ...inspection, type: undefined })).toEqual(['/type']);
    expect(problems({ ...inspection, schemaVersion: 2 })).toEqual(['/schemaVersion']);
    expect(problems('inspection')).toEqual(['']);
  });

  it('rejects bad identifiers where they are', () => {
    expect(problems({ ...inspection, driver: { idNumber: '140882199007052411' } })).toEqual(['/driver/idNumber']);
    expect(problems({ ...inspection, passengers: [{ idNumber: IDS.bijie }, { idNumber: '1408821990X7052410' }] })).toEqual(['/passengers/1/idNumber']);
    expect(problems({ ...inspection, vehicle: { ...inspection.vehicle, plate: '晋CO2345' } })).toEqual(['/vehicle/plate']);
    expect(problems({ ...inspection, checkpointId: 'CP-1408-G5-01' })).toEqual(['/checkpointId']);
    expect(problems({ ...inspection, eventId: 'evt 0001 x' })).toEqual(['/eventId']);
    expect(problems({ ...seizure, vehicles: [{ plate: '晋C1234' }] })).toEqual(['/vehicles/0/plate']);
    expect(problems({ ...drugTest, subject: { idNumber: '' } })).toEqual(['/subject/idNumber']);
  });

  it('rejects times without an offset', () => {
    expect(problems({ ...inspection, occurredAt: '2026-11-22T14:03:11' })).toEqual(['/occurredAt']);
    expect(problems({ ...inspection, occurredAt: '2026-11-22' })).toEqual(['/occurredAt']);
  });

  it('bounds every string and array', () => {
    expect(problems({ ...inspection, terminalId: 'x'.repeat(41) })).toEqual(['/terminalId']);
    expect(problems({ ...inspection, officerIds: [] })).toEqual(['/officerIds']);
    expect(problems({ ...inspection, officerIds: Array.from({ length: 11 }, (_, i) => `O-${i}`) })).toEqual(['/officerIds']);
    expect(problems({ ...inspection, passengers: Array.from({ length: 81 }, () => ({ idNumber: IDS.bijie })) })).toEqual(['/passengers']);
    expect(problems({ ...inspection, findings: { suspicious: true, indicators: Array.from({ length: 21 }, () => 'nervous'), note: '' } })).toEqual(['/findings/indicators']);
    expect(problems({ ...inspection, findings: { suspicious: true, note: 'x'.repeat(2001) } })).toEqual(['/findings/note']);
    expect(problems({ ...inspection, driver: { idNumber: IDS.hejin, name: '张'.repeat(51) } })).toEqual(['/driver/name']);
    expect(problems({ ...seizure, items: Array.from({ length: 51 }, () => seizure.items[0]) })).toEqual(['/items']);
    expect(problems({ ...drugTest, results: [] })).toEqual(['/results']);
  });

  it('rejects weights that are not positive grams to 0.01, and cash finer than a fen', () => {
    const item = seizure.items[0]!;
    expect(problems({ ...seizure, items: [{ ...item, netWeightGrams: 0 }] })).toEqual(['/items/0/netWeightGrams']);
    expect(problems({ ...seizure, items: [{ ...item, netWeightGrams: -3 }] })).toEqual(['/items/0/netWeightGrams']);
    expect(problems({ ...seizure, items: [{ ...item, netWeightGrams: 1.005 }] })).toEqual(['/items/0/netWeightGrams']);
    expect(problems({ ...seizure, items: [{ ...item, packages: 0 }] })).toEqual(['/items/0/packages']);
    expect(problems({ ...seizure, cashCny: 1.001 })).toEqual(['/cashCny']);
  });

  it('accepts only substances and precursors of the closed lists', () => {
    expect(problems({ ...drugTest, results: [{ substance: 'crack', outcome: 'positive' }] })).toEqual(['/results/0/substance']);
    expect(problems({ ...seizure, items: [{ ...seizure.items[0], substance: '冰毒' }] })).toEqual(['/items/0/substance']);
    expect(problems({ ...inspection, cargo: { precursors: [{ chemical: 'sugar', quantityKg: 1 }] } })).toEqual(['/cargo/precursors/0/chemical']);
    expect(problems({ ...drugTest, specimen: 'sweat' })).toEqual(['/specimen']);
  });

  it('reports every bad field of one event, not only the first', () => {
    expect(problems({ ...inspection, terminalId: '', driver: { idNumber: 'x' }, outcome: 'shot' }).sort()).toEqual(['/driver/idNumber', '/outcome', '/terminalId']);
  });
});

describe('event subjects', () => {
  it('lists the plates and persons of each kind of event with their roles', () => {
    expect(eventSubjects(EventSchema.parse(inspection))).toEqual({
      plates: ['晋C12345'],
      persons: [
        { idNumber: IDS.hejin, role: 'driver' },
        { idNumber: SAMPLE_LEGACY_ID.id18, role: 'passenger' },
      ],
    });
    expect(eventSubjects(EventSchema.parse(drugTest))).toEqual({ plates: [SAMPLE_PLATES.yunnanZhaotong], persons: [{ idNumber: IDS.ludian, role: 'subject' }] });
    expect(eventSubjects(EventSchema.parse(seizure))).toEqual({ plates: [SAMPLE_PLATES.yunnanZhaotong], persons: [{ idNumber: IDS.ludian, role: 'courier' }] });
  });
});
