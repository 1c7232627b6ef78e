import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import { safeParse } from '../../../../schemas/src';

const Cursor = z.object({ s: z.string().max(40), v: z.tuple([z.number(), z.string().max(80)]) });

/** An opaque `next` cursor: the sort values of the last item, bound to the sort order it came from. */
export function encodeCursor(sort: string, values: unknown): string | undefined {
  const v = safeParse(Cursor.shape.v, values);
  return v.success ? Buffer.from(JSON.stringify({ s: sort, v: v.data })).toString('base64url') : undefined;
}

/** The `search_after` values of a cursor; 400 for anything not made by `encodeCursor` for this sort. */
export function decodeCursor(cursor: string, sort: string): [number, string] {
  let parsed: z.infer<typeof Cursor> | undefined;
  try {
    const r = safeParse(Cursor, JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (r.success) parsed = r.data;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.s !== sort) throw new AppError('validation_failed', 'after is not a cursor from a previous page of this search', { errors: [{ path: '/after', message: 'not a page cursor for this sort order' }] });
  return parsed.v;
}
