#!/usr/bin/env -S node --max-semi-space-size=1
// --max-semi-space-size=1: the engine idles for days; V8's young generation otherwise keeps
// ~37 MiB it grew during the first full sync (measured on a 200k-file tree: 187 → 126 MiB).
// Rsync Tray's CLI runs its TypeScript sources directly, which needs Node >= 22.18 (type
// stripping). Inside the project, `npx rsync-tray` uses the Node 24 that `npm install` brought.
import module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `rsync-tray needs Node 22.18 or newer; this is Node ${process.versions.node}.\n` +
      'Run it from the project folder with `npx rsync-tray ...` (it uses the Node that `npm install` installed), or install Node 24.\n',
  );
  process.exit(2);
}
// `rsync-tray run --json | head` must end quietly when the reader goes away, not with a stack.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Node's compile cache keeps the type-stripped, compiled modules (keyed by their content, so an
// edited source is never served stale): from the second start on, the TypeScript stripper is not
// loaded at all, which saves ~27 MiB of RSS for the life of an engine that idles for days.
module.enableCompileCache?.();
// The bundled CLI when it is current (see cli-bundle.mjs), else the sources themselves.
const { currentBundle } = await import('./cli-bundle.mjs');
const bundle = currentBundle(path.resolve(import.meta.dirname, '..'));
const { main } = await import(bundle ? pathToFileURL(bundle).href : '../electron/headless/cli.ts');
process.exitCode = await main(process.argv.slice(2));
