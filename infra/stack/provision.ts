import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tailFile } from './log-files';
import { enginesPom, type EngineVersions, type StackPaths } from './paths';
import { onPath, runSync } from './processes';
import { StackError } from './stack-error';

export interface JavaRuntime {
  javaHome: string;
  java: string;
  major: number;
}

/** `openjdk version "17.0.15"` / `java version "1.8.0_392"` → 17 / 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m?.[1]) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] ? Number(m[2]) : first;
}

const JAVA_HINT = 'Install a JDK/JRE 17+ (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless) or point JAVA_HOME at one.';

/**
 * The Java both engines run on: STACK_JAVA_HOME, JAVA_HOME, else `java` on PATH. Elasticsearch 8
 * needs 17+, and it is given the same home through ES_JAVA_HOME because it ignores JAVA_HOME.
 */
export function findJava(env: Record<string, string | undefined> = process.env): JavaRuntime {
  const candidates: string[] = [];
  for (const home of [env.STACK_JAVA_HOME, env.JAVA_HOME]) if (home) candidates.push(home);
  if (onPath('java', env)) {
    const onPathJava = runSync('/bin/sh', ['-c', 'command -v java'], { env }).output.trim();
    try {
      candidates.push(dirname(dirname(realpathSync(onPathJava))));
    } catch {
      // A dangling alternatives link: fall through to the error below.
    }
  }
  const problems: string[] = [];
  for (const javaHome of candidates) {
    const java = join(javaHome, 'bin', 'java');
    if (!existsSync(java)) {
      problems.push(`${java} does not exist`);
      continue;
    }
    const { output } = runSync(java, ['-version'], { timeoutMs: 30_000 });
    const major = parseJavaMajor(output);
    if (major !== undefined && major >= 17) return { javaHome, java, major };
    problems.push(`${java} is Java ${major ?? 'of unknown version'}`);
  }
  const seen = problems.length ? ` (${problems.join('; ')})` : ' (no JAVA_HOME, no java on PATH)';
  throw new StackError('JAVA_MISSING', `Java 17 or newer is needed to run Kafka and Elasticsearch locally${seen}. ${JAVA_HINT}`);
}

/** True when both engines are already in the cache, so no network and no Maven are needed. */
export function isProvisioned(paths: StackPaths): boolean {
  return existsSync(paths.provisionedMarker) && existsSync(join(paths.esHome, 'bin', 'elasticsearch')) && existsSync(paths.kafkaLibs);
}

function runToLog(command: string, args: string[], logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Unpacks with whatever the machine has: unzip, else Python's zipfile, else the JDK's jar tool. */
function extractZip(zip: string, into: string): void {
  const attempts: Array<[string, string[], string | undefined]> = [
    ['unzip', ['-q', '-o', zip, '-d', into], undefined],
    ['python3', ['-m', 'zipfile', '-e', zip, into], undefined],
    ['jar', ['xf', zip], into],
  ];
  const failures: string[] = [];
  for (const [cmd, args, cwd] of attempts) {
    if (!onPath(cmd)) continue;
    const res = runSync(cmd, args, { cwd });
    if (res.ok) return;
    failures.push(`${cmd}: ${res.output.trim().slice(-500)}`);
  }
  throw new StackError('PROVISION_FAILED', `could not extract ${zip}: ${failures.length ? failures.join(' | ') : 'none of unzip, python3, jar is installed'}`);
}

/**
 * Fetches Kafka's jars and the Elasticsearch zip through Maven (once, cached in ~/.m2 and under
 * `.local/engines/`) and unpacks Elasticsearch. Skipped entirely when the cache is complete.
 */
export async function provisionEngines(paths: StackPaths, versions: EngineVersions, log: (m: string) => void): Promise<void> {
  if (isProvisioned(paths)) return;
  mkdirSync(paths.enginesDir, { recursive: true });
  mkdirSync(paths.logsDir, { recursive: true });
  const logFile = join(paths.logsDir, 'provision.log');
  if (!existsSync(paths.esZip) || !existsSync(paths.kafkaLibs) || readdirSync(paths.kafkaLibs).length === 0) {
    if (!onPath('mvn')) {
      throw new StackError(
        'MAVEN_MISSING',
        `Maven (mvn) is needed once to fetch Kafka ${versions.kafka} and Elasticsearch ${versions.elasticsearch} from Maven Central into ${paths.enginesDir}. Install it (Debian/Ubuntu: apt-get install -y maven) and run again.`,
      );
    }
    log(`fetching Kafka ${versions.kafka} and Elasticsearch ${versions.elasticsearch} with Maven (first run only, ~150 MB; log: ${logFile})`);
    const started = Date.now();
    const code = await runToLog('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', enginesPom, 'package', `-Dengines.dir=${paths.enginesDir}`], logFile);
    if (code !== 0) {
      throw new StackError('PROVISION_FAILED', `mvn exited with ${code} while fetching the engines. Last lines of ${logFile}:\n${tailFile(logFile, 30)}`);
    }
    log(`fetched in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(join(paths.esHome, 'bin', 'elasticsearch'))) {
    log(`unpacking ${paths.esZip}`);
    const tmp = join(paths.enginesDir, `.unpack-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    extractZip(paths.esZip, tmp);
    const [top] = readdirSync(tmp);
    if (!top) throw new StackError('PROVISION_FAILED', `${paths.esZip} is empty`);
    // Python's and jar's extractors drop the executable bits.
    for (const f of readdirSync(join(tmp, top, 'bin'))) if (!f.endsWith('.bat') && !f.endsWith('.exe')) chmodSync(join(tmp, top, 'bin', f), 0o755);
    rmSync(paths.esHome, { recursive: true, force: true });
    renameSync(join(tmp, top), paths.esHome);
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(paths.provisionedMarker, `${new Date().toISOString()}\n`);
}
