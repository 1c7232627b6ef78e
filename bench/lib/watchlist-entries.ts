import { PRECURSOR_IDS, PROVINCES, PROVINCE_BY_REGION, computeCheckDigit } from '../../schemas/src';

// Deterministic entries: entry i is always the same, so the producer and the in-process build agree.

const REGIONS = Object.keys(PROVINCE_BY_REGION);
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
/** Ordinary plates the generator can make: 31 provinces × 24 letters × 34² × 10³ (two letters-or-digits, three digits). */
export const PLATE_SPACE = PROVINCES.length * 24 * 34 * 34 * 1000;
const SCRAMBLE = 392_699; // prime, coprime with PLATE_SPACE: j → j·K mod space is a bijection
const PERSON_CATEGORIES = [['registered_drug_user', 50], ['community_treatment', 15], ['prior_trafficking', 15], ['fugitive', 10], ['revoked_licence', 10]] as const;
const ACTION_OF: Record<string, string> = { registered_drug_user: 'test', community_treatment: 'question', prior_trafficking: 'covert_check', fugitive: 'detain', revoked_licence: 'question', case_vehicle: 'detain', vehicle_of_interest: 'covert_check', precursor_permit: 'question' };
const SEVERITY_OF: Record<string, string> = { registered_drug_user: 'medium', community_treatment: 'medium', prior_trafficking: 'high', fugitive: 'critical', revoked_licence: 'medium', case_vehicle: 'high', vehicle_of_interest: 'medium', precursor_permit: 'low' };
const REASONS = Array.from({ length: 40 }, (_, k) => [`${2020 + (k % 7)}年禁毒专项行动导入:登记吸毒人员`, '社区戒毒期间人员', '涉毒前科人员(贩卖)', '网上追逃人员', '吸毒驾驶,驾驶证已吊销', '涉案车辆,协查通报', '重点关注车辆'][k % 7]! + (k >= 7 ? `(批次${k})` : ''));

/** A 32-bit mix of i, for choices that must look random but stay reproducible. */
export function h(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  return (x ^ (x >>> 13)) >>> 0;
}

/** Plate number j of the ordinary-plate space (j < PLATE_SPACE), scrambled so listed plates spread like real ones. */
export function plateAt(j: number): string {
  let x = (j * SCRAMBLE) % PLATE_SPACE;
  const prov = PROVINCES[x % PROVINCES.length]!;
  x = Math.floor(x / PROVINCES.length);
  const letter = LETTERS[x % 24]!;
  x = Math.floor(x / 24);
  const a = SERIAL[x % 34]!;
  x = Math.floor(x / 34);
  const b = SERIAL[x % 34]!;
  x = Math.floor(x / 34);
  return `${prov}${letter}${a}${b}${String(x).padStart(3, '0')}`;
}

export function residentIdAt(i: number): string {
  let x = i;
  const region = REGIONS[x % REGIONS.length]!;
  x = Math.floor(x / REGIONS.length);
  const seq = x % 1000;
  x = Math.floor(x / 1000);
  const birth = new Date(Date.UTC(1950, 0, 1) + (x % 20_000) * 86_400_000).toISOString();
  const first17 = `${region}${String(1 + (h(i, 7) % 15)).padStart(2, '0')}${String(1 + (h(i, 8) % 20)).padStart(2, '0')}${birth.slice(0, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}${String(seq).padStart(3, '0')}`;
  return first17 + computeCheckDigit(first17);
}

/** Entry i: 60 % persons, 35 % vehicles (a tenth new-energy), 5 % precursor permits; imported in batches of 100,000. */
export function entryAt(i: number): Record<string, unknown> {
  const batch = Math.floor(i / 100_000);
  const r = h(i, 1);
  const slot = i % 20;
  const kind = slot < 12 ? 'person' : slot < 19 ? 'vehicle' : 'permit';
  const region = REGIONS[h(i, 2) % REGIONS.length]!;
  let category: string;
  let key: string;
  const attributes: Record<string, unknown> = {};
  if (kind === 'person') {
    let pick = r % 100;
    category = PERSON_CATEGORIES.find(([, w]) => (pick -= w) < 0)?.[0] ?? 'fugitive';
    key = residentIdAt(i);
    if (category === 'community_treatment') attributes.areaJurisdiction = `${region}0100`;
  } else if (kind === 'vehicle') {
    category = r % 3 === 0 ? 'case_vehicle' : 'vehicle_of_interest';
    if (r % 10 === 1) {
      const p = plateAt(i);
      key = `${p.slice(0, 2)}${'DF'[r % 2]}${SERIAL[h(i, 3) % 34]}${String(h(i, 4) % 10_000).padStart(4, '0')}`;
    } else key = plateAt(i);
  } else {
    category = 'precursor_permit';
    key = `XK${2024 + (r % 3)}${region}${String(i).padStart(9, '0')}`;
    Object.assign(attributes, { chemical: PRECURSOR_IDS[r % PRECURSOR_IDS.length], maxQuantityKg: 100 * (1 + (r % 50)), permitNo: key });
    if (r % 2 === 0) attributes.carrierPlate = plateAt(i + 7);
  }
  const reason = r % 10 < 7 ? REASONS[(batch + slot) % REASONS.length]! : `案件编号(${2020 + (r % 6)})${region}刑侦字${i}号:${kind === 'vehicle' ? '涉案车辆' : kind === 'person' ? '涉毒人员' : '许可核查'}`;
  const month = String(1 + (batch % 12)).padStart(2, '0');
  return {
    entryId: `WL-${String(i).padStart(8, '0')}`,
    kind,
    key,
    category,
    severity: SEVERITY_OF[category],
    action: ACTION_OF[category],
    ownerJurisdiction: r % 4 === 0 ? `${region}0000` : `${region}0100`,
    reason,
    validFrom: `2026-${month}-01T00:00:00+08:00`,
    ...(r % 5 !== 0 ? { validUntil: `2028-${month}-01T00:00:00+08:00` } : {}),
    attributes,
    version: 1 + (r % 3 === 0 ? 1 : 0),
    provenance: { source: 'import', by: `admin-${batch % 7}`, at: `2026-${month}-0${1 + (batch % 9)}T09:00:00+08:00` },
    ...(kind === 'person' && r % 20 === 0 ? { display: { zh: `人员${i}`, en: `person ${i}` } } : {}),
  };
}
