// The experiments of Shafer 2010 that iovlab reproduces (plus iovlab's own additions), what
// each needs on which node role, and whether a lab's probed nodes have it.
import type { NodeFacts, ProbedTool, VmNoise } from './facts.js';
import type { ExperimentReadiness } from './model.js';
import { ROLE_TITLES, type Role } from './roles.js';

/** One of these tools will do (e.g. QEMU run directly, or through libvirt). */
export type ToolGroup = readonly ProbedTool[];

export interface Experiment {
  id: string;
  title: string;
  /** Where the paper reports it ("Table 1"), or "iovlab addition" with the reason. */
  paperRef: string;
  /** Per role: every node holding that role needs one tool of each group. */
  needs: Partial<Record<Role, readonly ToolGroup[]>>;
  /** What the probe cannot check yet; repeated in every readiness answer. */
  caveats?: readonly string[];
  /** Advice about one probed node of a role, beyond missing tools (e.g. no /dev/kvm). */
  nodeNotes?: Partial<Record<Role, (node: string, facts: NodeFacts) => string[]>>;
}

function kvmNotes(node: string, facts: NodeFacts): string[] {
  if (!facts.kvmDevice) {
    return [`${node} has no /dev/kvm: guests will run under TCG emulation, much slower than the paper's KVM numbers`];
  }
  if (facts.cpu.virtFlags.length === 0) {
    return [`${node} has /dev/kvm but its CPU shows no vmx/svm flag (nested or paravirtual KVM): if KVM guests fail, iovlab falls back to TCG`];
  }
  return [];
}

function xenNotes(node: string, facts: NodeFacts): string[] {
  // The probe reads the Xen version from /sys/hypervisor, which only a running dom0 has.
  return facts.tools.xl.installed && facts.tools.xl.version === null
    ? [`${node} has xl but is not running as a Xen dom0 (no Xen version in /sys/hypervisor): boot it into Xen first`]
    : [];
}

/** The largest order a kernel's free page reporting knows on x86: at it, reporting all but stops. */
export const PAUSED_REPORTING_ORDER = 10;
export const PAGE_REPORTING_ORDER_PARAM = '/sys/module/page_reporting/parameters/page_reporting_order';

const reportingPaused = (order: number | null): boolean => (order ?? 0) >= PAUSED_REPORTING_ORDER;

/** One line for a node's VmNoise: "VM; free page reporting on (order 9)". */
export function describeVmNoise(noise: VmNoise): string {
  const host = noise.hypervisor === null ? 'hypervisor unknown' : noise.hypervisor ? 'VM' : 'bare metal';
  if (!noise.freePageReporting) return `${host}; no free page reporting`;
  const paused = reportingPaused(noise.pageReportingOrder);
  const order = noise.pageReportingOrder === null ? '' : ` (order ${noise.pageReportingOrder})`;
  return `${host}; free page reporting ${paused ? 'paused' : 'on'}${order}`;
}

/** Storage nodes: a VM that gives its freed memory back to its hypervisor makes buffered writes vary. */
function vmNoiseNotes(node: string, facts: NodeFacts): string[] {
  const noise = facts.vmNoise;
  if (!noise?.freePageReporting || reportingPaused(noise.pageReportingOrder)) return [];
  return [
    `${node} is a VM that hands freed memory back to its hypervisor (free page reporting), so buffered writes can vary 2-3x between repeats: ` +
      `use direct I/O or more repeats, or pause it while measuring (echo ${PAUSED_REPORTING_ORDER} > ${PAGE_REPORTING_ORDER_PARAM}; restore ${noise.pageReportingOrder ?? 'the old value'} after).`,
  ];
}

export const EXPERIMENTS: readonly Experiment[] = [
  {
    id: 'storage-dd',
    title: 'Storage bandwidth with dd (local disk and file, per driver)',
    paperRef: 'Table 1, Table 2, Figure 2',
    needs: { NC: [['dd'], ['iostat']] },
    nodeNotes: { NC: vmNoiseNotes },
  },
  {
    id: 'storage-fio',
    title: 'Storage bandwidth with fio (queued asynchronous I/O)',
    paperRef: 'iovlab addition: tests the asynchronous I/O remedy proposed in §3.3',
    needs: { NC: [['fio'], ['iostat']] },
    nodeNotes: { NC: vmNoiseNotes },
  },
  {
    id: 'storage-ebs',
    title: 'Remote (EBS) storage bandwidth over the network',
    paperRef: 'Table 1, Table 2 (EBS rows), Figure 2',
    needs: { EBS: [['iostat'], ['vblade', 'qemu-nbd']], NC: [['dd']] },
    nodeNotes: { EBS: vmNoiseNotes, NC: vmNoiseNotes },
  },
  {
    id: 'network-iperf3',
    title: 'Network throughput with iperf3, guest to host and to the front-end',
    paperRef: 'Figure 4 (iovlab measures with iperf3 where netperf is not packaged)',
    needs: { NC: [['iperf3']], CC: [['iperf3']] },
  },
  {
    id: 'network-netperf',
    title: 'Network throughput with netperf, guest to host and to the front-end',
    paperRef: 'Figure 4',
    needs: { NC: [['netperf'], ['netserver']], CC: [['netperf'], ['netserver']] },
  },
  {
    id: 'hadoop-testdfsio',
    title: 'Hadoop storage bandwidth (TestDFSIO-style streaming reader and writer)',
    paperRef: 'Figure 3',
    needs: { NC: [['hadoop']] },
    caveats: ['Hadoop is not packaged by Debian: install it from the Apache release on the node controller.'],
  },
  {
    id: 'kvm-guests',
    title: 'KVM guests with SCSI (LSI 53c895a), virtio and e1000 devices',
    paperRef: '§3.1; Tables 1–2 and Figure 4 (KVM rows)',
    needs: { NC: [['qemu-system-x86_64', 'virsh']] },
    nodeNotes: { NC: kvmNotes },
  },
  {
    id: 'xen-guests',
    title: 'Xen guests with SCSI and XVD devices',
    paperRef: '§3.1; Tables 1–2 and Figure 4 (Xen rows)',
    needs: { NC: [['xl']] },
    nodeNotes: { NC: xenNotes },
  },
  {
    id: 'eucalyptus',
    title: 'The Eucalyptus cloud (cloud, cluster and node controllers)',
    paperRef: '§2, Figure 1',
    needs: { CLC: [['eucalyptus']], CC: [['eucalyptus']], NC: [['eucalyptus']] },
  },
];

export interface ReadinessNode {
  name: string;
  roles: Role[];
  /** The node's latest probe, or null when it was never probed. */
  facts: NodeFacts | null;
}

const groupLabel = (group: ToolGroup): string => group.join(' or ');

function readinessOf(exp: Experiment, nodes: ReadinessNode[]): ExperimentReadiness {
  const missing: ExperimentReadiness['missing'] = [];
  const notes: string[] = [];
  let unprobed = false;
  const addMissing = (node: string, tool: string) => {
    if (!missing.some((m) => m.node === node && m.tool === tool)) missing.push({ node, tool });
  };
  const addNote = (note: string) => {
    if (!notes.includes(note)) notes.push(note);
  };
  for (const [role, groups] of Object.entries(exp.needs) as [Role, readonly ToolGroup[]][]) {
    const holders = nodes.filter((n) => n.roles.includes(role));
    if (holders.length === 0) {
      addNote(`The lab has no node with role ${role} (${ROLE_TITLES[role]}).`);
      for (const group of groups) addMissing(`(no ${role} node)`, groupLabel(group));
      continue;
    }
    for (const node of holders) {
      if (!node.facts) {
        unprobed = true;
        addNote(`${node.name} has not been probed yet: probe it to know whether it is ready.`);
        continue;
      }
      const facts = node.facts;
      for (const group of groups) {
        if (!group.some((tool) => facts.tools[tool].installed)) addMissing(node.name, groupLabel(group));
      }
      for (const note of exp.nodeNotes?.[role]?.(node.name, facts) ?? []) addNote(note);
    }
  }
  for (const caveat of exp.caveats ?? []) addNote(caveat);
  return { experimentId: exp.id, ready: missing.length === 0 && !unprobed, missing, notes };
}

/** For every experiment: can this lab run it, and if not, what is missing on which node. */
export function experimentReadiness(nodes: ReadinessNode[]): ExperimentReadiness[] {
  return EXPERIMENTS.map((exp) => readinessOf(exp, nodes));
}
