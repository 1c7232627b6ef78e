// The audit trail (`GET /api/v1/audit`): who searched whom, who changed what; filters, paging, and a
// verification of the hash chains (`GET /api/v1/audit/verify`).
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { localInputToIso } from '../format.js';
import { enumSelect, enumText, field, thead, timeText } from '../widgets.js';

export const AUDIT_ACTIONS = ['login', 'login_failed', 'search', 'view', 'export', 'hit_action', 'watchlist_change', 'rule_change', 'account_change'];
const PAGE = 100;
const state = { actor: '', action: '', from: '', to: '', items: [], next: undefined, loaded: false };

/** Details as one short line (`key=value …`), for a dense table; the full JSON is in the tooltip. */
export function detailsLine(details) {
  const entries = Object.entries(details ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
}

function row(r) {
  return h(
    'tr',
    { testid: 'audit-row', class: r.crossJurisdiction ? 'row-alert' : '', dataset: { recordId: r.recordId, action: r.action } },
    h('td', {}, timeText(r.at)),
    h('td', {}, r.actor),
    h('td', {}, enumText('role', r.role)),
    h('td', {}, enumText('auditAction', r.action)),
    h('td', { class: 'mono small' }, r.target ?? ''),
    h('td', {}, r.purpose ?? ''),
    h('td', {}, r.crossJurisdiction ? h('span', { class: 'badge warn', i18n: 'audit.cross' }) : ''),
    h('td', { class: 'mono small details', title: JSON.stringify(r.details ?? {}, null, 1) }, detailsLine(r.details)),
    h('td', { class: 'mono small muted', title: `${r.chainId} #${r.seq}\n${r.hash}` }, `#${r.seq}`),
  );
}

export async function renderAudit(container) {
  const actor = h('input', { value: state.actor, testid: 'audit-actor', maxlength: '64' });
  const action = enumSelect('auditAction', AUDIT_ACTIONS, { value: state.action, all: 'filter.allActions', testid: 'audit-action' });
  const from = h('input', { type: 'datetime-local', value: state.from, testid: 'audit-from' });
  const to = h('input', { type: 'datetime-local', value: state.to, testid: 'audit-to' });
  const tbody = h('tbody', { testid: 'audit-list' });
  const more = h('button', { type: 'button', testid: 'audit-more', i18n: 'common.more', hidden: true });
  const problem = h('div');
  const verifyBtn = h('button', { type: 'button', testid: 'audit-verify', i18n: 'audit.verify' });
  const verifyResult = h('div', { testid: 'audit-verify-result', role: 'status' });

  const render = () => {
    replaceChildren(tbody, state.items.length ? state.items.map(row) : h('tr', { class: 'empty' }, h('td', { colspan: 9, i18n: 'common.none' })));
    more.hidden = !state.next;
  };
  const load = async (append) => {
    replaceChildren(problem);
    if (!append) Object.assign(state, { actor: actor.value.trim(), action: action.value, from: from.value, to: to.value });
    try {
      const res = await api.request('/api/v1/audit', { query: { actor: state.actor, action: state.action, from: localInputToIso(state.from), to: localInputToIso(state.to), limit: PAGE, after: append ? state.next : undefined } });
      state.items = [...(append ? state.items : []), ...(res.items ?? [])];
      state.next = res.next;
      state.loaded = true;
      render();
    } catch (err) {
      replaceChildren(problem, problemBox(err, { testid: 'audit-error' }));
    }
  };
  more.addEventListener('click', () => void load(true));
  verifyBtn.addEventListener('click', async () => {
    verifyBtn.disabled = true;
    replaceChildren(verifyResult, h('span', { class: 'muted', i18n: 'audit.verifying' }));
    try {
      const res = await api.request('/api/v1/audit/verify');
      verifyResult.dataset.ok = String(res.ok);
      replaceChildren(
        verifyResult,
        res.ok
          ? h('div', { class: 'notice notice-ok' }, h('span', { i18n: 'audit.intact', i18nVars: { n: res.checked } }))
          : h(
              'div',
              { class: 'notice notice-bad' },
              h('strong', { i18n: 'audit.broken', i18nVars: { n: res.checked } }),
              res.firstBreak ? h('div', { class: 'mono' }, `seq ${res.firstBreak.seq} · ${res.firstBreak.recordId} · `, enumText('auditBreak', res.firstBreak.reason)) : null,
            ),
      );
    } catch (err) {
      replaceChildren(verifyResult, problemBox(err, { testid: 'audit-verify-error' }));
    } finally {
      verifyBtn.disabled = false;
    }
  });

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'audit.title' }), h('span', { class: 'spacer' }), verifyBtn),
    verifyResult,
    h('form', { class: 'toolbar filters', on: { submit: (ev) => (ev.preventDefault(), void load(false)) } }, field('audit.actor', actor), field('audit.action', action), field('common.from', from), field('common.to', to), h('button', { type: 'submit', class: 'primary', testid: 'audit-apply', i18n: 'common.apply' })),
    problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' }, thead(['col.at', 'audit.actor', 'audit.role', 'audit.action', 'audit.target', 'audit.purpose', 'audit.crossCol', 'audit.details', 'audit.seq']), tbody)),
    h('div', { class: 'pager' }, more),
  );
  render();
  if (!state.loaded) await load(false);
  else void load(false);
}
