// The shipped install recipes (resources/recipes/*.yaml): each parses through the engine's own
// loader, is named after its file, keeps its promises about reboots and "historical", and every
// check/action/verify snippet passes shellcheck as POSIX sh (they run through `sh -c`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseRecipe } from '../../shared/install/load.js';
import type { Recipe } from '../../shared/install/recipe.js';

const RECIPES_DIR = resolve(import.meta.dirname, '..', '..', 'resources', 'recipes');
const files = readdirSync(RECIPES_DIR).filter((f) => f.endsWith('.yaml')).sort();
const recipes: { file: string; recipe: Recipe }[] = files.map((file) => ({ file, recipe: parseRecipe(readFileSync(join(RECIPES_DIR, file), 'utf8'), file) }));
const PHASES = ['check', 'action', 'verify'] as const;

function shellcheckReason(): string | false {
  const r = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' });
  return r.status === 0 ? false : 'shellcheck is not installed (apt-get install shellcheck; CI installs it)';
}

test('the four stacks of the issue are shipped, one recipe per file', () => {
  assert.deepEqual(files, ['eucalyptus-44-centos7.yaml', 'kvm-libvirt-debian.yaml', 'uec-ubuntu-1004.yaml', 'xen-417-debian12.yaml']);
  assert.deepEqual(recipes.map((r) => r.recipe.stack).sort(), ['eucalyptus', 'kvm-libvirt', 'uec', 'xen']);
});

test('every recipe id equals its file name and is unique', () => {
  for (const { file, recipe } of recipes) assert.equal(`${recipe.id}.yaml`, file);
  assert.equal(new Set(recipes.map((r) => r.recipe.id)).size, recipes.length);
});

test('every recipe has steps on the side(s) it installs, with unique step ids', () => {
  for (const { recipe } of recipes) {
    const ids = recipe.steps.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length, `${recipe.id}: duplicate step ids`);
    assert.ok(recipe.steps.some((s) => s.side === 'back-end'), `${recipe.id}: no back-end step`);
    assert.ok(recipe.steps.some((s) => s.side === 'front-end'), `${recipe.id}: no front-end step`);
  }
});

test('a step that reboots also says it needs a reboot', () => {
  const rebooting = recipes.flatMap(({ recipe }) => recipe.steps.filter((s) => s.reboot).map((s) => ({ recipe: recipe.id, step: s })));
  assert.ok(rebooting.length >= 2, 'the Xen and UEC recipes reboot');
  for (const { recipe, step } of rebooting) assert.ok(step.needs.includes('reboot'), `${recipe}/${step.id}: reboot: true without needs: [reboot]`);
});

test('historical recipes say plainly that they are for reproducing the study on period systems', () => {
  const historical = recipes.filter((r) => r.recipe.historical).map((r) => r.recipe);
  assert.deepEqual(historical.map((r) => r.id).sort(), ['eucalyptus-44-centos7', 'uec-ubuntu-1004']);
  for (const r of historical) {
    assert.match(r.summary, /^Historical: only for reproducing the 2010 study/);
    assert.match(r.title, /\(historical\)$/);
  }
  for (const r of recipes.filter((x) => !x.recipe.historical)) assert.doesNotMatch(r.recipe.summary, /historical/i);
});

test('the KVM recipe: package steps check dpkg-query, kernel/systemd work is marked in needs', () => {
  const kvm = recipes.find((r) => r.recipe.id === 'kvm-libvirt-debian')?.recipe;
  assert.ok(kvm);
  assert.deepEqual(kvm.distros, [{ id: 'debian', versions: ['12'] }, { id: 'ubuntu', versions: ['22.04', '24.04'] }]);
  const step = (id: string) => {
    const s = kvm.steps.find((x) => x.id === id);
    assert.ok(s, `step ${id}`);
    return s;
  };
  for (const id of ['kvm-packages', 'backend-bench-tools', 'ebs-packages', 'iscsi-target', 'frontend-bench-tools']) {
    assert.match(step(id).check, /dpkg-query -s/);
    assert.match(step(id).action, /apt-get install -y --no-install-recommends/);
  }
  assert.match(step('kvm-packages').action, /qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients/);
  assert.match(step('ebs-packages').action, /vblade/);
  assert.deepEqual(step('kvm-module').needs, ['kernel-modules', 'virt-extensions']);
  for (const id of ['libvirtd-running', 'storage-pool', 'nbd-export-running']) assert.deepEqual(step(id).needs, ['systemd']);
  assert.ok(step('bridge-up').needs.includes('systemd') && step('bridge-up').needs.includes('kernel-modules'));
  assert.match(step('libvirt-kvm').verify, /virsh -c qemu:\/\/\/system version/);
  // What a chroot can do (files, packages) needs nothing, so the real test runs it.
  for (const id of ['backend-apt-update', 'kvm-packages', 'bridge-config', 'ebs-volume', 'nbd-export-unit']) assert.deepEqual(step(id).needs, []);
});

test('every check/action/verify snippet passes shellcheck -s sh', { skip: shellcheckReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-recipe-sh-'));
  try {
    const paths: string[] = [];
    for (const { recipe } of recipes) {
      for (const step of recipe.steps) {
        for (const phase of PHASES) {
          const path = join(dir, `${recipe.id}--${step.id}--${phase}.sh`);
          writeFileSync(path, `${step[phase]}\n`);
          paths.push(path);
        }
      }
    }
    let out = '';
    try {
      out = execFileSync('shellcheck', ['-s', 'sh', '-f', 'json1', ...paths], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
    }
    const { comments } = JSON.parse(out) as { comments: { file: string; line: number; level: string; code: number; message: string }[] };
    const found = comments.map((c) => `${basename(c.file).replace(/\.sh$/, '').replaceAll('--', ' / ')} line ${c.line}: SC${c.code} (${c.level}) ${c.message}`);
    assert.deepEqual(found, []);
    assert.ok(paths.length >= 3 * 40, `only ${paths.length} snippets`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
