// How snippets are wrapped for the remote shell, run for real through a local `sh -c` (what
// sshd does with the command line): hostile text stays literal, apt cannot ask questions, sbin
// is on PATH, and a detached snippet outlives its caller in a session of its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detachedSnippet, labEnvOf, lastLines, snippetCommand } from '../../electron/core/install/remote.js';
import { killLeftoversScript, waitLeftoversScript } from '../../electron/core/install/leftovers.js';
import { findOnPath } from '../fixtures/probe/probe-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-remote-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sh = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir } });

test('a snippet runs under sh with DEBIAN_FRONTEND=noninteractive, sbin on PATH, and its text verbatim', () => {
  const snippet = `printf '%s\\n' "$DEBIAN_FRONTEND"\ncase ":$PATH:" in *:/usr/sbin:*) echo sbin ;; esac\necho 'it'"'"'s $(not run) \`nor this\`'\nexit 7`;
  const r = sh(snippetCommand(snippet, false));
  assert.equal(r.status, 7, r.stderr);
  assert.equal(r.stdout, "noninteractive\nsbin\nit's $(not run) `nor this`\n");
});

test('with sudo the whole script goes through `sudo -n sh -c` as one quoted word', () => {
  const cmd = snippetCommand('id -u', true);
  assert.match(cmd, /^sudo -n sh -c '/);
  const sudoless = cmd.replace(/^sudo -n /, '');
  assert.equal(sh(sudoless).stdout.trim(), String(process.getuid?.()));
});

test('the wrapped commands pass shellcheck -s sh', { skip: findOnPath('shellcheck') ? false : 'shellcheck is not installed' }, () => {
  for (const script of [snippetCommand('apt-get install -y qemu-kvm', true), detachedSnippet('systemctl reboot'), waitLeftoversScript('1.abc.2', 30), killLeftoversScript('1.abc.2')]) {
    const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: `${script}\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, `${script}\n${r.stdout}`);
  }
});

test('a detached snippet returns at once and runs later in its own session', { timeout: 15_000 }, async () => {
  const out = join(dir, 'detached');
  const started = Date.now();
  const r = sh(snippetCommand(detachedSnippet(`ps -o sid= -p $$ > '${out}'`), false));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'started\n');
  assert.ok(Date.now() - started < 1500, 'the caller does not wait for the 2 s delay');
  assert.equal(existsSync(out), false);
  const deadline = Date.now() + 10_000;
  while (!existsSync(out) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  await new Promise((res) => setTimeout(res, 200));
  const sid = Number(readFileSync(out, 'utf8').trim());
  const mySid = Number(spawnSync('ps', ['-o', 'sid=', '-p', String(process.pid)], { encoding: 'utf8' }).stdout.trim());
  assert.ok(sid > 0 && sid !== mySid, `own session ${sid}, not ${mySid}`);
});

test('lastLines keeps the end of long output', () => {
  assert.equal(lastLines('a\nb\nc\n\n', 2), 'b\nc');
  assert.equal(lastLines('x'.repeat(3000), 1, 10), `...${'x'.repeat(10)}`);
});

test('what a lost attempt left is found by its tag: waited for, reported busy, then stopped', { timeout: 20_000 }, async () => {
  const tag = `${process.pid}.test.${Date.now()}`;
  const child = spawn('sh', ['-c', snippetCommand('sleep 30', false, tag)], { stdio: 'ignore' });
  const exited = new Promise((res) => child.once('exit', res));
  await new Promise((res) => setTimeout(res, 300));
  const busy = sh(snippetCommand(waitLeftoversScript(tag, 1), false));
  assert.match(busy.stdout, /^waiting for (\d+ )+\nbusy (\d+ )+\n$/, busy.stderr);
  const found = (/^busy (.*)$/m.exec(busy.stdout)?.[1] ?? '').trim().split(' ').map((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
  assert.deepEqual(found.sort(), ['sh', 'sleep'], 'the step\'s shell itself carries the tag, not only its commands');
  assert.match(sh(snippetCommand(waitLeftoversScript('some.other.tag', 1), false)).stdout, /^gone\n$/);
  const killed = sh(snippetCommand(killLeftoversScript(tag), false));
  assert.match(killed.stdout, /^\d+ \d+ \n$/);
  await exited;
  assert.equal(sh(snippetCommand(waitLeftoversScript(tag, 1), false)).stdout, 'gone\n');
});

test('the lab\'s node addresses by side reach the snippet as IOVLAB_FRONTEND_HOSTS / IOVLAB_BACKEND_HOSTS, quoted', () => {
  const env = labEnvOf([
    { host: '192.0.2.10', roles: ['CLC', 'CC', 'EBS', 'WALRUS'] },
    { host: '10.0.0.2', roles: ['NC'] },
    { host: "nc2.example.org';reboot;'", roles: ['NC'] },
  ]);
  assert.deepEqual(env, { IOVLAB_FRONTEND_HOSTS: '192.0.2.10', IOVLAB_BACKEND_HOSTS: "10.0.0.2 nc2.example.org';reboot;'" });
  const r = sh(snippetCommand('printf "%s|%s\\n" "$IOVLAB_FRONTEND_HOSTS" "$IOVLAB_BACKEND_HOSTS"; sh -c \'echo "$IOVLAB_BACKEND_HOSTS"\'', false, undefined, env));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "192.0.2.10|10.0.0.2 nc2.example.org';reboot;'\n10.0.0.2 nc2.example.org';reboot;'\n");
});
