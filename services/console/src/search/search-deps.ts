import type { Client } from '@elastic/elasticsearch';
import type { Principal, TokenService } from '../../../../lib/auth/tokens';
import type { CheckpointRegistry } from '../../../../lib/checkpoints';

/**
 * What the search plugin writes to the audit trail: who searched, for what (`terms`, also under
 * `details.terms`), and why. Assignable to the console's `AuditEntry`.
 */
export interface SearchAuditRecord {
  actor: string;
  role: string;
  action: 'search' | 'view' | 'export';
  target?: string;
  purpose?: string;
  terms: Record<string, unknown>;
  details: Record<string, unknown>;
  crossJurisdiction: boolean;
}

export interface SearchDeps {
  es: Client;
  /** ES_INDEX_PREFIX: the plugin reads the `${indexPrefix}events` and `${indexPrefix}hits` aliases. */
  indexPrefix: string;
  tokens: TokenService;
  checkpoints: CheckpointRegistry;
  audit?: (record: SearchAuditRecord) => void;
  /**
   * Checks a cross-jurisdiction grant named by a search (`grantId`) for the caller and the jurisdiction asked
   * for; throws `grant_invalid`. Without it every search stays inside the caller's own jurisdiction.
   */
  checkGrant?: (p: Principal, grantId: string, requested?: string) => SearchGrant;
}

/** What a search needs of a grant: which jurisdiction it opens, and what to write in the audit record. */
export interface SearchGrant {
  grantId: string;
  jurisdiction: string;
  caseNumber: string;
}
