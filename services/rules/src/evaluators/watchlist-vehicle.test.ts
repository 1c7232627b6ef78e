import { describe, expect, it } from 'vitest';
import { defaultRule, entry, inspectionEvent, registry, seizureEvent, watchlistOf } from '../fixtures';
import { watchlistVehicle } from './watchlist-vehicle';

const listed = entry({ kind: 'vehicle', key: '晋M2E618', category: 'case_vehicle', severity: 'high', action: 'detain' });
const hubei = entry({ kind: 'vehicle', key: '鄂A5K321', category: 'vehicle_of_interest', severity: 'medium', action: 'covert_check' });
const ctx = { watchlist: watchlistOf(listed, hubei), registry };
const rule = defaultRule('watchlist_vehicle');
const car = (plate: string) => inspectionEvent({ vehicle: { plate, kind: 'car', direction: 'inbound' } });

describe('watchlist vehicle rule', () => {
  it('reports an exact plate match with the entry severity and action', () => {
    const [d, ...rest] = watchlistVehicle(car('晋M2E618'), rule, ctx);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'high', action: 'detain', match: { exact: true, kind: 'exact', entryId: listed.entryId }, subject: { kind: 'vehicle', key: '晋M2E618' } });
  });

  it('reports an OCR look-alike misread as fuzzy, one level lower, to be verified, saying what differed', () => {
    const [d] = watchlistVehicle(car('晋M2EG18'), rule, ctx);
    expect(d).toMatchObject({ severity: 'medium', action: 'covert_check', match: { exact: false, kind: 'lookalike', entryId: listed.entryId } });
    expect(d!.match.differences?.positions).toEqual([4]);
    expect(d!.summary.en).toContain('verify');
  });

  it('reports a misread province character as fuzzy', () => {
    const [d] = watchlistVehicle(car('粤A5K321'), rule, ctx);
    expect(d).toMatchObject({ match: { exact: false, kind: 'province' }, severity: 'low' });
  });

  it('matches every plate of a seizure', () => {
    const drafts = watchlistVehicle(seizureEvent({ vehicles: [{ plate: '晋C12345' }, { plate: '晋M2E618' }] }), rule, ctx);
    expect(drafts.map((d) => d.subject.key)).toEqual(['晋M2E618']);
  });

  it('stays silent for a different plate, and for a look-alike when fuzzy matching is off', () => {
    expect(watchlistVehicle(car('晋M7K391'), rule, ctx)).toEqual([]);
    expect(watchlistVehicle(car('晋M2EG18'), defaultRule('watchlist_vehicle', { fuzzy: false }), ctx)).toEqual([]);
  });
});
