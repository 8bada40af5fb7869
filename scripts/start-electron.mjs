#!/usr/bin/env node
// `npm start`: builds and launches the desktop app.
// Two things need the network the first time, so they happen here and not at `npm install`
// (which must work offline): Electron's own binary, and a build of better-sqlite3 for
// Electron's ABI. The latter is kept apart in .cache/ so the Node build that the CLI, the
// browser host and the tests use is never replaced.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });

function ensureElectronBinary() {
  if (existsSync(join(root, 'node_modules/electron/path.txt'))) return;
  console.log('iovlab: downloading the Electron binary (needs network access once)...');
  try {
    run(process.execPath, ['node_modules/electron/install.js']);
  } catch {
    console.error('iovlab: could not download Electron. Without network access use the browser host instead: npm run serve');
    process.exit(1);
  }
}

function ensureElectronSqlite(electronVersion) {
  const target = join(root, '.cache/electron-native', electronVersion, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  console.log(`iovlab: preparing better-sqlite3 for Electron ${electronVersion}...`);
  const work = mkdtempSync(join(tmpdir(), 'iovlab-sqlite-'));
  cpSync(join(root, 'node_modules/better-sqlite3'), work, { recursive: true });
  rmSync(join(work, 'build'), { recursive: true, force: true });
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion, npm_config_disturl: 'https://electronjs.org/headers' };
  try {
    run(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion], { cwd: work, env });
  } catch {
    run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'], { cwd: work, env });
  }
  mkdirSync(join(target, '..'), { recursive: true });
  cpSync(join(work, 'build/Release/better_sqlite3.node'), target);
  rmSync(work, { recursive: true, force: true });
  return target;
}

ensureElectronBinary();
const electronVersion = require('electron/package.json').version;
const binding = ensureElectronSqlite(electronVersion);
run('npm', ['run', '-s', 'build']);
const electron = require('electron'); // the path of the binary
const child = spawn(electron, ['.'], { stdio: 'inherit', cwd: root, env: { ...process.env, IOVLAB_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
