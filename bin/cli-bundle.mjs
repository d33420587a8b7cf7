// Which CLI bin/rsync-tray.mjs runs: the bundle in dist/cli/ (scripts/build-cli.ts) when it was
// built from exactly the files in place, else the TypeScript sources. The check reads and hashes
// every file the bundle was built from — ~45 project sources and ~250 dependency files, a few
// milliseconds — so an edit, a `git pull` or an `npm install` since the build can never run stale
// code: it runs the sources until the next build.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const BUNDLE_DIR = 'dist/cli';
export const MANIFEST = 'manifest.json';

/** A hash of these files' names and contents, relative to root; null if one cannot be read. */
export function sourcesHash(root, files) {
  const hash = createHash('sha256');
  try {
    for (const file of files)
      hash
        .update(`${file}\0`)
        .update(readFileSync(path.join(root, file)))
        .update('\0');
  } catch {
    return null;
  }
  return hash.digest('hex');
}

/** The entry file of the bundle in `dir` (by default the project's) when it is current, else null. */
export function currentBundle(root, dir = path.join(root, BUNDLE_DIR)) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return null; // not built
  }
  if (!Array.isArray(manifest.files) || manifest.files.length === 0 || typeof manifest.hash !== 'string') return null;
  return sourcesHash(root, manifest.files) === manifest.hash ? path.join(dir, 'cli.js') : null;
}
