import { canonicalPermitNo, type WatchlistEntry } from '../../../../schemas/src';
import { at, eventTime, type StatelessEvaluator } from './context';

/**
 * Precursor chemicals (易制毒化学品) carried without a permit valid at event time for that chemical and
 * carrier, or above the permitted quantity.
 */
export const precursorPermit: StatelessEvaluator = (e, rule, ctx) => {
  if (e.type !== 'inspection') return [];
  const plate = e.vehicle.plate;
  return (e.cargo?.precursors ?? []).flatMap((c) => {
    const permitNo = c.permitNo ? canonicalPermitNo(c.permitNo) : undefined;
    const fits = (p: WatchlistEntry) =>
      p.kind === 'permit' &&
      p.category === 'precursor_permit' &&
      (p.attributes.chemical === undefined || p.attributes.chemical === c.chemical) &&
      (p.attributes.carrierPlate === undefined || p.attributes.carrierPlate === plate) &&
      (permitNo === undefined || p.key === permitNo);
    const permits = ctx.watchlist.matchPermits({ ...(permitNo ? { permitNo } : {}), chemical: c.chemical, carrierPlate: plate }, eventTime(e)).filter(fits);
    // Of several fitting permits, the most generous one decides.
    const permit = permits.sort((a, b) => (b.attributes.maxQuantityKg ?? Infinity) - (a.attributes.maxQuantityKg ?? Infinity))[0];
    const limit = permit?.attributes.maxQuantityKg;
    const problem = !permit
      ? { zh: `运输易制毒化学品${c.chemical} ${c.quantityKg}kg,无有效许可证${permitNo ? `(出示${permitNo})` : ''}`, en: `${c.quantityKg} kg of ${c.chemical} without a valid permit${permitNo ? ` (showed ${permitNo})` : ''}` }
      : limit !== undefined && c.quantityKg > limit
        ? { zh: `易制毒化学品${c.chemical}超量:${c.quantityKg}kg,许可${limit}kg`, en: `${c.chemical} above its permit: ${c.quantityKg} kg of ${limit} kg allowed` }
        : undefined;
    if (!problem) return [];
    return [
      {
        rule,
        subject: { kind: 'cargo' as const, key: plate, display: `${plate} ${c.chemical}`.slice(0, 100) },
        match: { ...(permit ? { entryId: permit.entryId } : {}), exact: true, kind: 'pattern' as const },
        ...(permit ? { entry: permit } : {}),
        severity: rule.severity,
        category: 'precursor_permit',
        action: 'detain' as const,
        summary: problem,
        ...at(e),
      },
    ];
  });
};
