// A configuration applied to a Eucalyptus 1.6 node controller: the NC writes each instance's
// libvirt XML itself, so the only knobs are three settings of eucalyptus.conf, read at NC start:
//   USE_VIRTIO_ROOT  root, ephemeral and swap disks (the instance's local disk): "1" virtio (vda),
//                    "0" the emulated default, sda on QEMU's LSI 53c895a SCSI controller;
//   USE_VIRTIO_DISK  EBS volumes attached to the instance: "1" virtio, "0" emulated SCSI;
//   USE_VIRTIO_NET   "1" virtio-net, "0" the emulated default, an Intel e1000.
// They only act under HYPERVISOR="kvm". The paper's "KVM (default)" rows are SCSI + e1000.
// A configuration names one bus for its test disk, so both disk settings get it: whichever disk
// the plan benchmarks (local or EBS), it sits on the chosen bus.
import { AppError } from '../result.js';
import type { VmConfig } from './schema.js';

export const EUCA_VIRTIO_KEYS = ['USE_VIRTIO_ROOT', 'USE_VIRTIO_DISK', 'USE_VIRTIO_NET'] as const;
export type EucaVirtioKey = (typeof EUCA_VIRTIO_KEYS)[number];
export type EucaSettings = Record<EucaVirtioKey, '0' | '1'>;

/** Where the Ubuntu/RHEL packages put it; a source install uses $EUCALYPTUS/etc/eucalyptus/. */
export const EUCA_CONF_PATH = '/etc/eucalyptus/eucalyptus.conf';
/** euca_conf(8) writes here, and the NC reads it after eucalyptus.conf: its values win. */
export const EUCA_LOCAL_CONF_PATH = '/etc/eucalyptus/eucalyptus.local.conf';

export interface EucaMapping {
  settings: EucaSettings;
  /** Parts of the configuration Eucalyptus decides itself, said next to the results. */
  notes: string[];
}

function refuse(field: string, why: string): AppError {
  return new AppError('INVALID_ARGUMENT', `${field}: cannot be applied to a Eucalyptus 1.6 node controller: ${why}`, { field, stack: 'eucalyptus' });
}

/** The eucalyptus.conf settings a configuration maps to; throws for what Eucalyptus 1.6 cannot express. */
export function eucalyptusSettings(cfg: VmConfig): EucaMapping {
  let disk: '0' | '1';
  switch (cfg.disk.bus) {
    case 'virtio-blk':
      disk = '1';
      break;
    case 'lsi-scsi':
      disk = '0';
      break;
    case 'virtio-scsi':
      throw refuse('disk.bus', 'its NC knows virtio-blk (USE_VIRTIO_ROOT/USE_VIRTIO_DISK="1") and the emulated SCSI default only; there is no virtio-scsi setting. Choose virtio-blk or lsi-scsi');
    case 'ide':
      throw refuse('disk.bus', 'its KVM NC names non-virtio disks sdX, which QEMU puts on the emulated LSI SCSI controller, never IDE. Choose lsi-scsi (the default) or virtio-blk');
    case 'xen':
      throw refuse('disk.bus', 'the USE_VIRTIO settings only act on KVM node controllers; a Xen NC (HYPERVISOR="xen") always gives PV xvd disks. Apply xen configurations with --stack xen');
  }
  if (cfg.ebs?.attach === 'host-nbd') {
    throw refuse('ebs.attach', "Eucalyptus attaches EBS volumes itself, from its storage controller (AoE in 1.6), with euca-attach-volume; it cannot open an NBD export. Attach the volume in the guest (guest-nbd, guest-aoe) or use Eucalyptus' own EBS");
  }
  const notes = [
    `disk.backing ${cfg.disk.backing} and disk.path are Eucalyptus' choice: the NC builds instance disks as files under INSTANCE_PATH (a sparse file for the local disk in 1.6)`,
    `disk.cache ${cfg.disk.cache} and disk.aio ${cfg.disk.aio} cannot be set: the NC's libvirt XML has no cache or io attribute, so QEMU's defaults apply`,
  ];
  if (cfg.nic.tap !== undefined || cfg.nic.bridge !== undefined || cfg.nic.mac !== undefined) notes.push("nic.tap, nic.bridge and nic.mac are Eucalyptus' choice (VNET_BRIDGE and the CC's addressing)");
  return { settings: { USE_VIRTIO_ROOT: disk, USE_VIRTIO_DISK: disk, USE_VIRTIO_NET: cfg.nic.model === 'virtio' ? '1' : '0' }, notes };
}

// prefix (indent, export), key, value (quoted or a bare word), trailing comment, CR of a CRLF file.
const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s#]*)([ \t]*(?:#.*?)?)(\r?)$/;
const COMMENTED = /^\s*#\s*([A-Za-z_][A-Za-z0-9_]*)=/;

function unquote(value: string): string {
  const m = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return m?.[1] ?? value;
}

/** The active KEY=value assignments of a shell-style conf file; a later line wins, as when the NC sources it. */
export function readEucaConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m?.[2]) out.set(m[2], unquote(m[3] ?? ''));
  }
  return out;
}

export interface ConfEdit {
  text: string;
  /** KEY: old -> new, for the log; empty when the file already said so. */
  changed: string[];
}

/**
 * Sets each KEY="value" in place (every active assignment of it, so none later overrides it);
 * a key with no active line goes right after its commented-out template line, or at the end.
 * Comments, blank lines, other settings and line endings are kept as they are.
 */
export function setEucaConf(text: string, values: Record<string, string>, why: string): ConfEdit {
  const lines = text.split('\n');
  const eol = /\r$/.test(lines[0] ?? '') ? '\r' : '';
  const changed: string[] = [];
  const current = readEucaConf(text);
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = ASSIGNMENT.exec(lines[i] ?? '');
    const key = m?.[2];
    if (!m || key === undefined || !(key in values)) continue;
    seen.add(key);
    lines[i] = `${m[1] ?? ''}${key}="${values[key] ?? ''}"${m[4] ?? ''}${m[5] ?? ''}`;
  }
  const trailing = lines.length > 0 && lines[lines.length - 1] === '' ? lines.pop() : undefined;
  let appendedHeader = false;
  for (const [key, value] of Object.entries(values)) {
    const old = current.get(key);
    if (old !== value) changed.push(`${key}: ${old === undefined ? '(unset)' : `"${old}"`} -> "${value}"`);
    if (seen.has(key)) continue;
    const template = lines.findIndex((l) => COMMENTED.exec(l)?.[1] === key);
    if (template >= 0) {
      lines.splice(template + 1, 0, `${key}="${value}"${eol}`);
      continue;
    }
    if (!appendedHeader) {
      lines.push(...(lines.length > 0 && (lines[lines.length - 1] ?? '').trim() !== '' ? [eol] : []), `# ${why}${eol}`);
      appendedHeader = true;
    }
    lines.push(`${key}="${value}"${eol}`);
  }
  if (trailing !== undefined) lines.push(trailing);
  return { text: lines.join('\n'), changed };
}

export interface EucaConfApply extends ConfEdit, EucaMapping {}

/** Rewrites a node controller's eucalyptus.conf for a configuration; refuses a Xen NC, whose virtio settings would do nothing. */
export function applyToEucalyptusConf(text: string, cfg: VmConfig, where = 'the node controller'): EucaConfApply {
  const hypervisor = readEucaConf(text).get('HYPERVISOR');
  if (hypervisor !== undefined && !/^(kvm|qemu)$/i.test(hypervisor)) {
    throw new AppError('INVALID_ARGUMENT', `${where} runs HYPERVISOR="${hypervisor}": the USE_VIRTIO settings only act on KVM node controllers; apply this configuration with --stack xen, or set HYPERVISOR="kvm"`);
  }
  const mapping = eucalyptusSettings(cfg);
  const edit = setEucaConf(text, mapping.settings, `iovlab: guest drivers for configuration "${cfg.name}"`);
  return { ...edit, ...mapping };
}

/** Settings of eucalyptus.local.conf that would override the ones written to eucalyptus.conf. */
export function overriddenByLocalConf(localText: string): string[] {
  const local = readEucaConf(localText);
  return EUCA_VIRTIO_KEYS.filter((k) => local.has(k)).map((k) => `${k}="${local.get(k) ?? ''}"`);
}
