import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file so the stack works from any working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pom that pins the engine versions; the one source of truth for them. */
export const enginesPom = join(repoRoot, 'infra', 'engines', 'pom.xml');

export interface EngineVersions {
  kafka: string;
  elasticsearch: string;
}

/** Reads `<kafka.version>` and `<elasticsearch.version>` from the pom text. */
export function parseEngineVersions(pomXml: string): EngineVersions {
  const read = (prop: string): string => {
    const m = new RegExp(`<${prop.replace('.', '\\.')}>\\s*([^<\\s]+)\\s*</${prop.replace('.', '\\.')}>`).exec(pomXml);
    if (!m?.[1]) throw new Error(`${enginesPom} has no <${prop}> property`);
    return m[1];
  };
  return { kafka: read('kafka.version'), elasticsearch: read('elasticsearch.version') };
}

export function readEngineVersions(): EngineVersions {
  return parseEngineVersions(readFileSync(enginesPom, 'utf8'));
}

export interface StackPaths {
  root: string;
  enginesDir: string;
  kafkaLibs: string;
  esZip: string;
  esHome: string;
  /** Written last by provisioning; its absence means the cache is incomplete. */
  provisionedMarker: string;
  runDir: string;
  logsDir: string;
  kafkaDir: string;
  esDir: string;
}

/** Every location under the stack root (`.local/` by default); nothing outside it is written. */
export function stackPaths(root: string, versions: EngineVersions): StackPaths {
  const enginesDir = join(root, 'engines');
  return {
    root,
    enginesDir,
    kafkaLibs: join(enginesDir, `kafka-${versions.kafka}`, 'libs'),
    esZip: join(enginesDir, `elasticsearch-${versions.elasticsearch}.zip`),
    esHome: join(enginesDir, `elasticsearch-${versions.elasticsearch}`),
    provisionedMarker: join(enginesDir, `.provisioned-kafka-${versions.kafka}-es-${versions.elasticsearch}`),
    runDir: join(root, 'run'),
    logsDir: join(root, 'logs'),
    kafkaDir: join(root, 'kafka'),
    esDir: join(root, 'elasticsearch'),
  };
}
