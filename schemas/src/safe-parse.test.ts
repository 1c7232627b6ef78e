import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EventSchema, WatchlistEntrySchema } from './index';
import { safeParse } from './safe-parse';
import { validationErrors } from './validation-errors';

describe('safeParse', () => {
  const hostile = JSON.parse('{"length": {"toString": 0}}') as unknown;

  it('turns what makes zod throw into a failed parse pointing at the value', () => {
    const schema = z.object({ a: z.array(z.object({ plate: z.string().max(32) })) });
    const input = { a: [{ plate: 'ok' }, { plate: hostile }] };
    expect(() => schema.safeParse(input)).toThrow(TypeError); // what zod itself does
    const r = safeParse(schema, input);
    expect(r.success).toBe(false);
    expect(validationErrors(r.error!)).toEqual([{ path: '/a/1/plate', message: expect.stringMatching(/^not a value this field can hold/) }]);
  });

  it('is safeParse otherwise', () => {
    expect(safeParse(z.string().max(2), 'ab')).toEqual({ success: true, data: 'ab' });
    expect(safeParse(EventSchema, { type: 'inspection', vehicle: hostile }).success).toBe(false);
    expect(safeParse(WatchlistEntrySchema, { kind: 'vehicle', key: hostile }).success).toBe(false);
  });
});
