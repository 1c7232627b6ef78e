import { describe, expect, it } from 'vitest';
import { entry, residentId } from '../fixtures';
import { createCompactWatchlist } from './compact-watchlist';

const AT = new Date('2026-11-22T10:00:00+08:00');
const vehicle = (key: string, o: Record<string, unknown> = {}) => entry({ kind: 'vehicle', key, category: 'case_vehicle', ...o });
const person = (key: string, o: Record<string, unknown> = {}) => entry({ kind: 'person', key, ...o });
const ids = (ms: Array<{ entry: { entryId: string } }>) => ms.map((m) => m.entry.entryId);

describe('compact watchlist: persons', () => {
  it('finds a person by 18-digit id, and by the legacy 15-digit form of the same id', () => {
    const id = residentId(7);
    const p = person(id);
    const wl = createCompactWatchlist();
    wl.upsert(p);
    expect(wl.matchPerson(id, AT)).toEqual([p]);
    const legacy = id.slice(0, 6) + id.slice(8, 17);
    expect(wl.matchPerson(legacy, AT).map((e) => e.entryId)).toEqual([p.entryId]);
    expect(wl.matchPerson(residentId(8), AT)).toEqual([]);
  });

  it('returns every entry listing one person, and only those valid at event time', () => {
    const id = residentId(3);
    const a = person(id);
    const b = person(id, { category: 'registered_drug_user', validFrom: '2027-01-01T00:00:00+08:00', validUntil: '2027-12-31T00:00:00+08:00' });
    const wl = createCompactWatchlist();
    wl.upsert(a);
    wl.upsert(b);
    expect(wl.matchPerson(id, AT).map((e) => e.entryId)).toEqual([a.entryId]);
    expect(wl.matchPerson(id, new Date('2027-06-01T00:00:00Z')).map((e) => e.entryId).sort()).toEqual([a.entryId, b.entryId].sort());
  });
});

describe('compact watchlist: vehicles', () => {
  const listed = vehicle('晋M2E618');
  const hubei = vehicle('鄂A5K321');
  const wl = createCompactWatchlist();
  wl.upsert(listed);
  wl.upsert(hubei);

  it('reports an exact plate as exact, whatever separators or case the terminal sent', () => {
    expect(wl.matchVehicle('晋m·2E618', AT)).toMatchObject([{ exact: true, kind: 'exact', score: 1, entry: listed }]);
  });

  it('reports an OCR look-alike as fuzzy with the differing position', () => {
    const [m, ...rest] = wl.matchVehicle('晋M2EG18', AT);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ exact: false, kind: 'lookalike', differences: { positions: [4] }, entry: { entryId: listed.entryId } });
    expect(m!.differences.description.en).toContain('look-alike 6/G');
  });

  it('reports a confused province character (鄂↔粤, 辽→宁) as fuzzy', () => {
    expect(wl.matchVehicle('粤A5K321', AT)).toMatchObject([{ exact: false, kind: 'province', differences: { positions: [0] } }]);
    const liaoning = vehicle('辽B12345');
    const w2 = createCompactWatchlist();
    w2.upsert(liaoning);
    expect(w2.matchVehicle('宁B12345', AT)).toMatchObject([{ kind: 'province', entry: { entryId: liaoning.entryId } }]);
    expect(w2.matchVehicle('京B12345', AT)).toEqual([]);
  });

  it('reports one character missing from, or extra in, the observed plate', () => {
    expect(wl.matchVehicle('晋M2E18', AT)).toMatchObject([{ kind: 'length', differences: { positions: [4] }, entry: { entryId: listed.entryId } }]);
    expect(wl.matchVehicle('晋M2E6180', AT)).toMatchObject([{ kind: 'length', entry: { entryId: listed.entryId } }]);
    expect(wl.matchVehicle('M2E618', AT)).toMatchObject([{ kind: 'length', differences: { positions: [0] } }]);
  });

  it('combines a look-alike with a missing character', () => {
    expect(wl.matchVehicle('晋M2EG8', AT)).toMatchObject([{ kind: 'length', entry: { entryId: listed.entryId } }]);
  });

  it('stays silent for an unrelated plate and for fuzzy candidates when fuzzy matching is off', () => {
    expect(wl.matchVehicle('晋M7K391', AT)).toEqual([]);
    expect(wl.matchVehicle('晋M2EG18', AT, { fuzzy: false })).toEqual([]);
  });

  it('bounds and ranks: exact first, then look-alikes by fewest differences, then province, then length', () => {
    const w = createCompactWatchlist();
    const exact = vehicle('鄂A12345');
    const one = vehicle('鄂A1Z345'); // 2→Z
    const noise = vehicle('鄂A1ZS45'); // folds to 鄂A12545: not a candidate
    const twoLook = vehicle('鄂A1Z34S'); // 2→Z, 5→S
    const prov = vehicle('粤A12345');
    const prov2 = vehicle('鲁A12345');
    const len = vehicle('鄂AD12345'); // new-energy: the observed plate lacks its D
    for (const e of [len, prov2, prov, twoLook, noise, one, exact]) w.upsert(e);
    const all = w.matchVehicle('鄂A12345', AT, { limit: 20 });
    expect(ids(all)).toEqual([exact, one, twoLook, prov, prov2, len].map((e) => e.entryId));
    expect(all.map((m) => m.kind)).toEqual(['exact', 'lookalike', 'lookalike', 'province', 'province', 'length']);
    expect(all.map((m) => m.score)).toEqual([...all.map((m) => m.score)].sort((a, b) => b - a));
    expect(ids(w.matchVehicle('鄂A12345', AT, { limit: 2 }))).toEqual([exact.entryId, one.entryId]);
  });

  it('verifies at most a bounded number of fuzzy candidates however many look-alikes are listed', () => {
    const w = createCompactWatchlist();
    const plates = new Set<string>();
    // Every spelling of 晋A0000x with 0/D/Q in the serial folds to the same key: 3^4 × 10 = 810 plates.
    for (const a of '0DQ') for (const b of '0DQ') for (const c of '0DQ') for (const d of '0DQ') for (const e of '0123456789') plates.add(`晋A${a}${b}${c}${d}${e}`);
    for (const p of plates) w.upsert(vehicle(p));
    const res = w.matchVehicle('晋A00000', AT, { limit: 10 });
    expect(res).toHaveLength(10);
    expect(res[0]).toMatchObject({ exact: true });
  });
});

describe('compact watchlist: live changes', () => {
  it('forgets a deleted entry, and an updated key replaces the old one', () => {
    const wl = createCompactWatchlist();
    const v = vehicle('晋C12345', { version: 1 });
    wl.upsert(v);
    wl.upsert({ ...v, key: '晋C54321', version: 2 });
    expect(wl.matchVehicle('晋C12345', AT, { fuzzy: false })).toEqual([]);
    expect(wl.matchVehicle('晋C54321', AT)).toMatchObject([{ exact: true, entry: { version: 2 } }]);
    wl.remove(v.entryId);
    expect(wl.matchVehicle('晋C54321', AT)).toEqual([]);
    expect(wl.get(v.entryId)).toBeUndefined();
    expect(wl.size()).toBe(0);
    wl.remove('WL-unknown');
    expect(wl.size()).toBe(0);
  });

  it('ignores a put older than the version held; an equal version replaces; after a delete any version is taken', () => {
    const wl = createCompactWatchlist();
    const p = person(residentId(11), { version: 5, reason: 'v5' });
    wl.upsert(p);
    wl.upsert({ ...p, version: 4, reason: 'v4' });
    expect(wl.get(p.entryId)?.reason).toBe('v5');
    expect(wl.stats().staleIgnored).toBe(1);
    wl.upsert({ ...p, version: 5, reason: 'v5 again' });
    expect(wl.get(p.entryId)?.reason).toBe('v5 again');
    wl.remove(p.entryId);
    wl.upsert({ ...p, version: 1, reason: 'v1' });
    expect(wl.get(p.entryId)?.reason).toBe('v1');
  });

  it('keeps every live entry through compaction, and drops the dead bytes', () => {
    const wl = createCompactWatchlist({ compactDeadBytes: 0 });
    const kept = Array.from({ length: 50 }, (_, i) => person(residentId(i), { reason: `case ${i}` }));
    for (const e of kept) wl.upsert(e);
    for (let round = 0; round < 3; round++) for (const e of kept) wl.upsert({ ...e, reason: `case ${e.key} round ${round}` });
    expect(wl.stats().compactions).toBeGreaterThan(0);
    expect(wl.size()).toBe(50);
    for (const e of kept) expect(wl.matchPerson(e.key, AT)).toEqual([{ ...e, reason: `case ${e.key} round 2` }]);
  });
});

describe('compact watchlist: permits', () => {
  it('finds a permit by its number and by its carrier plate', () => {
    const permit = entry({ kind: 'permit', key: 'XK-2026-0001', attributes: { chemical: 'ephedrine', maxQuantityKg: 50, carrierPlate: '晋C12345' } });
    const wl = createCompactWatchlist();
    wl.upsert(permit);
    expect(wl.matchPermits({ permitNo: 'xk-2026-0001 ' }, AT)).toEqual([permit]);
    expect(wl.matchPermits({ carrierPlate: '晋C12345' }, AT)).toEqual([permit]);
    expect(wl.matchPermits({ permitNo: 'XK-2026-0001', carrierPlate: '晋C12345' }, AT)).toHaveLength(1);
    expect(wl.matchPermits({ carrierPlate: '晋C12346' }, AT)).toEqual([]);
    wl.remove(permit.entryId);
    expect(wl.matchPermits({ carrierPlate: '晋C12345' }, AT)).toEqual([]);
  });
});
