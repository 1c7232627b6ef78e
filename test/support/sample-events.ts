import { randomUUID } from 'node:crypto';

/** Valid 18-digit resident ids (MOD 11-2 checked) from the demo regions. */
export const IDS = {
  yangquan: '14030219850312001X',
  hejin: '140882199007051231',
  ludian: '530621198811204563',
  zhaotong: '530602199510017890',
  chengdu: '510100197912242342',
  ordos: '150602198306155676',
  taiyuan: '140100199202283457',
  bijie: '520502198709096782',
} as const;

type Json = Record<string, unknown>;

/** A valid inspection at a checkpoint; override any field. */
export function inspection(overrides: Json = {}): Json {
  return {
    eventId: randomUUID(),
    type: 'inspection',
    occurredAt: '2026-11-22T14:03:11.250+08:00',
    checkpointId: 'CP-140882-G5-01',
    terminalId: 'T-0042',
    officerIds: ['O-1408-0001'],
    vehicle: { plate: '晋C12345', plateColor: 'blue', kind: 'car', direction: 'inbound' },
    driver: { idNumber: IDS.hejin, name: '张伟' },
    passengers: [{ idNumber: IDS.taiyuan }],
    findings: { suspicious: false, indicators: [], note: '例行检查' },
    outcome: 'released',
    ...overrides,
  };
}

export function drugTest(overrides: Json = {}): Json {
  return {
    eventId: randomUUID(),
    type: 'drug_test',
    occurredAt: '2026-11-22T14:10:00+08:00',
    checkpointId: 'CP-140882-G5-01',
    terminalId: 'T-0042',
    officerIds: ['O-1408-0001'],
    subject: { idNumber: IDS.hejin },
    reason: 'suspicious_inspection',
    specimen: 'saliva',
    kit: { model: 'DT-6', lot: 'L2026-11' },
    results: [{ substance: 'methamphetamine', outcome: 'negative', cutoffNgMl: 50 }],
    ...overrides,
  };
}

export function seizure(overrides: Json = {}): Json {
  return {
    eventId: randomUUID(),
    type: 'seizure',
    occurredAt: '2026-11-22T15:00:00+08:00',
    checkpointId: 'CP-140882-G5-01',
    terminalId: 'T-0042',
    officerIds: ['O-1408-0001'],
    items: [{ substance: 'methamphetamine', form: 'crystal', netWeightGrams: 1250.5, packages: 3, concealment: 'hidden_compartment' }],
    cashCny: 12000,
    vehicles: [{ plate: '晋C12345' }],
    persons: [{ idNumber: IDS.hejin, role: 'driver', detained: true }],
    ...overrides,
  };
}
