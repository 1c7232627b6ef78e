// Watchlist import: the file is streamed to `POST /api/v1/watchlist/import` (NDJSON or CSV with dotted
// headers such as attributes.chemical) and the job is polled for progress, with per-line errors.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { thead } from '../widgets.js';

const POLL_MS = 500;
const COUNT_LIMIT = 32 * 1024 * 1024;

/** ndjson | csv from the file name or type. */
export function importFormat(file) {
  return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'csv' : 'ndjson';
}

/** How many records the file holds (non-empty lines, minus the CSV header); estimated for huge files. */
export async function expectedRecords(file, format) {
  const sample = file.size > COUNT_LIMIT ? await file.slice(0, 1024 * 1024).text() : await file.text();
  let lines = sample.split('\n').filter((l) => l.trim()).length;
  if (file.size > COUNT_LIMIT) lines = Math.round((lines * file.size) / Math.max(1, Math.min(file.size, 1024 * 1024)));
  return Math.max(0, lines - (format === 'csv' ? 1 : 0));
}

/** The import panel; `onDone()` after a job finished (to reload the list). */
export function importPanel({ onDone }) {
  const file = h('input', { type: 'file', accept: '.ndjson,.jsonl,.json,.csv,application/x-ndjson,text/csv', testid: 'watchlist-import-file' });
  const start = h('button', { type: 'button', class: 'primary', testid: 'watchlist-import-submit', i18n: 'wl.importStart' });
  const progress = h('progress', { max: '1', value: '0', testid: 'watchlist-import-progress', hidden: true });
  const status = h('div', { class: 'import-status', testid: 'watchlist-import-status', role: 'status' });
  const errors = h('div');

  const show = (job, expected) => {
    const done = job.accepted + job.rejected;
    progress.max = Math.max(expected, done, 1);
    progress.value = job.state === 'running' ? done : progress.max;
    status.dataset.state = job.state;
    replaceChildren(status, h('span', { i18n: `wl.importState.${job.state}` }), ' ', h('span', { i18n: 'wl.importCounts', i18nVars: { done, expected: Math.max(expected, done), accepted: job.accepted, rejected: job.rejected } }), job.failure ? h('div', { class: 'field-error' }, job.failure) : null);
    replaceChildren(
      errors,
      job.errors?.length
        ? h('table', { class: 'grid compact', testid: 'watchlist-import-errors' }, thead(['wl.line', 'wl.path', 'wl.message']), h('tbody', {}, job.errors.map((e) => h('tr', {}, h('td', { class: 'num' }, String(e.line)), h('td', { class: 'mono' }, e.path), h('td', {}, e.message)))))
        : '',
    );
  };

  start.addEventListener('click', async () => {
    const f = file.files?.[0];
    if (!f) return replaceChildren(status, h('span', { class: 'field-error', i18n: 'wl.importChoose' }));
    start.disabled = true;
    replaceChildren(errors);
    const format = importFormat(f);
    const expected = await expectedRecords(f, format);
    progress.hidden = false;
    progress.removeAttribute('value');
    replaceChildren(status, h('span', { i18n: 'wl.importUploading' }));
    try {
      const { jobId } = await api.request('/api/v1/watchlist/import', { method: 'POST', query: { format }, raw: f, contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
      for (;;) {
        const job = await api.request(`/api/v1/watchlist/import/${encodeURIComponent(jobId)}`);
        show(job, expected);
        if (job.state !== 'running') break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      onDone();
    } catch (err) {
      progress.hidden = true;
      replaceChildren(status, problemBox(err, { testid: 'watchlist-import-error' }));
    } finally {
      start.disabled = false;
    }
  });

  return h(
    'section',
    { class: 'panel import-panel', testid: 'watchlist-import' },
    h('h3', { class: 'panel-title', i18n: 'wl.importTitle' }),
    h('p', { class: 'muted', i18n: 'wl.importHint' }),
    h('div', { class: 'toolbar' }, file, start, progress),
    status,
    errors,
  );
}
