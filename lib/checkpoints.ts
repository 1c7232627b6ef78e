import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { safeParse } from '../schemas/src';

const Name = z.object({ zh: z.string().max(100), en: z.string().max(200) });
export const CheckpointRef = z.object({
  checkpointId: z.string().regex(/^CP-\d{6}-[A-Z0-9]{1,8}-\d{2}$/),
  name: Name,
  jurisdiction: z.string().regex(/^\d{6}$/),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  kind: z.enum(['fixed', 'temporary', 'mobile']),
  corridorIds: z.array(z.string().max(64)).max(20),
});
export type CheckpointRef = z.infer<typeof CheckpointRef>;
export const CorridorRef = z.object({ corridorId: z.string().max(64), name: Name, checkpointIds: z.array(z.string()).min(2).max(100) });
export type CorridorRef = z.infer<typeof CorridorRef>;
const ReferenceFile = z.object({ corridors: z.array(CorridorRef), checkpoints: z.array(CheckpointRef) });

export interface CheckpointRegistry {
  get(checkpointId: string): CheckpointRef | undefined;
  all(): CheckpointRef[];
  corridor(corridorId: string): CorridorRef | undefined;
  corridors(): CorridorRef[];
  /** The checkpoint's jurisdiction, or the code embedded in its id for a checkpoint not (yet) registered. */
  jurisdictionOf(checkpointId: string): string | undefined;
}

/** Reference data for checkpoints and corridors (GB/T 2260 jurisdictions, positions). */
export function createCheckpointRegistry(data: { checkpoints: CheckpointRef[]; corridors: CorridorRef[] }): CheckpointRegistry {
  const byId = new Map(data.checkpoints.map((c) => [c.checkpointId, c]));
  const corridors = new Map(data.corridors.map((c) => [c.corridorId, c]));
  return {
    get: (id) => byId.get(id),
    all: () => [...byId.values()],
    corridor: (id) => corridors.get(id),
    corridors: () => [...corridors.values()],
    jurisdictionOf: (id) => byId.get(id)?.jurisdiction ?? /^CP-(\d{6})-/.exec(id)?.[1],
  };
}

export function loadCheckpointRegistry(path: string): CheckpointRegistry {
  const parsed = safeParse(ReferenceFile, JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`checkpoints file ${path} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return createCheckpointRegistry(parsed.data);
}
