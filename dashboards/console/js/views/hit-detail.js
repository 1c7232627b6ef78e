// One hit: what matched (exact or fuzzy, and how), on what evidence, the watchlist entry, the vehicle's
// recent route, the workflow and the history. Live updates of the hit (another browser acknowledging it)
// re-render it in place.
import { h, replaceChildren } from '../dom.js';
import { problemBox } from '../api.js';
import { hitStore } from '../hit-store.js';
import { reloadHit } from '../hit-actions.js';
import { loadCheckpoints } from '../checkpoints.js';
import { checkpointText, definitionList, elapsedText, enumText, panel, severityBadge, statusBadge, thead, timeText } from '../widgets.js';
import { markedKey, matchBadge } from './hit-parts.js';
import { createWorkflowPanel } from './hit-workflow.js';
import { loadHitRoute } from './hit-route.js';
import { eventLine } from './event-parts.js';

const EVENT_ROLES = ['investigator', 'commander', 'admin', 'auditor'];

function headerOf(hit) {
  const escalated = hit.history?.some((x) => x.action === 'escalate');
  return [
    h('a', { href: '#/', class: 'back', i18n: 'common.back', on: { click: (ev) => (history.length > 1 ? (ev.preventDefault(), history.back()) : undefined) } }),
    severityBadge(hit.severity),
    enumText('category', hit.category, { class: 'hit-category' }),
    statusBadge(hit.status),
    hit.assignee ? h('span', { class: 'assignee' }, `→ ${hit.assignee}`) : null,
    hit.disposition ? enumText('disposition', hit.disposition, { class: 'badge' }) : null,
    escalated ? h('span', { class: 'badge escalated', i18n: 'hit.escalated' }) : null,
    h('span', { class: 'spacer' }),
    h('span', { class: 'muted' }, h('span', { i18n: 'hit.requested' }), ' '),
    enumText('action', hit.action, { class: `req req-${hit.action}` }),
    h('span', { class: 'muted', testid: 'hit-version', dataset: { version: hit.version } }, ` v${hit.version}`),
  ];
}

function summaryOf(hit) {
  return [h('p', { class: 'summary-zh', lang: 'zh-CN' }, hit.summary?.zh ?? ''), h('p', { class: 'summary-en', lang: 'en' }, hit.summary?.en ?? '')];
}

function subjectOf(hit) {
  return definitionList([
    ['hit.subjectKind', enumText('subjectKind', hit.subject?.kind)],
    ['hit.subject', h('span', { class: 'mono big', testid: 'hit-subject' }, hit.subject?.display ?? '')],
    ['hit.checkpoint', checkpointText(hit.checkpointId)],
    ['hit.occurredAt', timeText(hit.occurredAt, { short: false })],
    ['hit.detectedAt', [timeText(hit.detectedAt, { short: false }), ' (', elapsedText(hit.detectedAt), ')']],
    ['hit.jurisdictions', hit.jurisdictions?.join(' · ')],
    ['hit.rule', `${hit.ruleId} v${hit.ruleVersion}`],
    ['hit.id', h('span', { class: 'mono small' }, hit.hitId)],
  ]);
}

function matchOf(hit, entry) {
  const d = hit.match?.differences;
  const sameLength = entry && [...(entry.key ?? '')].length === [...(hit.subject?.key ?? '')].length;
  return [
    h('div', { class: 'match-line' }, matchBadge(hit.match)),
    d
      ? definitionList([
          ['match.observed', markedKey(hit.subject?.key, sameLength ? d.positions : [], 'match-observed')],
          ['match.listed', entry ? markedKey(entry.key, d.positions, 'match-listed') : hit.match.entryId],
          ['match.differences', h('span', { bi: d.description, testid: 'match-differences' })],
        ])
      : definitionList([['match.entry', hit.match?.entryId]]),
  ];
}

function entryOf(entry, entryId) {
  if (!entry) return h('p', { class: 'muted', i18n: entryId ? 'hit.entryMissing' : 'hit.noEntry', i18nVars: { id: entryId ?? '' } });
  return definitionList([
    ['entry.entryId', h('span', { class: 'mono' }, entry.entryId)],
    ['entry.kind', enumText('entryKind', entry.kind)],
    ['entry.key', h('span', { class: 'mono' }, entry.key)],
    ['entry.category', enumText('category', entry.category)],
    ['entry.severity', severityBadge(entry.severity, 'entry-severity')],
    ['entry.action', enumText('action', entry.action)],
    ['entry.owner', entry.ownerJurisdiction],
    ['entry.reason', entry.reason],
    ['entry.valid', entry.validFrom || entry.validUntil ? [timeText(entry.validFrom, { short: false }), ' – ', timeText(entry.validUntil, { short: false })] : ''],
    ['entry.provenance', entry.provenance ? [enumText('provenance', entry.provenance.source), ' · ', entry.provenance.by, ' · ', timeText(entry.provenance.at)] : ''],
    ['entry.version', String(entry.version ?? '')],
  ]);
}

function evidenceOf(hit, events, role) {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const link = EVENT_ROLES.includes(role);
  return h(
    'table',
    { class: 'grid', testid: 'hit-evidence' },
    thead(['col.occurredAt', 'col.type', 'col.checkpoint', 'col.details', 'col.event']),
    h(
      'tbody',
      {},
      (hit.evidence ?? []).map((ev) =>
        h(
          'tr',
          { dataset: { eventId: ev.eventId } },
          h('td', {}, timeText(ev.occurredAt)),
          h('td', {}, enumText('eventType', ev.type)),
          h('td', {}, checkpointText(ev.checkpointId)),
          h('td', {}, byId.has(ev.eventId) ? eventLine(byId.get(ev.eventId)) : ''),
          h('td', { class: 'mono small' }, link ? h('a', { href: `#/events/${encodeURIComponent(ev.eventId)}`, testid: 'evidence-link' }, ev.eventId) : ev.eventId),
        ),
      ),
    ),
  );
}

function historyOf(hit) {
  return h(
    'table',
    { class: 'grid', testid: 'hit-history' },
    thead(['col.at', 'col.by', 'col.action', 'col.version', 'col.note']),
    h(
      'tbody',
      {},
      [...(hit.history ?? [])].reverse().map((x) => h('tr', {}, h('td', {}, timeText(x.at)), h('td', {}, x.by), h('td', {}, enumText('historyAction', x.action)), h('td', {}, `v${x.version}`), h('td', { class: 'note' }, x.note ?? ''))),
    ),
  );
}

export async function renderHitDetail(container, ctx) {
  const hitId = ctx.params.hitId;
  const role = ctx.session.user.role;
  container.append(h('p', { class: 'muted', i18n: 'common.loading' }));
  let detail;
  try {
    [detail] = await Promise.all([reloadHit(hitId), loadCheckpoints()]);
  } catch (err) {
    replaceChildren(container, problemBox(err, { testid: 'hit-error' }));
    return undefined;
  }
  const current = () => hitStore.get(hitId) ?? detail.hit;
  const events = detail.events ?? [];
  const entry = detail.entry;

  const header = h('div', { class: 'hit-header' });
  const summary = h('div', { class: 'hit-summary', testid: 'hit-summary' });
  const subject = h('div');
  const match = h('div');
  const history = h('div');
  const route = h('div', { testid: 'hit-route' });
  const workflow = createWorkflowPanel({ role, getHit: current });

  const root = h(
    'article',
    { class: 'hit-detail', testid: 'hit-detail', dataset: { hitId } },
    header,
    summary,
    h(
      'div',
      { class: 'detail-grid' },
      panel('hit.subjectPanel', {}, subject),
      panel('hit.matchPanel', {}, match),
      panel('hit.workflowPanel', { class: 'workflow-panel' }, workflow.el),
      panel('hit.entryPanel', {}, entryOf(entry, current().match?.entryId)),
      panel('hit.evidencePanel', { class: 'span-2' }, evidenceOf(current(), events, role)),
      panel('hit.routePanel', { class: 'span-2' }, route),
      panel('hit.historyPanel', { class: 'span-2' }, history),
    ),
  );
  replaceChildren(container, root);

  const renderHit = (hit) => {
    root.dataset.status = hit.status;
    root.dataset.version = String(hit.version);
    replaceChildren(header, headerOf(hit));
    replaceChildren(summary, summaryOf(hit));
    replaceChildren(subject, subjectOf(hit));
    replaceChildren(match, matchOf(hit, entry));
    replaceChildren(history, historyOf(hit));
    workflow.update(hit);
  };
  renderHit(current());
  void loadHitRoute(route, { hit: current(), events, role });

  return hitStore.subscribe((hit) => {
    if (hit?.hitId === hitId) renderHit(hit);
  });
}
