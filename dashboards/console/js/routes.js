// The views, who may open them, and which appear in the navigation (the server enforces the same
// table: services/console/src/access-policy.ts; hiding is for clarity, not protection).
import { renderLogin } from './views/login.js';
import { renderLiveFeed } from './views/live-feed.js';
import { renderHitList } from './views/hit-list.js';
import { renderHitDetail } from './views/hit-detail.js';
import { renderEventDetail } from './views/event-detail.js';
import { renderSearch } from './views/search.js';
import { renderStats } from './views/stats.js';
import { renderWatchlist } from './views/watchlist.js';
import { renderRules } from './views/rules.js';
import { renderAudit } from './views/audit.js';

const ALL = ['officer', 'commander', 'investigator', 'admin', 'auditor'];

/** Roles that hold the live WebSocket (the live feed is theirs). */
export const liveRoles = ['officer', 'commander'];

export const ROUTES = [
  { name: 'login', path: 'login', public: true, roles: ALL, render: renderLogin },
  { name: 'live', path: 'live', nav: 'nav.live', roles: ['officer', 'commander'], render: renderLiveFeed },
  { name: 'hits', path: 'hits', nav: 'nav.hits', roles: ['commander'], render: renderHitList },
  { name: 'hit', path: 'hits/:hitId', roles: ALL, render: renderHitDetail },
  { name: 'event', path: 'events/:eventId', roles: ['investigator', 'commander', 'admin', 'auditor'], render: renderEventDetail },
  { name: 'search', path: 'search', nav: 'nav.search', roles: ['investigator'], render: renderSearch },
  { name: 'watchlist', path: 'watchlist', nav: 'nav.watchlist', roles: ['admin'], render: renderWatchlist },
  { name: 'rules', path: 'rules', nav: 'nav.rules', roles: ['admin'], render: renderRules },
  { name: 'audit', path: 'audit', nav: 'nav.audit', roles: ['auditor'], render: renderAudit },
  // Last, so each role lands on its own work first.
  { name: 'stats', path: 'stats', nav: 'nav.stats', roles: ['commander', 'investigator', 'admin', 'auditor'], render: renderStats },
];

/** The route and its parameters for a hash path (`hits/abc` → hit, {hitId: 'abc'}), or undefined. */
export function routeFor(path) {
  const parts = path.split('?')[0].split('/').filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((seg, i) => {
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return seg === parts[i];
    });
    if (ok) return { route, params };
  }
  return undefined;
}

/** The navigation entries a role sees, in order. */
export function navItems(role) {
  return ROUTES.filter((r) => r.nav && r.roles.includes(role));
}

/** Where a role lands after sign-in. */
export function defaultPath(role) {
  return navItems(role)[0]?.path ?? 'login';
}
