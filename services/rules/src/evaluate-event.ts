import type { Event, Rule, RuleKind } from '../../../schemas/src';
import type { HitDraft } from './hit-builder';
import type { StatelessContext, StatelessEvaluator } from './evaluators/context';
import { watchlistPerson } from './evaluators/watchlist-person';
import { watchlistVehicle } from './evaluators/watchlist-vehicle';
import { positiveDrugTest } from './evaluators/positive-drug-test';
import { revokedLicenceDriving } from './evaluators/revoked-licence';
import { communityTreatment } from './evaluators/community-treatment';
import { coTraveller } from './evaluators/co-traveller';
import { precursorPermit } from './evaluators/precursor-permit';

/** The rules stage 1 decides from one event; the others correlate sightings over time (stage 2). */
export const STATELESS: Partial<Record<RuleKind, StatelessEvaluator>> = {
  watchlist_person: watchlistPerson,
  watchlist_vehicle: watchlistVehicle,
  positive_drug_test: positiveDrugTest,
  revoked_licence_driving: revokedLicenceDriving,
  community_treatment_violation: communityTreatment,
  co_traveller: coTraveller,
  precursor_permit: precursorPermit,
};

/** Every enabled stateless rule over one event (several rules of one kind may coexist, e.g. a draft copy). */
export function evaluateEvent(e: Event, rules: readonly Rule[], ctx: StatelessContext): HitDraft[] {
  return rules.flatMap((rule) => {
    const evaluate = rule.enabled ? STATELESS[rule.kind] : undefined;
    return evaluate ? evaluate(e, rule, ctx) : [];
  });
}
