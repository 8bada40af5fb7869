// experimentReadiness on facts parsed from the recorded probes of test/fixtures/probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PROBED_TOOLS, type NodeFacts } from '../../shared/facts.js';
import { EXPERIMENTS, experimentReadiness, type ReadinessNode } from '../../shared/experiments.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import { FRONT_END_ROLES, ROLES } from '../../shared/roles.js';

const facts = (name: string): NodeFacts => parseProbeOutput(readFileSync(new URL(`../fixtures/probe/${name}`, import.meta.url), 'utf8'));
// debian12-sh: dd, iostat, fio, iperf3, qemu-system-x86_64, qemu-nbd, vblade, virsh; /dev/kvm without vmx/svm.
const full = facts('debian12-sh.txt');
// debian12-sparse-path: busybox dd, and vblade from the /usr/sbin the probe appends to PATH.
const sparse = facts('debian12-sparse-path.txt');

const byId = (nodes: ReadinessNode[]) => new Map(experimentReadiness(nodes).map((r) => [r.experimentId, r]));
const get = <K, V>(m: Map<K, V>, k: K): V => {
  const v = m.get(k);
  assert.ok(v !== undefined, `no entry ${String(k)}`);
  return v;
};
const withTools = (f: NodeFacts, change: Partial<Record<(typeof PROBED_TOOLS)[number], boolean>>): NodeFacts => ({
  ...f,
  tools: Object.fromEntries(PROBED_TOOLS.map((t) => [t, t in change ? { installed: change[t] === true, version: null, path: change[t] ? `/usr/bin/${t}` : null } : f.tools[t]])) as NodeFacts['tools'],
});

test('the experiment table: unique ids, a paper reference each, needs only on known roles', () => {
  assert.equal(new Set(EXPERIMENTS.map((e) => e.id)).size, EXPERIMENTS.length);
  for (const e of EXPERIMENTS) {
    assert.ok(e.paperRef.length > 0 && e.title.length > 0, e.id);
    assert.ok(Object.keys(e.needs).length > 0, e.id);
    for (const [role, groups] of Object.entries(e.needs)) {
      assert.ok((ROLES as readonly string[]).includes(role), `${e.id}: ${role}`);
      for (const g of groups ?? []) assert.ok(g.length > 0 && g.every((t) => PROBED_TOOLS.includes(t)), `${e.id}: ${g.join()}`);
    }
  }
  assert.deepEqual(EXPERIMENTS.map((e) => e.id), ['storage-dd', 'storage-fio', 'storage-ebs', 'network-iperf3', 'network-netperf', 'hadoop-testdfsio', 'kvm-guests', 'xen-guests', 'eucalyptus']);
});

test("the paper's two-node lab, both probed on this machine", () => {
  const r = byId([
    { name: 'front', roles: [...FRONT_END_ROLES], facts: full },
    { name: 'nc1', roles: ['NC'], facts: full },
  ]);
  for (const id of ['storage-dd', 'storage-fio', 'storage-ebs', 'network-iperf3', 'kvm-guests']) assert.equal(get(r, id).ready, true, id);
  // This machine is a VM that reports free pages: the one note is about that (see below).
  const noteHeads = (id: string) => get(r, id).notes.map((n) => n.split(' is a VM ')[0]);
  assert.deepEqual({ ...get(r, 'storage-dd'), notes: noteHeads('storage-dd') }, { experimentId: 'storage-dd', ready: true, missing: [], notes: ['nc1'] });
  assert.deepEqual(get(r, 'network-netperf').missing, [
    { node: 'nc1', tool: 'netperf' }, { node: 'nc1', tool: 'netserver' },
    { node: 'front', tool: 'netperf' }, { node: 'front', tool: 'netserver' },
  ]);
  assert.deepEqual(get(r, 'hadoop-testdfsio').missing, [{ node: 'nc1', tool: 'hadoop' }]);
  assert.deepEqual(get(r, 'kvm-guests').notes, ['nc1 has /dev/kvm but its CPU shows no vmx/svm flag (nested or paravirtual KVM): if KVM guests fail, iovlab falls back to TCG']);
  assert.deepEqual({ ...get(r, 'storage-ebs'), notes: noteHeads('storage-ebs') }, { experimentId: 'storage-ebs', ready: true, missing: [], notes: ['front', 'nc1'] });
  assert.equal(get(r, 'eucalyptus').ready, false);
  // The front-end needs eucalyptus as CLC and as CC: it is listed once.
  assert.deepEqual(get(r, 'eucalyptus').missing, [{ node: 'front', tool: 'eucalyptus' }, { node: 'nc1', tool: 'eucalyptus' }]);
});

test('storage on a VM that reports its free pages gets a note, unless reporting is paused or absent', () => {
  const note = (f: NodeFacts) => get(byId([{ name: 'nc1', roles: ['NC'], facts: f }]), 'storage-dd').notes;
  assert.deepEqual(full.vmNoise, { hypervisor: true, freePageReporting: true, pageReportingOrder: 9 });
  const [text, ...more] = note(full);
  assert.equal(more.length, 0);
  assert.match(text ?? '', /^nc1 is a VM that hands freed memory back to its hypervisor .*\(echo 10 > \/sys\/module\/page_reporting\/parameters\/page_reporting_order; restore 9 after\)\.$/);
  assert.deepEqual(note({ ...full, vmNoise: { hypervisor: true, freePageReporting: true, pageReportingOrder: 10 } }), []);
  assert.deepEqual(note({ ...full, vmNoise: { hypervisor: true, freePageReporting: false, pageReportingOrder: 9 } }), []);
  const { vmNoise: _, ...older } = full;
  assert.deepEqual(note(older), []);
  // The EBS node's disk is measured too.
  const ebs = get(byId([{ name: 'front', roles: ['EBS'], facts: full }, { name: 'nc1', roles: ['NC'], facts: older }]), 'storage-ebs').notes;
  assert.equal(ebs.length, 1);
  assert.match(ebs[0] ?? '', /^front is a VM /);
});

test('a lab without a node of a needed role: missing names the role', () => {
  const r = byId([{ name: 'nc1', roles: ['NC'], facts: full }]);
  const iperf = get(r, 'network-iperf3');
  assert.equal(iperf.ready, false);
  assert.deepEqual(iperf.missing, [{ node: '(no CC node)', tool: 'iperf3' }]);
  assert.deepEqual(iperf.notes, ['The lab has no node with role CC (Cluster controller).']);
  assert.deepEqual(get(r, 'storage-ebs').missing, [{ node: '(no EBS node)', tool: 'iostat' }, { node: '(no EBS node)', tool: 'vblade or qemu-nbd' }]);
  assert.equal(get(r, 'storage-fio').ready, true);
});

test('a sparsely equipped node misses fio and iostat; an unprobed node is not ready and says why', () => {
  const r = byId([{ name: 'nc1', roles: ['NC'], facts: sparse }, { name: 'nc2', roles: ['NC'], facts: null }]);
  assert.deepEqual(get(r, 'storage-fio').missing, [{ node: 'nc1', tool: 'fio' }, { node: 'nc1', tool: 'iostat' }]);
  assert.deepEqual(get(r, 'storage-dd').missing, [{ node: 'nc1', tool: 'iostat' }]);
  assert.deepEqual(get(r, 'kvm-guests').missing, [{ node: 'nc1', tool: 'qemu-system-x86_64 or virsh' }]);
  const onlyUnprobed = byId([{ name: 'nc2', roles: ['NC'], facts: null }]);
  const dd = get(onlyUnprobed, 'storage-dd');
  assert.equal(dd.ready, false);
  assert.deepEqual(dd.missing, []);
  assert.deepEqual(dd.notes, ['nc2 has not been probed yet: probe it to know whether it is ready.']);
});

test('kvm-guests: either QEMU or virsh will do; no /dev/kvm means a TCG note', () => {
  const virshOnly = withTools(full, { 'qemu-system-x86_64': false });
  assert.equal(get(byId([{ name: 'nc1', roles: ['NC'], facts: virshOnly }]), 'kvm-guests').ready, true);
  const noKvm = { ...full, kvmDevice: false };
  const r = get(byId([{ name: 'nc1', roles: ['NC'], facts: noKvm }]), 'kvm-guests');
  assert.equal(r.ready, true);
  assert.match(r.notes[0] ?? '', /^nc1 has no \/dev\/kvm: guests will run under TCG/);
  const withVmx: NodeFacts = { ...full, cpu: { ...full.cpu, virtFlags: ['vmx'] } };
  assert.deepEqual(get(byId([{ name: 'nc1', roles: ['NC'], facts: withVmx }]), 'kvm-guests').notes, []);
});

test('xen-guests: xl without a running Xen gets a note', () => {
  const r = get(byId([{ name: 'nc1', roles: ['NC'], facts: withTools(full, { xl: true }) }]), 'xen-guests');
  assert.equal(r.ready, true);
  assert.match(r.notes[0] ?? '', /not running as a Xen dom0/);
});

test('storage-ebs: the EBS node exports its volume with vblade (AoE, as in the paper) or qemu-nbd', () => {
  const ebs = (f: NodeFacts) => get(byId([{ name: 'ebs1', roles: ['EBS'], facts: f }, { name: 'nc1', roles: ['NC'], facts: full }]), 'storage-ebs');
  assert.equal(ebs(withTools(full, { vblade: false })).ready, true);
  assert.equal(ebs(withTools(full, { 'qemu-nbd': false })).ready, true);
  assert.deepEqual(ebs(withTools(full, { vblade: false, 'qemu-nbd': false })).missing, [{ node: 'ebs1', tool: 'vblade or qemu-nbd' }]);
});
