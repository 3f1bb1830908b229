import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class MavenFetchError extends Error {
  override name = 'MavenFetchError';
}

/**
 * Copies the jars that `pomFile` depends on into `libFolder` with Maven, once: a marker file records a
 * finished copy, so later starts need no network. Returns the folder.
 */
export async function fetchMavenDependencies(pomFile: string, libFolder: string): Promise<string> {
  const marker = path.join(libFolder, '.complete');
  if (existsSync(marker)) return libFolder;

  mkdirSync(libFolder, { recursive: true });
  try {
    await execFileAsync(
      'mvn',
      ['--batch-mode', '--quiet', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${libFolder}`],
      { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const output = error instanceof Error && 'stdout' in error ? String((error as { stdout: unknown }).stdout) : '';
    throw new MavenFetchError(
      `Fetching the embedded database's jars with Maven failed (pom ${pomFile}). ` +
        'Check that "mvn" is installed and Maven Central is reachable, or set MONGODB_URI. ' +
        output.split('\n').filter((line) => line.includes('ERROR')).slice(0, 3).join(' '),
      { cause: error },
    );
  }

  const jars = readdirSync(libFolder).filter((name) => name.endsWith('.jar'));
  if (jars.length === 0) throw new MavenFetchError(`Maven copied no jars into ${libFolder}; check ${pomFile}.`);
  writeFileSync(marker, jars.join('\n') + '\n');
  return libFolder;
}
