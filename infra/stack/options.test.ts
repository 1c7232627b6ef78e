import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options';
import { repoRoot } from './paths';

describe('stack options', () => {
  it('default to ports 19092/19200, small heaps and <repo>/.local', () => {
    const o = resolveOptions({}, {});
    expect(o).toMatchObject({ brokers: undefined, kafkaPort: 19092, esPort: 19200, kafkaHeap: '256m', esHeap: '512m', root: `${repoRoot}/.local`, startTimeoutMs: 180_000 });
  });

  it('take ports, heaps and mode from STACK_* variables', () => {
    const o = resolveOptions({}, { STACK_KAFKA_PORT: '29092', STACK_ES_PORT: '29200', STACK_KAFKA_HEAP: '384M', STACK_ES_HEAP: '1g', STACK_BROKERS: '3', STACK_ROOT: '/tmp/x' });
    expect(o).toMatchObject({ brokers: 3, kafkaPort: 29092, esPort: 29200, kafkaHeap: '384m', esHeap: '1g', root: '/tmp/x' });
  });

  it('let explicit options win over the environment', () => {
    const o = resolveOptions({ brokers: 1, kafkaPort: 39092, esPort: 39200, root: '/tmp/y' }, { STACK_KAFKA_PORT: '29092', STACK_ES_PORT: '29200', STACK_BROKERS: '3', STACK_ROOT: '/tmp/x' });
    expect(o).toMatchObject({ brokers: 1, kafkaPort: 39092, esPort: 39200, root: '/tmp/y' });
  });

  it('reject a port, heap or broker count that cannot work, naming the variable', () => {
    expect(() => resolveOptions({}, { STACK_KAFKA_PORT: 'abc' })).toThrow(/STACK_KAFKA_PORT=abc/);
    expect(() => resolveOptions({}, { STACK_ES_PORT: '80' })).toThrow(/STACK_ES_PORT=80/);
    expect(() => resolveOptions({}, { STACK_ES_HEAP: '512' })).toThrow(/STACK_ES_HEAP=512/);
    expect(() => resolveOptions({}, { STACK_BROKERS: '2' })).toThrow(/only 1 or 3/);
  });
});
