// Harness load: how much CPU do iovlab's own processes take on the node while a run measures
// it? Those are the sshd session processes serving iovlab's connection (channels, encryption)
// and everything iovlab starts besides the workload: the host iostat sampler, the watchdog's
// no-ops, the wrapper shells. The workload itself (dd, fio) is what is being measured, so it
// is left out. The node is the namespace lab's back-end; its processes are found with
// `ip netns pids` and their CPU read from /proc/<pid>/stat every 100 ms (short-lived ones are
// caught while they live). Goal: < 1% of one core over a run of about 60 s.
// Run as root: node --import tsx bench/harness-load.ts [seconds=60]
import { readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { netnsUnavailableReason, startNsLab } from '../test/helpers/netns-lab.js';
import { openBenchLab } from '../test/helpers/bench-lab.js';
import { run } from '../test/helpers/netns-sys.js';

const SECONDS = Math.max(10, Number(process.argv[2] ?? 60));
const GOAL_PCT = 1;
const WORKLOAD = new Set(['dd', 'fio']);
const dir = `/var/tmp/iovlab/harness-${process.pid}`;

interface Seen { comm: string; first: number; last: number; listener: boolean }

function stat(pid: string): { comm: string; ticks: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) }; // utime + stime (fields 14, 15)
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const reason = netnsUnavailableReason();
  if (reason) {
    console.log(`harness-load: skipped: ${reason}`);
    return;
  }
  const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const lab = await startNsLab();
  const bench = await openBenchLab(lab, 'harness');
  const seen = new Map<string, Seen>();
  // The lab's sshd daemon (`sshd -D ...`) is not iovlab's; its per-connection session processes are.
  const isListener = (pid: string): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-D');
    } catch {
      return false;
    }
  };
  let polling = true;
  const poll = async () => {
    while (polling) {
      const pids = (await run('ip', ['netns', 'pids', lab.back.ns])).stdout.split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        const s = stat(pid);
        if (!s) continue;
        const prev = seen.get(pid);
        if (prev) Object.assign(prev, { last: s.ticks, comm: s.comm }); // `sh -c '... exec dd'` becomes dd
        else seen.set(pid, { comm: s.comm, first: s.ticks, last: s.ticks, listener: isListener(pid) });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    // Storage steps of about two seconds each, with the sampler on, until the time is used up.
    const plan = {
      name: 'harness-load', repeats: 1000,
      targets: [{ name: 'h', node: 'back', kind: 'file', path: `${dir}/h.dat` }],
      workloads: [{ id: 'dd-read', tool: 'dd', op: 'read', size: '512M', blockSize: '64k', mode: 'direct' }],
    };
    const { runId, jobId } = await bench.call('run.start', { labId: bench.labId, plan });
    const poller = poll();
    const started = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    await bench.call('run.cancel', { runId });
    await bench.backend.waitForJob(jobId);
    const wallS = (performance.now() - started) / 1000;
    polling = false;
    await poller;
    const steps = (await bench.call('run.get', { runId })).steps.filter((s) => s.status === 'ok');
    const byComm = new Map<string, number>();
    let harness = 0;
    let workload = 0;
    for (const s of seen.values()) {
      if (s.listener) continue; // the lab's sshd daemon itself, not a session of iovlab's
      const ticks = s.last - s.first;
      if (WORKLOAD.has(s.comm)) workload += ticks;
      else {
        harness += ticks;
        byComm.set(s.comm, (byComm.get(s.comm) ?? 0) + ticks);
      }
    }
    const pct = (ticks: number) => (ticks / hz / wallS) * 100;
    console.log(`harness-load: ${wallS.toFixed(1)} s run on node "back", ${steps.length} dd-read steps with host iostat sampling`);
    console.log(`  iovlab's processes: ${pct(harness).toFixed(3)}% of one core (${harness} ticks at ${hz} Hz)`);
    for (const [comm, ticks] of [...byComm].sort((a, b) => b[1] - a[1])) console.log(`    ${comm.padEnd(16)} ${pct(ticks).toFixed(3)}%`);
    console.log(`  workload (dd), for scale: ${pct(workload).toFixed(1)}% of one core`);
    console.log(`  goal < ${GOAL_PCT}%: ${pct(harness) < GOAL_PCT ? 'ok' : 'MISSED'}`);
  } finally {
    polling = false;
    await bench.backend.close();
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(bench.dataDir, { recursive: true, force: true });
  }
}

await main();
