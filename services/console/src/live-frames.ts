import { z } from 'zod';
import { isWithinJurisdiction, SEVERITIES, type Hit, safeParse } from '../../../schemas/src';
import type { Principal } from '../../../lib/auth/tokens';
import { canSeeHit, inScope } from './access-policy';

/** Client → server frames of `GET /api/v1/live` (docs/CONSOLE-API.md). */
export const LiveFilterSchema = z.strictObject({
  severities: z.array(z.enum(SEVERITIES)).max(4).optional(),
  categories: z.array(z.string().min(1).max(64)).max(50).optional(),
  checkpointIds: z.array(z.string().min(1).max(40)).max(500).optional(),
  jurisdiction: z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code').optional(),
});
export type LiveFilter = z.infer<typeof LiveFilterSchema>;

export const ClientFrameSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('subscribe'), filter: LiveFilterSchema.default({}), resumeFrom: z.string().min(1).max(8192).optional() }),
  z.strictObject({ op: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export type ServerFrame =
  | { type: 'subscribed'; cursor: string; scope: string }
  | { type: 'hit' | 'hit.updated'; cursor: string; hit: Hit }
  | { type: 'heartbeat'; at: string; cursor: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'dropped'; reason: 'slow_consumer' };

/** Parses one client frame; an error frame to send back instead of throwing. */
export function parseClientFrame(raw: string): { ok: true; frame: ClientFrame } | { ok: false; error: Extract<ServerFrame, { type: 'error' }> } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: { type: 'error', code: 'malformed_json', message: 'Frames are JSON objects, e.g. {"op":"subscribe","filter":{}}' } };
  }
  const parsed = safeParse(ClientFrameSchema, json);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? '/' + i.path.join('/') : '(frame)'}: ${i.message}`)
      .join('; ');
    return { ok: false, error: { type: 'error', code: 'validation_failed', message } };
  }
  return { ok: true, frame: parsed.data };
}

/**
 * The predicate a subscription applies to every frame: the token's scope first (never the client's
 * say-so), then the client's own narrowing. Throws nothing; a jurisdiction outside the scope is refused
 * before this is built (see `filterError`).
 */
export function frameFilter(p: Principal, f: LiveFilter): (hit: Hit) => boolean {
  const severities = f.severities ? new Set<string>(f.severities) : undefined;
  const categories = f.categories ? new Set(f.categories) : undefined;
  const checkpoints = f.checkpointIds ? new Set(f.checkpointIds) : undefined;
  return (hit) =>
    canSeeHit(p, hit) &&
    (!severities || severities.has(hit.severity)) &&
    (!categories || categories.has(hit.category)) &&
    (!checkpoints || checkpoints.has(hit.checkpointId)) &&
    (!f.jurisdiction || hit.jurisdictions.some((j) => isWithinJurisdiction(j, f.jurisdiction!)));
}

/** An error frame when the client asks for a jurisdiction outside its token's scope. */
export function filterError(p: Principal, f: LiveFilter): Extract<ServerFrame, { type: 'error' }> | undefined {
  if (f.jurisdiction && !inScope(p, f.jurisdiction)) return { type: 'error', code: 'out_of_scope', message: `Jurisdiction ${f.jurisdiction} is outside this account's scope ${p.jur}` };
  return undefined;
}

/** What the subscription is scoped to, as told to the client. */
export const scopeOf = (p: Principal): string => p.jur;
