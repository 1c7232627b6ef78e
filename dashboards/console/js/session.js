// The signed-in account, per browser tab: sessionStorage, so closing the tab signs out and two tabs can
// hold two different accounts (a commander and an investigator on one workstation).
const KEY = 'console.session';

/** `{token, expiresAt, user:{username, role, jurisdiction, checkpointId?}}` or null when signed out or expired. */
export function getSession(storage = globalThis.sessionStorage, now = Date.now()) {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw);
    if (!s || typeof s.token !== 'string' || !s.user || typeof s.user.role !== 'string') return null;
    if (s.expiresAt && Date.parse(s.expiresAt) <= now) return null;
    return s;
  } catch {
    return null;
  }
}

export function setSession(session, storage = globalThis.sessionStorage) {
  storage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(storage = globalThis.sessionStorage) {
  storage.removeItem(KEY);
}

/** The bearer token, or undefined. */
export function token() {
  return getSession()?.token;
}
