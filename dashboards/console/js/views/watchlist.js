// Watchlist administration: list and search entries owned within the admin's jurisdiction, add, edit,
// delete, and import files.
import { h, replaceChildren } from '../dom.js';
import { t } from '../i18n.js';
import { api, problemBox, problemText } from '../api.js';
import { enumSelect, enumText, field, severityBadge, thead, timeText, toast } from '../widgets.js';
import { CATEGORIES_BY_KIND, watchlistForm } from './watchlist-form.js';
import { importPanel } from './watchlist-import.js';

const ALL_CATEGORIES = Object.values(CATEGORIES_BY_KIND).flat();
const state = { kind: '', category: '', q: '' };

function row(e, { onEdit, onDelete }) {
  return h(
    'tr',
    { testid: 'watchlist-row', dataset: { entryId: e.entryId, kind: e.kind } },
    h('td', { class: 'mono' }, e.entryId),
    h('td', {}, enumText('entryKind', e.kind)),
    h('td', { class: 'mono' }, e.key),
    h('td', {}, enumText('category', e.category)),
    h('td', {}, severityBadge(e.severity, 'entry-severity')),
    h('td', {}, enumText('action', e.action)),
    h('td', {}, e.ownerJurisdiction),
    h('td', { class: 'reason' }, e.reason),
    h('td', {}, e.validUntil ? timeText(e.validUntil) : '∞'),
    h('td', {}, e.provenance ? enumText('provenance', e.provenance.source) : '', ` v${e.version ?? 0}`),
    h('td', { class: 'row-actions' }, h('button', { type: 'button', testid: 'watchlist-edit', i18n: 'common.edit', on: { click: () => onEdit(e) } }), h('button', { type: 'button', class: 'danger', testid: 'watchlist-delete', i18n: 'common.delete', on: { click: () => onDelete(e) } })),
  );
}

export async function renderWatchlist(container, ctx) {
  const kind = enumSelect('entryKind', Object.keys(CATEGORIES_BY_KIND), { value: state.kind, all: 'filter.allKinds', testid: 'watchlist-filter-kind' });
  const category = enumSelect('category', ALL_CATEGORIES, { value: state.category, all: 'filter.allCategories', testid: 'watchlist-filter-category' });
  const q = h('input', { type: 'search', value: state.q, testid: 'watchlist-search', i18nAttrs: { placeholder: 'wl.searchPlaceholder' } });
  const editor = h('div');
  const problem = h('div');
  const tbody = h('tbody', { testid: 'watchlist-list' });
  const info = h('span', { class: 'muted' });

  const load = async () => {
    Object.assign(state, { kind: kind.value, category: category.value, q: q.value.trim() });
    replaceChildren(problem);
    try {
      const res = await api.request('/api/v1/watchlist/entries', { query: { kind: state.kind, category: state.category, q: state.q, limit: 500 } });
      const items = res.items ?? [];
      replaceChildren(tbody, items.length ? items.map((e) => row(e, { onEdit: edit, onDelete: remove })) : h('tr', { class: 'empty' }, h('td', { colspan: 11, i18n: 'common.none' })));
      replaceChildren(info, h('span', { i18n: 'common.shownOf', i18nVars: { n: items.length, total: res.total ?? items.length } }));
    } catch (err) {
      replaceChildren(problem, problemBox(err, { testid: 'watchlist-error' }));
    }
  };

  const close = () => replaceChildren(editor);
  function edit(entry) {
    replaceChildren(
      editor,
      watchlistForm({
        entry,
        defaultJurisdiction: ctx.session.user.jurisdiction,
        onClose: close,
        onSaved: (saved) => {
          toast('', { key: 'wl.saved', vars: { id: saved.entryId, version: saved.version } });
          close();
          void load();
        },
      }),
    );
    editor.scrollIntoView({ block: 'nearest' });
  }
  async function remove(entry) {
    if (!confirm(t('wl.confirmDelete', { id: entry.entryId }))) return;
    try {
      await api.request(`/api/v1/watchlist/entries/${encodeURIComponent(entry.entryId)}`, { method: 'DELETE' });
      toast('', { key: 'wl.deleted', vars: { id: entry.entryId } });
      void load();
    } catch (err) {
      toast(problemText(err), { kind: 'error' });
    }
  }

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'wl.title' }), h('span', { class: 'spacer' }), h('button', { type: 'button', class: 'primary', testid: 'watchlist-new', i18n: 'wl.new', on: { click: () => edit(undefined) } })),
    editor,
    h('form', { class: 'toolbar filters', on: { submit: (ev) => (ev.preventDefault(), void load()) } }, field('entry.kind', kind), field('entry.category', category), field('common.searchText', q), h('button', { type: 'submit', class: 'primary', testid: 'watchlist-search-submit', i18n: 'common.apply' }), h('span', { class: 'spacer' }), info),
    problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' }, thead(['entry.entryId', 'entry.kind', 'entry.key', 'entry.category', 'entry.severity', 'entry.action', 'entry.owner', 'entry.reason', 'wl.validUntil', 'entry.provenance', '']), tbody)),
    importPanel({ onDone: () => void load() }),
  );
  await load();
}
