import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonPointer, validationErrors } from './validation-errors';

const errorsOf = (schema: z.ZodType, x: unknown, limit?: number) => {
  const r = schema.safeParse(x);
  if (r.success) throw new Error('expected a failure');
  return validationErrors(r.error, limit);
};

describe('validation errors', () => {
  it('turn nested paths into JSON pointers, escaping ~ and /', () => {
    expect(jsonPointer([])).toBe('');
    expect(jsonPointer(['passengers', 0, 'idNumber'])).toBe('/passengers/0/idNumber');
    expect(jsonPointer(['a/b', 'c~d'])).toBe('/a~1b/c~0d');
  });

  it('report each bad field with its message', () => {
    const s = z.object({ vehicle: z.object({ plate: z.string().max(3, 'too long') }), n: z.number() });
    expect(errorsOf(s, { vehicle: { plate: 'abcd' }, n: 'x' })).toEqual([
      { path: '/vehicle/plate', message: 'too long' },
      { path: '/n', message: expect.stringContaining('expected number') },
    ]);
  });

  it('point at each unknown field of a strict object', () => {
    expect(errorsOf(z.strictObject({ a: z.number() }), { a: 1, b: 2, 'c/d': 3 })).toEqual([
      { path: '/b', message: 'unknown field "b"' },
      { path: '/c~1d', message: 'unknown field "c/d"' },
    ]);
  });

  it('explain a failed union by its closest alternative instead of "Invalid input"', () => {
    const s = z.object({ v: z.union([z.object({ a: z.string(), b: z.string(), c: z.string() }), z.object({ kind: z.literal('x'), size: z.number() })]) });
    expect(errorsOf(s, { v: { kind: 'x', size: 'big' } })).toEqual([{ path: '/v/size', message: expect.stringContaining('expected number') }]);
  });

  it('cap the number of errors', () => {
    expect(errorsOf(z.array(z.number()), Array.from({ length: 500 }, () => 'x'), 50)).toHaveLength(50);
    expect(errorsOf(z.array(z.number()), Array.from({ length: 500 }, () => 'x'))).toHaveLength(50);
  });
});
