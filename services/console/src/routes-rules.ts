import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import { z } from 'zod';
import { RuleSchema, type Hit, type Rule } from '../../../schemas/src';
import { AppError } from '../../../lib/errors';
import { parseWith } from '../../../lib/http-service';
import { isKafkaUnavailable } from '../../../lib/kafka';
import type { TokenService } from '../../../lib/auth/tokens';
import { allow } from './access-policy';
import type { AuditTrail } from './audit';
import type { CompactedView } from './compacted-view';

const RuleId = z.string().min(1).max(64).regex(/^[a-z0-9-]+$/);
const time = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time with an offset');
const BacktestBody = z
  .object({ from: time, to: time, rule: z.unknown().optional() })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['to'] });

export type BacktestRunner = (rule: Rule, range: { from: string; to: string }) => Promise<{ eventsScanned: number; hits: Hit[]; truncated: boolean }>;

/**
 * Rules admin over the compacted `rules.v1`: the effective rule set is the rules service's defaults with
 * every record of the topic on top (as the rules service itself loads it).
 */
export function registerRuleRoutes(app: FastifyInstance, deps: { tokens: TokenService; producer: Producer; topic: string; view: CompactedView<Rule>; defaults: readonly Rule[]; backtest: BacktestRunner; audit: AuditTrail }): void {
  const effective = (): Map<string, Rule> => {
    const m = new Map(deps.defaults.map((r) => [r.ruleId, r]));
    for (const r of deps.view.values()) m.set(r.ruleId, r);
    return m;
  };

  app.get('/api/v1/rules', { schema: { tags: ['rules'], summary: 'The effective rule set' } }, async (req) => {
    allow(deps.tokens, req, 'GET /api/v1/rules');
    return { items: [...effective().values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1)) };
  });

  app.put('/api/v1/rules/:ruleId', { schema: { tags: ['rules'], summary: 'Create or replace a rule (version bumped)' } }, async (req) => {
    const p = allow(deps.tokens, req, 'PUT /api/v1/rules/:ruleId');
    const ruleId = parseWith(RuleId, (req.params as { ruleId: string }).ruleId, 'rule id');
    const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    if (body.ruleId !== undefined && body.ruleId !== ruleId) throw new AppError('validation_failed', 'ruleId in the body differs from the path', { errors: [{ path: '/ruleId', message: `must be ${ruleId}` }] });
    const parsed = parseWith(RuleSchema, { ...body, ruleId, version: undefined, updatedBy: undefined }, 'rule');
    const current = effective().get(ruleId);
    if (current && current.kind !== parsed.kind) throw new AppError('validation_failed', `Rule ${ruleId} is a ${current.kind} rule; create a new rule id for another kind`, { errors: [{ path: '/kind', message: `must stay ${current.kind}` }] });
    const rule: Rule = { ...parsed, version: (current?.version ?? 0) + 1, updatedBy: p.sub };
    try {
      await deps.producer.send({ topic: deps.topic, acks: -1, messages: [{ key: ruleId, value: JSON.stringify(rule) }] });
    } catch (err) {
      throw new AppError(isKafkaUnavailable(err) ? 'kafka_unavailable' : 'internal', 'The rule could not be written to the event log; nothing changed', { cause: err, retryAfterSeconds: 2 });
    }
    deps.view.applyLocal(ruleId, rule);
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'rule_change', target: `rule:${ruleId}`, details: { version: rule.version, enabled: rule.enabled, severity: rule.severity, params: rule.params } });
    return { rule };
  });

  app.post('/api/v1/rules/:ruleId/backtest', { schema: { tags: ['rules'], summary: 'What the rule (or a draft of it) would have hit over past events' } }, async (req) => {
    const p = allow(deps.tokens, req, 'POST /api/v1/rules/:ruleId/backtest');
    const ruleId = parseWith(RuleId, (req.params as { ruleId: string }).ruleId, 'rule id');
    const body = parseWith(BacktestBody, req.body, 'backtest request');
    const saved = effective().get(ruleId);
    const rule = body.rule !== undefined ? parseWith(RuleSchema, { ...(body.rule as object), ruleId }, 'draft rule') : saved;
    if (!rule) throw new AppError('not_found', `No rule ${ruleId}; send a draft in "rule"`);
    const result = await deps.backtest(rule, { from: body.from, to: body.to });
    await deps.audit.record({ actor: p.sub, role: p.role, action: 'search', target: `backtest:${ruleId}`, purpose: 'rule backtest', details: { from: body.from, to: body.to, eventsScanned: result.eventsScanned, hitCount: result.hits.length, draft: body.rule !== undefined } });
    return { ruleId, from: body.from, to: body.to, eventsScanned: result.eventsScanned, hits: result.hits.slice(0, 200), hitCount: result.hits.length, ...(result.truncated ? { truncated: true } : {}) };
  });
}
