// Driver switching on a real libvirt (qemu:///system, TCG domains) reached over SSH: the node is
// a real sshd in a network namespace (test/helpers/netns-lab.ts), whose virsh talks to this
// machine's libvirtd through the shared filesystem. One domain with a boot disk and a test disk
// is switched virtio-blk -> lsi-scsi -> ide; after each, libvirt's stored definition, the
// running QEMU's device tree (`info qtree`) and block layer (`info block`) must show the switch.
// The guests are not booted into an OS: QEMU builds its devices at start, which is what the
// switch changes (SeaBIOS finds no bootable disk and waits). A second domain is created from a
// configuration. Then the benchmark runner, with realLabHooks, runs a plan whose two
// configurations switch that kind of domain, and every stored step carries the XML it ran under.
// Everything created is removed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';
import { summarizeDomain } from '../../shared/vmconfig/libvirt-edit.js';
import { Runner } from '../../electron/core/bench/runner.js';
import { firstHook, realLabHooks } from '../../electron/core/drivers/hooks.js';
import { applyLibvirt } from '../../electron/core/drivers/libvirt.js';
import { EventBus } from '../../electron/core/events.js';
import { JobManager } from '../../electron/core/jobs/manager.js';
import { localLabHooks } from '../../electron/core/locallab/guest-apply.js';
import { databaseFile } from '../../electron/core/paths.js';
import { createMemoryVault } from '../../electron/core/secrets/vault.js';
import { createStore } from '../../electron/core/store/store.js';
import { sshNode } from '../../electron/core/drivers/remote.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import { openBenchLab } from '../helpers/bench-lab.js';
import { runCli } from '../helpers/cli.js';
import { netnsUnavailableReason, startNsLab } from '../helpers/netns-lab.js';
import { ensureLibvirtd, LIBVIRT_URI } from '../helpers/libvirtd.js';

const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const netns = netnsUnavailableReason();
const libvirt = netns ? { daemon: null, reason: null } : await ensureLibvirtd();
const skip = netns ?? libvirt.reason ?? (which('virt-xml-validate') && which('xmllint') ? false : 'virt-xml-validate/xmllint not installed (libvirt-clients, libxml2-utils)');

after(async () => {
  await libvirt.daemon?.stop();
});

/** A domain as a sysadmin might have it: a boot disk, the test disk on a virtio-scsi controller (Eucalyptus-era). */
function domainXml(name: string, boot: string, disk: string): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${boot}'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${disk}'/><target dev='sdb' bus='scsi'/></disk>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <interface type='user'><model type='e1000'/></interface>
    <memballoon model='none'/>
  </devices></domain>`;
}

/** libvirt runs QEMU as libvirt-qemu: the images' directory must be traversable. */
function imageDir(): { dir: string; boot: string; disk: string } {
  const dir = mkdtempSync('/var/tmp/iovlab-drivers-');
  chmodSync(dir, 0o755);
  const boot = join(dir, 'boot.img');
  const disk = join(dir, 'test disk.img');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', boot, '1M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', disk, '16M']);
  return { dir, boot, disk };
}

function removeDomains(...names: string[]): void {
  for (const d of names) {
    spawnSync('virsh', ['-c', LIBVIRT_URI, 'destroy', d], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', LIBVIRT_URI, 'undefine', d], { stdio: 'ignore' });
  }
}

const virsh = (...args: string[]) => execFileSync('virsh', ['-c', LIBVIRT_URI, ...args], { encoding: 'utf8', timeout: 60_000 });
const hmp = (domain: string, command: string) => virsh('qemu-monitor-command', domain, '--hmp', command);

function validate(xml: string, dir: string): void {
  const file = join(dir, 'check.xml');
  writeFileSync(file, xml);
  const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `virt-xml-validate:\n${r.stdout}${r.stderr}`);
}

/** The <disk> block of the test disk in a dumpxml (virsh prints single quotes). */
function testDiskBlock(xml: string): string {
  return /<disk[^>]*>(?:(?!<\/disk>)[\s\S])*<serial>iovlab-test<\/serial>[\s\S]*?<\/disk>/.exec(xml)?.[0] ?? '';
}

const STEPS = [
  { bus: 'virtio-blk', nic: 'virtio', cache: 'none', aio: 'native', prefix: 'vd', address: 'pci', devices: ['virtio-blk-pci', 'virtio-net-pci'], absent: ['lsi53c895a', 'virtio-scsi-pci', 'scsi-hd', 'e1000'], cacheMode: 'writeback, direct' },
  { bus: 'lsi-scsi', nic: 'e1000', cache: 'writeback', aio: 'threads', prefix: 'sd', address: 'drive', devices: ['lsi53c895a', 'scsi-hd', 'e1000'], absent: ['virtio-scsi-pci', 'virtio-net-pci'], cacheMode: 'writeback' },
  { bus: 'ide', nic: 'e1000', cache: 'directsync', aio: 'io_uring', prefix: 'hd', address: 'drive', devices: ['ide-hd', 'e1000'], absent: ['lsi53c895a', 'virtio-scsi-pci', 'scsi-hd'], cacheMode: 'writethrough, direct' },
] as const;

test('a libvirt domain switched over SSH: virtio-blk, lsi-scsi, ide, each defined, valid, started and visible in QEMU', { skip, timeout: 120_000 }, async () => {
  const lab = await startNsLab();
  const pool = createSshPool();
  const { dir, boot, disk } = imageDir();
  const domain = `iovlab-drv-${process.pid}`;
  const created = `iovlab-drv-new-${process.pid}`;
  try {
    const node = sshNode(pool, { key: 'back', host: lab.back.ip, port: 22, user: 'root', auth: { kind: 'key', privateKey: readFileSync(lab.userKeyPath) }, trustedFingerprint: lab.back.hostKeyFingerprint }, 'node "back"');
    writeFileSync(join(dir, 'initial.xml'), domainXml(domain, boot, disk));
    virsh('define', join(dir, 'initial.xml'));

    let first = true;
    for (const s of STEPS) {
      const input: VmConfigInput = { name: domain, accel: 'tcg', memoryMiB: 64, disk: { bus: s.bus, backing: 'sparse-file', path: disk, cache: s.cache, aio: s.aio }, nic: { model: s.nic } };
      const log: string[] = [];
      const r = await applyLibvirt(node, { cfg: parseVmConfig(input), nodeName: 'back', shutdownTimeoutMs: 0, log: (l) => log.push(l) });
      const label = `${s.bus}: ${log.join(' | ')}`;
      validate(r.xml, dir);
      assert.ok(r.disk.after.startsWith(s.prefix), `${label}: test disk ${r.disk.after}`);
      assert.equal(r.backing.created, false, 'the existing file is used as it is');
      if (first) assert.ok(r.changes.some((c) => /removed SCSI controller 0 \(model virtio-scsi\)/.test(c)), label);
      first = false;

      // libvirt's stored definition: the new bus, a fresh address of the bus's kind, the right controller.
      const stored = virsh('dumpxml', '--inactive', domain);
      const block = testDiskBlock(stored);
      assert.match(block, new RegExp(`<target dev='${r.disk.after}' bus='${r.disk.bus}'/>`), `${label}\n${block}`);
      assert.match(block, new RegExp(`<address type='${s.address}'`), `${label}: address\n${block}`);
      assert.match(block, new RegExp(`<driver name='qemu' type='raw' cache='${s.cache}' io='${s.aio}'/>`), block);
      const scsi = stored.match(/<controller type='scsi'[^>]*>/g) ?? [];
      assert.deepEqual(scsi.map((c) => /model='([^']+)'/.exec(c)?.[1]), s.bus === 'lsi-scsi' ? ['lsilogic'] : [], `${label}: SCSI controllers`);
      assert.deepEqual(summarizeDomain(stored).disks.map((d) => d.dev), ['vda', r.disk.after]);

      // The running QEMU: the device models the switch promised, and none it replaced.
      assert.equal(virsh('domstate', domain).trim(), 'running');
      assert.match(virsh('domblklist', domain, '--details'), new RegExp(`file\\s+disk\\s+${r.disk.after}\\s+${disk.replace(/[.]/g, '\\.')}`));
      const qtree = hmp(domain, 'info qtree');
      for (const dev of s.devices) assert.match(qtree, new RegExp(`dev: ${dev}, id`), `${label}: ${dev} missing from info qtree`);
      for (const dev of s.absent) assert.doesNotMatch(qtree, new RegExp(`dev: ${dev}, id`), `${label}: ${dev} still in info qtree`);
      assert.match(qtree, /serial = "iovlab-test"/);
      const info = hmp(domain, 'info block');
      const entry = info.split(/\n(?=\S)/).find((e) => e.includes(disk)) ?? '';
      assert.match(entry, new RegExp(`Cache mode:\\s+${s.cacheMode}\\r?\\n`), `${label}: info block\n${info}`);
      assert.equal(r.liveXml?.includes(`<target dev='${r.disk.after}' bus='${r.disk.bus}'/>`), true);
    }

    // A domain that does not exist yet is defined from the configuration (here: virtio-scsi, a new qcow2 file).
    const qcow = join(dir, 'created.qcow2');
    const made = await applyLibvirt(node, {
      cfg: parseVmConfig({ name: created, accel: 'tcg', memoryMiB: 64, disk: { bus: 'virtio-scsi', backing: 'qcow2', path: qcow }, nic: { model: 'virtio' } }),
      nodeName: 'back', createIfMissing: true, sizeMiB: 8, shutdownTimeoutMs: 0,
    });
    assert.equal(made.created, true);
    assert.equal(made.backing.created, true);
    assert.equal(JSON.parse(execFileSync('qemu-img', ['info', '-U', '--output=json', qcow], { encoding: 'utf8' })).format, 'qcow2');
    validate(made.xml, dir);
    assert.match(hmp(created, 'info qtree'), /dev: virtio-scsi-pci, id[\s\S]*dev: scsi-hd, id/);
    assert.ok(statSync(qcow).size > 0);

    // A missing domain without --create is refused by name, before anything is created.
    await assert.rejects(
      applyLibvirt(node, { cfg: parseVmConfig({ name: 'iovlab-no-such-domain', disk: { bus: 'ide', backing: 'sparse-file', path: join(dir, 'never.img') }, nic: { model: 'e1000' } }), nodeName: 'back' }),
      /node "back" has no libvirt domain "iovlab-no-such-domain" at qemu:\/\/\/system; define it first/,
    );
    assert.equal(spawnSync('test', ['-e', join(dir, 'never.img')]).status, 1);
  } finally {
    removeDomains(domain, created);
    pool.closeAll();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runner with realLabHooks switches the domain per configuration and stores the exact XML with every step', { skip, timeout: 120_000 }, async () => {
  const lab = await startNsLab();
  const bench = await openBenchLab(lab, 'real');
  const store = createStore(databaseFile(bench.dataDir));
  const pool = createSshPool();
  const bus = new EventBus();
  const { dir, boot, disk } = imageDir();
  const domain = `iovlab-hook-${process.pid}`;
  const scratch = `/var/tmp/iovlab/drivers-hook-${process.pid}`;
  try {
    writeFileSync(join(dir, 'initial.xml'), domainXml(domain, boot, disk));
    virsh('define', join(dir, 'initial.xml'));
    const vm = (bus: 'lsi-scsi' | 'virtio-blk' | 'ide', nic: 'e1000' | 'virtio') => ({ name: domain, accel: 'tcg', memoryMiB: 64, disk: { bus, backing: 'sparse-file', path: disk }, nic: { model: nic } });
    const plan = {
      name: 'driver switch', repeats: 1,
      configs: [{ name: 'kvm-default', vm: vm('lsi-scsi', 'e1000') }, { name: 'virtio', vm: vm('virtio-blk', 'virtio') }],
      targets: [{ name: 'scratch', node: 'back', kind: 'file', path: `${scratch}/t.dat` }],
      workloads: [{ id: 'dd-write', tool: 'dd', op: 'write', size: '1M', blockSize: '64k' }],
    };
    const deps = { store, vault: createMemoryVault(), env: process.env, pool };
    const jobs = new JobManager(bus);
    const runner = new Runner({ ...deps, jobs, bus, configHooks: firstHook(localLabHooks({ ...deps, dataDir: bench.dataDir, cacheDir: dir }), realLabHooks({ ...deps, shutdownTimeoutMs: 0 })) });
    const { runId, jobId } = await runner.start(bench.labId, plan);
    const result = await jobs.wait(jobId);
    assert.ok(result.ok, JSON.stringify(result));
    const steps = store.runs.steps(runId);
    assert.deepEqual(steps.map((s) => [s.configName, s.status, s.error]), [['kvm-default', 'ok', null], ['virtio', 'ok', null]]);
    const applied = steps.map((s) => s.context['driverApply'] as { stack: string; node: string; domain: string; xml: string; liveXml: string });
    for (const a of applied) {
      assert.equal(a.stack, 'libvirt');
      assert.equal(a.node, 'back');
      assert.equal(a.domain, domain);
      validate(a.xml, dir);
    }
    assert.match(applied[0]?.xml ?? '', /<target dev="sdb" bus="scsi"\/>[\s\S]*<controller type="scsi" index="0" model="lsilogic"\/>[\s\S]*<model type="e1000"\/>/);
    assert.match(applied[1]?.xml ?? '', /<target dev="vdb" bus="virtio"\/>[\s\S]*<model type="virtio"\/>/);
    assert.doesNotMatch(applied[1]?.xml ?? '', /controller type="scsi"/);
    assert.match(applied[1]?.liveXml ?? '', /<target dev='vdb' bus='virtio'\/>/);
    // Released after the last configuration: the domain is stopped, defined with the last configuration.
    assert.equal(virsh('domstate', domain).trim(), 'shut off');
    assert.match(virsh('dumpxml', '--inactive', domain), /<target dev='vdb' bus='virtio'\/>/);

    // The same switch from the command line: iovlab config apply, as a user would type it.
    const cfgFile = join(dir, 'ide.json');
    writeFileSync(cfgFile, JSON.stringify(vm('ide', 'e1000')));
    const cli = await runCli(['--data-dir', bench.dataDir, 'config', 'apply', cfgFile, '--lab', 'real', '--node', 'back', '--stack', 'libvirt', '--json'], { timeoutMs: 60_000 });
    assert.equal(cli.code, 0, cli.stderr);
    const out = JSON.parse(cli.stdout) as { xml: string; disk: { after: string }; node: string };
    assert.deepEqual([out.node, out.disk.after], ['back', 'hda']);
    assert.equal(virsh('domstate', domain).trim(), 'running');
    assert.match(hmp(domain, 'info qtree'), /dev: ide-hd, id/);
  } finally {
    removeDomains(domain);
    pool.closeAll();
    store.close();
    await bench.backend.close();
    await lab.stop();
    rmSync(bench.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
});
