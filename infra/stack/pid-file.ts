import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { engineNames, type EngineName } from './plan';

const pidRecordSchema = z.object({
  name: z.enum(engineNames as [EngineName, ...EngineName[]]),
  pid: z.number().int().positive(),
  /** /proc start time of the process; tells a live engine from an unrelated process that got the same pid. */
  startTime: z.string().nullable(),
  port: z.number().int(),
  /** Kafka nodes: the mode of the cluster they belong to; null for Elasticsearch. */
  brokers: z.union([z.literal(1), z.literal(3)]).nullable(),
  dataDir: z.string(),
  startedAt: z.string(),
});

export type PidRecord = z.infer<typeof pidRecordSchema>;

/** The record in a pid file's text, or undefined for a file that is empty, truncated or not ours. */
export function parsePidRecord(text: string): PidRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = pidRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function readPidFile(path: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parsePidRecord(text);
}

/** Written via a rename so a reader never sees half a record. */
export function writePidFile(path: string, record: PidRecord): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record)}\n`);
  renameSync(tmp, path);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}
