import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { TOPICS } from '../infra/topics';
import { buildGeneratedFiles, GENERATED_DIR } from './generate';
import { EventSchema, SAMPLE_PLATES, SAMPLE_RESIDENT_IDS } from './src';

const fresh = buildGeneratedFiles();
const STALE = 'schemas/generated is stale: run `npm run schemas:generate` and commit the result';

const sampleInspection = {
  eventId: '7f9c1c3e-5d1a-4c59-9b0e-2f4f7d3a8b11',
  type: 'inspection',
  occurredAt: '2026-11-22T14:03:11.250+08:00',
  checkpointId: 'CP-140882-G5-01',
  terminalId: 'T-0042',
  officerIds: ['O-1408-017'],
  vehicle: { plate: SAMPLE_PLATES.shanxiYuncheng, plateColor: 'blue', kind: 'car', direction: 'inbound' },
  driver: { idNumber: SAMPLE_RESIDENT_IDS.hejin, name: '张伟' },
  outcome: 'released',
};

describe('generated JSON Schema and AsyncAPI files', () => {
  it('are committed exactly as a fresh generation writes them', () => {
    const onDisk = readdirSync(GENERATED_DIR).sort();
    expect(onDisk, STALE).toEqual([...fresh.keys()].sort());
    for (const [name, content] of fresh) expect(readFileSync(join(GENERATED_DIR, name), 'utf8'), `${STALE} (${name} differs)`).toBe(content);
  });

  it('describe every Kafka topic, and every reference in the AsyncAPI document resolves', () => {
    const doc = JSON.parse(fresh.get('asyncapi.json')!) as { asyncapi: string; channels: Record<string, { address: string }> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c.address).sort()).toEqual(Object.values(TOPICS).sort());
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' && typeof x === 'string' ? refs.push(x) : walk(x);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, seg) => (node as Record<string, unknown> | undefined)?.[seg.replaceAll('~1', '/').replaceAll('~0', '~')], doc);
      expect(target, `unresolved ${ref}`).toBeDefined();
    }
  });

  it('give non-JavaScript producers schemas that agree with zod on a valid event and on a missing field', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(fresh.get('event.schema.json')!) as object);
    expect(EventSchema.safeParse(sampleInspection).success).toBe(true);
    expect(validate(sampleInspection)).toBe(true);
    const { outcome: _o, ...withoutOutcome } = sampleInspection;
    expect(EventSchema.safeParse(withoutOutcome).success).toBe(false);
    expect(validate(withoutOutcome)).toBe(false);
    expect(validate({ ...sampleInspection, occurredAt: '2026-11-22T14:03:11' })).toBe(false);
  });

  it('compile as JSON Schema 2020-12, every one of them', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    for (const [name, content] of fresh) if (name.endsWith('.schema.json')) expect(() => ajv.compile(JSON.parse(content) as object), name).not.toThrow();
  });
});
