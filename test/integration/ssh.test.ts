// The SSH layer against real sshds in network namespaces (test/helpers/netns-lab.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../shared/result.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import { shQuote } from '../../electron/core/ssh/quote.js';
import type { SshEndpoint, SshPool } from '../../electron/core/ssh/types.js';
import { netnsUnavailableReason, startNsLab, type NsHost, type NsLab } from '../helpers/netns-lab.js';

const run = promisify(execFile);
const skip = netnsUnavailableReason() ?? false;
let lab: NsLab;
const pools: SshPool[] = [];

before(async () => {
  if (!skip) lab = await startNsLab();
});
after(async () => {
  for (const p of pools) p.closeAll();
  await lab?.stop();
});

function newPool(): SshPool {
  const p = createSshPool();
  pools.push(p);
  return p;
}

let keyCounter = 0;
function endpoint(host: NsHost, over: Partial<SshEndpoint> = {}): SshEndpoint {
  return {
    key: `${host.name}-${keyCounter++}`,
    host: host.ip,
    port: host.port,
    user: 'root',
    auth: { kind: 'key', privateKey: readFileSync(lab.userKeyPath) },
    trustedFingerprint: host.hostKeyFingerprint,
    ...over,
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

/** Live (non-zombie) processes inside a lab namespace whose command line matches (anchor the pattern). */
async function processesIn(l: NsLab, host: 'front' | 'back', args: RegExp): Promise<Array<{ pid: number; args: string }>> {
  const { stdout: pids } = await run('ip', ['netns', 'pids', l[host].ns]);
  const ids = pids.split(/\s+/).filter(Boolean);
  if (ids.length === 0) return [];
  const { stdout } = await run('ps', ['-o', 'pid=,stat=,args=', '-p', ids.join(',')]).catch(() => ({ stdout: '' }));
  const rows = stdout.split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    return m ? [{ pid: Number(m[1]), stat: m[2] ?? '', args: m[3] ?? '' }] : [];
  });
  return rows.filter((r) => !r.stat.startsWith('Z') && args.test(r.args)).map(({ pid, args: a }) => ({ pid, args: a }));
}

async function waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function acceptedLogins(host: 'front' | 'back'): number {
  return (readFileSync(join(lab.dir, `sshd_${host}.log`), 'utf8').match(/Accepted publickey for root/g) ?? []).length;
}

test('exec on front, on back directly and on back through front as jump host', { skip }, async () => {
  const pool = newPool();
  const front = await pool.exec(endpoint(lab.front), 'echo "$SSH_CLIENT"; uname -s');
  assert.equal(front.code, 0);
  assert.match(front.stdout, /\nLinux\n$/);
  const direct = await pool.exec(endpoint(lab.back), 'echo "$SSH_CLIENT"');
  const jumped = await pool.exec(endpoint(lab.back, { host: lab.backPrivateIp, jump: endpoint(lab.front) }), 'echo "$SSH_CLIENT"');
  const { stdout: frontAddrs } = await lab.runIn('front', ['ip', '-4', '-o', 'addr', 'show']);
  const clientIp = (r: { stdout: string }) => r.stdout.split(' ')[0] ?? '';
  assert.ok(frontAddrs.includes(`${clientIp(jumped)}/`), `via the jump host back sees front's address as client (${jumped.stdout.trim()})`);
  assert.ok(!frontAddrs.includes(`${clientIp(direct)}/`), `directly back sees the root namespace as client (${direct.stdout.trim()})`);
});

test('exit codes, signals, stdout and stderr are reported separately; a non-zero exit is not an error', { skip }, async () => {
  const r = await newPool().exec(endpoint(lab.front), 'echo out; echo err >&2; exit 7');
  assert.deepEqual([r.code, r.signal, r.stdout, r.stderr], [7, null, 'out\n', 'err\n']);
  const killed = await newPool().exec(endpoint(lab.front), 'kill -KILL $$');
  assert.deepEqual([killed.code, killed.signal], [null, 'SIGKILL'], 'a shell killed by a signal reports the signal');
});

test('output streams to the callbacks while the command still runs', { skip }, async () => {
  const chunks: Array<{ at: number; text: string }> = [];
  const errChunks: string[] = [];
  const r = await newPool().exec(endpoint(lab.front), 'for i in 1 2 3; do echo chunk$i; echo e$i >&2; sleep 0.2; done', {
    onStdout: (c) => chunks.push({ at: Date.now(), text: c.toString() }),
    onStderr: (c) => errChunks.push(c.toString()),
  });
  const done = Date.now();
  assert.ok(chunks.length >= 3, `got ${chunks.length} chunks`);
  assert.equal(chunks.map((c) => c.text).join(''), 'chunk1\nchunk2\nchunk3\n');
  assert.ok((chunks[0]?.at ?? done) < done - 300, 'the first chunk arrived well before the end');
  assert.equal(errChunks.join(''), 'e1\ne2\ne3\n', 'the PGID marker line is stripped from stderr');
  assert.equal(r.stdout, 'chunk1\nchunk2\nchunk3\n');
});

test('stdin is delivered and closed (1 MiB through wc -c, text through cat)', { skip }, async () => {
  const pool = newPool();
  const ep = endpoint(lab.front);
  assert.equal((await pool.exec(ep, 'cat', { stdin: 'hello\nworld' })).stdout, 'hello\nworld');
  assert.equal((await pool.exec(ep, 'wc -c', { stdin: Buffer.alloc(1 << 20, 7) })).stdout.trim(), String(1 << 20));
  assert.equal((await pool.exec(ep, 'cat; echo eof')).stdout, 'eof\n', 'without stdin the command sees EOF at once');
});

test('one pooled connection serves sequential and concurrent commands (one sshd login)', { skip }, async () => {
  const pool = newPool();
  const ep = endpoint(lab.front);
  const before = acceptedLogins('front');
  const seq = [];
  for (let i = 0; i < 3; i++) seq.push((await pool.exec(ep, 'echo "$SSH_CLIENT"')).stdout);
  const par = await Promise.all(Array.from({ length: 12 }, () => pool.exec(ep, 'sleep 0.1; echo "$SSH_CLIENT"')));
  assert.equal(new Set([...seq, ...par.map((r) => r.stdout)]).size, 1, 'same client address and port every time');
  await waitFor(async () => acceptedLogins('front') >= before + 1, 'the sshd log line');
  assert.equal(acceptedLogins('front') - before, 1, 'sshd accepted exactly one login');
});

test('when sshd kills the session, a running command fails with SSH_ERROR and the next exec reconnects', { skip }, async () => {
  const pool = newPool();
  const ep = endpoint(lab.front);
  const first = (await pool.exec(ep, 'echo "$SSH_CLIENT"')).stdout;
  const running = pool.exec(ep, 'sleep 299');
  await waitFor(async () => (await processesIn(lab, 'front', /^sleep 299$/)).length === 1, 'the command to run');
  const sessions = await processesIn(lab, 'front', /^sshd: root/);
  assert.ok(sessions.length > 0, 'the session processes exist');
  for (const { pid } of sessions) process.kill(pid, 'SIGKILL');
  const lost = await rejectsWith(running, 'SSH_ERROR');
  assert.match(lost.message, /connection to .* was lost/);
  const second = await pool.exec(ep, 'echo "$SSH_CLIENT"');
  assert.equal(second.code, 0);
  assert.notEqual(second.stdout, first, 'a new connection (new client port)');
  await lab.runIn('front', ['pkill', '-x', '-f', 'sleep 299']); // the orphan of the killed session
});

test('an address that drops packets fails with CONNECT_TIMEOUT in under 10 s (default timeout)', { skip }, async () => {
  const t0 = Date.now();
  const e = await rejectsWith(newPool().exec(endpoint(lab.front, { host: lab.blackholeIp }), 'true'), 'CONNECT_TIMEOUT');
  assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
  assert.match(e.message, new RegExp(lab.blackholeIp.replaceAll('.', '\\.')));
});

test('a closed port fails fast with HOST_UNREACHABLE', { skip }, async () => {
  const t0 = Date.now();
  const e = await rejectsWith(newPool().exec(endpoint(lab.front, { host: lab.refusedIp, port: lab.refusedPort }), 'true'), 'HOST_UNREACHABLE');
  assert.ok(Date.now() - t0 < 2000);
  assert.match(e.message, /refused/);
});

test('a key that is not authorized fails with AUTH_FAILED naming user, host and auth kind', { skip }, async () => {
  const e = await rejectsWith(newPool().exec(endpoint(lab.front, { auth: { kind: 'key', privateKey: readFileSync(lab.wrongKeyPath) } }), 'true'), 'AUTH_FAILED');
  assert.match(e.message, new RegExp(`root on ${lab.front.ip.replaceAll('.', '\\.')}:22 \\(key authentication\\)`));
});

test('an encrypted key works with the right passphrase and says why it fails without or with a wrong one', { skip }, async () => {
  const pool = newPool();
  const privateKey = readFileSync(lab.encryptedKeyPath);
  const ok = await pool.exec(endpoint(lab.front, { auth: { kind: 'key', privateKey, passphrase: lab.keyPassphrase } }), 'echo in');
  assert.equal(ok.stdout, 'in\n');
  const missing = await rejectsWith(pool.exec(endpoint(lab.front, { auth: { kind: 'key', privateKey } }), 'true'), 'AUTH_FAILED');
  assert.match(missing.message, /encrypted and no passphrase/);
  const wrong = await rejectsWith(pool.exec(endpoint(lab.front, { auth: { kind: 'key', privateKey, passphrase: 'not it' } }), 'true'), 'AUTH_FAILED');
  assert.match(wrong.message, /wrong passphrase/);
});

test('an untrusted host key fails with HOST_KEY_UNKNOWN carrying the fingerprint scanHostKey reports', { skip }, async () => {
  const pool = newPool();
  const e = await rejectsWith(pool.exec(endpoint(lab.back, { trustedFingerprint: null }), 'true'), 'HOST_KEY_UNKNOWN');
  assert.equal(e.details?.fingerprint, lab.back.hostKeyFingerprint);
  assert.equal(e.details?.keyType, lab.back.hostKeyType);
  assert.ok(e.message.includes(lab.back.hostKeyFingerprint) && e.message.includes(`${lab.back.ip}:22`) && /accept/.test(e.message), e.message);
  const { trustedFingerprint: _t, auth: _a, ...scanTarget } = endpoint(lab.back);
  assert.deepEqual(await pool.scanHostKey(scanTarget), { keyType: lab.back.hostKeyType, fingerprint: lab.back.hostKeyFingerprint });
  const viaJump = await pool.scanHostKey({ ...scanTarget, host: lab.backPrivateIp, jump: endpoint(lab.front) });
  assert.equal(viaJump.fingerprint, lab.back.hostKeyFingerprint);
});

test('hostile strings pass through shQuote to printf byte-identical and never run', { skip }, async () => {
  const canary = join(lab.dir, 'CANARY');
  const hostile = [
    `$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `"; touch ${canary}; "`, `a\ntouch ${canary}\nb`,
    `| touch ${canary}`, `& touch ${canary} &`, `\\'$(touch ${canary})\\'`, `$((1+1)) \${HOME} * ? ~ #`, 'tab\there ünïcødé 🧪 \r\n',
  ];
  const pool = newPool();
  for (const [i, value] of hostile.entries()) {
    const ep = i % 2 === 0 ? endpoint(lab.front) : endpoint(lab.back, { host: lab.backPrivateIp, jump: endpoint(lab.front) });
    const r = await pool.exec(ep, `printf %s ${shQuote(value)}`);
    assert.equal(r.stdout, value);
  }
  assert.equal(existsSync(canary), false, 'the canary file was never created');
});

for (const how of ['timeout', 'abort'] as const) {
  test(`${how} kills the remote process tree (sleep 300, a background child and a pipeline)`, { skip }, async () => {
    const pool = newPool();
    const ac = new AbortController();
    const pending = pool.exec(endpoint(lab.front), 'sleep 300 & sleep 300 | cat; wait', how === 'timeout' ? { timeoutMs: 1500 } : { signal: ac.signal });
    await waitFor(async () => (await processesIn(lab, 'front', /^sleep 300$/)).length === 2, 'both sleeps to run');
    if (how === 'abort') ac.abort();
    await rejectsWith(pending, how === 'timeout' ? 'COMMAND_TIMEOUT' : 'CANCELLED');
    assert.deepEqual(await processesIn(lab, 'front', /^(sleep 300|cat)$/), [], 'nothing of the command is left in the namespace');
  });
}

test('an already aborted signal cancels before anything runs', { skip }, async () => {
  await rejectsWith(newPool().exec(endpoint(lab.front), 'true', { signal: AbortSignal.abort() }), 'CANCELLED');
});

test('a rotated host key fails with HOST_KEY_CHANGED naming the old and the new fingerprint', { skip }, async () => {
  const old = lab.front.hostKeyFingerprint;
  const rotated = await lab.rotateHostKey('front');
  assert.notEqual(rotated, old);
  const e = await rejectsWith(newPool().exec(endpoint(lab.front, { trustedFingerprint: old }), 'true'), 'HOST_KEY_CHANGED');
  assert.ok(e.message.includes(old) && e.message.includes(rotated) && /man-in-the-middle/.test(e.message), e.message);
  assert.deepEqual([e.details?.knownFingerprint, e.details?.fingerprint], [old, rotated]);
  assert.equal((await newPool().exec(endpoint(lab.front), 'echo trusted')).stdout, 'trusted\n', 'the new key works once trusted');
});

test('backMissingTools: back has only basic tools on its PATH over ssh, and cancellation still works there', { skip }, async () => {
  const bare = await startNsLab({ backMissingTools: true });
  try {
    const pool = newPool();
    const ep: SshEndpoint = { key: 'bare-back', host: bare.back.ip, port: 22, user: 'root', auth: { kind: 'key', privateKey: readFileSync(bare.userKeyPath) }, trustedFingerprint: bare.back.hostKeyFingerprint };
    const r = await pool.exec(ep, 'for t in uname lsblk awk fio iperf3 iostat dd qemu-system-x86_64; do command -v $t >/dev/null && echo "has $t" || echo "no $t"; done');
    assert.equal(r.stdout, ['has uname', 'has lsblk', 'has awk', 'no fio', 'no iperf3', 'no iostat', 'no dd', 'no qemu-system-x86_64', ''].join('\n'));
    await rejectsWith(pool.exec(ep, 'sleep 300', { timeoutMs: 500 }), 'COMMAND_TIMEOUT');
    assert.deepEqual(await processesIn(bare, 'back', /^sleep 300$/), []);
  } finally {
    await bare.stop();
  }
});

