import type { Message } from 'kafkajs';

/** A dead letter for a record that cannot be processed, keyed by its source topic (see ARCHITECTURE.md). */
export function deadLetter(source: { topic: string; partition: number; offset: string; raw: string }, reason: string, now: Date): Message {
  return {
    key: source.topic,
    value: JSON.stringify({ schemaVersion: 1, sourceTopic: source.topic, partition: source.partition, offset: source.offset, reason: reason.slice(0, 2000), payload: source.raw.slice(0, 100_000), at: now.toISOString(), service: 'rules' }),
  };
}

/** JSON.parse that returns undefined instead of throwing (the schema decides what is valid). */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export const describeIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('/') || '(root)'}: ${i.message}`)
    .join('; ');
