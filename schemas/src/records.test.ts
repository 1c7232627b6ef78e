import { describe, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH, AuditRecordSchema } from './audit';
import { DeadLetterSchema } from './dead-letter';
import { personSubjectKey, plateSubjectKey, SightingSchema, WatermarkTickSchema } from './sighting';
import { validationErrors } from './validation-errors';

const paths = (r: { success: boolean; error?: Parameters<typeof validationErrors>[0] }) => (r.success || !r.error ? [] : validationErrors(r.error).map((e) => e.path));

const audit = {
  recordId: 'console-1.20261122T060000.a1b2c3:0',
  chainId: 'console-1.20261122T060000.a1b2c3',
  seq: 0,
  at: '2026-11-22T06:00:01.000Z',
  actor: 'inv-007',
  role: 'investigator',
  action: 'search',
  target: 'person:140882199007052410',
  purpose: '案件 2026-0417 侦查',
  prevHash: AUDIT_GENESIS_HASH,
  hash: 'a'.repeat(64),
};

describe('audit records', () => {
  it('accept a chained record and default details and cross-jurisdiction', () => {
    expect(AuditRecordSchema.parse(audit)).toMatchObject({ details: {}, crossJurisdiction: false, schemaVersion: 1 });
  });

  it('reject hashes that are not lower-case SHA-256 hex, and unknown actions', () => {
    expect(paths(AuditRecordSchema.safeParse({ ...audit, hash: 'A'.repeat(64) }))).toEqual(['/hash']);
    expect(paths(AuditRecordSchema.safeParse({ ...audit, prevHash: '0'.repeat(63) }))).toEqual(['/prevHash']);
    expect(paths(AuditRecordSchema.safeParse({ ...audit, action: 'peek' }))).toEqual(['/action']);
    expect(paths(AuditRecordSchema.safeParse({ ...audit, seq: -1 }))).toEqual(['/seq']);
  });
});

describe('dead letters', () => {
  const letter = { sourceTopic: 'events.v1', partition: 3, offset: '18446744073709551615', reason: '/vehicle/plate: serials never use the letters I or O', payload: '{"eventId":"x"}', at: '2026-11-22T06:00:01.000Z', service: 'rules' };

  it('keep 64-bit offsets as decimal strings', () => {
    expect(DeadLetterSchema.parse(letter).offset).toBe('18446744073709551615');
  });

  it('reject a numeric or negative offset and a negative partition', () => {
    expect(paths(DeadLetterSchema.safeParse({ ...letter, offset: 12 }))).toEqual(['/offset']);
    expect(paths(DeadLetterSchema.safeParse({ ...letter, offset: '-1' }))).toEqual(['/offset']);
    expect(paths(DeadLetterSchema.safeParse({ ...letter, partition: -1 }))).toEqual(['/partition']);
  });
});

describe('sightings', () => {
  it('are keyed by subject and validated like events', () => {
    expect(plateSubjectKey('晋C12345')).toBe('plate:晋C12345');
    expect(personSubjectKey('140882199007052410')).toBe('person:140882199007052410');
    const s = { eventId: 'evt-1', type: 'inspection', checkpointId: 'CP-140882-G5-01', occurredAt: '2026-11-22T14:03:11+08:00', subjectKind: 'vehicle', key: 'plate:晋C12345', role: 'vehicle' };
    expect(SightingSchema.parse(s).schemaVersion).toBe(1);
    expect(paths(SightingSchema.safeParse({ ...s, type: 'arrest' }))).toEqual(['/type']);
    expect(paths(WatermarkTickSchema.safeParse({ watermark: '2026-11-22T14:03:11' }))).toEqual(['/watermark']);
  });
});
