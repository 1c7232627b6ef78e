import { z } from 'zod';
import { Bilingual, CheckpointId, JurisdictionCode, text } from './common';

/** `G85-yunnan-sichuan`: road and stretch, lower-case. */
export const CorridorId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only');

export const CHECKPOINT_KINDS = ['fixed', 'temporary', 'mobile'] as const;

/** A checkpoint (公安检查站 / 查控卡点): where events happen, and whose jurisdiction a hit is routed to. */
export const CheckpointSchema = z.object({
  checkpointId: CheckpointId,
  name: Bilingual,
  jurisdiction: JurisdictionCode,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** 固定 / 临时 / 动态 ("三类站点"). */
  kind: z.enum(CHECKPOINT_KINDS).default('fixed'),
  corridorIds: z.array(CorridorId).max(20).default([]),
  note: text(500).optional(),
});
export type Checkpoint = z.output<typeof CheckpointSchema>;

/** A corridor: checkpoints along one trafficking route, for the corridor-transit rule. */
export const CorridorSchema = z.object({
  corridorId: CorridorId,
  name: Bilingual,
  checkpointIds: z.array(CheckpointId).min(2).max(100),
});
export type Corridor = z.output<typeof CorridorSchema>;

/** The reference file of checkpoints and corridors (infra/demo/checkpoints.json); ids must be consistent. */
export const CheckpointReferenceSchema = z
  .object({
    corridors: z.array(CorridorSchema).max(1000),
    checkpoints: z.array(CheckpointSchema).max(10_000),
  })
  .superRefine((ref, ctx) => {
    const checkpointIds = new Set(ref.checkpoints.map((c) => c.checkpointId));
    const corridorIds = new Set(ref.corridors.map((c) => c.corridorId));
    ref.corridors.forEach((c, i) =>
      c.checkpointIds.forEach((id, j) => {
        if (!checkpointIds.has(id)) ctx.addIssue({ code: 'custom', path: ['corridors', i, 'checkpointIds', j], message: `unknown checkpoint ${id}` });
      }),
    );
    ref.checkpoints.forEach((c, i) =>
      c.corridorIds.forEach((id, j) => {
        if (!corridorIds.has(id)) ctx.addIssue({ code: 'custom', path: ['checkpoints', i, 'corridorIds', j], message: `unknown corridor ${id}` });
      }),
    );
  });
export type CheckpointReference = z.output<typeof CheckpointReferenceSchema>;
