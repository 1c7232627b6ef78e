/**
 * Valid example bodies and the query parameters handlers read, for the operations whose body or query
 * is validated in the handler and not described in the OpenAPI document: the fuzzer mutates these, so it
 * reaches past the first "wrong shape" 400 into the code behind it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { SAMPLE_PLATES, SAMPLE_RESIDENT_IDS } from '../../schemas/src';

/** The checkpoint the fuzzers' officer token is bound to. */
export const FUZZ_CHECKPOINT = 'CP-140882-G5-01';

const occurredAt = () => new Date(Date.now() - Math.floor(Math.random() * 86_400_000)).toISOString().replace('Z', '+00:00');

/** A valid event of each type at the fuzz checkpoint, each with a fresh eventId. */
export function validEvents(n: number): unknown[] {
  const base = () => ({ eventId: randomUUID(), occurredAt: occurredAt(), checkpointId: FUZZ_CHECKPOINT, terminalId: 'T-FUZZ', officerIds: ['O-1408-0001'] });
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 3;
    if (kind === 0)
      out.push({ ...base(), type: 'inspection', vehicle: { plate: SAMPLE_PLATES.shanxiYuncheng, plateColor: 'blue', kind: 'car', direction: 'inbound' }, driver: { idNumber: SAMPLE_RESIDENT_IDS.hejin, name: '张伟' }, findings: { suspicious: i % 2 === 0, indicators: [], note: '例行检查' }, outcome: 'released' });
    else if (kind === 1)
      out.push({ ...base(), type: 'drug_test', subject: { idNumber: SAMPLE_RESIDENT_IDS.yuncheng }, reason: 'suspicious_inspection', specimen: 'saliva', kit: { model: 'DT-6', lot: 'L1' }, results: [{ substance: 'methamphetamine', outcome: 'negative', cutoffNgMl: 50 }] });
    else out.push({ ...base(), type: 'seizure', items: [{ substance: 'methamphetamine', form: 'crystal', netWeightGrams: 12.5, packages: 1, concealment: 'hidden_compartment' }], vehicles: [{ plate: SAMPLE_PLATES.shanxiTaiyuan }], persons: [{ idNumber: SAMPLE_RESIDENT_IDS.taiyuan, role: 'driver', detained: true }] });
  }
  return out;
}

const watchlistLines = readFileSync(join(REPO_ROOT, 'infra/demo/watchlist.ndjson'), 'utf8').split('\n').filter((l) => l.trim());

export function gatewaySeeds(): { seedBodies: Record<string, unknown[]>; extraQuery: Record<string, string[]> } {
  const events = validEvents(60);
  return {
    seedBodies: {
      'POST /api/v1/events': events,
      'POST /api/v1/events/batch': [{ events: events.slice(0, 5) }, { events: events.slice(5, 6) }, { events: [] }],
      'POST /api/v1/auth/token': [{ username: 'nobody', password: 'wrong-password' }],
    },
    extraQuery: {},
  };
}

export function consoleSeeds(): { seedBodies: Record<string, unknown[]>; extraQuery: Record<string, string[]>; rawBodies: Record<string, Array<{ body: string; type: string }>> } {
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
  return {
    seedBodies: {
      'POST /api/v1/hits/{hitId}/actions': [{ action: 'acknowledge', expectedVersion: 1 }, { action: 'assign', expectedVersion: 2, assignee: 'cmd-1' }, { action: 'resolve', expectedVersion: 3, disposition: 'false_positive' }, { action: 'reopen', expectedVersion: 4, note: 'x' }],
      'PUT /api/v1/watchlist/entries/{entryId}': watchlistLines.slice(0, 5).map((l) => JSON.parse(l) as unknown),
      'PUT /api/v1/rules/{ruleId}': [{ kind: 'corridor_transit', enabled: true, severity: 'medium', coolDownMinutes: 360, description: { zh: '通道', en: 'corridor' }, params: { minCheckpoints: 3, windowMinutes: 360 } }],
      'POST /api/v1/rules/{ruleId}/backtest': [{ from: '2026-11-01T00:00:00+08:00', to: '2026-11-23T00:00:00+08:00' }],
      'POST /api/v1/accounts': [{ username: 'fuzz-user', role: 'investigator', jurisdiction: '530600', password: 'a-long-password-1' }],
      'PATCH /api/v1/accounts/{username}': [{ role: 'commander' }, { disabled: true }, { checkpointId: null }],
      'POST /api/v1/accounts/{username}/password': [{ password: 'another-long-password' }, {}],
      'POST /api/v1/auth/revoke': [{ username: 'fuzz-user', jti: 'x' }],
      'POST /api/v1/grants': [{ grantee: 'fuzz-user', jurisdiction: '140882', caseNumber: 'A-2026-17', reason: 'fuzz', validUntil: until }],
      'POST /api/v1/search': [{ plate: '晋C*45', purpose: '案件 A-2026-17' }, { idNumber: SAMPLE_RESIDENT_IDS.hejin, purpose: 'case A-2026-17' }, { query: '冰毒', aggregations: true, size: 200 }],
    },
    extraQuery: {
      'GET /api/v1/hits': ['status', 'severity', 'checkpointId', 'from', 'to', 'limit', 'after'],
      'GET /api/v1/watchlist/entries': ['kind', 'category', 'q', 'limit'],
      'GET /api/v1/audit': ['actor', 'action', 'from', 'to', 'limit', 'after'],
      'POST /api/v1/watchlist/import': ['format'],
    },
    rawBodies: {
      'POST /api/v1/watchlist/import': [
        { body: watchlistLines.slice(0, 3).join('\n'), type: 'application/x-ndjson' },
        { body: 'entryId,kind,key,category,severity,action,ownerJurisdiction,reason,validFrom,validUntil\nWL-F-1,vehicle,晋M7K391,case_vehicle,high,detain,140882,x,2026-01-01T00:00:00+08:00,2027-01-01T00:00:00+08:00', type: 'text/csv' },
      ],
    },
  };
}
