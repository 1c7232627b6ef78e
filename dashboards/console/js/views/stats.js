// Statistics (`GET /api/v1/stats/summary`): the counters a unit is judged on and Chart.js charts —
// activity over time, seizures by substance (grams), hits by severity and by status.
import { h, replaceChildren } from '../dom.js';
import { api, problemBox } from '../api.js';
import { label, onLangChange, t } from '../i18n.js';
import { loadChartJs } from '../chart-loader.js';
import { formatGrams, formatNumber, formatPercent } from '../format.js';
import { field, HIT_STATUSES, SEVERITIES, thead } from '../widgets.js';

const SEVERITY_COLORS = { critical: '#ff4d4f', high: '#ff8c1a', medium: '#f5b700', low: '#8b949e' };
const STATUS_COLORS = { new: '#ff6b6b', acknowledged: '#4da3ff', assigned: '#b18cff', resolved: '#3fb950' };
const SERIES = [
  { key: 'inspections', color: '#4da3ff' },
  { key: 'drugTests', color: '#b18cff' },
  { key: 'seizures', color: '#3fb950' },
  { key: 'hits', color: '#ff8c1a' },
];

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const state = { form: { from: daysAgo(30), to: '', bucket: 'day', jurisdiction: '' }, data: undefined };

function counter(key, value, testid) {
  return h('div', { class: 'counter', testid }, h('div', { class: 'counter-value' }, value), h('div', { class: 'counter-label', i18n: key }));
}

/** The chart configurations for a summary (pure: labels in the current language). */
export function chartConfigs(d) {
  const axis = { ticks: { color: '#9aa5b1' }, grid: { color: '#26303b' } };
  const common = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { labels: { color: '#c9d1d9' } } } };
  return {
    overTime: {
      type: 'line',
      data: { labels: (d.overTime ?? []).map((b) => b.bucket), datasets: SERIES.map((s) => ({ label: t(`stats.${s.key}`), data: (d.overTime ?? []).map((b) => b[s.key] ?? 0), borderColor: s.color, backgroundColor: s.color, tension: 0.2, pointRadius: 2 })) },
      options: { ...common, scales: { x: axis, y: { ...axis, beginAtZero: true } } },
    },
    substances: {
      type: 'bar',
      data: { labels: (d.seizures?.bySubstance ?? []).map((b) => label('substance', b.substance)), datasets: [{ label: t('stats.grams'), data: (d.seizures?.bySubstance ?? []).map((b) => b.grams), backgroundColor: '#3fb950' }] },
      options: { ...common, indexAxis: 'y', scales: { x: { ...axis, beginAtZero: true }, y: axis } },
    },
    severity: {
      type: 'doughnut',
      data: { labels: SEVERITIES.map((s) => label('severity', s)), datasets: [{ data: SEVERITIES.map((s) => d.hits?.bySeverity?.[s] ?? 0), backgroundColor: SEVERITIES.map((s) => SEVERITY_COLORS[s]), borderColor: '#11161d' }] },
      options: { ...common },
    },
    status: {
      type: 'bar',
      data: { labels: HIT_STATUSES.map((s) => label('status', s)), datasets: [{ label: t('stats.hits'), data: HIT_STATUSES.map((s) => d.hits?.byStatus?.[s] ?? 0), backgroundColor: HIT_STATUSES.map((s) => STATUS_COLORS[s]) }] },
      options: { ...common, plugins: { legend: { display: false } }, scales: { x: axis, y: { ...axis, beginAtZero: true } } },
    },
  };
}

export async function renderStats(container) {
  const f = state.form;
  const from = h('input', { type: 'date', value: f.from, testid: 'stats-from' });
  const to = h('input', { type: 'date', value: f.to, max: today(), testid: 'stats-to' });
  const bucket = h('select', { testid: 'stats-bucket' }, ['day', 'hour'].map((b) => h('option', { value: b, selected: f.bucket === b, i18n: `stats.bucket.${b}` })));
  const jurisdiction = h('input', { value: f.jurisdiction, maxlength: '6', pattern: '\\d{6}', inputmode: 'numeric', testid: 'stats-jurisdiction', i18nAttrs: { placeholder: 'stats.jurisdictionPlaceholder' } });
  const problem = h('div');
  const counters = h('div', { class: 'counters', testid: 'stats-counters' });
  const canvases = { overTime: h('canvas'), substances: h('canvas'), severity: h('canvas'), status: h('canvas') };
  const chartNote = h('div');
  const substanceTable = h('tbody');
  let charts = [];

  const drawCharts = async () => {
    for (const c of charts) c.destroy();
    charts = [];
    if (!state.data) return;
    try {
      const Chart = await loadChartJs();
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      Chart.defaults.color = '#9aa5b1';
      const configs = chartConfigs(state.data);
      charts = Object.entries(canvases).map(([k, canvas]) => new Chart(canvas, configs[k]));
      replaceChildren(chartNote);
    } catch (err) {
      replaceChildren(chartNote, h('p', { class: 'notice notice-warn', testid: 'charts-unavailable' }, h('span', { i18n: 'stats.noCharts' }), ` (${err.message})`));
    }
  };

  const render = () => {
    const d = state.data;
    if (!d) return;
    const grams = (d.seizures?.bySubstance ?? []).reduce((a, b) => a + (b.grams ?? 0), 0);
    const hits = SEVERITIES.reduce((a, s) => a + (d.hits?.bySeverity?.[s] ?? 0), 0);
    replaceChildren(
      counters,
      counter('stats.inspections', formatNumber(d.inspections), 'stat-inspections'),
      counter('stats.drugTests', formatNumber(d.drugTests), 'stat-drug-tests'),
      counter('stats.positiveTests', formatNumber(d.positiveTests), 'stat-positive-tests'),
      counter('stats.positiveRate', formatPercent(d.positiveRate), 'stat-positive-rate'),
      counter('stats.seizures', formatNumber(d.seizures?.count), 'stat-seizures'),
      counter('stats.seizedWeight', formatGrams(grams), 'stat-seized-grams'),
      counter('stats.hits', formatNumber(hits), 'stat-hits'),
      counter('stats.criticalHits', formatNumber(d.hits?.bySeverity?.critical ?? 0), 'stat-critical'),
    );
    replaceChildren(
      substanceTable,
      (d.seizures?.bySubstance ?? []).map((b) => h('tr', {}, h('td', { i18n: `substance.${b.substance}` }), h('td', { class: 'num' }, formatGrams(b.grams)), h('td', { class: 'num' }, formatNumber(b.count)))),
    );
    void drawCharts();
  };

  const load = async () => {
    Object.assign(state.form, { from: from.value, to: to.value, bucket: bucket.value, jurisdiction: jurisdiction.value.trim() });
    replaceChildren(problem);
    try {
      state.data = await api.request('/api/v1/stats/summary', { query: { from: state.form.from, to: state.form.to, bucket: state.form.bucket, jurisdiction: state.form.jurisdiction } });
      render();
    } catch (err) {
      replaceChildren(problem, problemBox(err, { testid: 'stats-error' }));
    }
  };

  container.append(
    h('div', { class: 'toolbar' }, h('h2', { i18n: 'stats.title' })),
    h('form', { class: 'toolbar filters', on: { submit: (ev) => (ev.preventDefault(), void load()) } }, field('common.from', from), field('common.to', to), field('stats.bucket', bucket), field('common.jurisdiction', jurisdiction), h('button', { type: 'submit', class: 'primary', testid: 'stats-apply', i18n: 'common.apply' })),
    problem,
    counters,
    chartNote,
    h(
      'div',
      { class: 'chart-grid' },
      h('section', { class: 'panel chart span-2' }, h('h3', { class: 'panel-title', i18n: 'stats.overTime' }), h('div', { class: 'chart-box tall' }, canvases.overTime)),
      h('section', { class: 'panel chart' }, h('h3', { class: 'panel-title', i18n: 'stats.bySubstance' }), h('div', { class: 'chart-box' }, canvases.substances), h('table', { class: 'grid compact' }, thead(['event.substance', 'stats.grams', 'stats.count']), substanceTable)),
      h('section', { class: 'panel chart' }, h('h3', { class: 'panel-title', i18n: 'stats.bySeverity' }), h('div', { class: 'chart-box' }, canvases.severity)),
      h('section', { class: 'panel chart' }, h('h3', { class: 'panel-title', i18n: 'stats.byStatus' }), h('div', { class: 'chart-box' }, canvases.status)),
    ),
  );
  if (state.data) render();
  void load();
  const off = onLangChange(() => void drawCharts());
  return () => {
    off();
    for (const c of charts) c.destroy();
  };
}
