import type { Role } from '../../../../lib/auth/tokens';

/**
 * Who may call which search route. Mirrors the console's route table (access-policy.ts) so the plugin
 * stands alone; the authorization-matrix test checks both agree. Persons' timelines and associates are
 * investigators' work; commanders see vehicles and statistics; auditors may open a record they audit.
 */
export const SEARCH_ROLES = {
  search: ['investigator', 'commander', 'admin'],
  export: ['investigator', 'admin'],
  event: ['investigator', 'commander', 'admin', 'auditor'],
  vehicle: ['investigator', 'commander', 'admin'],
  person: ['investigator', 'admin'],
  stats: ['commander', 'investigator', 'admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

/** Investigators (and admins, who maintain watchlists keyed by id) need full resident ids; others see them masked. */
export const seesFullIds = (role: Role): boolean => role === 'investigator' || role === 'admin';
