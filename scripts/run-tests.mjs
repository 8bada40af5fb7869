#!/usr/bin/env node
// Runs the test suite with node's own test runner (through tsx for TypeScript).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|all] [extra files...]
// Tests that need root, network namespaces, sshd or Chromium skip themselves with a reason;
// this script prints those reasons again at the end so a reader of CI sees what did not run.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const layers = { unit: ['test/unit'], integration: ['test/integration'], e2e: ['test/e2e'] };
const which = process.argv[2] ?? 'all';
const dirs = which === 'all' ? Object.values(layers).flat() : layers[which];
if (!dirs) {
  console.error(`unknown test layer '${which}' (unit, integration, e2e, all)`);
  process.exit(2);
}

function findTests(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (/\.test\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const files = dirs.flatMap(findTests).concat(process.argv.slice(3));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// The TAP copy of the report is read back below to list skipped tests; a fresh clone has no .cache/.
mkdirSync('.cache', { recursive: true });
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=.cache/test-report.tap', ...files], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, IOVLAB_TEST: '1' },
});
child.on('exit', async (code) => {
  const { readFileSync } = await import('node:fs');
  let tap = '';
  try { tap = readFileSync('.cache/test-report.tap', 'utf8'); } catch { /* no report */ }
  const skips = [...tap.matchAll(/^\s*ok \d+ - (.*) # SKIP ?(.*)$/gm)].map((m) => `  - ${m[1]}: ${m[2] || 'no reason given'}`);
  const count = (label) => Number((tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  console.log('\n== Skipped tests and why ==');
  console.log(skips.length ? skips.join('\n') : '  (none)');
  console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
  process.exit(code ?? 1);
});
