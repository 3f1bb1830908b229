import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** mongo-java-server 1.47 is compiled for Java 17. */
export const MIN_JAVA_MAJOR = 17;

export class JavaNotFoundError extends Error {
  override name = 'JavaNotFoundError';
}

/** Reads the major version from `java -version` output, such as `openjdk version "21.0.2"` or `"1.8.0_392"`. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;

  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

async function readJavaMajor(javaBinary: string): Promise<number | undefined> {
  try {
    const { stderr, stdout } = await execFileAsync(javaBinary, ['-version'], { timeout: 15_000 });
    return parseJavaMajor(stderr + stdout);
  } catch {
    return undefined;
  }
}

function candidatesUnderJvmFolder(jvmFolder: string): string[] {
  if (!existsSync(jvmFolder)) return [];
  return readdirSync(jvmFolder)
    .map((name) => path.join(jvmFolder, name, 'bin', 'java'))
    .filter((binary) => existsSync(binary));
}

/**
 * Finds a Java runtime of at least MIN_JAVA_MAJOR: JAVA_HOME first, else the newest under
 * /usr/lib/jvm, else `java` on the PATH.
 */
export async function findJava(env: NodeJS.ProcessEnv = process.env, jvmFolder = '/usr/lib/jvm'): Promise<string> {
  const fromJavaHome = env.JAVA_HOME ? [path.join(env.JAVA_HOME, 'bin', 'java')] : [];
  const checked: string[] = [];

  for (const binary of fromJavaHome) {
    const major = await readJavaMajor(binary);
    if (major !== undefined && major >= MIN_JAVA_MAJOR) return binary;
    checked.push(`${binary} (${major === undefined ? 'not runnable' : `Java ${major}`})`);
  }

  let newest: { binary: string; major: number } | undefined;
  for (const binary of [...candidatesUnderJvmFolder(jvmFolder), 'java']) {
    const major = await readJavaMajor(binary);
    checked.push(`${binary} (${major === undefined ? 'not runnable' : `Java ${major}`})`);
    if (major !== undefined && major >= MIN_JAVA_MAJOR && (!newest || major > newest.major)) newest = { binary, major };
  }
  if (newest) return newest.binary;

  throw new JavaNotFoundError(
    `No Java ${MIN_JAVA_MAJOR}+ runtime found for the embedded database; checked ${checked.join(', ') || 'nothing'}. ` +
      `Install one (for example "apt-get install openjdk-17-jre-headless") and set JAVA_HOME, ` +
      'or set MONGODB_URI to use an existing MongoDB replica set.',
  );
}
