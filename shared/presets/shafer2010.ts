// Shafer 2010's experiments as presets, limited to what can exist on one machine: Tables 1-2
// (dd write/read bandwidth by storage configuration, with host iostat) and Figure 4 (netperf
// throughput from a guest to its driver domain and to another host, both directions, e1000 vs
// virtio). Xen and EC2 rows need other machines; the "tap" rows (blktap) are not modelled.
import type { DiskBacking, DiskBus } from '../vmconfig/index.js';
import type { EbsAttach, GuestSpec, Preset, PresetConfiguration } from './types.js';

const MiB = 2 ** 20;

const BUS_TITLE: Record<DiskBus, string> = { 'lsi-scsi': 'emulated LSI 53c895a SCSI', 'virtio-blk': 'virtio-blk', 'virtio-scsi': 'virtio-scsi', ide: 'emulated IDE', xen: 'Xen PV' };
const BUS_TERM: Partial<Record<DiskBus, string>> = { 'lsi-scsi': 'SCSI', 'virtio-blk': 'Virtio' };
const BACKING_TITLE: Record<DiskBacking, string> = { 'sparse-file': 'sparse file', 'prealloc-file': 'preallocated file', device: 'whole device (a loop device with direct I/O over a preallocated file)', qcow2: 'qcow2 image' };
const WHOLE_DEVICE_NOTE = 'whole device = a loop device with direct I/O (losetup --direct-io=on) over a preallocated file, standing in for a dedicated disk';
const CACHE_NOTE = 'cache=none: the host page cache is bypassed, so host iostat sees the requests the virtual disk issues';

function guest(bus: DiskBus, backing: DiskBacking, nic: GuestSpec['nic'], ebs: EbsAttach | null = null): GuestSpec {
  return { bus, backing, nic, cache: 'none', aio: 'threads', ebs };
}

/** The paper's row for a KVM local configuration, when Tables 1-2 have one. */
function localRow(bus: DiskBus, backing: DiskBacking): string | null {
  const term = BUS_TERM[bus];
  if (!term) return null;
  if (backing === 'device') return `KVM Local disk ${term}/phy`;
  if (bus === 'lsi-scsi' && backing === 'sparse-file') return 'KVM Local file(*) SCSI/sparse file';
  return null;
}

function localConfigs(): PresetConfiguration[] {
  const out: PresetConfiguration[] = [];
  for (const bus of ['lsi-scsi', 'virtio-blk', 'virtio-scsi', 'ide'] as const) {
    for (const backing of ['sparse-file', 'prealloc-file', 'device'] as const) {
      const notes = [CACHE_NOTE];
      if (backing === 'device') notes.push(WHOLE_DEVICE_NOTE);
      if (bus === 'lsi-scsi' && backing === 'sparse-file') notes.push("Eucalyptus/UEC's default KVM storage (marked (*) in the paper), with its e1000 NIC");
      if (bus === 'virtio-scsi' || bus === 'ide') notes.push('not in the paper: added for comparison');
      // Local storage traffic never crosses the NIC; virtio-net boots ~2 s faster under TCG than e1000
      // (link negotiation), which adds up over a preset. UEC's default keeps its e1000.
      const uecDefault = bus === 'lsi-scsi' && backing === 'sparse-file';
      out.push({ name: `${bus}-${backing}`, title: `${BUS_TITLE[bus]} / ${BACKING_TITLE[backing]}`, paperRow: localRow(bus, backing), guest: guest(bus, backing, uecDefault ? 'e1000' : 'virtio'), requires: null, notes });
    }
  }
  return out;
}

function ebsConfigs(): PresetConfiguration[] {
  const hostNote = "host-side EBS: QEMU's NBD client on the back-end attaches the front-end's volume and presents it through the guest's disk bus (the paper's Eucalyptus attached AoE in the host and passed the device through as phy)";
  const guestNote = "guest-side EBS: the guest attaches the volume itself over its virtual NIC — the change the paper's conclusion proposes";
  return [
    {
      name: 'ebs-host-baseline',
      title: "EBS written from the host (no guest): fio's NBD client on the back-end",
      paperRow: 'None EBS',
      guest: null,
      requires: null,
      hostStorage: 'ebs-nbd',
      notes: [
        "the back-end host writes and reads the front-end's EBS volume itself, with fio's nbd engine (libnbd, a user-space NBD client): no kernel nbd or aoe module is needed",
        'fio --ioengine=nbd, 64 kB blocks, one request at a time (iodepth 1), a write ends with an NBD flush: the host-side counterpart of the guests\' dd (conv=fdatasync / iflag=direct)',
        "host iostat samples the front-end's disk under the volume, as for the other EBS configurations",
      ],
    },
    { name: 'ebs-host-nbd-lsi-scsi', title: 'EBS attached by the host (NBD), emulated LSI SCSI', paperRow: 'KVM EBS(*) SCSI/phy', guest: guest('lsi-scsi', 'sparse-file', 'e1000', 'host-nbd'), requires: null, notes: [hostNote, CACHE_NOTE] },
    { name: 'ebs-host-nbd-virtio-blk', title: 'EBS attached by the host (NBD), virtio-blk', paperRow: 'KVM EBS Virtio/phy', guest: guest('virtio-blk', 'sparse-file', 'virtio', 'host-nbd'), requires: null, notes: [hostNote, CACHE_NOTE] },
    { name: 'ebs-guest-nbd-e1000', title: 'EBS attached in the guest (nbd-client) over e1000', paperRow: null, guest: guest('virtio-blk', 'sparse-file', 'e1000', 'guest-nbd'), requires: null, notes: [guestNote] },
    { name: 'ebs-guest-nbd-virtio', title: 'EBS attached in the guest (nbd-client) over virtio-net', paperRow: null, guest: guest('virtio-blk', 'sparse-file', 'virtio', 'guest-nbd'), requires: null, notes: [guestNote] },
    { name: 'ebs-guest-aoe-e1000', title: 'EBS attached in the guest (AoE) over e1000', paperRow: null, guest: guest('virtio-blk', 'sparse-file', 'e1000', 'guest-aoe'), requires: 'aoe', notes: [guestNote, 'ATA over Ethernet from the front-end\'s vblade, the paper\'s own EBS protocol'] },
    { name: 'ebs-guest-aoe-virtio', title: 'EBS attached in the guest (AoE) over virtio-net', paperRow: null, guest: guest('virtio-blk', 'sparse-file', 'virtio', 'guest-aoe'), requires: 'aoe', notes: [guestNote, 'ATA over Ethernet from the front-end\'s vblade, the paper\'s own EBS protocol'] },
  ];
}

export const SHAFER2010_STORAGE: Preset = {
  id: 'shafer2010-storage',
  title: 'Shafer 2010 — storage',
  description:
    'Tables 1 and 2: dd write and read bandwidth (64 kB blocks, synchronous) inside a guest for every disk bus and backing, against the host itself on the whole device ("None"), with the host disk\'s request size, queue and utilization from iostat; and EBS volumes attached by the host vs inside the guest, against the host writing the same volume itself (fio\'s NBD client).',
  kind: 'storage',
  configurations: [
    { name: 'host-device', title: `host baseline (no guest) / ${BACKING_TITLE.device}`, paperRow: 'None Local disk', guest: null, requires: null, notes: ['dd runs on the back-end host itself', WHOLE_DEVICE_NOTE] },
    ...localConfigs(),
    ...ebsConfigs(),
  ],
  laptop: { sizeBytes: 64 * MiB, durationS: 5, repeats: 3 },
  paper: { sizeBytes: 20 * 2 ** 30, durationS: 10, repeats: 3 },
};

function nicConfig(nic: GuestSpec['nic']): PresetConfiguration {
  return {
    name: `nic-${nic}`,
    title: nic === 'e1000' ? 'emulated Intel e1000 NIC (the UEC default)' : 'paravirtual virtio-net NIC',
    paperRow: `KVM ${nic === 'e1000' ? 'e1000' : 'virtio'}`,
    guest: guest('virtio-blk', 'sparse-file', nic),
    requires: null,
    notes: ['iperf3 stands in for netperf (netperf is not packaged in Debian)', 'no vhost-net: QEMU moves the packets in user space'],
  };
}

export const SHAFER2010_NETWORK: Preset = {
  id: 'shafer2010-network',
  title: 'Shafer 2010 — network',
  description:
    'Figure 4: TCP throughput from the guest to its driver domain (the back-end host) and to another host (the front-end), transmitting and receiving, with the emulated e1000 NIC against paravirtual virtio-net.',
  kind: 'network',
  configurations: [nicConfig('e1000'), nicConfig('virtio')],
  laptop: { sizeBytes: 64 * MiB, durationS: 5, repeats: 3 },
  paper: { sizeBytes: 20 * 2 ** 30, durationS: 10, repeats: 3 },
};

export const PRESETS: readonly Preset[] = [SHAFER2010_STORAGE, SHAFER2010_NETWORK];
