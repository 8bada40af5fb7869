// The command sequences of the Eucalyptus and Xen appliers, which cannot run here: a recording
// node answers as an NC / dom0 would (named "(mock: ...)"). The parts that are plain shell — the
// backup and rewrite of eucalyptus.conf, writing the xl.cfg — are also run for real on temp files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';
import type { ShellResult } from '../../electron/core/bench/shell.js';
import { applyEucalyptus, eucaCommands, NC_RESTART, parseInstanceLine } from '../../electron/core/drivers/eucalyptus.js';
import { libvirtDryRun } from '../../electron/core/drivers/libvirt.js';
import type { NodeShell, RunOptions } from '../../electron/core/drivers/remote.js';
import { applyXen, xenPlan } from '../../electron/core/drivers/xen.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'drivers');
type Answer = Partial<ShellResult> | ((command: string) => Partial<ShellResult>);

function recordingNode(answers: [RegExp, Answer][]): NodeShell & { calls: { command: string; stdin?: string }[] } {
  const calls: { command: string; stdin?: string }[] = [];
  return {
    where: 'node "nc1" (10.0.0.2)',
    calls,
    async exec(command: string, options: RunOptions = {}) {
      calls.push({ command, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
      const found = answers.find(([re]) => re.test(command))?.[1];
      const a = typeof found === 'function' ? found(command) : (found ?? {});
      return { code: 0, stdout: '', stderr: '', ...a };
    },
  };
}

const cfg = (input: Partial<VmConfigInput>) => parseVmConfig({ name: 'drv', disk: { bus: 'virtio-blk', backing: 'sparse-file', path: '/var/lib/iovlab/drv.img' }, nic: { model: 'virtio' }, ...input });
const RUN_OUTPUT = 'RESERVATION\tr-4B0E0853\tadmin\tdefault\nINSTANCE\ti-4A7A0864\temi-DEADBEEF\t0.0.0.0\t0.0.0.0\tpending\tmykey\t0\tm1.small\t2010-05-07T14:52:01.02Z\tcluster1\teki-AB12CD34\teri-CD34EF56\n';

test('(mock: no Eucalyptus here) the NC gets a backup, the rewritten eucalyptus.conf, a restart, and the instance is relaunched', async () => {
  const conf = readFileSync(join(FIX, 'eucalyptus', 'uec-1.6.2.conf'), 'utf8');
  let describes = 0;
  const nc = recordingNode([
    [/^cat -- '\/etc\/eucalyptus\/eucalyptus.conf'$/, { stdout: conf }],
    [/euca-run-instances/, { stdout: RUN_OUTPUT }],
    [/euca-describe-instances/, () => ({ stdout: RUN_OUTPUT.replace('pending', ++describes > 1 ? 'running' : 'pending') })],
  ]);
  const log: string[] = [];
  const relaunch = { instanceId: 'i-1A2B3C4D', image: 'emi-DEADBEEF', keypair: 'mykey', instanceType: 'm1.small', eucarc: "/root/creds/it's eucarc" };
  const r = await applyEucalyptus(nc, { cfg: cfg({}), nodeName: 'nc1', stamp: 'T1', relaunch, pollMs: 1, log: (l) => log.push(l) });
  const conf2 = '/etc/eucalyptus/eucalyptus.conf';
  assert.deepEqual(nc.calls.map((c) => c.command), [
    `cat -- '${conf2}'`,
    "if [ -e '/etc/eucalyptus/eucalyptus.local.conf' ]; then cat -- '/etc/eucalyptus/eucalyptus.local.conf'; fi",
    `cp -p -- '${conf2}' '${conf2}.iovlab-T1'`,
    `t=$(mktemp '${conf2}.XXXXXX') && cat > "$t" && chmod --reference='${conf2}' "$t" && chown --reference='${conf2}' "$t" && mv -f -- "$t" '${conf2}'`,
    NC_RESTART,
    ". '/root/creds/it'\\''s eucarc' && 'euca-terminate-instances' 'i-1A2B3C4D'",
    ". '/root/creds/it'\\''s eucarc' && 'euca-run-instances' 'emi-DEADBEEF' '-n' '1' '-k' 'mykey' '-t' 'm1.small'",
    ". '/root/creds/it'\\''s eucarc' && 'euca-describe-instances' 'i-4A7A0864'",
    ". '/root/creds/it'\\''s eucarc' && 'euca-describe-instances' 'i-4A7A0864'",
  ]);
  assert.equal(nc.calls[3]?.stdin, readFileSync(join(FIX, 'eucalyptus', 'uec-1.6.2.virtio-blk-virtio.conf'), 'utf8'));
  assert.deepEqual(r.instance, { terminated: 'i-1A2B3C4D', launched: 'i-4A7A0864', state: 'running' });
  assert.equal(r.backupPath, `${conf2}.iovlab-T1`);
  assert.deepEqual(r.changed, ['USE_VIRTIO_ROOT: "0" -> "1"', 'USE_VIRTIO_NET: "0" -> "1"']);
  assert.ok(log.includes('launched i-4A7A0864 (replacing i-1A2B3C4D)'));
});

test('(mock: no Eucalyptus here) settings already in place: no write, no restart; eucalyptus.local.conf overriding them is refused', async () => {
  const done = readFileSync(join(FIX, 'eucalyptus', 'uec-1.6.2.virtio-blk-virtio.conf'), 'utf8');
  const nc = recordingNode([[/^cat -- /, { stdout: done }]]);
  const r = await applyEucalyptus(nc, { cfg: cfg({}), nodeName: 'nc1' });
  assert.equal(nc.calls.length, 2);
  assert.equal(r.backupPath, null);
  const overridden = recordingNode([[/^cat -- '\/etc\/eucalyptus\/eucalyptus.conf'/, { stdout: done }], [/local\.conf/, { stdout: 'USE_VIRTIO_DISK="0"\n' }]]);
  await assert.rejects(applyEucalyptus(overridden, { cfg: cfg({}), nodeName: 'nc1' }), (e) => isAppError(e) && /eucalyptus.local.conf on node "nc1" \(10.0.0.2\) sets USE_VIRTIO_DISK="0", which overrides eucalyptus.conf/.test(e.message));
  assert.equal(overridden.calls.length, 2, 'nothing was written');
  assert.throws(() => eucaCommands.terminate({ instanceId: 'i-1; reboot', image: 'emi-DEADBEEF' }), /must look like i-1A2B3C4D/);
  assert.deepEqual(parseInstanceLine(RUN_OUTPUT), { id: 'i-4A7A0864', state: 'pending' });
});

test('the backup and rewrite commands work on a real file, keeping its mode (restart and euca2ools are not run: no Eucalyptus here)', () => {
  const dir = mkdtempSync(join(tmpdir(), "iovlab-euca it's-"));
  try {
    const conf = join(dir, 'eucalyptus.conf');
    writeFileSync(conf, 'HYPERVISOR="kvm"\nUSE_VIRTIO_NET="0"\n');
    chmodSync(conf, 0o640);
    const sh = (command: string, input = '') => spawnSync('sh', ['-c', command], { input, encoding: 'utf8' });
    assert.equal(sh(eucaCommands.backup(conf, `${conf}.bak`)).status, 0);
    const w = sh(eucaCommands.write(conf), 'HYPERVISOR="kvm"\nUSE_VIRTIO_NET="1"\n');
    assert.equal(w.status, 0, w.stderr);
    assert.equal(readFileSync(conf, 'utf8'), 'HYPERVISOR="kvm"\nUSE_VIRTIO_NET="1"\n');
    assert.equal(readFileSync(`${conf}.bak`, 'utf8'), 'HYPERVISOR="kvm"\nUSE_VIRTIO_NET="0"\n');
    assert.equal(statSync(conf).mode & 0o777, 0o640);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('(mock: no Xen here) the xl.cfg is written, a running guest destroyed and the guest created; the backing is made first', async () => {
  const dom0 = recordingNode([[/kind=block/, { stdout: 'kind=missing\nparent=1\n' }]]);
  const config = cfg({ disk: { bus: 'xen', backing: 'qcow2', path: '/srv/xen/drv.qcow2' }, nic: { model: 'e1000', bridge: 'xenbr0' } });
  const r = await applyXen(dom0, { cfg: config, nodeName: 'dom0', sizeMiB: 64 });
  const commands = dom0.calls.map((c) => c.command);
  assert.match(commands[0] ?? '', /command -v 'xl'.*command -v 'qemu-img'/);
  assert.equal(commands[2], "'qemu-img' 'create' '-q' '-f' 'qcow2' '/srv/xen/drv.qcow2' '64M'");
  assert.deepEqual(commands.slice(3), [
    "mkdir -p -- '/etc/xen/iovlab'",
    `t=$(mktemp '/etc/xen/iovlab/drv.cfg.XXXXXX') && cat > "$t" && mv -f -- "$t" '/etc/xen/iovlab/drv.cfg'`,
    "if xl domid 'drv' >/dev/null 2>&1; then xl destroy 'drv'; fi",
    "xl create '/etc/xen/iovlab/drv.cfg'",
  ]);
  assert.equal(dom0.calls[4]?.stdin, r.cfg);
  assert.match(r.cfg, /^disk = \[ 'format=qcow2, vdev=xvda, access=rw, backendtype=qdisk, target=\/srv\/xen\/drv.qcow2' \]$/m);
});

test('(mock: no Xen here) a configuration xl.cfg cannot express is refused before anything runs on dom0', async () => {
  const dom0 = recordingNode([]);
  await assert.rejects(applyXen(dom0, { cfg: cfg({}), nodeName: 'dom0' }), (e) => isAppError(e) && /disk\.bus: cannot be rendered for xl: virtio-blk has no xl.cfg disk spec/.test(e.message));
  assert.equal(dom0.calls.length, 0);
});

test('the xl.cfg write step works for real in a directory with awkward characters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-xen-'));
  try {
    const plan = xenPlan(cfg({ disk: { bus: 'ide', backing: 'device', path: '/dev/sdb' }, nic: { model: 'e1000' } }), join(dir, "cfg $(x) it's"));
    for (const step of plan.steps.slice(0, 2)) {
      const r = spawnSync('sh', ['-c', step.command], { input: step.stdin ?? '', encoding: 'utf8' });
      assert.equal(r.status, 0, `${step.command}: ${r.stderr}`);
    }
    assert.equal(readFileSync(plan.cfgPath, 'utf8'), plan.cfgText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('libvirt dry run: the commands in order and the edited XML, from a saved dumpxml', () => {
  const baseXml = readFileSync(join(FIX, 'dumpxml-guest1-virtio-scsi.xml'), 'utf8');
  const r = libvirtDryRun({ cfg: cfg({ disk: { bus: 'ide', backing: 'prealloc-file', path: '/var/lib/iovlab/scratch.img' }, nic: { model: 'e1000' } }), domain: 'guest1', baseXml, sizeMiB: 512 });
  assert.equal(r.xml, readFileSync(join(FIX, 'edit', 'dumpxml-guest1-virtio-scsi.ide.xml'), 'utf8'));
  assert.equal(r.commands[2], "'virsh' '-c' 'qemu:///system' 'domcapabilities' '--virttype' 'kvm' '--arch' 'x86_64' '--machine' 'pc-i440fx-7.2' '--emulatorbin' '/usr/bin/qemu-system-x86_64'");
  assert.equal(r.commands[5], "[ -e '/var/lib/iovlab/scratch.img' ] || 'qemu-img' 'create' '-q' '-f' 'raw' '-o' 'preallocation=full' '/var/lib/iovlab/scratch.img' '512M'");
  assert.equal(r.xmlSource, 'edited');
});
