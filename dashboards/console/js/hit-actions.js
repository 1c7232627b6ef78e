// Workflow actions on a hit (acknowledge / assign / resolve / reopen) with optimistic versioning: the
// action carries the version the user saw; a 409 means someone else changed the hit first, so it is
// reloaded and the user decides again on what is now there.
import { api, ApiError } from './api.js';
import { hitStore } from './hit-store.js';

/** Which actions a role may take (the server's policy; the buttons follow it). */
export function actionsForRole(role) {
  if (role === 'commander') return ['acknowledge', 'assign', 'resolve', 'reopen'];
  if (role === 'officer') return ['acknowledge'];
  return [];
}

/** Which actions a hit's status allows (services/console/src/hit-transitions.ts). */
export function actionsForStatus(status) {
  switch (status) {
    case 'new':
      return ['acknowledge', 'assign', 'resolve'];
    case 'acknowledged':
    case 'assigned':
      return ['assign', 'resolve'];
    case 'resolved':
      return ['reopen'];
    default:
      return [];
  }
}

/** True when the 409 is about a stale version or a status that moved on (both mean "reload"). */
export function isConflict(err) {
  return err instanceof ApiError && err.status === 409;
}

/** Reloads one hit into the store; returns the detail response. */
export async function reloadHit(hitId) {
  const res = await api.request(`/api/v1/hits/${encodeURIComponent(hitId)}`);
  if (res?.hit) hitStore.upsert(res.hit, 'api');
  return res;
}

/**
 * Performs `action` on `hit` with `expectedVersion = hit.version`; the answer goes into the store (so every
 * view updates). On a 409 the hit is reloaded before the error is rethrown.
 */
export async function performHitAction(hit, action, extra = {}) {
  const body = { action, expectedVersion: hit.version };
  if (action === 'assign') body.assignee = extra.assignee;
  if (action === 'resolve') body.disposition = extra.disposition;
  if (extra.note) body.note = extra.note;
  try {
    const res = await api.request(`/api/v1/hits/${encodeURIComponent(hit.hitId)}/actions`, { method: 'POST', body });
    if (res?.hit) hitStore.upsert(res.hit, 'action');
    return res?.hit;
  } catch (err) {
    if (isConflict(err)) await reloadHit(hit.hitId).catch(() => undefined);
    throw err;
  }
}
