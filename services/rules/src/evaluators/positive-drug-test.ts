import { raiseSeverity } from '../hit-builder';
import { listParam } from '../rule-params';
import { at, personSubject, type StatelessEvaluator } from './context';

/** 毒驾: a positive roadside test; escalated one level when the subject drives a coach or hazardous-goods vehicle (两客一危). */
export const positiveDrugTest: StatelessEvaluator = (e, rule) => {
  if (e.type !== 'drug_test') return [];
  const positives = e.results.filter((r) => r.outcome === 'positive');
  if (positives.length === 0) return [];
  const escalate = listParam(rule, 'escalateVehicleKinds', ['coach', 'bus', 'hazmat']);
  const professional = e.vehicle?.kind !== undefined && escalate.includes(e.vehicle.kind);
  const subs = positives.map((r) => r.substance).join(', ');
  return [
    {
      rule,
      subject: personSubject(e.subject.idNumber),
      match: { exact: true, kind: 'pattern' },
      severity: professional ? raiseSeverity(rule.severity) : rule.severity,
      category: 'positive_drug_test',
      action: 'detain',
      summary: professional
        ? { zh: `营运/危化品车辆驾驶人毒检阳性(${subs}),升级处置`, en: `professional (coach/hazmat) driver tested positive (${subs}): escalated` }
        : { zh: `毒检阳性(${subs})`, en: `roadside drug test positive (${subs})` },
      ...at(e),
    },
  ];
};
