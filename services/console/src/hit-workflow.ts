import { AppError } from '../../../lib/errors';
import type { Hit, HitAction } from '../../../schemas/src';

/** Allowed workflow moves: from status → actions. */
const ALLOWED: Record<Hit['status'], HitAction['action'][]> = {
  new: ['acknowledge', 'assign', 'resolve'],
  acknowledged: ['assign', 'resolve'],
  assigned: ['acknowledge', 'assign', 'resolve'],
  resolved: ['reopen'],
};

/** The next version of a hit after an action, or a 409 for a stale version or an impossible move. */
export function applyAction(hit: Hit, a: HitAction, by: string, now: Date): Hit {
  if (a.expectedVersion !== hit.version) throw new AppError('version_conflict', `The hit is at version ${hit.version}; you acted on ${a.expectedVersion}. Reload and try again.`, { extra: { currentVersion: hit.version } });
  if (!ALLOWED[hit.status].includes(a.action)) throw new AppError('invalid_transition', `A ${hit.status} hit cannot be ${a.action}d`);
  const version = hit.version + 1;
  const next: Hit = { ...hit, version, history: [...hit.history, { at: now.toISOString(), by, action: a.action, ...(a.note ? { note: a.note } : {}), version }] };
  switch (a.action) {
    case 'acknowledge':
      return { ...next, status: 'acknowledged' };
    case 'assign':
      return { ...next, status: 'assigned', assignee: a.assignee };
    case 'resolve':
      return { ...next, status: 'resolved', disposition: a.disposition };
    case 'reopen': {
      const { disposition: _d, ...rest } = next;
      return { ...rest, status: 'new' };
    }
  }
}
