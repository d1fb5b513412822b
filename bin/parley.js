#!/usr/bin/env node
// The `parley` command. Parley runs its TypeScript sources directly (Node's type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`Parley needs Node.js 22.12 or newer (24 LTS recommended); this is ${process.version}.`);
  process.exit(1);
}
// The long-running commands run with Parley's V8 flags (bin/node-flags.js: a small young generation).
const { applyNodeFlags } = await import('./node-flags.js');
if (['serve', 'worker', undefined].includes(process.argv[2])) applyNodeFlags();
const { main } = await import('../src/main.ts');
await main(process.argv.slice(2));
