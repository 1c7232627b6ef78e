import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCheckpointRegistry } from './checkpoints';

describe('checkpoint registry', () => {
  const reg = loadCheckpointRegistry(join(import.meta.dirname, '../infra/demo/checkpoints.json'));

  it('loads the demo checkpoints with their jurisdictions and corridors', () => {
    expect(reg.get('CP-140882-G5-01')?.jurisdiction).toBe('140882');
    expect(reg.corridor('G85-yunnan-sichuan')?.checkpointIds).toContain('CP-530621-G85-02');
  });

  it('every corridor names only registered checkpoints', () => {
    for (const c of reg.corridors()) for (const id of c.checkpointIds) expect(reg.get(id), `${c.corridorId} → ${id}`).toBeDefined();
  });

  it('derives the jurisdiction of an unregistered checkpoint from its id', () => {
    expect(reg.jurisdictionOf('CP-530602-X1-07')).toBe('530602');
  });
});
