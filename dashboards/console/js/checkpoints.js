// The checkpoint registry (`GET /api/v1/checkpoints`), loaded once per sign-in: names for labels and
// filters, positions for route plots when a sighting carries none.
import { api } from './api.js';
import { bi } from './i18n.js';

let byId = new Map();
let loading = null;

/** Loads the registry (once); a failure leaves ids shown as they are. */
export function loadCheckpoints() {
  loading ??= api
    .request('/api/v1/checkpoints')
    .then((res) => {
      byId = new Map((res?.items ?? []).map((c) => [c.checkpointId ?? c.id, { ...c, checkpointId: c.checkpointId ?? c.id }]));
      return byId;
    })
    .catch(() => {
      loading = null;
      return byId;
    });
  return loading;
}

export function resetCheckpoints() {
  byId = new Map();
  loading = null;
}

export function checkpoint(id) {
  return byId.get(id);
}

/** `{zh, en}` name, or the id in both when unknown. */
export function checkpointName(id) {
  return byId.get(id)?.name ?? { zh: id ?? '', en: id ?? '' };
}

/** The name in the current language. */
export function checkpointLabel(id) {
  return bi(checkpointName(id));
}

/** Every checkpoint, sorted by id. */
export function allCheckpoints() {
  return [...byId.values()].sort((a, b) => (a.checkpointId < b.checkpointId ? -1 : 1));
}
