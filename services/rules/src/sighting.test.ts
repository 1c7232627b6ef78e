import { describe, expect, it } from 'vitest';
import { drugTestEvent, inspectionEvent, residentId, seizureEvent } from './fixtures';
import { SightingSchema, sightingsOf } from './sighting';

describe('sightings of an event', () => {
  it('keys an inspection by its plate and each person, carrying the suspicious flag', () => {
    const e = inspectionEvent({ driver: { idNumber: residentId(1) }, passengers: [{ idNumber: residentId(2) }], findings: { suspicious: true, indicators: [], note: '' } });
    const s = sightingsOf(e);
    expect(s.map((x) => [x.key, x.role])).toEqual([['plate:晋C12345', 'vehicle'], [`person:${residentId(1)}`, 'driver'], [`person:${residentId(2)}`, 'passenger']]);
    expect(s.every((x) => x.suspicious === true && x.eventId === e.eventId)).toBe(true);
    for (const x of s) expect(SightingSchema.parse(JSON.parse(JSON.stringify(x)))).toEqual(x);
  });

  it('marks a positive drug test and links it to its inspection; keys every seized vehicle and person', () => {
    const t = sightingsOf(drugTestEvent({ relatedEventId: 'insp-00000001', results: [{ substance: 'heroin', outcome: 'positive' }] }));
    expect(t).toMatchObject([{ subjectKind: 'person', role: 'subject', positive: true, relatedEventId: 'insp-00000001' }]);
    const z = sightingsOf(seizureEvent({ vehicles: [{ plate: '晋C12345' }, { plate: '晋D7H2K9' }] }));
    expect(z.map((x) => x.key)).toEqual(['plate:晋C12345', 'plate:晋D7H2K9', `person:140882199007051231`]);
  });
});
