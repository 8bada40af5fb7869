// Boot-to-SSH-ready time of a local-lab guest (virtio-blk + virtio-net, 512 MiB): the median of
// three boots under TCG, and under KVM when this host's KVM actually works. Goal: < 15 s under TCG.
// Run as root: node --import tsx bench/guest-boot.ts [runs]
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'simple-statistics';
import {
  buildGuestImage, createLabNetwork, defaultLabCacheDir, detectAccelerator, isRoot, startGuest,
  type AccelVerdict, type GuestImage,
} from '../electron/core/locallab/index.js';

const GOAL_TCG_S = 15;
const runs = Math.max(1, Number(process.argv[2] ?? 3));

async function bootOnce(image: GuestImage, accel: AccelVerdict, work: string, i: number): Promise<{ bootS: number; stopS: number }> {
  const net = await createLabNetwork();
  try {
    const { tap, cidr } = await net.addTap();
    const disk = join(work, `disk-${i}.img`);
    writeFileSync(disk, '');
    truncateSync(disk, 64 * 1024 * 1024); // sparse
    const guest = await startGuest({
      image, accel, runRoot: join(work, 'run'), ip: cidr, gateway: net.gateway, netns: net.ns, tap,
      config: { name: `bench-${accel.accel}-${i}`, memoryMiB: 512, disk: { bus: 'virtio-blk', backing: 'sparse-file', path: disk }, nic: { model: 'virtio' } },
    });
    const stopped = await guest.stop();
    return { bootS: guest.bootMs / 1000, stopS: stopped.ms / 1000 };
  } finally {
    await net.destroy();
  }
}

async function main(): Promise<void> {
  if (!isRoot()) {
    console.error('bench/guest-boot.ts needs root (network namespaces, tap devices)');
    process.exit(2);
  }
  const cacheDir = defaultLabCacheDir();
  const image = await buildGuestImage({ cacheDir, log: (l) => console.log(`  ${l}`) });
  const mib = (n: number) => (n / 1048576).toFixed(1);
  console.log(`image ${image.id}: ${image.buildMs === null ? 'cached' : `built in ${(image.buildMs / 1000).toFixed(1)} s`}, kernel ${mib(image.sizeBytes.kernel)} MiB, initramfs ${mib(image.sizeBytes.initrd)} MiB`);
  const verdict = await detectAccelerator({ image, cacheDir });
  console.log(`accelerator: ${verdict.accel} (${verdict.reason})`);
  const accels: AccelVerdict[] = [{ accel: 'tcg', reason: 'benchmark: forced TCG', cached: false }];
  if (verdict.accel === 'kvm') accels.push(verdict);

  const work = mkdtempSync(join(tmpdir(), 'iovlab-bench-boot-'));
  try {
    for (const accel of accels) {
      const results = [];
      for (let i = 0; i < runs; i++) {
        const r = await bootOnce(image, accel, work, i);
        console.log(`  ${accel.accel} run ${i + 1}: boot-to-SSH ${r.bootS.toFixed(2)} s, poweroff ${r.stopS.toFixed(2)} s`);
        results.push(r);
      }
      const boot = median(results.map((r) => r.bootS));
      const goal = accel.accel === 'tcg' ? ` (goal < ${GOAL_TCG_S} s: ${boot < GOAL_TCG_S ? 'met' : 'MISSED'})` : '';
      console.log(`${accel.accel}: median boot-to-SSH-ready ${boot.toFixed(2)} s over ${runs} runs${goal}; median poweroff ${median(results.map((r) => r.stopS)).toFixed(2)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
