import { describe, expect, it } from 'vitest';
import { parseEngineVersions, readEngineVersions, stackPaths } from './paths';

describe('engine versions', () => {
  it('are read from the pom that Maven fetches them with', () => {
    expect(readEngineVersions()).toEqual({ kafka: '3.9.1', elasticsearch: '8.19.4' });
  });

  it('fail with the missing property named when the pom lacks one', () => {
    expect(() => parseEngineVersions('<properties><kafka.version>3.9.1</kafka.version></properties>')).toThrow(/elasticsearch\.version/);
  });

  it('put every cached engine under the stack root, versioned', () => {
    const p = stackPaths('/r', { kafka: '3.9.1', elasticsearch: '8.19.4' });
    expect(p.kafkaLibs).toBe('/r/engines/kafka-3.9.1/libs');
    expect(p.esHome).toBe('/r/engines/elasticsearch-8.19.4');
    expect(p.esZip).toBe('/r/engines/elasticsearch-8.19.4.zip');
  });
});
