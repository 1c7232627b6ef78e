// The live feed: every hit in scope, newest first, coloured by severity; unacknowledged critical hits
// pinned on top with the time they have been waiting; filters and per-severity counts. It renders from
// the shared hit store, which the app's WebSocket keeps current.
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { hitStore } from '../hit-store.js';
import { actionsForRole, isConflict, performHitAction } from '../hit-actions.js';
import { allCheckpoints, checkpoint, loadCheckpoints } from '../checkpoints.js';
import { problemText } from '../api.js';
import { checkpointText, elapsedText, enumSelect, enumText, SEVERITIES, severityBadge, statusBadge, thead, timeText, toast } from '../widgets.js';
import { matchBadge } from './hit-parts.js';

/** Categories the rules raise (watchlist categories and rule outcomes), for the filter. */
export const HIT_CATEGORIES = [
  'fugitive',
  'prior_trafficking',
  'registered_drug_user',
  'community_treatment',
  'revoked_licence',
  'case_vehicle',
  'vehicle_of_interest',
  'precursor_permit',
  'positive_drug_test',
  'repeat_positive',
  'corridor_transit',
  'co_traveller',
  'seizure_trace_back',
  'suspicious_without_test',
];
const MAX_ROWS = 500;
const FRESH_MS = 10_000;

// Kept across visits to the view within the tab.
const filters = { severity: '', category: '', checkpointId: '' };
const fresh = new Map();

/** True when `hit` passes the feed's filters (`skipSeverity` for the per-severity counts). */
export function passes(hit, f, { skipSeverity = false } = {}) {
  return (skipSeverity || !f.severity || hit.severity === f.severity) && (!f.category || hit.category === f.category) && (!f.checkpointId || hit.checkpointId === f.checkpointId);
}

/** Unacknowledged critical hits, longest waiting first. */
export function pinnedHits(hits) {
  return hits.filter((x) => x.severity === 'critical' && x.status === 'new').sort((a, b) => Date.parse(a.detectedAt) - Date.parse(b.detectedAt));
}

function hitRow(hit, ctx) {
  const open = () => ctx.navigate(`hits/${encodeURIComponent(hit.hitId)}`);
  return h(
    'tr',
    {
      class: ['hit-row', `sev-${hit.severity}`, `status-${hit.status}`, fresh.has(hit.hitId) ? 'row-fresh' : ''],
      testid: 'hit-row',
      dataset: { hitId: hit.hitId, severity: hit.severity, status: hit.status, version: hit.version },
      tabindex: '0',
      on: { click: open, keydown: (ev) => ev.key === 'Enter' && open() },
    },
    h('td', { class: 'col-time' }, timeText(hit.detectedAt)),
    h('td', {}, severityBadge(hit.severity)),
    h('td', {}, enumText('category', hit.category)),
    h('td', { class: 'mono subject' }, h('a', { href: `#/hits/${encodeURIComponent(hit.hitId)}`, on: { click: (ev) => ev.stopPropagation() } }, hit.subject?.display ?? hit.subject?.key ?? '')),
    h('td', {}, matchBadge(hit.match)),
    h('td', {}, checkpointText(hit.checkpointId)),
    h('td', { class: 'summary', bi: hit.summary }),
    h('td', {}, enumText('action', hit.action, { class: `req req-${hit.action}` })),
    h('td', {}, statusBadge(hit.status), hit.assignee ? h('span', { class: 'assignee' }, ` → ${hit.assignee}`) : null),
  );
}

function pinnedCard(hit, ctx, canAck) {
  const ack = canAck
    ? h('button', {
        type: 'button',
        class: 'danger',
        testid: 'pinned-acknowledge',
        i18n: 'action.acknowledge',
        on: {
          async click(ev) {
            ev.stopPropagation();
            ev.currentTarget.disabled = true;
            try {
              await performHitAction(hit, 'acknowledge');
            } catch (err) {
              if (isConflict(err)) toast('', { kind: 'warn', key: 'hit.conflict' });
              else toast(problemText(err), { kind: 'error' });
            }
          },
        },
      })
    : null;
  return h(
    'article',
    { class: 'pinned-card', testid: 'pinned-hit', dataset: { hitId: hit.hitId }, on: { click: () => ctx.navigate(`hits/${encodeURIComponent(hit.hitId)}`) } },
    h('div', { class: 'pinned-head' }, severityBadge(hit.severity), ' ', enumText('category', hit.category, { class: 'pinned-cat' }), h('span', { class: 'pinned-wait' }, h('span', { i18n: 'live.waiting' }), ' ', elapsedText(hit.detectedAt, { testid: 'pinned-elapsed' }))),
    h('div', { class: 'pinned-subject mono' }, hit.subject?.display ?? ''),
    h('div', { class: 'pinned-meta' }, checkpointText(hit.checkpointId), ' · ', timeText(hit.detectedAt), ' · ', enumText('action', hit.action, { class: `req req-${hit.action}` })),
    h('div', { class: 'pinned-summary', bi: hit.summary }),
    h('div', { class: 'pinned-actions' }, ack, h('a', { href: `#/hits/${encodeURIComponent(hit.hitId)}`, class: 'button-link', i18n: 'common.open', on: { click: (ev) => ev.stopPropagation() } })),
  );
}

export async function renderLiveFeed(container, ctx) {
  const user = ctx.session.user;
  const canAck = actionsForRole(user.role).includes('acknowledge');
  await loadCheckpoints();

  const sevSel = enumSelect('severity', SEVERITIES, { value: filters.severity, all: 'filter.allSeverities', testid: 'live-filter-severity' });
  const catSel = enumSelect('category', HIT_CATEGORIES, { value: filters.category, all: 'filter.allCategories', testid: 'live-filter-category' });
  const cpSel = h(
    'select',
    { testid: 'live-filter-checkpoint', hidden: user.role === 'officer' },
    h('option', { value: '', i18n: 'filter.allCheckpoints' }),
    allCheckpoints().map((c) => h('option', { value: c.checkpointId, selected: c.checkpointId === filters.checkpointId, bi: c.name })),
  );
  const counts = h('div', { class: 'sev-counts', testid: 'severity-counts' });
  const pinned = h('section', { class: 'pinned', testid: 'live-pinned' });
  const tbody = h('tbody', { testid: 'live-feed-list' });
  const shown = h('span', { class: 'muted' });

  const onFilter = () => {
    filters.severity = sevSel.value;
    filters.category = catSel.value;
    filters.checkpointId = cpSel.value;
    schedule();
  };
  for (const el of [sevSel, catSel, cpSel]) el.addEventListener('change', onFilter);

  const scope = user.role === 'officer' && user.checkpointId ? h('span', { class: 'scope' }, h('span', { i18n: 'live.ownCheckpoint' }), ' ', h('strong', { bi: checkpoint(user.checkpointId)?.name ?? { zh: user.checkpointId, en: user.checkpointId } })) : h('span', { class: 'scope' }, h('span', { i18n: 'common.jurisdiction' }), ' ', h('strong', {}, user.jurisdiction));

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'live.title' }), scope, h('span', { class: 'spacer' }), counts),
    pinned,
    h('div', { class: 'toolbar filters' }, h('span', { class: 'filter-label', i18n: 'filter.title' }), sevSel, catSel, cpSel, h('span', { class: 'spacer' }), shown),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid hits-table', testid: 'live-feed-table' }, thead(['col.detectedAt', 'col.severity', 'col.category', 'col.subject', 'col.match', 'col.checkpoint', 'col.summary', 'col.requested', 'col.status']), tbody)),
  );

  const render = () => {
    const all = hitStore.all();
    const now = Date.now();
    for (const [id, at] of fresh) if (now - at > FRESH_MS) fresh.delete(id);

    const perSeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
    for (const x of all) if (passes(x, filters, { skipSeverity: true }) && perSeverity[x.severity] !== undefined) perSeverity[x.severity]++;
    replaceChildren(
      counts,
      SEVERITIES.map((s) =>
        h(
          'button',
          {
            type: 'button',
            class: ['sev-count', `sev-${s}`, filters.severity === s ? 'active' : ''],
            testid: `severity-count-${s}`,
            dataset: { count: perSeverity[s] },
            title: t('filter.bySeverity'),
            on: {
              click() {
                sevSel.value = filters.severity === s ? '' : s;
                onFilter();
              },
            },
          },
          h('span', { i18n: `severity.${s}` }),
          h('strong', {}, String(perSeverity[s])),
        ),
      ),
    );

    const pins = pinnedHits(all);
    pinned.hidden = pins.length === 0;
    replaceChildren(pinned, h('h3', { class: 'pinned-title', i18n: 'live.pinned', i18nVars: { n: pins.length } }), h('div', { class: 'pinned-list' }, pins.map((x) => pinnedCard(x, ctx, canAck))));

    const rows = all.filter((x) => passes(x, filters));
    replaceChildren(tbody, rows.length ? rows.slice(0, MAX_ROWS).map((x) => hitRow(x, ctx)) : h('tr', { class: 'empty' }, h('td', { colspan: 9, i18n: 'live.empty' })));
    replaceChildren(shown, h('span', { i18n: 'live.shown', i18nVars: { n: Math.min(rows.length, MAX_ROWS), total: all.length } }));
  };

  let frame = 0;
  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      render();
    });
  }
  render();
  const unsubscribe = hitStore.subscribe((hit, info) => {
    if (hit && info.source === 'live' && info.isNew) fresh.set(hit.hitId, Date.now());
    schedule();
  });
  // Fresh-row highlighting fades on its own, without waiting for the next hit.
  const fade = setInterval(() => fresh.size && schedule(), 2000);
  return () => {
    unsubscribe();
    clearInterval(fade);
    if (frame) cancelAnimationFrame(frame);
  };
}
