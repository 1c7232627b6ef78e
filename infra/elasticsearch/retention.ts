import type { Client } from '@elastic/elasticsearch';
import { INDEX_KINDS, type IndexKind } from './mappings';

const MONTHLY = /-(\d{4})\.(\d{2})$/;

/**
 * The monthly indices whose whole month lies more than `days` before `now` (an index is kept while any
 * of its documents is younger than the retention age).
 */
export function expiredIndices(names: readonly string[], prefix: string, kinds: readonly IndexKind[], days: number, now: number): string[] {
  return names.filter((n) => {
    const kind = kinds.find((k) => n.startsWith(`${prefix}${k}-`));
    const m = MONTHLY.exec(n);
    if (!kind || !m || n.length !== `${prefix}${kind}-0000.00`.length) return false;
    const monthEnd = Date.UTC(Number(m[1]), Number(m[2]), 1);
    return now - monthEnd > days * 86_400_000;
  });
}

/** Retention: removes the expired monthly indices of the given kinds (all kinds by default); returns their names. */
export async function deleteIndicesOlderThan(es: Client, prefix: string, days: number, opts: { kinds?: readonly IndexKind[]; now?: number } = {}): Promise<string[]> {
  const kinds = opts.kinds ?? (Object.keys(INDEX_KINDS) as IndexKind[]);
  const patterns = kinds.map((k) => `${prefix}${k}-*`).join(',');
  const names = Object.keys(await es.indices.get({ index: patterns, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: ['open', 'closed'], features: ['settings'] }));
  const old = expiredIndices(names, prefix, kinds, days, opts.now ?? Date.now());
  if (old.length) await es.indices.delete({ index: old.join(','), expand_wildcards: 'none' });
  return old;
}
