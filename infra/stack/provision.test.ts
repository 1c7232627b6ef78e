import { describe, expect, it } from 'vitest';
import { findJava, parseJavaMajor } from './provision';

describe('java detection', () => {
  it('reads the major version of modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });

  it('explains how to install Java when none is usable', () => {
    expect(() => findJava({ STACK_JAVA_HOME: '/nonexistent', JAVA_HOME: '/nonexistent', PATH: '' })).toThrow(/Java 17 or newer is needed.*openjdk-17/s);
  });
});
