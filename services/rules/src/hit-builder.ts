import { createHash } from 'node:crypto';
import { jurisdictionChain, type Event, type Hit, type Rule, type WatchlistEntry } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';

export interface HitDraft {
  rule: Rule;
  subject: Hit['subject'];
  match: Hit['match'];
  entry?: WatchlistEntry;
  severity: Hit['severity'];
  category: string;
  action: Hit['action'];
  summary: Hit['summary'];
}

/**
 * Same (rule, subject, checkpoint) inside one cool-down bucket of event time → the same id, so a replay
 * after a crash yields the same hits and repeats update one hit instead of raising new ones.
 */
export function hitIdFor(ruleId: string, subjectKey: string, checkpointId: string, occurredAt: string, coolDownMinutes: number): string {
  const bucket = coolDownMinutes > 0 ? Math.floor(Date.parse(occurredAt) / (coolDownMinutes * 60_000)) : Date.parse(occurredAt);
  return createHash('sha256').update(`${ruleId}|${subjectKey}|${checkpointId}|${bucket}`).digest('hex').slice(0, 40);
}

/** Routed to the checkpoint's jurisdiction chain and the chain of the unit that owns the matched entry. */
export function routeJurisdictions(checkpointId: string, registry: CheckpointRegistry, entry?: WatchlistEntry): string[] {
  const cp = registry.jurisdictionOf(checkpointId);
  return [...new Set([...(cp ? jurisdictionChain(cp) : []), ...(entry ? jurisdictionChain(entry.ownerJurisdiction) : [])])];
}

export function buildHit(d: HitDraft, e: Event, registry: CheckpointRegistry, previous: Hit | undefined, now: Date): Hit {
  const evidence = { eventId: e.eventId, type: e.type, checkpointId: e.checkpointId, occurredAt: e.occurredAt };
  const detectedAt = now.toISOString();
  if (previous) {
    if (previous.evidence.some((x) => x.eventId === e.eventId)) return previous;
    const version = previous.version + 1;
    return { ...previous, evidence: [...previous.evidence, evidence].slice(-500), version, history: [...previous.history, { at: detectedAt, by: 'rules', action: 'updated' as const, note: `repeat: ${e.eventId}`, version }].slice(-500) };
  }
  return {
    schemaVersion: 1,
    hitId: hitIdFor(d.rule.ruleId, `${d.subject.kind}:${d.subject.key}`, e.checkpointId, e.occurredAt, d.rule.coolDownMinutes),
    ruleId: d.rule.ruleId,
    ruleVersion: d.rule.version,
    severity: d.severity,
    category: d.category,
    action: d.action,
    occurredAt: e.occurredAt,
    detectedAt,
    checkpointId: e.checkpointId,
    jurisdictions: routeJurisdictions(e.checkpointId, registry, d.entry),
    subject: d.subject,
    match: d.match,
    evidence: [evidence],
    summary: d.summary,
    status: 'new',
    history: [{ at: detectedAt, by: 'rules', action: 'raised', version: 1 }],
    version: 1,
  };
}
