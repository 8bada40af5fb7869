// VmConfig -> libvirt domain XML, built with fast-xml-parser's XMLBuilder so every path and
// string is escaped by the library. Deliberately absent: <graphics> (this libvirt rejects
// type='none'; LAB-NOTES) and any <address> element (libvirt assigns them; a stale one pins a
// device to a slot another device may need). The USB controller and balloon that libvirt would
// add by default are switched off so the guest's device set matches the QEMU argv (-nodefaults).
import { XMLBuilder } from 'fast-xml-parser';
import { impossible, imageFormat, parseNbdUrl, rejectXenBus } from './common.js';
import type { VmConfig } from './schema.js';

type Node = { [key: string]: string | number | Node | Node[] };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  processEntities: true,
});

function targetBus(cfg: VmConfig): { prefix: string; bus: string } {
  switch (cfg.disk.bus) {
    case 'virtio-blk':
      return { prefix: 'vd', bus: 'virtio' };
    case 'lsi-scsi':
    case 'virtio-scsi':
      return { prefix: 'sd', bus: 'scsi' };
    case 'ide':
      return { prefix: 'hd', bus: 'ide' };
    case 'xen':
      throw new Error('unreachable: xen bus rejected before rendering');
  }
}

function localDisk(cfg: VmConfig): Node {
  const { prefix, bus } = targetBus(cfg);
  const isDevice = cfg.disk.backing === 'device';
  return {
    '@_type': isDevice ? 'block' : 'file',
    '@_device': 'disk',
    driver: { '@_name': 'qemu', '@_type': imageFormat(cfg), '@_cache': cfg.disk.cache, '@_io': cfg.disk.aio },
    source: isDevice ? { '@_dev': cfg.disk.path } : { '@_file': cfg.disk.path },
    target: { '@_dev': `${prefix}a`, '@_bus': bus },
  };
}

/** host-nbd: libvirt asks QEMU's NBD client to open the volume; io= does not apply to a network disk. */
function ebsDisk(cfg: VmConfig): Node[] {
  if (cfg.ebs?.attach !== 'host-nbd') return [];
  const nbd = parseNbdUrl(cfg.ebs.export);
  const { prefix, bus } = targetBus(cfg);
  const source: Node = { '@_protocol': 'nbd', host: { '@_name': nbd.host, '@_port': String(nbd.port) } };
  if (nbd.name !== '') source['@_name'] = nbd.name;
  return [
    {
      '@_type': 'network',
      '@_device': 'disk',
      driver: { '@_name': 'qemu', '@_type': 'raw', '@_cache': cfg.disk.cache },
      source,
      target: { '@_dev': `${prefix}b`, '@_bus': bus },
    },
  ];
}

function controllers(cfg: VmConfig): Node[] {
  const list: Node[] = [];
  if (cfg.disk.bus === 'lsi-scsi') list.push({ '@_type': 'scsi', '@_index': '0', '@_model': 'lsilogic' });
  if (cfg.disk.bus === 'virtio-scsi') list.push({ '@_type': 'scsi', '@_index': '0', '@_model': 'virtio-scsi' });
  list.push({ '@_type': 'usb', '@_model': 'none' });
  return list;
}

function nicInterface(cfg: VmConfig): Node {
  const { nic } = cfg;
  const iface: Node = { '@_type': 'user' };
  if (nic.tap !== undefined) {
    // managed='no': the lab created the tap (possibly inside a namespace); libvirt must not touch it.
    Object.assign(iface, { '@_type': 'ethernet', target: { '@_dev': nic.tap, '@_managed': 'no' } });
  } else if (nic.bridge !== undefined) {
    Object.assign(iface, { '@_type': 'bridge', source: { '@_bridge': nic.bridge } });
  }
  if (nic.mac !== undefined) iface['mac'] = { '@_address': nic.mac.toLowerCase() };
  iface['model'] = { '@_type': nic.model === 'virtio' ? 'virtio' : 'e1000' };
  return iface;
}

function serialDevices(cfg: VmConfig): Node {
  const { serial } = cfg;
  if (serial === 'none') return {};
  if (serial === 'stdio') {
    throw impossible('libvirt', 'serial', 'libvirt cannot wire the guest console to its own stdio; use "pty" (virsh console) or { "file": "/abs/path" }');
  }
  if (serial === 'pty') {
    return {
      serial: { '@_type': 'pty', target: { '@_port': '0' } },
      console: { '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } },
    };
  }
  return { serial: { '@_type': 'file', source: { '@_path': serial.file }, target: { '@_port': '0' } } };
}

function osElement(cfg: VmConfig): Node {
  const os: Node = { type: { '@_arch': 'x86_64', '@_machine': 'pc', '#text': 'hvm' } };
  if (cfg.kernel === undefined) {
    os['boot'] = { '@_dev': 'hd' };
    return os;
  }
  os['kernel'] = cfg.kernel;
  if (cfg.initrd !== undefined) os['initrd'] = cfg.initrd;
  if (cfg.append !== undefined) os['cmdline'] = cfg.append;
  return os;
}

export function renderLibvirtXml(cfg: VmConfig): string {
  rejectXenBus(cfg, 'libvirt');
  const domain: Node = {
    '@_type': cfg.accel === 'kvm' ? 'kvm' : 'qemu',
    name: cfg.name,
    memory: { '@_unit': 'MiB', '#text': cfg.memoryMiB },
    vcpu: cfg.vcpus,
    os: osElement(cfg),
    features: { acpi: '' },
  };
  if (cfg.accel === 'kvm') domain['cpu'] = { '@_mode': 'host-passthrough' };
  domain['devices'] = {
    controller: controllers(cfg),
    disk: [localDisk(cfg), ...ebsDisk(cfg)],
    interface: nicInterface(cfg),
    ...serialDevices(cfg),
    memballoon: { '@_model': 'none' },
  };
  return (builder.build({ domain }) as string).trimEnd() + '\n';
}
