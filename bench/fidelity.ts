// Fidelity: does iovlab measure what a sysadmin measures by hand? The same dd and fio command
// lines (built by the same code, minus iovlab's IOVLAB_RUN tag) run by hand over plain OpenSSH
// and through an iovlab run (with its host iostat sampler and watchdog running alongside),
// interleaved (ABBA order against drift), on the namespace lab's back-end node, after one
// uncounted warm-up round. Both sides get the same surroundings: the same reset before each
// measurement (settle()), the runner's preparation right before the command, and the test file
// removed after it (iovlab removes its test files at the end of a run). The target is ext4 on a
// RAM block device (zram, else a loop device over tmpfs; still a device iostat reports), so that
// the comparison measures the harness, not the noise of a shared virtual disk; `disk` as the
// third argument uses /var/tmp instead.
// Goal: the bandwidth ratio iovlab / by hand within 0.97–1.03 for every workload, taken on the
// fastest quarter of each side's measurements (see fastestQuarter(); the medians are printed too).
// Run as root: node --import tsx bench/fidelity.ts [size=2G] [rounds=40] [ram|disk]
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mean, median, sampleStandardDeviation } from 'simple-statistics';
import { studentTQuantile, summarize } from '../shared/stats.js';
import { PAGE_REPORTING_ORDER_PARAM, PAUSED_REPORTING_ORDER } from '../shared/experiments.js';
import { buildWorkloadCommand, commandArgv } from '../shared/bench/commands.js';
import { metricOf } from '../shared/bench/metric.js';
import { parsePlan, type Plan } from '../shared/bench/plan.js';
import { PARSERS, type ToolName, type ToolResults } from '../shared/parsers/index.js';
import { shJoin } from '../electron/core/ssh/quote.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../test/helpers/netns-lab.js';
import { openBenchLab, type BenchLab } from '../test/helpers/bench-lab.js';

const SIZE = process.argv[2] ?? '2G';
const ROUNDS = Math.max(1, Number(process.argv[3] ?? 40));
const LOW = 0.97;
const HIGH = 1.03;
const ON_DISK = process.argv[4] === 'disk';
/** Seconds of rest after the reset: past the 2 s delay of free page reporting; 1 s even with it paused left dd-write at CV 14% against 5-8% (bench/README.md). */
const settleS = 3;
const dir = `/var/tmp/iovlab/fidelity-${process.pid}`;
const ramImage = `/dev/shm/iovlab-fidelity-${process.pid}.img`;
/** Room for the test file and ext4's own, whatever SIZE is (up to 5 GiB). */
const RAM_DISK_SIZE = '6G';

function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

/**
 * ext4 on a RAM block device, mounted where the target lives; returns the undo. zram when the
 * kernel has it: it serves each request in the caller's context, so there is no loop worker
 * thread whose wake-ups on another vCPU add scheduling noise; else a loop device over a tmpfs file.
 */
function ramDisk(): { undo: () => void; where: string } {
  sh(`mkdir -p ${dir}`);
  if (existsSync('/sys/class/zram-control/hot_add')) {
    const id = sh('cat /sys/class/zram-control/hot_add');
    sh(`echo ${RAM_DISK_SIZE} > /sys/block/zram${id}/disksize && mkfs.ext4 -q /dev/zram${id} && mount /dev/zram${id} ${dir}`);
    return { where: `ext4 on /dev/zram${id}`, undo: () => sh(`umount ${dir}; echo ${id} > /sys/class/zram-control/hot_remove`) };
  }
  sh(`truncate -s ${RAM_DISK_SIZE} ${ramImage}`);
  const loop = sh(`losetup -f --show ${ramImage}`);
  sh(`mkfs.ext4 -q ${loop} && mount ${loop} ${dir}`);
  return { where: `ext4 on ${loop} over a tmpfs file`, undo: () => sh(`umount ${dir}; losetup -d ${loop}; rm -f ${ramImage}`) };
}

/**
 * A VM's guest kernel may report freed pages to the hypervisor (virtio-balloon free page
 * reporting), which takes them back; the next buffered write then faults each page of its page
 * cache in again, at a cost that swings with the host (dd-write 1.0-3.1 GB/s here, CV over 40%,
 * against 2.6-3.1 GB/s with reporting paused). Reporting covers free blocks of at least
 * page_reporting_order; raising it to the largest order (10) pauses it for the benchmark.
 */
function pauseFreePageReporting(): { note: string; undo: () => void } {
  const param = PAGE_REPORTING_ORDER_PARAM;
  if (!existsSync(param)) return { note: 'no free page reporting in this kernel', undo: () => undefined };
  const was = readFileSync(param, 'utf8').trim();
  if (Number(was) >= PAUSED_REPORTING_ORDER) return { note: `free page reporting already paused (order ${was})`, undo: () => undefined };
  writeFileSync(param, String(PAUSED_REPORTING_ORDER));
  return { note: `free page reporting paused (page_reporting_order ${was} -> ${PAUSED_REPORTING_ORDER}, restored after)`, undo: () => writeFileSync(param, was) };
}

function planFor(workloads: object[]): Plan {
  return parsePlan({ name: 'fidelity', repeats: 1, targets: [{ name: 'f', node: 'back', kind: 'file', path: `${dir}/f.dat` }], workloads });
}

/** FIDELITY_ONLY=fio-write,dd-read narrows the comparison to some workloads. */
const ONLY = process.env.FIDELITY_ONLY?.split(',');
const WORKLOADS = [
  { id: 'dd-write', tool: 'dd', op: 'write', size: SIZE, blockSize: '64k', mode: 'fdatasync' },
  { id: 'dd-read', tool: 'dd', op: 'read', size: SIZE, blockSize: '64k', mode: 'direct' },
  { id: 'fio-write', tool: 'fio', op: 'write', size: SIZE, blockSize: '64k' },
  { id: 'fio-read', tool: 'fio', op: 'read', size: SIZE, blockSize: '64k' },
].filter((w) => !ONLY || ONLY.includes(w.id));

function ssh(lab: NsLab, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['-i', lab.userKeyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${lab.backPrivateIp}`, command];
  return new Promise((resolve) => {
    execFile('ssh', args, { maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

async function byHand(lab: NsLab, workload: object): Promise<number> {
  const plan = planFor([workload]);
  const w = plan.workloads[0];
  if (!w) throw new Error('no workload');
  const cmd = buildWorkloadCommand(w, plan.targets[0]);
  await ssh(lab, `mkdir -p ${dir}`);
  await settle(lab);
  // In the runner's order: its preparation (the fill of a read's file) right before the command.
  for (const prep of cmd.prepare ?? []) await ssh(lab, shJoin(commandArgv(prep)));
  const r = await ssh(lab, shJoin(commandArgv(cmd)));
  if (r.code !== 0) throw new Error(`by hand: ${cmd.tool} failed: ${r.stderr}`);
  await ssh(lab, shJoin(['rm', '-f', '--', `${dir}/f.dat`]));
  const text = cmd.output === 'stderr' ? r.stderr : r.stdout;
  const tool = cmd.tool as ToolName;
  const metric = metricOf(tool, PARSERS[tool](text) as ToolResults[ToolName], w);
  if (!metric) throw new Error('no metric');
  return metric.value;
}

/**
 * The same starting state before every measurement, so that neither the previous workload nor
 * the order in a pair leaks into the figure: flush; on the RAM disk, trim the freed blocks (zram
 * releases their memory only on discard); drop the page cache; then wait out the kernel's free
 * page reporting (a 2 s delay), which hands freed memory back to the hypervisor, so that both
 * sides touch equally cold memory whatever the seconds of setup iovlab spends before its command.
 */
async function settle(lab: NsLab): Promise<void> {
  await ssh(lab, `sync; ${ON_DISK ? '' : `fstrim ${dir}; `}echo 3 > /proc/sys/vm/drop_caches; sleep ${settleS}`);
}

async function viaIovlab(lab: NsLab, bench: BenchLab, workload: object): Promise<number> {
  await settle(lab);
  const { runId, jobId } = await bench.call('run.start', { labId: bench.labId, plan: { name: 'fidelity', repeats: 1, targets: [{ name: 'f', node: 'back', kind: 'file', path: `${dir}/f.dat` }], workloads: [workload] } });
  const outcome = await bench.backend.waitForJob(jobId);
  const step = (await bench.call('run.get', { runId })).steps[0];
  if (!outcome.ok || !step?.metric) throw new Error(`iovlab run ${runId} failed: ${JSON.stringify(outcome)} ${step?.error ?? ''}`);
  return step.metric.value;
}

async function main(): Promise<void> {
  const reason = netnsUnavailableReason();
  if (reason) {
    console.log(`fidelity: skipped: ${reason}`);
    return;
  }
  // Mount first: the node's sshd lives in the mount namespace `ip netns exec` copies when the
  // lab starts, and "/" is private here, so a later mount would never reach the node.
  const reporting = pauseFreePageReporting();
  const ram = ON_DISK ? { where: 'the disk under /var/tmp', undo: () => undefined } : ramDisk();
  const lab = await startNsLab();
  const bench = await openBenchLab(lab, 'fidelity');
  const figures = new Map<string, { hand: number[]; iovlab: number[] }>(WORKLOADS.map((w) => [w.id, { hand: [], iovlab: [] }]));
  try {
    // Round 0 warms up (first faults of the RAM disk, SSH connections, the store) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const w of WORKLOADS) {
        const f = figures.get(w.id) as { hand: number[]; iovlab: number[] };
        const order = round % 2 === 1 ? ['hand', 'iovlab'] : ['iovlab', 'hand'];
        for (const who of order) {
          const value = who === 'hand' ? await byHand(lab, w) : await viaIovlab(lab, bench, w);
          if (round > 0) (who === 'hand' ? f.hand : f.iovlab).push(value);
        }
      }
      console.error(round === 0 ? 'warm-up round done' : `round ${round}/${ROUNDS} done`);
    }
  } finally {
    await bench.backend.close();
    await lab.stop();
    ram.undo();
    reporting.undo();
    rmSync(dir, { recursive: true, force: true });
    rmSync(bench.dataDir, { recursive: true, force: true });
  }
  console.log(`fidelity: ${SIZE} per run on ${ram.where}, ${ROUNDS} interleaved rounds after a warm-up round, sync, fstrim, drop caches + ${settleS} s before each, MB/s (10^6 B/s); ${reporting.note}`);
  console.log('           ---------- medians ----------  ------ fastest quarter ------');
  console.log('workload     by hand    iovlab   ratio     by hand    iovlab   ratio   spread  paired 95% CI   hand CV  verdict');
  let allOk = true;
  for (const [id, f] of figures) {
    const ratio = median(f.iovlab) / median(f.hand);
    const fastHand = fastestQuarter(f.hand);
    const fastIov = fastestQuarter(f.iovlab);
    const fastRatio = fastIov.mean / fastHand.mean;
    // Same-round pairs cancel slow drift of the machine; a systematic harness cost shows in both.
    const ci = pairedRatioCi(f.iovlab.map((v, i) => v / (f.hand[i] ?? NaN)));
    const cv = summarize(f.hand).cv ?? 0;
    const ok = fastRatio >= LOW && fastRatio <= HIGH;
    allOk &&= ok;
    const why = ok ? 'ok' : ci[0] > HIGH || ci[1] < LOW ? 'BIASED (paired interval outside the band)' : ci[0] <= 1 && ci[1] >= 1 ? 'not resolved: no bias found, noise wider than the band' : `OUTSIDE ${LOW}-${HIGH}`;
    const mbps = (x: number) => x.toFixed(1).padStart(9);
    const spread = `${(Math.max(fastHand.cv, fastIov.cv) * 100).toFixed(1)}%`.padStart(6);
    console.log(
      `${id.padEnd(10)} ${mbps(median(f.hand))} ${mbps(median(f.iovlab))} ${ratio.toFixed(3).padStart(7)}   ${mbps(fastHand.mean)} ${mbps(fastIov.mean)} ${fastRatio.toFixed(3).padStart(7)}  ${spread}  ${ci[0].toFixed(3)}-${ci[1].toFixed(3)}  ${(cv * 100).toFixed(1).padStart(6)}%  ${why}`,
    );
  }
  console.log(`raw: ${JSON.stringify(Object.fromEntries(figures))}`);
  console.log(allOk ? 'fidelity: every fastest-quarter ratio within 0.97-1.03' : 'fidelity: some ratios outside 0.97-1.03 (see above; a noisy disk needs more rounds or a larger size)');
}

/**
 * The mean of the fastest quarter of the measurements, and its coefficient of variation.
 * On a shared virtual machine the noise is one-sided: the host's other tenants and its own
 * housekeeping only ever slow a measurement down (here the same dd varies 9-14% between
 * repeats, almost all of it below the best runs). The fastest quarter is what each side does
 * when left alone, and it repeats within 1-3%. A cost of the harness (the sampler, the SSH
 * channel, the wrapper shell) would slow every measurement, the fastest ones included, so it
 * shows here. The same reasoning as timeit's best-of-repeats, over a quarter rather than the
 * single best so that one lucky run does not decide.
 */
function fastestQuarter(values: readonly number[]): { mean: number; cv: number } {
  const fastest = summarize([...values].sort((a, b) => b - a).slice(0, Math.max(1, Math.ceil(values.length / 4))));
  return { mean: fastest.mean, cv: fastest.cv ?? 0 };
}

/** 95% interval of the geometric-mean paired ratio (Student t on the log ratios). */
function pairedRatioCi(pairs: readonly number[]): [number, number] {
  const logs = pairs.map(Math.log);
  if (logs.length < 2) return [NaN, NaN];
  const half = studentTQuantile(0.975, logs.length - 1) * (sampleStandardDeviation(logs) / Math.sqrt(logs.length));
  return [Math.exp(mean(logs) - half), Math.exp(mean(logs) + half)];
}

await main();
