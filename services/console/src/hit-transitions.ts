import { jurisdictionChain, type Hit, type HitAction } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';

/** Which workflow actions each status allows. */
const ALLOWED: Record<Hit['status'], ReadonlyArray<HitAction['action']>> = {
  new: ['acknowledge', 'assign', 'resolve'],
  acknowledged: ['assign', 'resolve'],
  assigned: ['assign', 'resolve'],
  resolved: ['reopen'],
};

export function checkVersion(hit: Hit, expectedVersion: number): void {
  if (expectedVersion !== hit.version) {
    throw new AppError('version_conflict', `The hit is at version ${hit.version}; the action was based on version ${expectedVersion}. Reload it and try again.`, { extra: { currentVersion: hit.version } });
  }
}

/**
 * The hit after a workflow action: status moved, one history entry, version + 1. Throws 409
 * `invalid_transition` for a move the current status does not allow (version checks are separate).
 */
export function applyAction(hit: Hit, a: HitAction, by: string, now: Date): Hit {
  if (!ALLOWED[hit.status].includes(a.action)) throw new AppError('invalid_transition', `A hit that is ${hit.status} cannot take "${a.action}"`, { extra: { status: hit.status, allowed: ALLOWED[hit.status] } });
  const version = hit.version + 1;
  const history = [...hit.history, { at: now.toISOString(), by, action: a.action, ...(a.note ? { note: a.note } : {}), version }].slice(-500);
  const { disposition: _d, ...open } = hit;
  switch (a.action) {
    case 'acknowledge':
      return { ...hit, status: 'acknowledged', history, version };
    case 'assign':
      return { ...hit, status: 'assigned', assignee: a.assignee, history, version };
    case 'resolve':
      return { ...hit, status: 'resolved', disposition: a.disposition, history, version };
    case 'reopen':
      // Someone reopening it is aware of it: it goes back to its owner, not to "new" (which would escalate).
      return { ...open, status: hit.assignee ? 'assigned' : 'acknowledged', history, version };
  }
}

/**
 * The jurisdiction a not-acknowledged hit is escalated to: the first level of the checkpoint's chain
 * (county → prefecture → province) the hit is not yet routed to, else national (`000000`). Ancestors see
 * their subtree's hits anyway; the escalation is what tells the next level that this one is theirs now
 * (a `hit.updated` frame with an `escalate` history entry, the level added to `jurisdictions`).
 */
export function nextEscalationLevel(hit: Hit, checkpointJurisdiction: string | undefined): string | undefined {
  const chain = [...(checkpointJurisdiction ? jurisdictionChain(checkpointJurisdiction) : []), '000000'];
  return chain.find((j) => !hit.jurisdictions.includes(j));
}

/** True for a critical hit nobody acknowledged within `afterMs` of its detection that was not escalated yet. */
export function needsEscalation(hit: Hit, now: number, afterMs: number): boolean {
  return hit.severity === 'critical' && hit.status === 'new' && now - Date.parse(hit.detectedAt) >= afterMs && !hit.history.some((h) => h.action === 'escalate');
}

export function applyEscalation(hit: Hit, to: string, afterMs: number, by: string, now: Date): Hit {
  const version = hit.version + 1;
  const minutes = Math.round(afterMs / 60_000);
  return {
    ...hit,
    jurisdictions: [...hit.jurisdictions, to].slice(0, 20),
    history: [...hit.history, { at: now.toISOString(), by, action: 'escalate' as const, note: `not acknowledged within ${minutes} min; escalated to ${to}`, version }].slice(-500),
    version,
  };
}
