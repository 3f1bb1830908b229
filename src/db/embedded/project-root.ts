import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Finds the folder holding Hookmill's package.json, from both `src/` and the compiled `dist/src/`. */
export function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('Hookmill package.json not found above ' + fileURLToPath(import.meta.url));
    folder = parent;
  }
  return folder;
}
