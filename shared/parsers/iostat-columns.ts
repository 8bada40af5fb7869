// Turns one iostat device row (header name → value) into the paper's units, whatever the
// sysstat version printed:
//   sysstat ≤ 11.5.6: rsec/s | rkB/s | rMB/s, avgrq-sz (512-byte sectors), avgqu-sz, %util
//   sysstat 11.5.7+:  areq-sz (kB, i.e. KiB), aqu-sz
//   sysstat 12:       rareq-sz / wareq-sz only (kB), plus discard and flush columns
//   JSON (-o JSON):   the same names, "util" for %util, and in 11.x "r"/"rkB" without "/s"
import type { IostatDeviceSample } from './types.js';

type Fail = (reason: string) => never;

const BYTES_PER: Record<string, number> = { sec: 512, kB: 1024, MB: 1024 * 1024 };

export function normaliseRow(device: string, raw: Record<string, number>, fail: Fail): IostatDeviceSample {
  const pick = (...names: string[]): number | undefined => {
    for (const n of names) if (raw[n] !== undefined) return raw[n];
    return undefined;
  };
  const need = (what: string, ...names: string[]): number => {
    const v = pick(...names);
    if (v === undefined) fail(`device ${device}: no ${what} column (${names.join(' / ')}); run iostat with -x`);
    return v;
  };
  const rate = (dir: 'r' | 'w'): number => {
    for (const unit of Object.keys(BYTES_PER)) {
      const v = pick(`${dir}${unit}/s`, `${dir}${unit}`);
      if (v !== undefined) return (v * (BYTES_PER[unit] ?? 0)) / 1e6;
    }
    return fail(`device ${device}: no ${dir === 'r' ? 'read' : 'write'} throughput column (${dir}sec/s, ${dir}kB/s or ${dir}MB/s); run iostat with -x`);
  };
  return {
    device,
    rMBps: rate('r'),
    wMBps: rate('w'),
    avgRqSectors: requestSizeInSectors(raw, device, fail),
    avgQueue: need('queue length', 'avgqu-sz', 'aqu-sz'),
    utilPct: need('utilisation', '%util', 'util'),
    raw,
  };
}

function requestSizeInSectors(raw: Record<string, number>, device: string, fail: Fail): number {
  const sectors = raw['avgrq-sz'];
  if (sectors !== undefined) return sectors;
  const kib = raw['areq-sz'];
  if (kib !== undefined) return kib * 2;
  // Only per-direction sizes: the mean request size is their average weighted by requests/s.
  const r = raw['r/s'] ?? raw.r;
  const w = raw['w/s'] ?? raw.w;
  const rSize = raw['rareq-sz'];
  const wSize = raw['wareq-sz'];
  if (r === undefined || w === undefined || rSize === undefined || wSize === undefined) {
    return fail(`device ${device}: no request size column (avgrq-sz, areq-sz, or rareq-sz with wareq-sz); run iostat with -x`);
  }
  return r + w === 0 ? 0 : ((r * rSize + w * wSize) / (r + w)) * 2;
}
