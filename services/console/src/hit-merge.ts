import type { Hit } from '../../../schemas/src';

/**
 * How the console folds the two hit topics into one state per hit, the same way on every instance.
 *
 * `hits.v1` (rules) owns the content: evidence, summary, match, severity. `hit-updates.v1` (console) owns
 * the workflow: status, assignee, disposition, escalations and their history. The rules service does not
 * know about workflow, so a repeat sighting after an acknowledgement arrives as "status new" — taking the
 * latest record of either topic would undo the acknowledgement. Instead the two parts are kept apart and
 * merged, and the version a client sees is `rules version + workflow sequence`, which every instance
 * computes alike whatever the interleaving of the two topics.
 *
 * Workflow records carry the sequence number they claim (`workflow-seq` header). They are accepted in
 * offset order only when they claim the next number; a record built on a stale state (two consoles acting
 * at once) is rejected by every reader alike, and its writer answers its client 409.
 */
export type UpdateKind = 'action' | 'escalate' | 'repair';
export const UPDATE_HEADERS = { kind: 'kind', seq: 'workflow-seq', instance: 'instance' } as const;

type HistoryEntry = Hit['history'][number];
const WORKFLOW_ACTIONS = new Set<HistoryEntry['action']>(['acknowledge', 'assign', 'resolve', 'reopen', 'escalate']);

export interface WorkflowPart {
  seq: number;
  status: Hit['status'];
  assignee?: string | undefined;
  disposition?: Hit['disposition'];
  jurisdictions: string[];
  history: HistoryEntry[];
}

export interface HitState {
  rules: Hit;
  workflow?: WorkflowPart;
  merged: Hit;
}

export type ApplyOutcome = 'new' | 'changed' | 'unchanged' | 'stale';

export function mergeHit(rules: Hit, workflow: WorkflowPart | undefined): Hit {
  if (!workflow) return rules;
  const { assignee: _a, disposition: _d, ...content } = rules;
  const history = [...rules.history.filter((h) => !WORKFLOW_ACTIONS.has(h.action)), ...workflow.history]
    .map((h, i) => ({ h, i, t: Date.parse(h.at) }))
    .sort((x, y) => x.t - y.t || x.i - y.i)
    .map((x) => x.h)
    .slice(-500);
  return {
    ...content,
    status: workflow.status,
    ...(workflow.assignee ? { assignee: workflow.assignee } : {}),
    ...(workflow.disposition ? { disposition: workflow.disposition } : {}),
    jurisdictions: [...new Set([...rules.jurisdictions, ...workflow.jurisdictions])].slice(0, 20),
    history,
    version: rules.version + workflow.seq,
  };
}

/** A record from `hits.v1`. */
export function applyRulesRecord(state: HitState | undefined, incoming: Hit): { state: HitState; outcome: ApplyOutcome } {
  if (!state) return { state: { rules: incoming, merged: incoming }, outcome: 'new' };
  let rules: Hit | undefined;
  if (incoming.version > state.rules.version) {
    rules = incoming;
  } else {
    // A rules instance restarted and lost its memory of this hit: it starts again at version 1. Keep the
    // new evidence and move the version on, so the change is not mistaken for a replay.
    const known = new Set(state.rules.evidence.map((e) => e.eventId));
    const extra = incoming.evidence.filter((e) => !known.has(e.eventId));
    if (extra.length) {
      const version = state.rules.version + 1;
      rules = { ...state.rules, evidence: [...state.rules.evidence, ...extra].slice(-500), history: [...state.rules.history, ...incoming.history.filter((h) => h.action === 'updated')].slice(-500), version };
    }
  }
  if (!rules) return { state, outcome: 'unchanged' };
  return { state: { rules, ...(state.workflow ? { workflow: state.workflow } : {}), merged: mergeHit(rules, state.workflow) }, outcome: 'changed' };
}

function workflowOf(value: Hit, seq: number): WorkflowPart {
  return {
    seq,
    status: value.status,
    ...(value.assignee ? { assignee: value.assignee } : {}),
    ...(value.disposition ? { disposition: value.disposition } : {}),
    jurisdictions: value.jurisdictions,
    history: value.history.filter((h) => WORKFLOW_ACTIONS.has(h.action)),
  };
}

/** A record from `hit-updates.v1`: a full hit as its writer computed it, claiming workflow number `seq`. */
export function applyUpdateRecord(state: HitState | undefined, value: Hit, kind: UpdateKind, seq: number): { state: HitState; outcome: ApplyOutcome } {
  if (!state) {
    // The hit's own record is older than this instance's look-back (or not read yet): the update carries
    // the full hit, so it serves as the base.
    const rules: Hit = { ...value, status: 'new', history: value.history.filter((h) => !WORKFLOW_ACTIONS.has(h.action)), version: Math.max(1, value.version - seq) };
    delete rules.assignee;
    delete rules.disposition;
    const workflow = workflowOf(value, seq);
    return { state: { rules, workflow, merged: mergeHit(rules, workflow) }, outcome: 'new' };
  }
  const current = state.workflow?.seq;
  // With no workflow record seen yet, the first one defines the sequence (an earlier one may lie before
  // the look-back window); afterwards only the next number is accepted.
  const accept = kind === 'repair' ? current === undefined || seq > current : current === undefined || seq === current + 1;
  if (!accept) return { state, outcome: kind === 'repair' ? 'unchanged' : 'stale' };
  const workflow = workflowOf(value, seq);
  return { state: { rules: state.rules, workflow, merged: mergeHit(state.rules, workflow) }, outcome: 'changed' };
}
