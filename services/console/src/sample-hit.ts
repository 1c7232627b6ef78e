import { HitSchema, type Hit } from '../../../schemas/src';

/** A valid hit as the rules service raises it (for unit tests and integration producers); override any field. */
export function sampleHit(overrides: Partial<Hit> & Record<string, unknown> = {}): Hit {
  const detectedAt = (overrides.detectedAt as string | undefined) ?? '2026-11-22T06:03:12.000Z';
  return HitSchema.parse({
    schemaVersion: 1,
    hitId: 'hit-0001',
    ruleId: 'watchlist-person',
    ruleVersion: 1,
    severity: 'critical',
    category: 'fugitive',
    action: 'detain',
    occurredAt: '2026-11-22T14:03:11.250+08:00',
    detectedAt,
    checkpointId: 'CP-140882-G5-01',
    jurisdictions: ['140882', '140800', '140000'],
    subject: { kind: 'person', key: '140882199007051231', display: '140882********1231' },
    match: { entryId: 'WL-P-0001', exact: true, kind: 'exact' },
    evidence: [{ eventId: 'ev-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T14:03:11.250+08:00' }],
    summary: { zh: '在逃人员比中', en: 'fugitive on watchlist' },
    status: 'new',
    history: [{ at: detectedAt, by: 'rules', action: 'raised', version: 1 }],
    version: 1,
    ...overrides,
  });
}
