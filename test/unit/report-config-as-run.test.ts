// The report's configuration section prefers what a step ran under over a re-rendering of the
// plan. The local-lab context is produced by the local lab's own code (renderForRun, which
// guest-apply.ts spreads into context.localLab) from the vmconfig fixtures, with the run's real
// disk path and the accelerator it fell back to, so it differs from the plan on purpose. No
// writer of context.driverApply exists yet: those cases use the shape announced for real labs,
// {stack, xml | cfg | conf, node}, filled with the golden libvirt XML / xl.cfg fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StepRecord } from '../../shared/bench/types.js';
import { parseVmConfig, renderQemuArgv, type VmConfigInput } from '../../shared/vmconfig/index.js';
import { configTexts, shellJoin } from '../../shared/report/config-facts.js';
import { buildReport } from '../../shared/report/document.js';
import { renderForRun } from '../../electron/core/locallab/guest-disk.js';
import { makeRun } from '../helpers/report-runs.js';

const VMCONFIG = resolve(import.meta.dirname, '..', 'fixtures', 'vmconfig');
const vmFixture = (name: string): VmConfigInput => JSON.parse(readFileSync(join(VMCONFIG, `${name}.json`), 'utf8')) as VmConfigInput;
const RUN_DISK = '/var/lib/iovlab/data/locallab/disks/lsi-sparse.img';

/** What guest-apply.ts stores for a booted guest: its own fields plus renderForRun's. */
async function localLabContext(planVm: VmConfigInput): Promise<{ context: Record<string, unknown>; argv: string[] }> {
  const boot = { kernel: '/cache/vmlinuz', initrd: '/cache/initrd.img', serialLog: '/run/guest/serial.log' };
  // As guest.ts starts it: the lab's kernel and initrd, a serial log, the run's own disk, the accelerator found.
  const ran = parseVmConfig({ ...planVm, accel: 'tcg', disk: { ...planVm.disk, path: RUN_DISK }, kernel: boot.kernel, initrd: boot.initrd, append: 'console=ttyS0 quiet', serial: { file: boot.serialLog } });
  const argv = renderQemuArgv(ran);
  const scratch = mkdtempSync(join(tmpdir(), 'iovlab-asrun-'));
  try {
    const rendered = await renderForRun(ran, argv, boot, scratch);
    const localLab = {
      configuration: 'lsi-sparse',
      accel: { accel: 'tcg', reason: 'kvm-pvm cannot run the guest', note: 'TCG emulated the guest CPU' },
      guest: { ip: '10.0.0.2', device: '/dev/sda', sizeBytes: 16777216, bootMs: 2600, hostKeyFingerprint: 'SHA256:x', memoryMiB: 256 },
      backing: { kind: 'sparse-file', file: RUN_DISK, path: RUN_DISK, sizeBytes: 16777216, loopDevice: null, directIo: null, description: 'a sparse raw file' },
      ebs: null,
      ...rendered,
    };
    return { context: { config: { name: 'lsi-sparse' }, nodes: {}, sampler: null, localLab }, argv };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function withContexts(steps: StepRecord[], contexts: Record<string, unknown>[], statuses: StepRecord['status'][] = []): void {
  steps.forEach((s, i) => {
    s.context = contexts[i] ?? {};
    s.status = statuses[i] ?? 'ok';
  });
}

test('a local-lab run: the stored QEMU argv and libvirt XML of the first ok step, labelled as run, not the plan re-rendered', async () => {
  const planVm = vmFixture('kvm-lsi-sparse-e1000');
  const { context, argv } = await localLabContext(planVm);
  const made = makeRun({ id: 7, name: 'local', plan: { configs: [{ name: 'lsi-sparse', vm: planVm }] }, specs: [{ configName: 'lsi-sparse', workloadId: 'dd-write', tool: 'dd', values: [50, 51, 52] }] });
  const stale = { localLab: { qemuArgv: ['qemu-system-x86_64', '-name', 'guest=stale'] } };
  const { run, steps } = made;
  withContexts(steps, [stale, context, { localLab: { qemuArgv: ['qemu-system-x86_64', '-name', 'guest=later'] } }], ['failed', 'ok', 'ok']);
  const [, firstOk] = steps;
  assert.ok(firstOk);

  const texts = configTexts(run, steps, 'lsi-sparse');
  assert.equal(texts.source, 'as-run');
  assert.deepEqual(texts.fromStep, { runId: 7, stepId: firstOk.id, index: firstOk.index, node: null });
  assert.equal(texts.qemu, shellJoin(argv));
  assert.match(texts.qemu ?? '', /-accel tcg .*-kernel \/cache\/vmlinuz .*lsi-sparse\.img.*lsi53c895a/, 'what ran: TCG and the run\'s own disk');
  const local = context.localLab as { libvirtXml: string };
  assert.equal(texts.libvirt, local.libvirtXml);
  assert.match(texts.libvirt ?? '', /<kernel>\/cache\/vmlinuz<\/kernel>/, 'the booted kernel, which the plan never names');
  assert.equal(texts.xen, null, "the local lab's xl.cfg is a rendering for comparison, not what ran");
  assert.ok(texts.notes.some((n) => /started QEMU itself/.test(n)));

  const fromPlan = shellJoin(renderQemuArgv(parseVmConfig(planVm)));
  assert.notEqual(texts.qemu, fromPlan, 'the plan re-rendered would have said -accel kvm and the plan\'s path');
  const doc = buildReport({ runs: [made], labs: [], generatedAt: '2026-11-27T00:00:00.000Z', appVersion: 'test' });
  const cfg = doc.configs.find((c) => c.name === 'lsi-sparse');
  assert.equal(cfg?.source, 'as-run');
  assert.equal(cfg?.qemu, texts.qemu);
  assert.equal(cfg?.paperLabel, 'KVM Local file(*) SCSI/sparse file', 'the paper\'s terms still come from the plan');
});

test('nothing stored: rendered from the plan and said so; a host baseline without vm has no texts at all', async () => {
  const planVm = vmFixture('kvm-lsi-sparse-e1000');
  const { run, steps } = makeRun({
    id: 8, name: 'old', plan: { configs: [{ name: 'lsi-sparse', vm: planVm }, { name: 'host' }] },
    specs: [{ configName: 'lsi-sparse', workloadId: 'dd-write', tool: 'dd', values: [40] }, { configName: 'host', workloadId: 'dd-write', tool: 'dd', values: [600] }],
  });
  // What guest-apply.ts stores for the "None" row: no guest, so no argv.
  withContexts(steps, [{}, { localLab: { configuration: 'host', role: 'host baseline: no guest', backing: { kind: 'device' } } }]);
  const planned = configTexts(run, steps, 'lsi-sparse');
  assert.equal(planned.source, 'plan');
  assert.equal(planned.fromStep, null);
  assert.equal(planned.qemu, shellJoin(renderQemuArgv(parseVmConfig(planVm))));
  assert.match(planned.libvirt ?? '', /<domain type="kvm">/);
  assert.deepEqual(configTexts(run, steps, 'host'), { source: null, fromStep: null, qemu: null, libvirt: null, xen: null, eucalyptus: null, notes: [] });
});

test('a QEMU command a step ran (recorded in its commands) counts as run, before the plan', () => {
  const planVm = vmFixture('kvm-virtio-blk-device');
  const command = "qemu-system-x86_64 -name guest=g -accel kvm -drive 'file=/dev/sdb,if=virtio'";
  const { run, steps } = makeRun({ id: 9, name: 'cmd', plan: { configs: [{ name: 'vb', vm: planVm }] }, specs: [{ configName: 'vb', workloadId: 'dd-write', tool: 'dd', values: [90], commands: [{ node: 'nc1', command }] }] });
  const texts = configTexts(run, steps, 'vb');
  assert.equal(texts.source, 'as-run');
  assert.equal(texts.qemu, command);
  assert.equal(texts.fromStep?.node, 'nc1');
});

test('real-lab driver contexts (the announced driverApply shape): libvirt XML, xl.cfg, eucalyptus.conf as run, with the node', () => {
  const xml = readFileSync(join(VMCONFIG, 'kvm-lsi-sparse-e1000.xml'), 'utf8');
  const cfg = readFileSync(join(VMCONFIG, 'xen-lsi-prealloc.xl.cfg'), 'utf8');
  const conf = 'HYPERVISOR="kvm"\nUSE_VIRTIO_DISK="1"\nUSE_VIRTIO_NET="1"\nINSTANCE_PATH="/var/lib/eucalyptus/instances"\n';
  const { run, steps } = makeRun({
    id: 10, name: 'real', plan: { configs: [{ name: 'lv', tags: { vmm: 'kvm' } }, { name: 'xen', tags: { vmm: 'xen' } }, { name: 'euca', tags: { vmm: 'kvm' } }] },
    specs: [
      { configName: 'lv', workloadId: 'dd-write', tool: 'dd', values: [70] },
      { configName: 'xen', workloadId: 'dd-write', tool: 'dd', values: [60] },
      { configName: 'euca', workloadId: 'dd-write', tool: 'dd', values: [65] },
    ],
  });
  withContexts(steps, [
    { driverApply: { stack: 'libvirt', xml, node: 'nc1' } },
    { driverApply: { stack: 'xen', cfg, node: 'dom0' } },
    { driverApply: { stack: 'eucalyptus', conf, node: 'nc2' } },
  ]);
  const lv = configTexts(run, steps, 'lv');
  assert.deepEqual([lv.source, lv.libvirt, lv.qemu, lv.fromStep?.node], ['as-run', xml, null, 'nc1']);
  const xen = configTexts(run, steps, 'xen');
  assert.deepEqual([xen.source, xen.xen, xen.libvirt, xen.fromStep?.node], ['as-run', cfg, null, 'dom0']);
  const euca = configTexts(run, steps, 'euca');
  assert.deepEqual([euca.source, euca.eucalyptus, euca.fromStep?.node], ['as-run', conf, 'nc2']);
});

test('two runs of one configuration in one set: the stored texts of the later run replace the first run\'s plan rendering', async () => {
  const planVm = vmFixture('kvm-lsi-sparse-e1000');
  const { context, argv } = await localLabContext(planVm);
  const plan = { configs: [{ name: 'lsi-sparse', vm: planVm }] };
  const older = makeRun({ id: 11, name: 'older', label: 'set', plan, specs: [{ configName: 'lsi-sparse', workloadId: 'dd-write', tool: 'dd', values: [40] }] });
  const newer = makeRun({ id: 12, name: 'newer', label: 'set', plan, specs: [{ configName: 'lsi-sparse', workloadId: 'dd-write', tool: 'dd', values: [41] }] });
  withContexts(newer.steps, [context]);
  const doc = buildReport({ runs: [older, newer], labs: [], generatedAt: '2026-11-27T00:00:00.000Z', appVersion: 'test' });
  const cfgs = doc.configs.filter((c) => c.name === 'lsi-sparse');
  assert.equal(cfgs.length, 1);
  assert.deepEqual(cfgs[0]?.runIds, [11, 12]);
  assert.equal(cfgs[0]?.source, 'as-run');
  assert.equal(cfgs[0]?.fromStep?.runId, 12);
  assert.equal(cfgs[0]?.qemu, shellJoin(argv));
});
