import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, type Namespace } from '../support/namespace';
import { IDS, inspection, seizure } from '../support/sample-events';
import { gatewayFor } from './gateway-harness';
import type { Gateway } from '../../services/gateway/src/app';

describe('gateway bad input', () => {
  let ns: Namespace;
  let gateway: Gateway;
  let auth: Record<string, string>;
  beforeAll(async () => {
    ns = await createNamespace('gw-bad');
    const g = gatewayFor(ns);
    gateway = g.gateway;
    auth = { authorization: `Bearer ${g.officerToken}`, 'content-type': 'application/json' };
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await ns?.cleanup();
  });

  const post = (payload: string | object, headers = auth, url = '/api/v1/events') =>
    gateway.app.inject({ method: 'POST', url, headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  it.each([
    ['malformed JSON', '{"eventId": ', 400, 'malformed_json', ''],
    ['an unknown event type', { ...inspection(), type: 'parking_ticket' }, 400, 'validation_failed', '/type'],
    ['a resident id with a wrong check digit', inspection({ driver: { idNumber: `${IDS.hejin.slice(0, 17)}9` } }), 400, 'validation_failed', '/driver/idNumber'],
    ['a plate with the letter O in its serial', inspection({ vehicle: { plate: '晋CO2345', plateColor: 'blue', kind: 'car', direction: 'inbound' } }), 400, 'validation_failed', '/vehicle/plate'],
    ['a time without an offset', inspection({ occurredAt: '2026-11-22T14:03:11' }), 400, 'validation_failed', '/occurredAt'],
    ['a weight with three decimals', seizure({ items: [{ substance: 'heroin', form: 'powder', netWeightGrams: 1.234, packages: 1, concealment: 'body' }] }), 400, 'validation_failed', '/items/0/netWeightGrams'],
    ['a drug not on the list', seizure({ items: [{ substance: 'unobtainium', form: 'powder', netWeightGrams: 1, packages: 1, concealment: 'body' }] }), 400, 'validation_failed', '/items/0/substance'],
    ['a wrong type', inspection({ officerIds: 'O-1' }), 400, 'validation_failed', '/officerIds'],
    // An object whose `length` cannot be compared with a number (zod 4 runs length checks on it and throws).
    ['a plate object with a hostile length', inspection({ vehicle: { plate: { length: { toString: 0 } }, plateColor: 'blue', kind: 'car', direction: 'inbound' } }), 400, 'validation_failed', '/vehicle/plate'],
  ])('rejects %s with a precise problem', async (_name, payload, status, code, path) => {
    const res = await post(payload as object);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.code).toBe(code);
    if (code === 'validation_failed') expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('rejects an oversize body with 413', async () => {
    const huge = inspection({ findings: { suspicious: false, indicators: [], note: 'x'.repeat(9 * 1024 * 1024) } });
    const res = await post(huge);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await post('hello', { ...auth, 'content-type': 'text/plain' });
    expect(res.statusCode).toBe(415);
  });

  it('requires a token, and an officer may submit only for their own checkpoint', async () => {
    const noToken = await post(inspection(), { 'content-type': 'application/json' });
    expect(noToken.statusCode).toBe(401);
    const other = await post(inspection({ checkpointId: 'CP-530621-G85-02' }));
    expect(other.statusCode).toBe(403);
  });

  it('rejects a batch over 1,000 events and an out-of-range waitMs', async () => {
    const res = await post({ events: Array.from({ length: 1001 }, () => ({})) }, auth, '/api/v1/events/batch');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/events');
    const wait = await post(inspection(), auth, '/api/v1/events?waitMs=9000');
    expect(wait.statusCode).toBe(400);
  });
});
