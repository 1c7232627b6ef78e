import { describe, expect, it } from 'vitest';
import { HitActionSchema, HitSchema, HitUpdateHeadersSchema } from './hit';
import { validationErrors } from './validation-errors';
import { VerdictSchema } from './verdict';

const sampleHit = {
  hitId: 'h-3f9a0c2e',
  ruleId: 'watchlist-vehicle',
  ruleVersion: 1,
  severity: 'medium',
  category: 'case_vehicle',
  action: 'covert_check',
  occurredAt: '2026-11-22T14:03:11.250+08:00',
  detectedAt: '2026-11-22T14:03:11.900+08:00',
  checkpointId: 'CP-530621-G85-02',
  jurisdictions: ['530621', '530600', '530000'],
  subject: { kind: 'vehicle', key: '晋M2EG18', display: '晋M2EG18' },
  match: { entryId: 'WL-V-0003', exact: false, kind: 'lookalike', differences: { positions: [4], description: { zh: '疑误识:第5位形近6/G', en: 'possible misread: look-alike 6/G at 5' } } },
  evidence: [{ eventId: 'evt-1', type: 'inspection', checkpointId: 'CP-530621-G85-02', occurredAt: '2026-11-22T14:03:11.250+08:00' }],
  summary: { zh: '号牌疑似布控车辆', en: 'plate may be a listed vehicle' },
  version: 1,
};

const problems = (schema: typeof HitSchema | typeof HitActionSchema | typeof VerdictSchema, x: unknown) => {
  const r = schema.safeParse(x);
  return r.success ? [] : validationErrors(r.error).map((e) => e.path);
};

describe('hit schema', () => {
  it('accepts a fuzzy hit with its differences and starts it as new with no history', () => {
    expect(HitSchema.parse(sampleHit)).toMatchObject({ status: 'new', history: [], schemaVersion: 1, match: { exact: false, kind: 'lookalike' } });
  });

  it('accepts a hit with a rule category that is not a watchlist category', () => {
    expect(HitSchema.parse({ ...sampleHit, category: 'corridor_transit', match: { exact: true, kind: 'pattern' } }).category).toBe('corridor_transit');
  });

  it('rejects a hit without evidence, jurisdictions or a valid version', () => {
    expect(problems(HitSchema, { ...sampleHit, evidence: [] })).toEqual(['/evidence']);
    expect(problems(HitSchema, { ...sampleHit, jurisdictions: [] })).toEqual(['/jurisdictions']);
    expect(problems(HitSchema, { ...sampleHit, jurisdictions: ['5306'] })).toEqual(['/jurisdictions/0']);
    expect(problems(HitSchema, { ...sampleHit, version: 0 })).toEqual(['/version']);
  });

  it('rejects unknown statuses, match kinds, evidence types and history actions where they are', () => {
    expect(problems(HitSchema, { ...sampleHit, status: 'closed' })).toEqual(['/status']);
    expect(problems(HitSchema, { ...sampleHit, match: { exact: false, kind: 'guess' } })).toEqual(['/match/kind']);
    expect(problems(HitSchema, { ...sampleHit, evidence: [{ ...sampleHit.evidence[0], type: 'arrest' }] })).toEqual(['/evidence/0/type']);
    expect(problems(HitSchema, { ...sampleHit, history: [{ at: '2026-11-22T14:05:00+08:00', by: 'u1', action: 'delete', version: 2 }] })).toEqual(['/history/0/action']);
    expect(problems(HitSchema, { ...sampleHit, category: 'x'.repeat(65) })).toEqual(['/category']);
  });
});

describe('hit actions', () => {
  it('accepts each workflow action with its own fields', () => {
    expect(HitActionSchema.parse({ action: 'acknowledge', expectedVersion: 1 })).toEqual({ action: 'acknowledge', expectedVersion: 1 });
    expect(HitActionSchema.parse({ action: 'assign', expectedVersion: 2, assignee: 'officer-17', note: '请核查' })).toMatchObject({ assignee: 'officer-17' });
    expect(HitActionSchema.parse({ action: 'resolve', expectedVersion: 3, disposition: 'false_positive' })).toMatchObject({ disposition: 'false_positive' });
    expect(HitActionSchema.parse({ action: 'reopen', expectedVersion: 4 })).toMatchObject({ action: 'reopen' });
  });

  it('requires the expected version, an assignee to assign and a disposition to resolve', () => {
    expect(problems(HitActionSchema, { action: 'acknowledge' })).toEqual(['/expectedVersion']);
    expect(problems(HitActionSchema, { action: 'assign', expectedVersion: 1 })).toEqual(['/assignee']);
    expect(problems(HitActionSchema, { action: 'assign', expectedVersion: 1, assignee: '' })).toEqual(['/assignee']);
    expect(problems(HitActionSchema, { action: 'resolve', expectedVersion: 1, disposition: 'done' })).toEqual(['/disposition']);
    expect(problems(HitActionSchema, { action: 'delete', expectedVersion: 1 })).toEqual(['/action']);
    expect(problems(HitActionSchema, { action: 'reopen', expectedVersion: 1, note: 'x'.repeat(2001) })).toEqual(['/note']);
  });

  it('validates the headers of a hit-updates record', () => {
    expect(HitUpdateHeadersSchema.safeParse({ kind: 'action', 'workflow-seq': '3', instance: 'console-1' }).success).toBe(true);
    expect(HitUpdateHeadersSchema.safeParse({ kind: 'action', 'workflow-seq': 'three', instance: 'console-1' }).success).toBe(false);
  });
});

describe('verdicts', () => {
  it('carry the hits of one judged event', () => {
    const v = VerdictSchema.parse({ eventId: 'evt-1', judgedAt: '2026-11-22T06:03:12.000Z', hits: [sampleHit] });
    expect(v.hits.map((h) => h.hitId)).toEqual(['h-3f9a0c2e']);
    expect(VerdictSchema.parse({ eventId: 'evt-2', judgedAt: '2026-11-22T06:03:12.000Z', hits: [] }).hits).toEqual([]);
  });

  it('reject an invalid hit inside, at its path', () => {
    expect(problems(VerdictSchema, { eventId: 'evt-1', judgedAt: '2026-11-22T06:03:12.000Z', hits: [{ ...sampleHit, severity: 'urgent' }] })).toEqual(['/hits/0/severity']);
  });
});
