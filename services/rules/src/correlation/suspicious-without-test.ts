import type { Rule } from '../../../../schemas/src';
import type { HitDraft } from '../hit-builder';
import { roleLabel } from '../evaluators/context';
import { MINUTE_MS, listParam, numParam } from '../rule-params';
import { evidenceOfSighting, subjectOfKey } from './context';
import type { KeyState, Obligation, StoredSighting } from './partition-state';

const windowMs = (rule: Rule) => numParam(rule, 'windowMinutes', 30) * MINUTE_MS;
// A terminal's clock may run a little behind another's: a test stamped just before the inspection still counts.
const toleranceMs = (rule: Rule) => numParam(rule, 'toleranceMinutes', 5) * MINUTE_MS;
// How long after the deadline a drug test still updates the hit (reported late, or done late).
const lateTestMs = (rule: Rule) => numParam(rule, 'lateTestHours', 24) * 60 * MINUTE_MS;

/** A suspicious inspection of a person in one of the rule's roles opens an obligation to test them (逢嫌必检). */
export function obligationOf(s: StoredSighting, ks: KeyState, rule: Rule): Obligation | undefined {
  if (s.subjectKind !== 'person' || s.type !== 'inspection' || !s.suspicious) return undefined;
  if (!listParam(rule, 'roles', ['driver', 'passenger']).includes(s.role)) return undefined;
  return { key: ks.key, rule, inspection: s, deadlineMs: s.ms + windowMs(rule) };
}

const testsOf = (ks: KeyState) => ks.sightings.filter((x) => x.type === 'drug_test' && x.role === 'subject');

/** True once the person was tested inside the window (or by a test naming the inspection). */
export function isMet(ob: Obligation, ks: KeyState): boolean {
  const from = ob.inspection.ms - toleranceMs(ob.rule);
  return testsOf(ks).some((t) => t.relatedEventId === ob.inspection.eventId || (t.ms >= from && t.ms <= ob.deadlineMs));
}

function draft(ob: Obligation, ks: KeyState, test: StoredSighting | undefined): HitDraft {
  const { inspection: i, rule } = ob;
  const minutes = Math.round(windowMs(rule) / MINUTE_MS);
  const role = roleLabel(i.role);
  const where = i.plate ? `(${i.plate})` : '';
  const late = test ? Math.round((test.ms - i.ms) / MINUTE_MS) : 0;
  const summary = !test
    ? { zh: `逢嫌必检:可疑检查后${minutes}分钟内未对${role.zh}${where}进行毒品检测`, en: `suspicious inspection${where ? ` of ${i.plate}` : ''} not followed by a drug test of the ${role.en} within ${minutes} min` }
    : test.ms <= ob.deadlineMs
      ? { zh: `逢嫌必检:${role.zh}${where}已在${late}分钟后检测(检测记录迟报)`, en: `the ${role.en}${where ? ` of ${i.plate}` : ''} was tested ${late} min after the inspection (the test was reported late)` }
      : { zh: `逢嫌必检:${role.zh}${where}在检查${late}分钟后才检测(超时)`, en: `the ${role.en}${where ? ` of ${i.plate}` : ''} was tested only ${late} min after the inspection (overdue)` };
  return {
    rule,
    subject: subjectOfKey(ks.key),
    match: { exact: true, kind: 'pattern' },
    severity: rule.severity,
    category: 'suspicious_without_test',
    action: 'test',
    summary,
    checkpointId: i.checkpointId,
    occurredAt: i.occurredAt,
    evidence: test ? [evidenceOfSighting(i), evidenceOfSighting(test)] : [evidenceOfSighting(i)],
  };
}

/** The hit for an obligation whose deadline passed the watermark without a test. */
export const unmetDraft = (ob: Obligation, ks: KeyState): HitDraft => draft(ob, ks, undefined);

/** A drug test arriving after its inspection was already reported untested updates that hit. */
export function lateTestDrafts(s: StoredSighting, ks: KeyState, rule: Rule): HitDraft[] {
  if (s.subjectKind !== 'person' || s.type !== 'drug_test' || s.role !== 'subject' || !ks.reported?.size) return [];
  const reported = ks.reported;
  return ks.sightings.flatMap((i) => {
    if (!reported.has(i.eventId) || i.type !== 'inspection') return [];
    const ob = obligationOf(i, ks, rule);
    if (!ob) return [];
    const related = s.relatedEventId === i.eventId;
    if (!related && (s.ms < i.ms - toleranceMs(rule) || s.ms > ob.deadlineMs + lateTestMs(rule))) return [];
    return [draft(ob, ks, s)];
  });
}
