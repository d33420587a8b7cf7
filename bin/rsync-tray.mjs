#!/usr/bin/env node
// Rsync Tray's CLI runs its TypeScript sources directly, which needs Node >= 22.18 (type
// stripping). Inside the project, `npx rsync-tray` uses the Node 24 that `npm install` brought.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `rsync-tray needs Node 22.18 or newer; this is Node ${process.versions.node}.\n` +
      'Run it from the project folder with `npx rsync-tray ...` (it uses the Node that `npm install` installed), or install Node 24.\n',
  );
  process.exit(2);
}
const { main } = await import('../electron/headless/cli.ts');
process.exitCode = await main(process.argv.slice(2));
