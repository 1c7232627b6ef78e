import { createHash } from 'node:crypto';
import { WatchlistEntrySchema, type Rule, type WatchlistEntry, safeParse } from '../../../../schemas/src';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';
import type { HitDraft } from '../hit-builder';
import { DAY_MS, boolParam, numParam } from '../rule-params';
import { distinctEvents, evidenceOfSighting, subjectOfKey, type CorrelationContext } from './context';
import { sightingsBetween, type KeyState, type StoredSighting } from './partition-state';

const daysMs = (rule: Rule) => numParam(rule, 'days', 30) * DAY_MS;

function draft(seizure: StoredSighting, prior: StoredSighting[], ks: KeyState, rule: Rule, ctx: CorrelationContext): HitDraft {
  const subject = subjectOfKey(ks.key);
  const days = Math.round(daysMs(rule) / DAY_MS);
  const where = [...new Set(prior.map((x) => ctx.registry.get(x.checkpointId)?.name.zh ?? x.checkpointId))].slice(0, 5);
  return {
    rule,
    subject,
    match: { exact: true, kind: 'pattern' },
    severity: rule.severity,
    category: 'seizure_trace_back',
    action: 'covert_check',
    summary: {
      zh: `查获溯源:${subject.kind === 'vehicle' ? '涉案车辆' : '涉案人员'}${subject.display}此前${days}天内被查验${prior.length}次(${where.join('、')})`,
      en: `seizure trace-back: ${subject.kind === 'vehicle' ? 'seized vehicle' : 'seized person'} ${subject.display} was seen ${prior.length} times in the previous ${days} days`,
    },
    checkpointId: seizure.checkpointId,
    occurredAt: seizure.occurredAt,
    evidence: [seizure, ...prior].map(evidenceOfSighting),
    routeCheckpoints: [...new Set(prior.map((x) => x.checkpointId))],
  };
}

/**
 * On a seizure: every earlier sighting of the seized vehicle or person within D days becomes the evidence
 * of one hit. A sighting arriving late (offline terminal) that falls in a seizure's window updates that hit.
 */
export function traceBackDrafts(s: StoredSighting, ks: KeyState, rule: Rule, ctx: CorrelationContext): HitDraft[] {
  const window = daysMs(rule);
  const seizures = s.type === 'seizure' ? [s] : sightingsBetween(ks.sightings, s.ms, s.ms + window).filter((x) => x.type === 'seizure' && x.eventId !== s.eventId);
  return seizures.flatMap((seizure) => {
    const prior = distinctEvents(sightingsBetween(ks.sightings, seizure.ms - window, seizure.ms).filter((x) => x.eventId !== seizure.eventId));
    if (prior.length === 0) return [];
    // For a late sighting only that sighting is new evidence; the rest is already on the hit.
    return [draft(seizure, s.type === 'seizure' ? prior : prior.filter((x) => x.eventId === s.eventId), ks, rule, ctx)];
  });
}

/** The watchlist entry a seizure creates for a seized vehicle or person, with its provenance; deterministic id. */
export function traceBackEntry(seizure: StoredSighting, key: string, rule: Rule, registry: CheckpointRegistry, now: Date): WatchlistEntry | undefined {
  if (!boolParam(rule, 'createEntries', true)) return undefined;
  const vehicle = key.startsWith('plate:');
  const id = createHash('sha256').update(`${seizure.eventId}|${key}`).digest('hex').slice(0, 24);
  const from = Date.parse(seizure.occurredAt);
  const parsed = safeParse(WatchlistEntrySchema, {
    schemaVersion: 1,
    entryId: `TB-${id}`,
    kind: vehicle ? 'vehicle' : 'person',
    key: key.slice(key.indexOf(':') + 1),
    category: vehicle ? 'case_vehicle' : 'prior_trafficking',
    severity: 'high',
    action: vehicle ? 'detain' : 'covert_check',
    ownerJurisdiction: registry.jurisdictionOf(seizure.checkpointId) ?? '000000',
    reason: `查获案件涉案${vehicle ? '车辆' : '人员'}(事件${seizure.eventId}) / ${vehicle ? 'vehicle' : 'person'} of seizure ${seizure.eventId}`,
    validFrom: new Date(from).toISOString(),
    validUntil: new Date(from + numParam(rule, 'entryValidDays', 365) * DAY_MS).toISOString(),
    attributes: {},
    version: 1,
    provenance: { source: 'trace-back', by: 'rules', at: now.toISOString(), eventId: seizure.eventId },
  });
  return parsed.success ? parsed.data : undefined;
}
