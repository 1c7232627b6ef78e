// Every hit this tab knows, newest version only. The live socket, list calls and workflow answers all
// write here, and every view showing a hit listens here — so an acknowledgement made in another browser
// (a `hit.updated` frame) changes the row, the pinned card and the open detail page at once.

const MAX_HITS = 5000;

/** Creates a store; `upsert` keeps a hit only when it is new or a later version of one held. */
export function createHitStore({ max = MAX_HITS } = {}) {
  const hits = new Map();
  const listeners = new Set();

  const evict = () => {
    if (hits.size <= max) return;
    // Resolved hits go first, oldest detection first; open ones are what the shift is working on.
    const victims = [...hits.values()].sort((a, b) => (a.status === 'resolved') - (b.status === 'resolved') || Date.parse(b.detectedAt) - Date.parse(a.detectedAt));
    for (const v of victims.slice(max)) hits.delete(v.hitId);
  };

  return {
    /** Stores `hit` if newer; calls listeners with (hit, {source, isNew}). Returns true when stored. */
    upsert(hit, source = 'api') {
      if (!hit || typeof hit.hitId !== 'string') return false;
      const held = hits.get(hit.hitId);
      if (held && (held.version ?? 0) >= (hit.version ?? 0)) return false;
      hits.set(hit.hitId, hit);
      evict();
      for (const fn of listeners) fn(hit, { source, isNew: !held });
      return true;
    },
    get(hitId) {
      return hits.get(hitId);
    },
    /** All held hits, newest detection first. */
    all() {
      return [...hits.values()].sort((a, b) => Date.parse(b.detectedAt) - Date.parse(a.detectedAt) || (a.hitId < b.hitId ? 1 : -1));
    },
    size() {
      return hits.size;
    },
    clear() {
      hits.clear();
      for (const fn of listeners) fn(null, { source: 'clear', isNew: false });
    },
    /** `fn(hit, {source, isNew})` after each stored change; returns the unsubscribe function. */
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** The tab's one store. */
export const hitStore = createHitStore();
