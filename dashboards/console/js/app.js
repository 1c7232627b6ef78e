// The console shell: sign-in state, role-aware navigation, hash routing, the one live connection shared
// by every view, the alarm, the language switch and the elapsed-time ticker.
import { api, onUnauthenticated } from './api.js';
import { h, replaceChildren } from './dom.js';
import { applyTranslations, getLang, onLangChange, setLang, t } from './i18n.js';
import { hitStore } from './hit-store.js';
import { createLiveConnection } from './live.js';
import { createAlarm } from './sound.js';
import { clearSession, getSession } from './session.js';
import { loadCheckpoints, resetCheckpoints } from './checkpoints.js';
import { tickElapsed, toast } from './widgets.js';
import { routeFor, defaultPath, navItems, liveRoles } from './routes.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const conn = document.getElementById('conn');
const soundBtn = document.getElementById('sound');
const langBtn = document.getElementById('lang');
const who = document.getElementById('who');
const logoutBtn = document.getElementById('logout');

let cleanup = null;
let live = null;
let expiryTimer;
let lastStatus = { state: 'idle' };

const alarm = createAlarm({ onChange: renderSound });

function renderSound(state = alarm.state()) {
  soundBtn.dataset.muted = String(state.muted);
  soundBtn.dataset.ready = String(state.ready);
  soundBtn.classList.toggle('muted', state.muted);
  soundBtn.dataset.i18n = state.muted ? 'sound.off' : state.ready ? 'sound.on' : 'sound.blocked';
  soundBtn.textContent = t(soundBtn.dataset.i18n);
}

function renderLangButton() {
  langBtn.dataset.lang = getLang();
  langBtn.textContent = getLang() === 'zh' ? 'English' : '中文';
  langBtn.title = t('lang.switch');
}

function renderConnection(status = lastStatus) {
  lastStatus = status;
  conn.dataset.state = status.resumed && status.state === 'connected' ? 'resumed' : status.state;
  conn.dataset.missed = String(status.missed ?? 0);
  const key = {
    connecting: 'conn.connecting',
    connected: status.resumed ? 'conn.resumed' : 'conn.connected',
    reconnecting: 'conn.reconnecting',
    unauthorized: 'conn.unauthorized',
    stopped: 'conn.stopped',
    idle: 'conn.stopped',
  }[status.state] ?? 'conn.stopped';
  conn.dataset.i18n = key;
  conn.dataset.i18nVars = JSON.stringify({ n: status.missed ?? 0, attempt: status.attempt ?? 0 });
  conn.textContent = t(key, { n: status.missed ?? 0, attempt: status.attempt ?? 0 });
}

/** Loads the hits a live view starts from (the socket then brings every change). */
async function loadRecentHits() {
  try {
    const [recent, openCritical] = await Promise.all([
      api.request('/api/v1/hits', { query: { limit: 200 } }),
      api.request('/api/v1/hits', { query: { limit: 200, status: 'new', severity: 'critical' } }),
    ]);
    for (const hit of [...(recent?.items ?? []), ...(openCritical?.items ?? [])]) hitStore.upsert(hit, 'api');
  } catch (err) {
    toast(err.message, { kind: 'error' });
  }
}

function startLive(session) {
  if (!liveRoles.includes(session.user.role)) return;
  conn.hidden = false;
  soundBtn.hidden = false;
  live = createLiveConnection({
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live?token=${encodeURIComponent(getSession()?.token ?? '')}`,
    storage: sessionStorage,
    isKnown: (hitId) => Boolean(hitStore.get(hitId)),
    onStatus: renderConnection,
    onUnauthorized: () => signOut('auth.expired'),
    onFrame(frame) {
      if (frame.type === 'hit' || frame.type === 'hit.updated') {
        const isNew = !hitStore.get(frame.hit.hitId);
        hitStore.upsert(frame.hit, 'live');
        if (frame.type === 'hit' && isNew && frame.hit.severity === 'critical' && frame.hit.status === 'new') alarm.beep();
      } else if (frame.type === 'error') {
        toast(`${t('live.serverSays')} ${frame.message ?? frame.code}`, { kind: frame.code === 'replay_incomplete' ? 'warn' : 'error', ms: 15000 });
      } else if (frame.type === 'dropped') {
        toast('', { kind: 'warn', key: 'live.dropped' });
      }
    },
  });
  live.start();
  void loadRecentHits();
}

function signOut(reasonKey) {
  clearTimeout(expiryTimer);
  live?.stop({ forget: true });
  live = null;
  clearSession();
  hitStore.clear();
  resetCheckpoints();
  conn.hidden = true;
  soundBtn.hidden = true;
  if (reasonKey) toast('', { kind: 'warn', key: reasonKey });
  renderChrome();
  go('login');
}

/** Called by the login view once a token is stored. */
function signedIn() {
  startSession();
  go(defaultPath(getSession().user.role));
}

/** Shows `path`: a hash change renders it (hashchange), an unchanged hash is rendered here. */
function go(path) {
  if (location.hash === `#/${path}`) route();
  else location.hash = `#/${path}`;
}

function startSession() {
  const session = getSession();
  if (!session) return;
  void loadCheckpoints();
  clearTimeout(expiryTimer);
  const left = Date.parse(session.expiresAt ?? '') - Date.now();
  if (Number.isFinite(left)) expiryTimer = setTimeout(() => signOut('auth.expired'), Math.max(0, Math.min(left, 2 ** 31 - 1)));
  renderChrome();
  startLive(session);
}

function renderChrome() {
  const session = getSession();
  const current = location.hash.replace(/^#\/?/, '').split('/')[0];
  replaceChildren(
    nav,
    session
      ? navItems(session.user.role).map((r) =>
          h('a', { href: `#/${r.path}`, class: ['nav-link', current === r.path ? 'active' : ''], testid: `nav-${r.path}`, i18n: r.nav }),
        )
      : [],
  );
  logoutBtn.hidden = !session;
  replaceChildren(
    who,
    session
      ? [
          h('span', { class: 'who-name', testid: 'current-user' }, session.user.username),
          ' ',
          h('span', { class: 'who-role', i18n: `role.${session.user.role}` }),
          ' ',
          h('span', { class: 'who-scope', title: t('common.jurisdiction') }, session.user.checkpointId ?? session.user.jurisdiction),
        ]
      : [],
  );
}

/** Renders the view for the current hash (sign-in first; a role only reaches its own views). */
function route() {
  const session = getSession();
  const path = location.hash.replace(/^#\/?/, '');
  let match = routeFor(path);
  if (!session && !match?.route.public) {
    if (path !== 'login') location.hash = '#/login';
    match = routeFor('login');
  } else if (session && (!match || match.route.public || !match.route.roles.includes(session.user.role))) {
    const target = defaultPath(session.user.role);
    if (path !== target) {
      location.hash = `#/${target}`;
      return;
    }
    match = routeFor(target);
  }
  cleanup?.();
  cleanup = null;
  renderChrome();
  const container = h('div', { class: `view view-${match.route.name}`, testid: `view-${match.route.name}` });
  replaceChildren(view, container);
  const ctx = { params: match.params, session, signedIn, navigate: (p) => (location.hash = `#/${p}`), alarm };
  Promise.resolve(match.route.render(container, ctx))
    .then((fn) => {
      if (typeof fn === 'function') {
        if (view.firstChild === container) cleanup = fn;
        else fn();
      }
    })
    .catch((err) => replaceChildren(container, h('div', { class: 'problem', role: 'alert' }, String(err?.message ?? err))));
}

onUnauthenticated(() => {
  if (getSession()) signOut('auth.expired');
});

langBtn.addEventListener('click', () => setLang(getLang() === 'zh' ? 'en' : 'zh'));
onLangChange(() => {
  renderLangButton();
  renderSound();
});
soundBtn.addEventListener('click', () => alarm.setMuted(!alarm.state().muted));
logoutBtn.addEventListener('click', () => signOut());
window.addEventListener('hashchange', route);
window.addEventListener('online', () => live?.reconnectNow());
setInterval(() => tickElapsed(document.body), 1000);

document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
document.title = t('app.title');
applyTranslations(document.body);
renderLangButton();
renderSound();
renderConnection();
if (getSession()) startSession();
route();
