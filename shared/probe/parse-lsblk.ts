// Reads the probe's lsblk section: `format=json` (util-linux ≥ 2.27; MOUNTPOINTS since 2.37,
// MOUNTPOINT before; sizes are strings before 2.33) or `format=pairs` (older lsblk -P,
// flat lines with a PKNAME column from which the tree is rebuilt).
import type { BlockDevice } from '../facts.js';
import { takeHeader } from './sections.js';
import type { Warn } from './parse-system.js';

const MAX_DEPTH = 16;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function bytes(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

function fromJson(raw: unknown, depth: number): BlockDevice | null {
  if (!isRecord(raw)) return null;
  const name = text(raw['name']);
  if (!name) return null;
  const many = raw['mountpoints'];
  const mountpoints = Array.isArray(many)
    ? many.filter((m): m is string => typeof m === 'string' && m !== '')
    : [text(raw['mountpoint'])].filter((m): m is string => m !== null);
  const kids = raw['children'];
  const children = depth < MAX_DEPTH && Array.isArray(kids)
    ? kids.map((k) => fromJson(k, depth + 1)).filter((d): d is BlockDevice => d !== null)
    : [];
  return { name, sizeBytes: bytes(raw['size']), model: text(raw['model']), type: text(raw['type']), fsType: text(raw['fstype']), mountpoints, children };
}

function parseJson(body: string, warn: Warn): BlockDevice[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    warn(`lsblk JSON could not be parsed (${e instanceof Error ? e.message : String(e)}); block devices unknown`);
    return [];
  }
  const list = isRecord(doc) ? doc['blockdevices'] : undefined;
  if (!Array.isArray(list)) {
    warn('lsblk JSON has no "blockdevices" list; block devices unknown');
    return [];
  }
  const devices = list.map((d) => fromJson(d, 0)).filter((d): d is BlockDevice => d !== null);
  if (devices.length < list.length) warn(`${list.length - devices.length} lsblk entries without a name were skipped`);
  return devices;
}

/** lsblk -P escapes unsafe bytes as \xHH. */
function unescapeLsblk(v: string): string {
  return v.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function parsePairs(lines: string[], warn: Warn): BlockDevice[] {
  const roots: BlockDevice[] = [];
  // Only devices seen on earlier lines can be parents, so the tree can have no cycle.
  const byName = new Map<string, BlockDevice>();
  let odd = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const f = new Map<string, string>();
    for (const m of line.matchAll(/([A-Z:_-]+)="((?:[^"\\]|\\.)*)"/g)) {
      if (m[1] !== undefined && m[2] !== undefined) f.set(m[1], unescapeLsblk(m[2]));
    }
    const name = text(f.get('NAME'));
    if (!name) {
      odd++;
      continue;
    }
    const mount = text(f.get('MOUNTPOINT'));
    const dev: BlockDevice = { name, sizeBytes: bytes(f.get('SIZE')), model: text(f.get('MODEL')), type: text(f.get('TYPE')), fsType: text(f.get('FSTYPE')), mountpoints: mount ? [mount] : [], children: [] };
    const parent = byName.get(f.get('PKNAME') ?? '');
    if (parent) parent.children.push(dev);
    else roots.push(dev);
    byName.set(name, dev);
  }
  if (odd > 0) warn(`${odd} lsblk line(s) not understood`);
  return roots;
}

export function parseLsblk(lines: string[], warn: Warn): BlockDevice[] {
  const { header, rest } = takeHeader(lines, ['format']);
  const format = header.get('format');
  if (format === 'json') return parseJson(rest.join('\n'), warn);
  if (format === 'pairs') return parsePairs(rest, warn);
  if (rest.some((l) => l.trim() !== '')) warn(`unknown lsblk output format "${format ?? '(none)'}"; block devices unknown`);
  return [];
}
