import { errors, type Client } from '@elastic/elasticsearch';
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
    await es.indices.putMapping({ index: `${prefix}${kind}-*`, allow_no_indices: true, ignore_unavailable: true, ...(mappings as object) });
  }
}

/**
 * Creates this month's and next month's indices ahead of time (from the templates), so the first event of
 * a month does not wait for an index to be created — on a busy node that takes seconds. Idempotent.
 */
export async function ensureMonthlyIndices(es: Client, prefix: string, now = Date.now()): Promise<string[]> {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const names = (Object.keys(INDEX_KINDS) as IndexKind[]).flatMap((k) => [indexFor(prefix, k, now), indexFor(prefix, k, next)]);
  const existing = new Set(Object.keys(await es.indices.get({ index: names.join(','), ignore_unavailable: true, allow_no_indices: true, features: ['aliases'] })));
  const created: string[] = [];
  for (const index of names.filter((n) => !existing.has(n))) {
    try {
      await es.indices.create({ index, wait_for_active_shards: 1 });
      created.push(index);
    } catch (err) {
      // Another indexer instance created it in between.
      if (!(err instanceof errors.ResponseError && JSON.stringify(err.body ?? '').includes('resource_already_exists_exception'))) throw err;
    }
  }
  return created;
}
