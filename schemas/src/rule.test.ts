import { describe, expect, it } from 'vitest';
import { RULE_KINDS, RULE_PARAMS, RuleSchema, ruleParams, TypedRuleSchema } from './rule';
import { validationErrors } from './validation-errors';

const corridor = {
  ruleId: 'corridor-transit-g85',
  kind: 'corridor_transit',
  enabled: true,
  severity: 'medium',
  coolDownMinutes: 360,
  params: { corridorId: 'G85-yunnan-sichuan', checkpointIds: ['CP-530621-G85-02', 'CP-530602-G85-01'], minCheckpoints: 3, windowMinutes: 360 },
  description: { zh: '同一车辆短时间内通过通道多个卡点', en: 'Same vehicle through several checkpoints of a corridor' },
};

const problems = (schema: typeof RuleSchema | typeof TypedRuleSchema, x: unknown) => {
  const r = schema.safeParse(x);
  return r.success ? [] : validationErrors(r.error).map((e) => `${e.path} ${e.message}`);
};

describe('rule schema', () => {
  it('accepts a corridor rule and fills version and schema version', () => {
    expect(RuleSchema.parse(corridor)).toMatchObject({ version: 0, schemaVersion: 1, coolDownMinutes: 360, params: { minCheckpoints: 3 } });
  });

  it('accepts every kind with no parameters, falling back to the evaluators’ defaults', () => {
    for (const kind of RULE_KINDS) expect(RuleSchema.parse({ ...corridor, kind, params: undefined }).params, kind).toEqual({});
  });

  it('rejects a misspelt parameter, naming it', () => {
    expect(problems(RuleSchema, { ...corridor, params: { windowMinute: 30 } })).toEqual(['/params/windowMinute not a parameter of corridor_transit rules']);
  });

  it('rejects a parameter of another kind', () => {
    expect(problems(RuleSchema, { ...corridor, kind: 'watchlist_vehicle' }).map((p) => p.split(' ')[0]).sort()).toEqual(['/params/checkpointIds', '/params/corridorId', '/params/minCheckpoints', '/params/windowMinutes']);
  });

  it('rejects parameter values out of range or of the wrong type', () => {
    expect(problems(RuleSchema, { ...corridor, params: { minCheckpoints: 1 } })[0]).toMatch(/^\/params\/minCheckpoints /);
    expect(problems(RuleSchema, { ...corridor, params: { windowMinutes: 2.5 } })[0]).toMatch(/^\/params\/windowMinutes /);
    expect(problems(RuleSchema, { ...corridor, params: { checkpointIds: ['Ludian'] } })[0]).toMatch(/^\/params\/checkpointIds\/0 /);
    expect(problems(RuleSchema, { ...corridor, kind: 'watchlist_vehicle', params: { fuzzy: 'yes' } })[0]).toMatch(/^\/params\/fuzzy /);
    expect(problems(RuleSchema, { ...corridor, kind: 'co_traveller', params: { categories: ['friends'] } })[0]).toMatch(/^\/params\/categories\/0 /);
  });

  it('rejects unknown kinds, bad ids and a cool-down beyond a week', () => {
    expect(problems(RuleSchema, { ...corridor, kind: 'gut_feeling' })[0]).toMatch(/^\/kind /);
    expect(problems(RuleSchema, { ...corridor, ruleId: 'Corridor Rule' })[0]).toMatch(/^\/ruleId /);
    expect(problems(RuleSchema, { ...corridor, coolDownMinutes: 7 * 24 * 60 + 1 })[0]).toMatch(/^\/coolDownMinutes /);
  });

  it('reads typed parameters for a rule’s kind', () => {
    const rule = RuleSchema.parse(corridor);
    if (rule.kind !== 'corridor_transit') throw new Error('kind');
    const p = ruleParams({ kind: 'corridor_transit', params: rule.params });
    expect(p.minCheckpoints).toBe(3);
    expect(p.checkpointIds).toHaveLength(2);
  });

  it('has a typed union that accepts and rejects what the flat schema does', () => {
    expect(TypedRuleSchema.parse(corridor)).toMatchObject({ kind: 'corridor_transit', params: { windowMinutes: 360 } });
    expect(TypedRuleSchema.parse({ ...corridor, kind: 'precursor_permit', params: undefined }).params).toEqual({});
    expect(problems(TypedRuleSchema, { ...corridor, params: { windowMinute: 30 } })[0]).toMatch(/^\/params\/windowMinute /);
    expect(Object.keys(RULE_PARAMS).sort()).toEqual([...RULE_KINDS].sort());
  });
});
