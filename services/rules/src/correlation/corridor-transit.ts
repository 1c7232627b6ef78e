import { MINUTE_MS, numParam } from '../rule-params';
import { evidenceOfSighting, qualifyingWindow, subjectOfKey, type SightingEvaluator } from './context';
import { sightingsBetween } from './partition-state';

/**
 * The same vehicle at ≥ N distinct checkpoints of one corridor within T (event time). A late sighting is
 * placed where it belongs in time, so it can complete a transit seen hours ago.
 */
export const corridorTransit: SightingEvaluator = (s, ks, rule, ctx) => {
  if (s.subjectKind !== 'vehicle') return [];
  const need = Math.max(2, numParam(rule, 'minCheckpoints', 3));
  const windowMs = numParam(rule, 'windowMinutes', 360) * MINUTE_MS;
  const corridors = ctx.registry.get(s.checkpointId)?.corridorIds ?? [];
  return corridors.flatMap((corridorId) => {
    const corridor = ctx.registry.corridor(corridorId);
    if (!corridor) return [];
    const on = new Set(corridor.checkpointIds);
    const candidates = sightingsBetween(ks.sightings, s.ms - windowMs, s.ms + windowMs).filter((x) => on.has(x.checkpointId));
    const win = qualifyingWindow(candidates, s, windowMs, need, (x) => x.checkpointId);
    if (!win) return [];
    const first = win[0]!;
    const route = [...new Set(win.map((x) => x.checkpointId))];
    const names = route.map((cp) => ctx.registry.get(cp)?.name ?? { zh: cp, en: cp });
    const hours = Math.round((windowMs / 3_600_000) * 10) / 10;
    const subject = subjectOfKey(ks.key);
    return [
      {
        rule,
        variant: corridorId,
        subject,
        match: { exact: true, kind: 'pattern' as const },
        severity: rule.severity,
        category: 'corridor_transit',
        action: 'covert_check' as const,
        summary: {
          zh: `车辆${subject.key}在${hours}小时内经过${corridor.name.zh}${route.length}个卡点:${names.map((n) => n.zh).join('→')}`,
          en: `vehicle ${subject.key} passed ${route.length} checkpoints of the ${corridor.name.en} within ${hours} h: ${names.map((n) => n.en).join(' → ')}`,
        },
        checkpointId: first.checkpointId,
        occurredAt: first.occurredAt,
        evidence: win.map(evidenceOfSighting),
        routeCheckpoints: route,
      },
    ];
  });
};
