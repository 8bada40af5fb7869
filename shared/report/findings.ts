// The paper's findings F1-F5 (shared/advisor/findings.ts) judged against the lab's groups:
// "held", "did not hold" (with the numbers that contradict it) or "not measured" (naming what
// to run). A claim of "slower" needs Welch's t-test at 5% when both sides have repeats.
import { FINDINGS, type FindingId } from '../advisor/findings.js';
import { THRESHOLDS } from '../advisor/rules.js';
import { isEmulatedBus } from '../reference/match.js';
import { paperFact, paperRow } from '../reference/shafer2010.js';
import { welchTTest } from '../stats.js';
import { isStorage, nativeFor } from './groups.js';
import type { FindingStatus, FindingVM, MeasurementGroup } from './types.js';

const ALPHA = 0.05;
const mb = (v: number): string => `${Number(v.toPrecision(3))} MB/s`;
const mbit = (v: number): string => `${Number(v.toPrecision(3))} Mb/s`;
const pct = (share: number): string => `${Math.round(share * 100)}%`;
const n = (g: MeasurementGroup): string => `n=${g.estimate.n}`;

interface Contrast {
  ratio: number;
  p: number | null;
  /** lo is below hi: significantly when both have repeats, else by the means alone. */
  below: boolean;
  text: string;
}

function contrast(lo: MeasurementGroup, hi: MeasurementGroup): Contrast {
  const ratio = lo.estimate.mean / hi.estimate.mean;
  if (lo.values.length < 2 || hi.values.length < 2) return { ratio, p: null, below: ratio < 1, text: 'single runs, no significance test' };
  const w = welchTTest(lo.values, hi.values);
  return { ratio, p: w.p, below: w.p < ALPHA && lo.estimate.mean < hi.estimate.mean, text: w.p < 0.001 ? 'p<0.001' : `p=${w.p.toFixed(3)}` };
}

function best(groups: readonly MeasurementGroup[], pick: (g: MeasurementGroup) => boolean): MeasurementGroup | null {
  return groups.filter(pick).reduce<MeasurementGroup | null>((b, g) => (b === null || g.estimate.n > b.estimate.n ? g : b), null);
}

const guestLocal = (g: MeasurementGroup) => g.facts.vmm !== 'None' && g.facts.target === 'local';
const pvBus = (g: MeasurementGroup) => g.facts.bus !== null && !isEmulatedBus(g.facts.bus);
const emBus = (g: MeasurementGroup) => g.facts.bus !== null && isEmulatedBus(g.facts.bus);

type Judged = { status: FindingStatus; summary: string; groups: (MeasurementGroup | null)[] };
const notMeasured = (what: string): Judged => ({ status: 'not-measured', summary: `Not measured: ${what}.`, groups: [] });

function f1(groups: readonly MeasurementGroup[]): Judged {
  const sparse = best(groups, (g) => isStorage(g, 'write') && guestLocal(g) && (g.facts.backing === 'sparse-file' || g.facts.backing === 'qcow2'));
  if (!sparse) return notMeasured('no guest dd write on a sparse-file (or qcow2) backing');
  const native = nativeFor(sparse, groups);
  if (!native) return notMeasured('no non-virtualized dd write on the local disk to compare with');
  const vsNative = contrast(sparse, native);
  const other = best(groups, (g) => isStorage(g, 'write') && guestLocal(g) && (g.facts.backing === 'prealloc-file' || g.facts.backing === 'block-device'));
  const vsOther = other ? contrast(sparse, other) : null;
  const small = sparse.host ? sparse.host.avgRqSectors < THRESHOLDS.splitWriteSectors : null;
  const parts = [`The sparse-backed guest wrote ${mb(sparse.estimate.mean)} (${n(sparse)}), ${pct(vsNative.ratio)} of native ${mb(native.estimate.mean)} (${vsNative.text})`];
  if (other && vsOther) parts.push(`${pct(vsOther.ratio)} of the ${other.facts.backing} guest's ${mb(other.estimate.mean)} (${vsOther.text})`);
  parts.push(sparse.host ? `host requests averaged ${Math.round(sparse.host.avgRqSectors)} sectors` : 'no host iostat samples');
  const held = vsNative.below && vsNative.ratio <= 0.5 && (!vsOther || (vsOther.below && vsOther.ratio <= THRESHOLDS.slowShare)) && small !== false;
  return { status: held ? 'held' : 'did-not-hold', summary: `${parts.join('; ')}.`, groups: [sparse, native, other] };
}

function f2(groups: readonly MeasurementGroup[]): Judged {
  const local = (g: MeasurementGroup) => isStorage(g, 'write') && guestLocal(g) && g.facts.backing === 'block-device';
  const pv = best(groups, (g) => local(g) && pvBus(g));
  const em = best(groups, (g) => local(g) && emBus(g));
  if (!pv || !em) return notMeasured(`needs guest dd writes to a whole local device with a para-virtual${pv ? '' : ' (missing)'} and an emulated${em ? '' : ' (missing)'} controller`);
  const native = nativeFor(pv, groups);
  if (!native) return notMeasured('no non-virtualized dd write on the local disk to compare with');
  const pvShare = pv.estimate.mean / native.estimate.mean;
  const c = contrast(em, pv);
  const held = pvShare >= 0.9 && c.below;
  const summary =
    `${pv.facts.bus} wrote ${mb(pv.estimate.mean)} (${pct(pvShare)} of native ${mb(native.estimate.mean)}), ` +
    `${em.facts.bus} ${mb(em.estimate.mean)} (${pct(em.estimate.mean / native.estimate.mean)} of native; ${pct(c.ratio)} of ${pv.facts.bus}, ${c.text})` +
    (em.host ? `; emulated queue ${em.host.avgQueue.toFixed(2)} at the host` : '') +
    (pv.host ? `, para-virtual queue ${pv.host.avgQueue.toFixed(2)}` : '') + '.';
  return { status: held ? 'held' : 'did-not-hold', summary, groups: [pv, em, native] };
}

function f3(groups: readonly MeasurementGroup[]): Judged {
  // The paper's case is KVM reading a whole local disk, para-virtual first (its best read).
  const syncRead = (g: MeasurementGroup) => isStorage(g, 'read', 'sync') && guestLocal(g);
  const sync =
    best(groups, (g) => syncRead(g) && g.facts.backing === 'block-device' && pvBus(g)) ??
    best(groups, (g) => syncRead(g) && g.facts.backing === 'block-device') ??
    best(groups, syncRead);
  if (!sync) return notMeasured('no synchronous (dd) read in a guest on local storage');
  const native = nativeFor(sync, groups);
  const asyncRead =
    best(groups, (g) => isStorage(g, 'read', 'async') && g.configName === sync.configName && g.setLabel === sync.setLabel) ??
    best(groups, (g) => isStorage(g, 'read', 'async') && guestLocal(g));
  const share = native ? sync.estimate.mean / native.estimate.mean : null;
  const idle = sync.host ? `the disk was busy ${Math.round(sync.host.utilPct)}% with queue ${sync.host.avgQueue.toFixed(2)}` : 'no host iostat samples';
  const first = `The synchronous guest read got ${mb(sync.estimate.mean)}${share !== null && native ? ` (${pct(share)} of native ${mb(native.estimate.mean)})` : ''}; ${idle}`;
  if (!asyncRead) return { status: 'not-measured', summary: `${first}. Not measured: no queued asynchronous read (fio libaio, iodepth > 1) to test the remedy.`, groups: [sync, native] };
  const c = contrast(sync, asyncRead);
  const syncShort = (share === null || share < 0.9) && (!sync.host || sync.host.utilPct < THRESHOLDS.syncReaderUtilPct);
  const held = syncShort && c.below;
  return {
    status: held ? 'held' : 'did-not-hold',
    summary: `${first}. With a queue (fio async) it got ${mb(asyncRead.estimate.mean)}, the synchronous reader ${pct(c.ratio)} of that (${c.text}).`,
    groups: [sync, asyncRead, native],
  };
}

function f4(groups: readonly MeasurementGroup[]): Judged {
  const guest = best(groups, (g) => isStorage(g, 'write') && g.facts.vmm !== 'None' && g.facts.target === 'ebs' && g.facts.ebsPath !== 'in-guest');
  if (!guest) return notMeasured('no guest dd write to network (EBS) storage attached through the host');
  // The host side is any non-virtualized synchronous write tagged target=ebs: dd on a kernel-attached
  // volume, or the local lab's ebs-host-baseline (fio's user-space NBD client, 64 kB, one request at a time).
  const host = nativeFor(guest, groups);
  if (!host) return notMeasured('no write to the same EBS device from the host (on the local lab: the ebs-host-baseline configuration of shafer2010-storage)');
  const c = contrast(guest, host);
  const held = c.below && c.ratio <= THRESHOLDS.ebsSlowShare;
  const tool = (g: MeasurementGroup) => (g.workload.kind === 'storage' ? `, ${g.workload.tool}` : '');
  return {
    status: held ? 'held' : 'did-not-hold',
    summary: `From the guest ${mb(guest.estimate.mean)} (${guest.configName}${tool(guest)}, ${n(guest)}), from the host ${mb(host.estimate.mean)} (${host.configName}${tool(host)}, ${n(host)}): the guest got ${pct(c.ratio)} (${c.text}).`,
    groups: [guest, host],
  };
}

function f5(groups: readonly MeasurementGroup[]): Judged {
  const pairs: string[] = [];
  const used: MeasurementGroup[] = [];
  let allFaster = true;
  for (const dir of ['transmit', 'receive'] as const) {
    for (const peer of ['driver-domain', 'other-host'] as const) {
      const pickNic = (nic: 'virtio' | 'e1000') =>
        best(groups, (g) => g.workload.kind === 'network' && g.workload.direction === dir && (g.facts.peer ?? 'other-host') === peer && g.facts.vmm !== 'None' && g.facts.nic === nic);
      const virtio = pickNic('virtio');
      const e1000 = pickNic('e1000');
      if (!virtio || !e1000) continue;
      const c = contrast(e1000, virtio);
      allFaster &&= c.below;
      used.push(virtio, e1000);
      pairs.push(`${dir} to ${peer.replace('-', ' ')}: virtio ${mbit(virtio.estimate.mean)}, e1000 ${mbit(e1000.estimate.mean)} (${c.text})`);
    }
  }
  if (pairs.length === 0) return notMeasured('needs network runs of the same direction with a virtio and an e1000 guest NIC (tag nic=virtio / nic=e1000)');
  return { status: allFaster ? 'held' : 'did-not-hold', summary: `${pairs.join('; ')}.`, groups: used };
}

const JUDGES: Record<FindingId, (g: readonly MeasurementGroup[]) => Judged> = { F1: f1, F2: f2, F3: f3, F4: f4, F5: f5 };

/** What the paper's own numbers say, in one line per finding. */
function paperLine(id: FindingId): string {
  const r = (rowId: string) => paperRow(rowId).bandwidthMBps;
  switch (id) {
    case 'F1':
      return `Table 1: KVM SCSI/sparse file ${r('write:kvm:local-file:scsi-sparse-file')} MB/s vs native ${r('write:none:local-disk')} MB/s, ${paperRow('write:kvm:local-file:scsi-sparse-file').avgRqSectors}-sector requests.`;
    case 'F2':
      return `Table 1: KVM Virtio/phy ${r('write:kvm:local-disk:virtio-phy')} MB/s (queue ${paperRow('write:kvm:local-disk:virtio-phy').avgQueue}), SCSI/phy ${r('write:kvm:local-disk:scsi-phy')} MB/s (queue ${paperRow('write:kvm:local-disk:scsi-phy').avgQueue}), native ${r('write:none:local-disk')} MB/s.`;
    case 'F3':
      return `Table 2: best KVM read ${r('read:kvm:local-disk:virtio-phy')} MB/s = ${paperFact('kvm.read-best-of-native').value as number}% of native ${r('read:none:local-disk')} MB/s, disk idle 30-40%; the AIO remedy is proposed, not measured.`;
    case 'F4':
      return `Table 1: KVM guest to EBS ${r('write:kvm:ebs:scsi-phy')}-${r('write:kvm:ebs:virtio-phy')} MB/s vs ${r('write:none:ebs')} MB/s from the host.`;
    case 'F5':
      return `Figure 4 only (no values in the text); never above ${paperFact('net.driver-domain-max').value as number} Mb/s to the driver domain.`;
  }
}

export function judgeFindings(groups: readonly MeasurementGroup[]): FindingVM[] {
  return FINDINGS.map((f) => {
    const j = JUDGES[f.id](groups);
    return {
      id: f.id,
      title: f.title,
      claim: f.claim,
      paperSupport: f.paperSupport,
      status: j.status,
      summary: j.summary,
      paper: paperLine(f.id),
      groupKeys: j.groups.filter((g): g is MeasurementGroup => g !== null).map((g) => g.key),
    };
  });
}
