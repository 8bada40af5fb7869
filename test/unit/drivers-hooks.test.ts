// Which labs and plans realLabHooks claims, decided from a real SQLite store whose back-end node
// carries a recorded probe (test/fixtures/probe/debian12-sh.txt: virsh 9.0.0 installed). The
// hook applying configurations on a real libvirt is tested in test/integration/drivers-libvirt.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, type PlanInput } from '../../shared/bench/plan.js';
import { LOCAL_LAB_DESCRIPTION, LOCAL_LAB_NAME } from '../../shared/presets/lab.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import type { ConfigHookFactory } from '../../electron/core/bench/config-hook.js';
import { findDiskScript, firstHook, realLabHooks } from '../../electron/core/drivers/hooks.js';
import { databaseFile } from '../../electron/core/paths.js';
import { createMemoryVault } from '../../electron/core/secrets/vault.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import { createStore } from '../../electron/core/store/store.js';

const facts = parseProbeOutput(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'probe', 'debian12-sh.txt'), 'utf8'));

function plan(withVm: boolean, extra: Partial<PlanInput> = {}) {
  const vm = { name: 'guest1', disk: { bus: 'virtio-blk', backing: 'sparse-file', path: '/var/lib/iovlab/x.img' }, nic: { model: 'virtio' } };
  return parsePlan({
    name: 'p', configs: [{ name: 'c1', ...(withVm ? { vm } : {}) }],
    targets: [{ name: 't', node: 'guest', kind: 'device', path: '/dev/vdb' }],
    workloads: [{ id: 'w', tool: 'dd', op: 'write', size: '1M', blockSize: '64k' }, { id: 'n', tool: 'iperf3', client: 'guest', server: 'front' }],
    ...extra,
  });
}

test('realLabHooks claims a real lab with an NC that has virsh and a plan with vm; the guests are the role-less nodes it uses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-hooks-'));
  const store = createStore(databaseFile(dir));
  const pool = createSshPool();
  try {
    const lab = store.labs.create('real', 'two machines');
    const node = (name: string, roles: ('CLC' | 'NC')[]) => store.nodes.add({ labId: lab.id, name, roles, host: '10.0.0.1', port: 22, user: 'root', authKind: 'agent', keyPath: null, jumpNodeId: null });
    node('front', ['CLC']);
    const back = node('back', ['NC']);
    node('guest', []);
    const hooks = realLabHooks({ store, vault: createMemoryVault(), env: {}, pool });
    const labNow = () => store.labs.get(lab.id);

    assert.equal(hooks(labNow(), plan(true)), null, 'no probe yet: nothing says the NC has virsh');
    store.probes.add(back.id, { ...facts, tools: { ...facts.tools, virsh: { installed: false, version: null, path: null } } });
    assert.equal(hooks(labNow(), plan(true)), null, 'the latest probe found no virsh');
    store.probes.add(back.id, facts);
    const hook = hooks(labNow(), plan(true));
    assert.ok(hook);
    assert.deepEqual(hook.managedNodes, ['guest']);
    assert.equal(hooks(labNow(), plan(false)), null, 'no configuration carries vm');

    const local = store.labs.create(LOCAL_LAB_NAME, LOCAL_LAB_DESCRIPTION);
    store.nodes.add({ labId: local.id, name: 'back', roles: ['NC'], host: '10.0.0.2', port: 22, user: 'root', authKind: 'agent', keyPath: null, jumpNodeId: null });
    store.probes.add(store.nodes.findByName(local.id, 'back')?.id ?? 0, facts);
    assert.equal(hooks(store.labs.get(local.id), plan(true)), null, 'the embedded local lab applies configurations itself');

    const never: ConfigHookFactory = () => null;
    const composed = firstHook(never, hooks);
    assert.equal(composed(labNow(), plan(true))?.managedNodes[0], 'guest');
    assert.equal(firstHook(never)(labNow(), plan(true)), null);
  } finally {
    pool.closeAll();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the guest-side disk lookup is valid shell (shellcheck) and prints nothing when no disk has the serial', { skip: spawnSync('sh', ['-c', 'command -v shellcheck'], { stdio: 'ignore' }).status === 0 ? false : 'shellcheck not installed' }, () => {
  const script = findDiskScript("iovlab-test'$(x)");
  const check = spawnSync('shellcheck', ['-s', 'sh', '--severity=warning', '-'], { input: script, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout);
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
});
