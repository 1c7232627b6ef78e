import { randomUUID } from 'node:crypto';

/** One inspection as a terminal sends it, as JSON: the payload of the stage ceilings and the warm-up (`i` varies the plate). */
export function sampleInspection(i: number): string {
  return JSON.stringify({
    schemaVersion: 1,
    eventId: randomUUID(),
    type: 'inspection',
    occurredAt: '2026-11-22T14:03:11.250+08:00',
    checkpointId: 'CP-140882-G5-01',
    terminalId: 'T-0042',
    officerIds: ['O-1408-0001'],
    vehicle: { plate: `晋C${String(10000 + (i % 89999))}`, plateColor: 'blue', kind: 'car', direction: 'inbound' },
    driver: { idNumber: '140882199007051231', name: '张伟' },
    passengers: [{ idNumber: '140100199202283457' }],
    findings: { suspicious: false, indicators: [], note: '例行检查' },
    outcome: 'released',
  });
}
