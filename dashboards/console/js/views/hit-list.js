// All hits in scope (`GET /api/v1/hits`), filtered by status, severity, checkpoint and time, paged;
// rows follow live updates.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { hitStore } from '../hit-store.js';
import { allCheckpoints, loadCheckpoints } from '../checkpoints.js';
import { localInputToIso } from '../format.js';
import { checkpointText, enumSelect, enumText, field, HIT_STATUSES, SEVERITIES, severityBadge, statusBadge, thead, timeText } from '../widgets.js';
import { matchBadge } from './hit-parts.js';

const state = { status: '', severity: '', checkpointId: '', from: '', to: '', ids: [], next: undefined, total: undefined };

function row(x, ctx) {
  return h(
    'tr',
    { class: ['hit-row', `sev-${x.severity}`], testid: 'hit-list-row', dataset: { hitId: x.hitId, status: x.status }, on: { click: () => ctx.navigate(`hits/${encodeURIComponent(x.hitId)}`) } },
    h('td', {}, timeText(x.detectedAt)),
    h('td', {}, severityBadge(x.severity)),
    h('td', {}, enumText('category', x.category)),
    h('td', { class: 'mono' }, x.subject?.display ?? ''),
    h('td', {}, matchBadge(x.match)),
    h('td', {}, checkpointText(x.checkpointId)),
    h('td', { class: 'summary', bi: x.summary }),
    h('td', {}, statusBadge(x.status), x.assignee ? h('span', { class: 'assignee' }, ` → ${x.assignee}`) : null),
  );
}

export async function renderHitList(container, ctx) {
  await loadCheckpoints();
  const status = enumSelect('status', HIT_STATUSES, { value: state.status, all: 'filter.allStatuses', testid: 'hits-filter-status' });
  const severity = enumSelect('severity', SEVERITIES, { value: state.severity, all: 'filter.allSeverities', testid: 'hits-filter-severity' });
  const cp = h('select', { testid: 'hits-filter-checkpoint' }, h('option', { value: '', i18n: 'filter.allCheckpoints' }), allCheckpoints().map((c) => h('option', { value: c.checkpointId, selected: c.checkpointId === state.checkpointId, bi: c.name })));
  const from = h('input', { type: 'datetime-local', value: state.from });
  const to = h('input', { type: 'datetime-local', value: state.to });
  const tbody = h('tbody', { testid: 'hits-list' });
  const more = h('button', { type: 'button', testid: 'hits-more', i18n: 'common.more', hidden: true });
  const info = h('span', { class: 'muted' });
  const problem = h('div');

  const render = () => {
    const rows = state.ids.map((id) => hitStore.get(id)).filter(Boolean);
    replaceChildren(tbody, rows.length ? rows.map((x) => row(x, ctx)) : h('tr', { class: 'empty' }, h('td', { colspan: 8, i18n: 'common.none' })));
    more.hidden = !state.next;
    replaceChildren(info, state.total === undefined ? '' : h('span', { i18n: 'common.shownOf', i18nVars: { n: rows.length, total: state.total } }));
  };

  const load = async (append) => {
    replaceChildren(problem);
    if (!append) Object.assign(state, { status: status.value, severity: severity.value, checkpointId: cp.value, from: from.value, to: to.value });
    try {
      const res = await api.request('/api/v1/hits', {
        query: { status: state.status, severity: state.severity, checkpointId: state.checkpointId, from: localInputToIso(state.from), to: localInputToIso(state.to), limit: 100, after: append ? state.next : undefined },
      });
      for (const x of res.items ?? []) hitStore.upsert(x, 'api');
      state.ids = [...(append ? state.ids : []), ...(res.items ?? []).map((x) => x.hitId)];
      state.next = res.next;
      state.total = res.total;
      render();
    } catch (err) {
      replaceChildren(problem, problemBox(err));
    }
  };
  more.addEventListener('click', () => void load(true));

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'hits.title' })),
    h(
      'form',
      { class: 'toolbar filters', on: { submit: (ev) => (ev.preventDefault(), void load(false)) } },
      field('col.status', status),
      field('col.severity', severity),
      field('col.checkpoint', cp),
      field('common.from', from),
      field('common.to', to),
      h('button', { type: 'submit', class: 'primary', i18n: 'common.apply' }),
      h('span', { class: 'spacer' }),
      info,
    ),
    problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid hits-table' }, thead(['col.detectedAt', 'col.severity', 'col.category', 'col.subject', 'col.match', 'col.checkpoint', 'col.summary', 'col.status']), tbody)),
    h('div', { class: 'pager' }, more),
  );
  render();
  void load(false);
  const unsubscribe = hitStore.subscribe((hit) => hit && state.ids.includes(hit.hitId) && render());
  return unsubscribe;
}
