import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS as SCHEMA_AUDIT_ACTIONS, CATEGORIES_BY_KIND as SCHEMA_CATEGORIES, DISPOSITIONS as SCHEMA_DISPOSITIONS, HIT_HISTORY_ACTIONS, HIT_STATUSES as SCHEMA_STATUSES, MATCH_KINDS, PRECURSOR_IDS, PRECURSORS, RULE_KINDS, SEVERITIES as SCHEMA_SEVERITIES, SUBSTANCES, WATCHLIST_CATEGORIES, EVENT_TYPES, VEHICLE_KINDS, ACTIONS as HIT_ACTIONS } from '../../../schemas/src';
import { applyAction } from '../../../services/console/src/hit-transitions';
import { sampleHit } from '../../../services/console/src/sample-hit';
import { MESSAGES } from './messages.js';
import { actionsForStatus } from './hit-actions.js';
import { HIT_CATEGORIES } from './views/live-feed.js';
import { CATEGORIES_BY_KIND, PRECURSORS as UI_PRECURSORS, ACTIONS } from './views/watchlist-form.js';
import { AUDIT_ACTIONS } from './views/audit.js';
import { DISPOSITIONS } from './views/hit-workflow.js';
import { HIT_STATUSES, SEVERITIES } from './widgets.js';

const labelled = (group: string, values: readonly string[]) => values.filter((v) => !(`${group}.${v}` in MESSAGES));

describe('the console against the schemas and the console service', () => {
  it('offers the same enumerations the schemas define', () => {
    expect(SEVERITIES).toEqual([...SCHEMA_SEVERITIES]);
    expect(HIT_STATUSES).toEqual([...SCHEMA_STATUSES]);
    expect(DISPOSITIONS).toEqual([...SCHEMA_DISPOSITIONS]);
    expect(AUDIT_ACTIONS).toEqual([...SCHEMA_AUDIT_ACTIONS]);
    expect(CATEGORIES_BY_KIND).toEqual(JSON.parse(JSON.stringify(SCHEMA_CATEGORIES)));
    expect(UI_PRECURSORS).toEqual([...PRECURSOR_IDS]);
    expect(ACTIONS).toEqual([...HIT_ACTIONS]);
    expect(HIT_CATEGORIES).toEqual(expect.arrayContaining([...WATCHLIST_CATEGORIES]));
  });

  it('labels every enumeration value in both languages', () => {
    expect(labelled('category', HIT_CATEGORIES)).toEqual([]);
    expect(labelled('ruleKind', RULE_KINDS)).toEqual([]);
    expect(labelled('matchKind', MATCH_KINDS)).toEqual([]);
    expect(labelled('historyAction', HIT_HISTORY_ACTIONS)).toEqual([]);
    expect(labelled('eventType', EVENT_TYPES)).toEqual([]);
    expect(labelled('vehicleKind', VEHICLE_KINDS)).toEqual([]);
    expect(labelled('action', HIT_ACTIONS)).toEqual([]);
    expect(labelled('auditAction', SCHEMA_AUDIT_ACTIONS)).toEqual([]);
  });

  it('names substances and precursors as the schemas do', () => {
    for (const [id, names] of Object.entries(SUBSTANCES)) expect(MESSAGES[`substance.${id}` as keyof typeof MESSAGES]).toEqual([names.zh, names.en]);
    for (const [id, names] of Object.entries(PRECURSORS)) expect(MESSAGES[`precursor.${id}` as keyof typeof MESSAGES]).toEqual([names.zh, names.en]);
  });

  it('enables exactly the workflow buttons the console service accepts for each status', () => {
    const actions = ['acknowledge', 'assign', 'resolve', 'reopen'] as const;
    for (const status of SCHEMA_STATUSES) {
      const hit = sampleHit({ status, ...(status === 'assigned' ? { assignee: 'u1' } : {}) });
      const accepted = actions.filter((action) => {
        const body = action === 'assign' ? { action, expectedVersion: 1, assignee: 'u2' } : action === 'resolve' ? { action, expectedVersion: 1, disposition: 'confirmed' as const } : { action, expectedVersion: 1 };
        try {
          applyAction(hit, body, 'tester', new Date());
          return true;
        } catch {
          return false;
        }
      });
      expect([status, actionsForStatus(status)]).toEqual([status, accepted]);
    }
  });
});
