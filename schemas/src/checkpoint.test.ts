import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointReferenceSchema, CheckpointSchema } from './checkpoint';
import { validationErrors } from './validation-errors';

const cp = { checkpointId: 'CP-530621-G85-02', name: { zh: '鲁甸公安检查站', en: 'Ludian checkpoint' }, jurisdiction: '530621', lat: 27.19, lon: 103.56, corridorIds: ['G85-yunnan-sichuan'] };
const cp2 = { ...cp, checkpointId: 'CP-530602-G85-01', jurisdiction: '530602' };
const corridor = { corridorId: 'G85-yunnan-sichuan', name: { zh: '渝昆高速滇川通道', en: 'G85 corridor' }, checkpointIds: [cp.checkpointId, cp2.checkpointId] };

const problems = (x: unknown) => {
  const r = CheckpointReferenceSchema.safeParse(x);
  return r.success ? [] : validationErrors(r.error).map((e) => e.path);
};

describe('checkpoint reference data', () => {
  it('accepts the demo reference file', () => {
    const demo: unknown = JSON.parse(readFileSync(new URL('../../infra/demo/checkpoints.json', import.meta.url), 'utf8'));
    expect(CheckpointReferenceSchema.parse(demo).checkpoints.length).toBeGreaterThan(3);
  });

  it('defaults a checkpoint to fixed with no corridors', () => {
    expect(CheckpointSchema.parse({ ...cp, corridorIds: undefined })).toMatchObject({ kind: 'fixed', corridorIds: [] });
  });

  it('rejects positions off the globe, bad ids and bad jurisdictions where they are', () => {
    expect(problems({ corridors: [], checkpoints: [{ ...cp, corridorIds: [], lat: 91 }] })).toEqual(['/checkpoints/0/lat']);
    expect(problems({ corridors: [], checkpoints: [{ ...cp, corridorIds: [], checkpointId: 'Ludian' }] })).toEqual(['/checkpoints/0/checkpointId']);
    expect(problems({ corridors: [], checkpoints: [{ ...cp, corridorIds: [], jurisdiction: '53062' }] })).toEqual(['/checkpoints/0/jurisdiction']);
    expect(problems({ corridors: [{ ...corridor, checkpointIds: [cp.checkpointId] }], checkpoints: [cp, cp2] })).toEqual(['/corridors/0/checkpointIds']);
  });

  it('rejects corridors and checkpoints that refer to each other wrongly', () => {
    expect(problems({ corridors: [corridor], checkpoints: [cp] })).toEqual(['/corridors/0/checkpointIds/1']);
    expect(problems({ corridors: [], checkpoints: [cp] })).toEqual(['/checkpoints/0/corridorIds/0']);
  });
});
