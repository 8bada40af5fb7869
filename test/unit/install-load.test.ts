// Recipe files to recipes: defaults, the summary, and error messages that name the file, the
// line and the field; the recipes folder (test/fixtures/recipes-engine) as the backend reads it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distroText, parseRecipe, recipeSummary } from '../../shared/install/load.js';
import { findRecipe, loadRecipes } from '../../electron/core/install/recipes.js';
import { isAppError } from '../../shared/result.js';

const FIXTURES = new URL('../fixtures/recipes-engine/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'iovlab-recipes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `id: kvm-test
title: KVM test
stack: kvm-libvirt
historical: false
summary: A test recipe.
distros:
  - id: debian
    versions: ["12"]
  - id: ubuntu
    versions: ["22.04", "24.04"]
preflight:
  virtExtensions: true
  minMemoryMiB: { front-end: 512, back-end: 2048 }
  minDiskGiB: 10
steps:
  - id: packages
    title: Install packages
    side: back-end
    check: dpkg -s qemu-system-x86 >/dev/null 2>&1
    action: apt-get install -y qemu-system-x86
    verify: dpkg -s qemu-system-x86 >/dev/null 2>&1
  - id: reboot-into-xen
    title: Reboot
    side: back-end
    needs: [reboot]
    reboot: true
    timeoutS: 60
    check: "false"
    action: reboot
    verify: "true"
`;

function parseError(text: string, file = 'bad.yaml'): { message: string; code: string; details: Record<string, unknown> | undefined } {
  try {
    parseRecipe(text, file);
  } catch (e) {
    if (isAppError(e)) return { message: e.message, code: e.code, details: e.details };
    throw e;
  }
  assert.fail('expected the recipe to be refused');
}

test('a valid recipe parses with its defaults, and its summary names every distro version', () => {
  const r = parseRecipe(VALID, 'kvm.yaml');
  assert.equal(r.steps.length, 2);
  assert.deepEqual([r.steps[0]?.needs, r.steps[0]?.reboot, r.steps[0]?.timeoutS], [[], false, 1800]);
  assert.deepEqual([r.steps[1]?.needs, r.steps[1]?.reboot, r.steps[1]?.timeoutS], [['reboot'], true, 60]);
  assert.deepEqual(recipeSummary(r), {
    id: 'kvm-test', title: 'KVM test', stack: 'kvm-libvirt', distro: 'Debian 12, Ubuntu 22.04, Ubuntu 24.04', historical: false, summary: 'A test recipe.', steps: 2,
  });
  assert.equal(distroText([{ id: 'centos', versions: ['7'] }, { id: 'someos', versions: ['1'] }]), 'CentOS 7, Someos 1');
});

test('not YAML: the file, line and column', () => {
  const e = parseError('id: x\ntitle: [unclosed\n', 'recipes/x.yaml');
  assert.equal(e.code, 'PARSE_ERROR');
  assert.match(e.message, /^recipe recipes\/x\.yaml line \d+, column \d+: not valid YAML: /);
});

test('an empty file says what a recipe needs', () => {
  assert.match(parseError('', 'empty.yaml').message, /^recipe empty\.yaml: the file is empty; a recipe needs id, title, stack/);
});

test('a bad step field names the step by index and id, with its line', () => {
  const e = parseError(VALID.replace('    check: "false"', '    check: "  "'), 'kvm.yaml');
  assert.equal(e.message, 'recipe kvm.yaml line 28, steps[1] ("reboot-into-xen").check: must be a shell command (POSIX sh)');
  assert.equal(e.details?.field, 'steps.1.check');
});

test('a missing field, an unknown field, an unknown side and an unknown need are named', () => {
  assert.match(parseError(VALID.replace('historical: false\n', '')).message, /^recipe bad\.yaml line 1, historical: missing \(/);
  assert.match(parseError(VALID.replace('  minDiskGiB: 10\n', '  minDiskGiB: 10\n  maxDiskGiB: 20\n')).message, /^recipe bad\.yaml line 11, preflight: unknown field "maxDiskGiB"$/);
  assert.match(parseError(VALID.replace('side: back-end\n    check: dpkg', 'side: storage\n    check: dpkg')).message, /^recipe bad\.yaml line 18, steps\[0\] \("packages"\)\.side: .*"front-end"/);
  assert.match(parseError(VALID.replace('needs: [reboot]', 'needs: [network]')).message, /^recipe bad\.yaml line 25, steps\[1\] \("reboot-into-xen"\)\.needs\[0\]: /);
  assert.match(parseError(VALID.replace('stack: kvm-libvirt', 'stack: vmware')).message, /^recipe bad\.yaml line 3, stack: /);
});

test('duplicate step ids are refused, naming both', () => {
  const e = parseError(VALID.replace('- id: reboot-into-xen', '- id: packages'), 'dup.yaml');
  assert.equal(e.message, 'recipe dup.yaml line 22, steps[1]: the step id "packages" is already used by steps[0]; step ids must be unique (installs record and resume steps by id)');
});

test('duplicate YAML keys are refused', () => {
  assert.match(parseError(VALID.replace('title: KVM test\n', 'title: KVM test\ntitle: again\n')).message, /not valid YAML: Map keys must be unique/);
});

test('the fixture folder loads in file-name order; an unknown id lists the known ones', async () => {
  const loaded = await loadRecipes(FIXTURES);
  assert.deepEqual(loaded.map((l) => l.recipe.id), ['engine-basic', 'engine-drop', 'engine-reboot', 'engine-slow', 'engine-sudo', 'engine-timeout', 'engine-verify']);
  assert.ok(loaded.every((l) => l.file.startsWith(FIXTURES)));
  await assert.rejects(findRecipe(FIXTURES, 'kvm'), (e: unknown) => {
    assert.ok(isAppError(e));
    assert.equal(e.code, 'NOT_FOUND');
    assert.equal(e.message, `no recipe "kvm" in ${FIXTURES}; known recipes: engine-basic, engine-drop, engine-reboot, engine-slow, engine-sudo, engine-timeout, engine-verify`);
    return true;
  });
});

test('two files with one recipe id, and a missing folder, are refused clearly', async () => {
  writeFileSync(join(dir, 'a.yaml'), VALID);
  writeFileSync(join(dir, 'b.yml'), VALID);
  writeFileSync(join(dir, 'notes.txt'), 'not a recipe');
  await assert.rejects(loadRecipes(dir), { code: 'PARSE_ERROR', message: `recipes ${join(dir, 'a.yaml')} and ${join(dir, 'b.yml')} both have the id "kvm-test"; recipe ids must be unique` });
  await assert.rejects(loadRecipes(join(dir, 'nope')), { code: 'NOT_FOUND', message: /cannot read the recipes folder .*nope \(ENOENT\); set IOVLAB_RECIPES_DIR/ });
});
