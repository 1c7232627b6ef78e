import { createHash } from 'node:crypto';
import { jurisdictionChain, type Event, type Hit, type Rule, type Severity, type WatchlistEntry } from '../../../schemas/src';
import type { CheckpointRegistry } from '../../../lib/checkpoints';
import { MINUTE_MS } from './rule-params';

export type Evidence = Hit['evidence'][number];

/** What an evaluator decides; `applyDraft` turns it into a new hit or an update of a recent one. */
export interface HitDraft {
  rule: Rule;
  /** Separates hits one rule raises for different reasons (e.g. repeat positives under the positive-test rule). */
  variant?: string;
  subject: Hit['subject'];
  match: Hit['match'];
  entry?: WatchlistEntry;
  severity: Severity;
  category: string;
  action: Hit['action'];
  summary: Hit['summary'];
  /** Where the hit is raised: part of its id and of its routing. */
  checkpointId: string;
  /** Event time the cool-down bucket is taken from. */
  occurredAt: string;
  evidence: Evidence[];
  /** Further checkpoints whose jurisdictions see the hit (a corridor transit crosses several). */
  routeCheckpoints?: string[];
}

const ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
export const raiseSeverity = (s: Severity): Severity => ORDER[Math.min(ORDER.length - 1, ORDER.indexOf(s) + 1)]!;
export const lowerSeverity = (s: Severity): Severity => ORDER[Math.max(0, ORDER.indexOf(s) - 1)]!;
const maxSeverity = (a: Severity, b: Severity): Severity => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

const MAX_EVIDENCE = 500;
const MAX_JURISDICTIONS = 20;

/**
 * sha256(ruleId | subjectKey | checkpointId | coolDownBucket), the bucket taken from event time: a replay after
 * a crash yields the same ids, and repeats inside one cool-down update one hit instead of raising new ones.
 */
export function hitIdFor(ruleKey: string, subjectKey: string, checkpointId: string, occurredAt: string, coolDownMinutes: number): string {
  const t = Date.parse(occurredAt);
  const bucket = coolDownMinutes > 0 ? Math.floor(t / (coolDownMinutes * MINUTE_MS)) : t;
  return createHash('sha256').update(`${ruleKey}|${subjectKey}|${checkpointId}|${bucket}`).digest('hex');
}

export const draftHitId = (d: HitDraft): string =>
  hitIdFor(d.variant ? `${d.rule.ruleId}/${d.variant}` : d.rule.ruleId, `${d.subject.kind}:${d.subject.key}`, d.checkpointId, d.occurredAt, d.rule.coolDownMinutes);

/** The checkpoints' jurisdiction chains and the chain of the unit owning the matched entry (cross-region cooperation). */
export function routeJurisdictions(checkpointIds: readonly string[], registry: CheckpointRegistry, entry?: WatchlistEntry): string[] {
  const codes: string[] = [];
  for (const cp of checkpointIds) {
    const j = registry.jurisdictionOf(cp);
    if (j) codes.push(...jurisdictionChain(j));
  }
  if (entry) codes.push(...jurisdictionChain(entry.ownerJurisdiction));
  const out = [...new Set(codes)].slice(0, MAX_JURISDICTIONS);
  return out.length ? out : ['000000'];
}

export const evidenceOf = (e: Pick<Event, 'eventId' | 'type' | 'checkpointId' | 'occurredAt'>): Evidence => ({ eventId: e.eventId, type: e.type, checkpointId: e.checkpointId, occurredAt: e.occurredAt });

/**
 * A new hit from a draft, or the next version of `previous` with the draft's new evidence appended.
 * Returns undefined when the draft adds nothing (same evidence seen again, e.g. on a replay).
 */
export function applyDraft(d: HitDraft, previous: Hit | undefined, registry: CheckpointRegistry, now: Date): Hit | undefined {
  const at = now.toISOString();
  const routes = [d.checkpointId, ...(d.routeCheckpoints ?? [])];
  if (!previous) {
    return {
      schemaVersion: 1,
      hitId: draftHitId(d),
      ruleId: d.rule.ruleId,
      ruleVersion: d.rule.version,
      severity: d.severity,
      category: d.category,
      action: d.action,
      occurredAt: d.occurredAt,
      detectedAt: at,
      checkpointId: d.checkpointId,
      jurisdictions: routeJurisdictions(routes, registry, d.entry),
      subject: d.subject,
      match: d.match,
      evidence: dedupeEvidence(d.evidence).slice(-MAX_EVIDENCE),
      summary: d.summary,
      status: 'new',
      history: [{ at, by: 'rules', action: 'raised', version: 1 }],
      version: 1,
    };
  }
  const known = new Set(previous.evidence.map((x) => x.eventId));
  const added = dedupeEvidence(d.evidence).filter((x) => !known.has(x.eventId));
  if (added.length === 0) return undefined;
  const version = previous.version + 1;
  return {
    ...previous,
    ruleVersion: d.rule.version,
    severity: maxSeverity(previous.severity, d.severity),
    // An exact match outranks an earlier fuzzy one; otherwise the first explanation stands.
    match: !previous.match.exact && d.match.exact ? d.match : previous.match,
    jurisdictions: [...new Set([...previous.jurisdictions, ...routeJurisdictions(routes, registry, d.entry)])].slice(0, MAX_JURISDICTIONS),
    evidence: [...previous.evidence, ...added].slice(-MAX_EVIDENCE),
    summary: d.summary,
    history: [...previous.history, { at, by: 'rules', action: 'updated' as const, note: `evidence: ${added.map((x) => x.eventId).join(', ')}`.slice(0, 2000), version }].slice(-500),
    version,
  };
}

function dedupeEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return list.filter((x) => (seen.has(x.eventId) ? false : (seen.add(x.eventId), true)));
}
