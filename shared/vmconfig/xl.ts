// VmConfig -> xl.cfg (Xen's xl toolstack). Every string goes out single-quoted with \ and '
// backslash-escaped, which libxlutil's lexer undoes; control characters, which it cannot carry,
// are already refused by the schema. In a disk spec `target=` comes last because xl lets that
// key swallow the rest of the spec, commas included.
import { impossible, imageFormat } from './common.js';
import { describeConfig } from './describe.js';
import type { VmConfig } from './schema.js';

export function xlString(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** xl has no virtio disk in its classic spec; Xen HVM emulates IDE and (via QEMU's if=scsi) the LSI 53c895a. */
function vdev(cfg: VmConfig, letter: string): string {
  switch (cfg.disk.bus) {
    case 'xen':
      return `xvd${letter}`;
    case 'lsi-scsi':
      return `sd${letter}`;
    case 'ide':
      return `hd${letter}`;
    case 'virtio-blk':
    case 'virtio-scsi':
      throw impossible('xl', 'disk.bus', `${cfg.disk.bus} has no xl.cfg disk spec; under Xen choose xen (PV xvda), lsi-scsi (emulated sda) or ide (emulated hda)`);
  }
}

function diskSpec(cfg: VmConfig): string {
  // phy hands the block device to the dom0 kernel's blkback; files need QEMU's qdisk backend.
  const backend = cfg.disk.backing === 'device' ? 'phy' : 'qdisk';
  return `format=${imageFormat(cfg)}, vdev=${vdev(cfg, 'a')}, access=rw, backendtype=${backend}, target=${cfg.disk.path}`;
}

function vifSpec(cfg: VmConfig): string {
  const { nic } = cfg;
  const parts: string[] = [];
  // With the xen bus the guest is paravirtual: it gets the PV vif (netfront), so no emulated model.
  if (cfg.disk.bus !== 'xen') parts.push(`model=${nic.model === 'virtio' ? 'virtio-net-pci' : 'e1000'}`);
  if (nic.bridge !== undefined) parts.push(`bridge=${nic.bridge}`);
  if (nic.mac !== undefined) parts.push(`mac=${nic.mac.toLowerCase()}`);
  if (nic.tap !== undefined) parts.push(`vifname=${nic.tap}`);
  return parts.join(', ');
}

function serialLine(cfg: VmConfig): string[] {
  const { serial } = cfg;
  if (serial === 'none') return [];
  if (serial === 'stdio') throw impossible('xl', 'serial', 'xl runs the device model detached and cannot use stdio; use "pty" (xl console) or { "file": "/abs/path" }');
  return [`serial = ${xlString(serial === 'pty' ? 'pty' : `file:${serial.file}`)}`];
}

function notes(cfg: VmConfig): string[] {
  const lines = [`# iovlab ${describeConfig(cfg, 'xen').label}`];
  lines.push(
    `# disk.cache=${cfg.disk.cache} disk.aio=${cfg.disk.aio} have no xl.cfg equivalent: ` +
      (cfg.disk.backing === 'device' ? "blkback (phy) bypasses dom0's page cache" : "QEMU's qdisk backend uses its own defaults"),
  );
  if (cfg.disk.bus !== 'xen') {
    lines.push('# xen_platform_pci = 0 keeps the guest on the emulated controller and NIC (no PV unplug)');
  }
  if (cfg.ebs) lines.push(`# EBS volume ${cfg.ebs.export} is attached by the guest (${cfg.ebs.attach}) over its NIC`);
  return lines;
}

export function renderXlCfg(cfg: VmConfig): string {
  if (cfg.ebs?.attach === 'host-nbd') {
    throw impossible('xl', 'ebs.attach', 'host-nbd needs QEMU\'s NBD client; under Xen attach the volume in dom0 (nbd-client) and use disk.backing "device" with its /dev/nbdN path');
  }
  const disk = diskSpec(cfg);
  const lines = [
    ...notes(cfg),
    `name = ${xlString(cfg.name)}`,
    "type = 'hvm'",
    `memory = ${cfg.memoryMiB}`,
    `vcpus = ${cfg.vcpus}`,
  ];
  if (cfg.disk.bus !== 'xen') lines.push('xen_platform_pci = 0');
  if (cfg.kernel !== undefined) {
    lines.push(`kernel = ${xlString(cfg.kernel)}`);
    if (cfg.initrd !== undefined) lines.push(`ramdisk = ${xlString(cfg.initrd)}`);
    if (cfg.append !== undefined) lines.push(`extra = ${xlString(cfg.append)}`);
  } else {
    lines.push("boot = 'c'");
  }
  lines.push(`disk = [ ${xlString(disk)} ]`, `vif = [ ${xlString(vifSpec(cfg))} ]`, ...serialLine(cfg));
  lines.push("on_poweroff = 'destroy'", "on_reboot = 'destroy'", "on_crash = 'destroy'");
  return lines.join('\n') + '\n';
}
