import type { Rule } from '../../../schemas/src';

/** A numeric parameter of a rule, or `fallback` when absent or of the wrong type (rules are edited by people). */
export function numParam(rule: Rule, name: string, fallback: number): number {
  const v = rule.params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function listParam(rule: Rule, name: string, fallback: readonly string[]): readonly string[] {
  const v = rule.params[name];
  return Array.isArray(v) ? v : fallback;
}

export function boolParam(rule: Rule, name: string, fallback: boolean): boolean {
  const v = rule.params[name];
  return typeof v === 'boolean' ? v : fallback;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
