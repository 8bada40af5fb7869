#!/usr/bin/env node
// Bundles the Electron shell (main, preload, backend utility process) into dist/electron/.
// Native modules stay external: they load from node_modules (and, for better-sqlite3 in
// Electron, from the Electron-ABI build that scripts/start-electron.mjs prepares).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'better-sqlite3', 'ssh2', 'cpu-features'],
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/electron/main.cjs' }),
  build({ ...common, entryPoints: ['electron/shell/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
  build({ ...common, entryPoints: ['electron/shell/backend-process.ts'], outfile: 'dist/electron/backend-process.cjs' }),
]);
console.log('built dist/electron/{main,preload,backend-process}.cjs');
