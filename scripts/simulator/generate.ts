import { randomUUID } from 'node:crypto';

/** Deterministic-enough random source so a run can be replayed with `--seed`. */
export function createRandom(seed = Date.now()) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof createRandom>;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A valid 18-digit resident id born in `region` (MOD 11-2 check digit computed). */
export function residentId(r: Random, region: string): string {
  const y = r.int(1960, 2004);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  const body = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(r.int(1, 999)).padStart(3, '0')}`;
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11];
}

const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Province character by the first two digits of a jurisdiction. */
const PROVINCE: Record<string, string> = { '14': '晋', '53': '云', '51': '川', '52': '贵', '15': '蒙', '50': '渝', '61': '陕', '41': '豫', '13': '冀', '11': '京' };

/** A valid GA 36 ordinary plate (no I/O in the serial); mostly local, sometimes from elsewhere. */
export function plate(r: Random, jurisdiction: string): string {
  const prov = r.chance(0.8) ? (PROVINCE[jurisdiction.slice(0, 2)] ?? '晋') : r.pick(Object.values(PROVINCE));
  let serial = '';
  for (let i = 0; i < 5; i++) serial += r.pick([...SERIAL]);
  return `${prov}${r.pick([...LETTERS])}${serial}`;
}

const NAMES = ['张伟', '王芳', '李强', '刘洋', '陈静', '杨磊', '赵敏', '黄勇', '周杰', '吴霞', '马军', '孙丽'];
const INDICATORS = ['nervous', 'hidden_compartment', 'inconsistent_story', 'drug_paraphernalia', 'odour', 'needle_marks'];
const SUBSTANCES = ['methamphetamine', 'heroin', 'ketamine', 'mdma', 'cannabis', 'methamphetamine_tablets'];

export interface Checkpoint {
  checkpointId: string;
  jurisdiction: string;
}

export interface Person {
  idNumber: string;
  name?: string;
}

/** An inspection at `cp`, its time `at` (kept as event time with the +08:00 offset terminals use). */
export function inspection(r: Random, cp: Checkpoint, at: Date, opts: { plate?: string; driver?: Person; passengers?: Person[]; suspicious?: boolean } = {}) {
  const region = r.chance(0.7) ? cp.jurisdiction : r.pick(['530621', '530602', '510104', '140882', '140302', '150602', '520502']);
  const suspicious = opts.suspicious ?? r.chance(0.06);
  const kind = r.pick(['car', 'car', 'car', 'car', 'truck', 'coach', 'van', 'hazmat'] as const);
  return {
    eventId: randomUUID(),
    type: 'inspection' as const,
    occurredAt: toOffset(at),
    checkpointId: cp.checkpointId,
    terminalId: `T-${cp.checkpointId.slice(3, 9)}-${r.int(1, 4)}`,
    officerIds: [`O-${cp.jurisdiction.slice(0, 4)}-${String(r.int(1, 60)).padStart(4, '0')}`],
    vehicle: { plate: opts.plate ?? plate(r, cp.jurisdiction), plateColor: kind === 'truck' || kind === 'coach' || kind === 'hazmat' ? 'yellow' : 'blue', kind, direction: r.pick(['inbound', 'outbound'] as const) },
    driver: opts.driver ?? { idNumber: residentId(r, region), name: r.pick(NAMES) },
    passengers: opts.passengers ?? Array.from({ length: r.int(0, 2) }, () => ({ idNumber: residentId(r, region) })),
    findings: suspicious ? { suspicious: true, indicators: [r.pick(INDICATORS)], note: '神情紧张,言语前后矛盾' } : { suspicious: false, indicators: [], note: '' },
    outcome: suspicious ? ('held' as const) : ('released' as const),
  };
}

export function drugTest(r: Random, cp: Checkpoint, at: Date, subject: Person, relatedEventId: string, positive: boolean) {
  const hit = r.pick(SUBSTANCES.slice(0, 3));
  return {
    eventId: randomUUID(),
    type: 'drug_test' as const,
    occurredAt: toOffset(at),
    checkpointId: cp.checkpointId,
    terminalId: `T-${cp.checkpointId.slice(3, 9)}-1`,
    officerIds: [`O-${cp.jurisdiction.slice(0, 4)}-0001`],
    subject: { idNumber: subject.idNumber },
    relatedEventId,
    reason: 'suspicious_inspection',
    specimen: r.pick(['saliva', 'urine'] as const),
    kit: { model: 'DT-6', lot: 'L2026-11' },
    results: ['methamphetamine', 'heroin', 'ketamine'].map((s) => ({ substance: s, outcome: positive && s === hit ? 'positive' : 'negative', cutoffNgMl: 50 })),
    alcohol: { mgPer100ml: r.chance(0.05) ? r.int(20, 120) : 0 },
  };
}

export function seizure(r: Random, cp: Checkpoint, at: Date, relatedEventId: string, vehiclePlate: string, persons: Person[]) {
  return {
    eventId: randomUUID(),
    type: 'seizure' as const,
    occurredAt: toOffset(at),
    checkpointId: cp.checkpointId,
    terminalId: `T-${cp.checkpointId.slice(3, 9)}-1`,
    officerIds: [`O-${cp.jurisdiction.slice(0, 4)}-0001`],
    relatedEventId,
    items: [{ substance: r.pick(SUBSTANCES), form: r.pick(['crystal', 'powder', 'tablet'] as const), netWeightGrams: Math.round(r.int(5, 250_000)) / 100, packages: r.int(1, 40), concealment: r.pick(['hidden_compartment', 'luggage', 'body', 'cargo'] as const) }],
    cashCny: r.chance(0.4) ? r.int(1, 200) * 100 : 0,
    vehicles: [{ plate: vehiclePlate }],
    persons: persons.map((p, i) => ({ idNumber: p.idNumber, role: i === 0 ? 'driver' : 'passenger', detained: true })),
  };
}

/** ISO 8601 in China Standard Time with an explicit offset, as the terminals send it. */
export function toOffset(d: Date): string {
  const local = new Date(d.getTime() + 8 * 3600_000);
  return local.toISOString().replace('Z', '+08:00');
}
