import { maskResidentId, type Event, type Rule, type WatchlistEntry } from '../../../../schemas/src';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';
import type { HitDraft } from '../hit-builder';
import { evidenceOf } from '../hit-builder';
import type { WatchlistLookup } from '../watchlist-port';

export interface StatelessContext {
  watchlist: WatchlistLookup;
  registry: CheckpointRegistry;
}

/** A rule decidable from one event and the watchlist. Pure: the live worker, backtests and tests share it. */
export type StatelessEvaluator = (e: Event, rule: Rule, ctx: StatelessContext) => HitDraft[];

export const CATEGORY_LABEL: Record<string, { zh: string; en: string }> = {
  fugitive: { zh: '在逃人员', en: 'fugitive' },
  prior_trafficking: { zh: '制贩毒前科人员', en: 'person with a trafficking record' },
  registered_drug_user: { zh: '在册吸毒人员', en: 'registered drug user' },
  community_treatment: { zh: '社区戒毒/康复人员', en: 'person under community treatment' },
  revoked_licence: { zh: '注销驾驶证人员', en: 'person whose licence was revoked' },
  case_vehicle: { zh: '涉案车辆', en: 'case vehicle' },
  vehicle_of_interest: { zh: '重点车辆', en: 'vehicle of interest' },
  precursor_permit: { zh: '易制毒化学品许可', en: 'precursor permit' },
};
export const label = (category: string): { zh: string; en: string } => CATEGORY_LABEL[category] ?? { zh: category, en: category.replaceAll('_', ' ') };

const ROLE_LABEL: Record<string, { zh: string; en: string }> = {
  driver: { zh: '驾驶人', en: 'driver' },
  passenger: { zh: '乘车人', en: 'passenger' },
  subject: { zh: '受检人', en: 'test subject' },
  owner: { zh: '车主', en: 'owner' },
  courier: { zh: '运毒人员', en: 'courier' },
};
export const roleLabel = (role: string): { zh: string; en: string } => ROLE_LABEL[role] ?? { zh: '当事人', en: role };

export const personSubject = (id18: string): HitDraft['subject'] => ({ kind: 'person', key: id18, display: maskResidentId(id18) });
export const vehicleSubject = (plate: string): HitDraft['subject'] => ({ kind: 'vehicle', key: plate, display: plate });
export const entryMatch = (entry: WatchlistEntry): HitDraft['match'] => ({ entryId: entry.entryId, exact: true, kind: 'exact' });

/** The fields every draft of one event shares: where, when, and the event as evidence. */
export const at = (e: Event): Pick<HitDraft, 'checkpointId' | 'occurredAt' | 'evidence'> => ({ checkpointId: e.checkpointId, occurredAt: e.occurredAt, evidence: [evidenceOf(e)] });
export const eventTime = (e: Event): Date => new Date(Date.parse(e.occurredAt));
