import { raiseSeverity } from '../hit-builder';
import { DAY_MS, numParam } from '../rule-params';
import { sightingsBetween } from './partition-state';
import { distinctEvents, evidenceOfSighting, qualifyingWindow, subjectOfKey, type SightingEvaluator } from './context';

/** Repeat positives: a person testing positive again within the window; escalated above a single positive. */
export const repeatPositive: SightingEvaluator = (s, ks, rule) => {
  if (s.subjectKind !== 'person' || s.type !== 'drug_test' || !s.positive) return [];
  const windowMs = numParam(rule, 'repeatWindowDays', 30) * DAY_MS;
  const need = Math.max(2, numParam(rule, 'repeatMinCount', 2));
  const positives = distinctEvents(sightingsBetween(ks.sightings, s.ms - windowMs, s.ms + windowMs).filter((x) => x.type === 'drug_test' && x.positive && x.role === 'subject'));
  const win = qualifyingWindow(positives, s, windowMs, need, (x) => x.eventId);
  if (!win) return [];
  const first = win[0]!;
  const days = Math.round(windowMs / DAY_MS);
  return [
    {
      rule,
      variant: 'repeat',
      subject: subjectOfKey(ks.key),
      match: { exact: true, kind: 'pattern' as const },
      severity: raiseSeverity(rule.severity),
      category: 'repeat_positive',
      action: 'detain' as const,
      summary: { zh: `${days}天内${win.length}次毒检阳性,升级处置`, en: `${win.length} positive drug tests within ${days} days: escalated` },
      checkpointId: first.checkpointId,
      occurredAt: first.occurredAt,
      evidence: win.map(evidenceOfSighting),
      routeCheckpoints: [...new Set(win.map((x) => x.checkpointId))],
    },
  ];
};
