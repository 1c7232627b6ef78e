import type { Client } from '@elastic/elasticsearch';
import { INDEX_KINDS, type IndexKind } from './mappings';

export { INDEX_KINDS, type IndexKind } from './mappings';

/** Bumped when a mapping changes, so `GET _index_template` shows which code wrote it. */
export const TEMPLATE_VERSION = 2;

/** The alias every reader uses: `${prefix}events`, `${prefix}hits`, `${prefix}audit`. */
export const aliasFor = (prefix: string, kind: IndexKind): string => `${prefix}${kind}`;

/**
 * Monthly index chosen by event time (UTC month), behind the kind's alias:
 * `${prefix}events-2026.11`. Deterministic, so a replayed document lands on its first copy.
 */
export function indexFor(prefix: string, kind: IndexKind, time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`);
  const d = new Date(ms);
  return `${prefix}${kind}-${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export interface TemplateOptions {
  /** One shard suits a single node; production sizes this per month of volume. */
  shards?: number;
  replicas?: number;
  refreshInterval?: string;
}

/**
 * Composable index templates for `${prefix}events-*`, `${prefix}hits-*`, `${prefix}audit-*`, each adding
 * the kind's alias to every new monthly index. Indices that already exist get the (additive) mapping too,
 * so a new field is searchable without waiting for next month's index. Idempotent.
 */
export async function ensureIndexTemplates(es: Client, prefix: string, opts: TemplateOptions = {}): Promise<void> {
  for (const [kind, mappings] of Object.entries(INDEX_KINDS) as Array<[IndexKind, (typeof INDEX_KINDS)[IndexKind]]>) {
    await es.indices.putIndexTemplate({
      name: `${prefix}${kind}`,
      index_patterns: [`${prefix}${kind}-*`],
      // A longer prefix is more specific: it must win where patterns of two prefixes overlap.
      priority: 100 + prefix.length,
      version: TEMPLATE_VERSION,
      _meta: { owner: 'checkpoint-interdiction', kind },
      template: {
        settings: {
          number_of_shards: opts.shards ?? 1,
          number_of_replicas: opts.replicas ?? 0,
          refresh_interval: opts.refreshInterval ?? '1s',
        },
        mappings: mappings as never,
        aliases: { [aliasFor(prefix, kind)]: {} },
      },
    });
    await es.indices.putMapping({ index: `${prefix}${kind}-*`, allow_no_indices: true, ignore_unavailable: true, ...(mappings as never) });
  }
}
