// Control plane: how long do 100 short commands take through iovlab's SSH pool (one pooled
// connection, a channel per command) versus the best an OpenSSH loop can do (ControlMaster
// with ControlPersist, so only the first command pays for the handshake)? Both include their
// first connection. Goal: iovlab ≤ 0.5× the OpenSSH time.
// Run as root: node --import tsx bench/control-plane.ts [commands=100]
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshPool } from '../electron/core/ssh/pool.js';
import type { SshEndpoint } from '../electron/core/ssh/types.js';
import { netnsUnavailableReason, startNsLab } from '../test/helpers/netns-lab.js';

const COMMANDS = Math.max(2, Number(process.argv[2] ?? 100));
const GOAL = 0.5;

function ssh(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('ssh', args, (err, _o, stderr) => (err ? reject(new Error(`ssh failed: ${stderr}`)) : resolve())));
}

async function main(): Promise<void> {
  const reason = netnsUnavailableReason();
  if (reason) {
    console.log(`control-plane: skipped: ${reason}`);
    return;
  }
  const lab = await startNsLab();
  try {
    const ep: SshEndpoint = {
      key: 'front', host: lab.front.ip, port: 22, user: 'root',
      auth: { kind: 'key', privateKey: readFileSync(lab.userKeyPath) }, trustedFingerprint: lab.front.hostKeyFingerprint,
    };
    const pool = createSshPool();
    const poolTimes: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < COMMANDS; i++) {
      const t = performance.now();
      const r = await pool.exec(ep, 'true');
      if (r.code !== 0) throw new Error(`pool: exit ${r.code}`);
      poolTimes.push(performance.now() - t);
    }
    const poolMs = performance.now() - t0;
    pool.closeAll();

    const control = join(lab.dir, 'cm-%C');
    const base = ['-i', lab.userKeyPath, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'ControlMaster=auto', '-o', `ControlPath=${control}`, '-o', 'ControlPersist=60', `root@${lab.front.ip}`];
    const sshTimes: number[] = [];
    t0 = performance.now();
    for (let i = 0; i < COMMANDS; i++) {
      const t = performance.now();
      await ssh([...base, 'true']);
      sshTimes.push(performance.now() - t);
    }
    const sshMs = performance.now() - t0;
    await ssh(['-o', `ControlPath=${control}`, '-O', 'exit', `root@${lab.front.ip}`]).catch(() => undefined);

    const warm = (xs: number[]) => xs.slice(1).reduce((a, b) => a + b, 0) / (xs.length - 1);
    const ratio = poolMs / sshMs;
    console.log(`control-plane: ${COMMANDS} × \`true\` on ${lab.front.ip}`);
    console.log(`  iovlab pool:                 ${poolMs.toFixed(0)} ms total, first ${poolTimes[0]?.toFixed(1)} ms (connect), then ${warm(poolTimes).toFixed(2)} ms each`);
    console.log(`  OpenSSH ControlPersist loop: ${sshMs.toFixed(0)} ms total, first ${sshTimes[0]?.toFixed(1)} ms (connect), then ${warm(sshTimes).toFixed(2)} ms each`);
    console.log(`  ratio iovlab / OpenSSH: ${ratio.toFixed(3)} (goal ≤ ${GOAL}): ${ratio <= GOAL ? 'ok' : 'MISSED'}`);
  } finally {
    await lab.stop();
  }
}

await main();
