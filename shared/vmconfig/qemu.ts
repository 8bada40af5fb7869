// VmConfig -> qemu-system-x86_64 argv. Block nodes use -blockdev's JSON form so a path with
// commas, quotes or spaces needs no escaping; -device strings carry only values the schema has
// restricted (interface names, MACs, ids). The machine is i440fx ("pc") because its PIIX IDE
// gives the ide bus a fixed ide.0/ide.1 and it is what Eucalyptus-era KVM hosts ran.
import { cacheFlags, imageFormat, parseNbdUrl, rejectXenBus } from './common.js';
import type { VmConfig } from './schema.js';

export const QEMU_BINARY = 'qemu-system-x86_64';

type Json = string | number | boolean | { [key: string]: Json };

interface DiskSlot {
  /** Format node the guest device reads through. */
  node: string;
  /** Index on the controller: SCSI target id or IDE bus. */
  slot: number;
  bootable: boolean;
}

function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}

function cacheJson(cfg: VmConfig): { [key: string]: Json } {
  const c = cacheFlags(cfg.disk.cache);
  return { direct: c.direct, 'no-flush': c.noFlush };
}

function localDiskNodes(cfg: VmConfig): string[] {
  const storage: { [key: string]: Json } = {
    driver: cfg.disk.backing === 'device' ? 'host_device' : 'file',
    'node-name': 'disk0-storage',
    filename: cfg.disk.path,
    aio: cfg.disk.aio,
    cache: cacheJson(cfg),
  };
  const format = { driver: imageFormat(cfg), 'node-name': 'disk0', file: 'disk0-storage', cache: cacheJson(cfg) };
  return ['-blockdev', JSON.stringify(storage), '-blockdev', JSON.stringify(format)];
}

/** host-nbd: QEMU's own NBD client opens the EBS volume and the guest sees it on the same bus. */
function ebsNodes(cfg: VmConfig): string[] {
  if (cfg.ebs?.attach !== 'host-nbd') return [];
  const nbd = parseNbdUrl(cfg.ebs.export);
  const storage: { [key: string]: Json } = {
    driver: 'nbd',
    'node-name': 'ebs0-storage',
    server: { type: 'inet', host: nbd.host, port: String(nbd.port) },
    cache: cacheJson(cfg),
  };
  if (nbd.name !== '') storage['export'] = nbd.name;
  const format = { driver: 'raw', 'node-name': 'ebs0', file: 'ebs0-storage', cache: cacheJson(cfg) };
  return ['-blockdev', JSON.stringify(storage), '-blockdev', JSON.stringify(format)];
}

function diskDevice(cfg: VmConfig, disk: DiskSlot): string {
  const common = `drive=${disk.node},id=${disk.node}-dev,write-cache=${onOff(cacheFlags(cfg.disk.cache).guestWriteCache)}${disk.bootable ? ',bootindex=1' : ''}`;
  switch (cfg.disk.bus) {
    case 'virtio-blk':
      return `virtio-blk-pci,${common}`;
    case 'lsi-scsi':
    case 'virtio-scsi':
      return `scsi-hd,bus=scsi0.0,scsi-id=${disk.slot},lun=0,${common}`;
    case 'ide':
      return `ide-hd,bus=ide.${disk.slot},unit=0,${common}`;
    case 'xen':
      throw new Error('unreachable: xen bus rejected before rendering');
  }
}

function diskArgs(cfg: VmConfig): string[] {
  const disks: DiskSlot[] = [{ node: 'disk0', slot: 0, bootable: cfg.kernel === undefined }];
  if (cfg.ebs?.attach === 'host-nbd') disks.push({ node: 'ebs0', slot: 1, bootable: false });
  const args = [...localDiskNodes(cfg), ...ebsNodes(cfg)];
  if (cfg.disk.bus === 'lsi-scsi') args.push('-device', 'lsi53c895a,id=scsi0');
  if (cfg.disk.bus === 'virtio-scsi') args.push('-device', 'virtio-scsi-pci,id=scsi0');
  for (const d of disks) args.push('-device', diskDevice(cfg, d));
  return args;
}

function nicArgs(cfg: VmConfig): string[] {
  const { nic } = cfg;
  let netdev = 'user,id=net0';
  if (nic.tap !== undefined) netdev = `tap,id=net0,ifname=${nic.tap},script=no,downscript=no`;
  else if (nic.bridge !== undefined) netdev = `bridge,id=net0,br=${nic.bridge}`;
  const model = nic.model === 'virtio' ? 'virtio-net-pci' : 'e1000';
  return ['-netdev', netdev, '-device', `${model},netdev=net0,id=nic0${nic.mac !== undefined ? `,mac=${nic.mac.toLowerCase()}` : ''}`];
}

function serialArgs(cfg: VmConfig): string[] {
  if (typeof cfg.serial === 'object') return ['-serial', `file:${cfg.serial.file}`];
  return cfg.serial === 'none' ? [] : ['-serial', cfg.serial];
}

function kernelArgs(cfg: VmConfig): string[] {
  const args: string[] = [];
  if (cfg.kernel !== undefined) args.push('-kernel', cfg.kernel);
  if (cfg.initrd !== undefined) args.push('-initrd', cfg.initrd);
  if (cfg.append !== undefined) args.push('-append', cfg.append);
  return args;
}

/** The full argv, binary first: spawn(argv[0], argv.slice(1)). */
export function renderQemuArgv(cfg: VmConfig): string[] {
  rejectXenBus(cfg, 'qemu');
  return [
    QEMU_BINARY,
    '-name', `guest=${cfg.name}`,
    '-machine', 'pc',
    '-accel', cfg.accel,
    ...(cfg.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', `${cfg.memoryMiB}M`,
    '-smp', String(cfg.vcpus),
    '-nodefaults', '-no-user-config',
    '-display', 'none',
    ...serialArgs(cfg),
    ...kernelArgs(cfg),
    ...diskArgs(cfg),
    ...nicArgs(cfg),
  ];
}
