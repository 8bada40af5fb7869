// Figures 2, 3 and 4 of Shafer 2010 as grouped bars of the lab's means (95% CI error bars)
// with the paper's values as markers on the matching bar. The text file of the paper has no
// figure values, so markers come from Tables 1-2 (Figure 2), and from the ratios the text
// states applied to the lab's own baseline (Figures 3 and 4), each saying so in its notes.
import { paperFact, paperRow } from '../reference/shafer2010.js';
import { isStorage, nativeFor } from './groups.js';
import type { FigureMarkers, FigureSeries, FigureVM, MeasurementGroup } from './types.js';

type Pick = (g: MeasurementGroup) => boolean;

/** The group with the most repeats among those picked (figures show one bar per slot). */
function best(groups: readonly MeasurementGroup[], pick: Pick): MeasurementGroup | null {
  return groups.filter(pick).reduce<MeasurementGroup | null>((b, g) => (b === null || g.estimate.n > b.estimate.n ? g : b), null);
}

function series(name: string, slots: (MeasurementGroup | null)[]): FigureSeries {
  return {
    name,
    values: slots.map((g) => g?.estimate.mean ?? null),
    ciLow: slots.map((g) => g?.estimate.ci95?.[0] ?? null),
    ciHigh: slots.map((g) => g?.estimate.ci95?.[1] ?? null),
    n: slots.map((g) => g?.estimate.n ?? null),
  };
}

const measured = (s: FigureSeries[]): boolean => s.some((x) => x.values.some((v) => v !== null));

export function figure2(groups: readonly MeasurementGroup[]): FigureVM {
  const slots = [
    { name: 'Local write', target: 'local', op: 'write' },
    { name: 'Local read', target: 'local', op: 'read' },
    { name: 'EBS write', target: 'ebs', op: 'write' },
    { name: 'EBS read', target: 'ebs', op: 'read' },
  ] as const;
  const dd = (g: MeasurementGroup, op: 'write' | 'read', target: 'local' | 'ebs') => isStorage(g, op) && g.facts.target === target && g.unit === 'MBps';
  const native = slots.map((s) => best(groups, (g) => dd(g, s.op, s.target) && g.facts.vmm === 'None'));
  const uec = slots.map((s) => best(groups, (g) => dd(g, s.op, s.target) && g.facts.vmm === 'KVM' && g.facts.eucalyptusDefault));
  const paperNative = slots.map((s) => paperRow(`${s.op}:none:${s.target === 'ebs' ? 'ebs' : 'local-disk'}`).bandwidthMBps);
  const paperUec = slots.map((s) => paperRow(s.target === 'ebs' ? `${s.op}:kvm:ebs:scsi-phy` : `${s.op}:kvm:local-file:scsi-sparse-file`).bandwidthMBps);
  const change = ['fig2.local-write-change', 'fig2.local-read-change', 'fig2.ebs-write-change', 'fig2.ebs-read-change'].map((id) => paperFact(id).value).join(' / ');
  const s = [series('Non-virtualized', native), series('Eucalyptus default (KVM)', uec)];
  return {
    id: 'fig2',
    title: 'Figure 2: Eucalyptus Storage Bandwidth Overview',
    caption: 'dd bandwidth of the non-virtualized host and of the UEC default guest (KVM, emulated SCSI; sparse file locally, host-attached EBS).',
    unit: 'MB/s',
    groups: slots.map((x) => x.name),
    series: s,
    paper: [
      { series: 'Non-virtualized', name: 'Paper: non-virtualized', values: paperNative },
      { series: 'Eucalyptus default (KVM)', name: 'Paper: Eucalyptus default', values: paperUec },
    ],
    notes: [
      'Paper markers are the matching rows of Tables 1-2; the text states the changes against the control as ' + `${change}% (local write / read, EBS write / read).`,
      'Error bars: 95% confidence interval of the mean over the repeats.',
    ],
    measured: measured(s),
  };
}

function shortLabel(g: MeasurementGroup): string {
  const f = g.facts;
  if (f.vmm === 'None') return f.target === 'ebs' ? 'Native EBS' : 'Native';
  const bus = f.bus === 'lsi-scsi' || f.bus === 'xen-scsi' ? 'SCSI' : f.bus === 'virtio-blk' ? 'virtio' : (f.bus ?? '?');
  return `${f.vmm} ${bus}${f.target === 'ebs' ? ' EBS' : ''}`;
}

export function figure3(groups: readonly MeasurementGroup[]): FigureVM {
  const hadoop = groups.filter((g) => g.workload.kind === 'hadoop' && g.unit === 'MBps');
  // The paper draws the non-virtualized bars at the right of the figure.
  const labels = [...new Set(hadoop.map(shortLabel))].sort((a, b) => Number(a.startsWith('Native')) - Number(b.startsWith('Native')) || a.localeCompare(b));
  const slot = (label: string, op: 'write' | 'read') => best(hadoop, (g) => shortLabel(g) === label && g.workload.kind === 'hadoop' && g.workload.op === op);
  const s = (['write', 'read'] as const).map((op) => series(op === 'write' ? 'Write' : 'Read', labels.map((l) => slot(l, op))));
  const ratio = (paperFact('hadoop.kvm-of-native').value as number) / 100;
  const markers: FigureMarkers[] = (['write', 'read'] as const).map((op) => ({
    series: op === 'write' ? 'Write' : 'Read',
    name: `Paper: KVM at ${ratio * 100}% of native (${op})`,
    values: labels.map((l) => {
      const g = slot(l, op);
      if (!g || g.facts.vmm !== 'KVM' || g.facts.target !== 'local') return null;
      const native = nativeFor(g, hadoop);
      return native ? ratio * native.estimate.mean : null;
    }),
  }));
  return {
    id: 'fig3',
    title: 'Figure 3: Hadoop Storage Bandwidth',
    caption: 'Streaming (Hadoop TestDFSIO, or fio\'s streaming stand-in) write and read bandwidth per configuration; non-virtualized at the right.',
    unit: 'MB/s',
    groups: labels,
    series: s,
    paper: markers,
    notes: [
      `The text gives no Figure 3 values, only that KVM's SCSI and virtio reach ${ratio * 100}% of non-virtualized Hadoop: markers apply that ratio to the lab's own native bars.`,
    ],
    measured: measured(s),
  };
}

export function figure4(groups: readonly MeasurementGroup[]): FigureVM {
  const net = groups.filter((g) => g.workload.kind === 'network' && g.unit === 'Mbps');
  const slots = [
    { name: 'Driver domain transmit', peer: 'driver-domain', dir: 'transmit' },
    { name: 'Driver domain receive', peer: 'driver-domain', dir: 'receive' },
    { name: 'Other host transmit', peer: 'other-host', dir: 'transmit' },
    { name: 'Other host receive', peer: 'other-host', dir: 'receive' },
  ] as const;
  const seriesName = (g: MeasurementGroup): string => (g.facts.vmm === 'None' ? 'Non-virtualized' : `${g.facts.vmm} ${g.facts.nic ?? 'NIC?'}`);
  const names = [...new Set(['Non-virtualized', 'KVM e1000', 'KVM virtio', ...net.map(seriesName)])];
  const inSlot = (g: MeasurementGroup, peer: string, dir: string) => g.workload.kind === 'network' && g.workload.direction === dir && (g.facts.peer ?? 'other-host') === peer;
  const s = names.map((n) => series(n, slots.map((sl) => best(net, (g) => seriesName(g) === n && inSlot(g, sl.peer, sl.dir)))));
  const tcp = paperFact('baseline.tcp').value as number;
  const ceiling = paperFact('net.driver-domain-max').value as number;
  const nativeOf = (dir: string) => s[0]?.values[dir === 'transmit' ? 2 : 3] ?? null;
  const shares = { transmit: (paperFact('abstract.network-transmit-of-native').value as number) / 100, receive: (paperFact('abstract.network-receive-of-native').value as number) / 100 };
  const scaleNote = nativeOf('transmit') !== null || nativeOf('receive') !== null ? "the lab's non-virtualized bars" : `the paper's ${tcp} Mb/s TCP maximum (no native run measured)`;
  return {
    id: 'fig4',
    title: 'Figure 4: Netperf Network Throughput',
    caption: 'TCP throughput between the guest and its driver domain (host) and another host, per NIC driver (netperf or iperf3).',
    unit: 'Mb/s',
    groups: slots.map((x) => x.name),
    series: s,
    paper: [
      { series: 'Non-virtualized', name: `Paper: gigabit TCP maximum (${tcp} Mb/s)`, values: [null, null, tcp, tcp] },
      {
        series: 'KVM e1000',
        name: 'Paper: out-of-the-box share of native (abstract)',
        values: slots.map((sl) => (sl.peer === 'other-host' ? shares[sl.dir] * (nativeOf(sl.dir) ?? tcp) : null)),
      },
      { series: 'KVM virtio', name: `Paper: never above ${ceiling} Mb/s to the driver domain`, values: [ceiling, ceiling, null, null] },
    ],
    notes: [
      `Out-of-the-box markers: the abstract's ${shares.transmit * 100}% (transmit) and ${shares.receive * 100}% (receive) of non-virtualized bandwidth applied to ${scaleNote}; the abstract does not name the VMM, KVM's default NIC is e1000.`,
      `The ${ceiling} Mb/s marker is an upper bound the text gives for every driver to the driver domain, not a measured bar.`,
      'Network runs without a peer tag (peer=driver-domain or peer=other-host) are shown as "other host".',
    ],
    measured: measured(s),
  };
}
