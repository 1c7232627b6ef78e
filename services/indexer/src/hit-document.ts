import { jurisdictionChain, type Hit } from '../../../schemas/src';

/**
 * The searchable document of a hit. `jurisdictionChain` is the union of the chains of every jurisdiction
 * the hit was routed to, so "visible in my subtree" is one term query, as for events.
 */
export function hitDocument(h: Hit): Record<string, unknown> {
  return {
    hitId: h.hitId,
    ruleId: h.ruleId,
    ruleVersion: h.ruleVersion,
    severity: h.severity,
    category: h.category,
    status: h.status,
    ...(h.assignee ? { assignee: h.assignee } : {}),
    ...(h.disposition ? { disposition: h.disposition } : {}),
    checkpointId: h.checkpointId,
    jurisdictions: h.jurisdictions,
    jurisdictionChain: [...new Set(h.jurisdictions.flatMap(jurisdictionChain))],
    occurredAt: h.occurredAt,
    detectedAt: h.detectedAt,
    version: h.version,
    subjectKind: h.subject.kind,
    subjectKey: h.subject.key,
    matchExact: h.match.exact,
    evidenceEventIds: [...new Set(h.evidence.map((e) => e.eventId))],
    summary: `${h.summary.zh}\n${h.summary.en}`,
    hit: h,
  };
}
