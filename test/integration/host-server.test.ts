// The browser host's HTTP and WebSocket gatekeeping over real loopback sockets. The backend here
// is a small stand-in (the tests are about the host, and say "(fake backend)"); the round trip
// through the real backend is in host-serve.test.ts.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend } from '../../electron/core/backend.js';
import type { ApiEventName } from '../../shared/api.js';
import { fail, ok, type Result } from '../../shared/result.js';
import { startHost, type RunningHost } from '../../electron/host/server.js';
import { closed, FrameLog, httpGet, openWs } from './host-wire.js';

function fakeBackend(): Backend & { emit(event: ApiEventName, payload: unknown): void } {
  const labs: { id: number; name: string }[] = [];
  const listeners = new Set<(event: ApiEventName, payload: unknown) => void>();
  return {
    info: { version: '0.0.0-test', dataDir: '/nowhere', host: 'browser', secretStorage: 'memory' },
    async call(method: unknown, params: unknown): Promise<Result<unknown>> {
      if (method === 'lab.list') return ok(labs);
      if (method === 'lab.create') {
        const lab = { id: labs.length + 1, name: String((params as { name?: unknown }).name) };
        labs.push(lab);
        return ok(lab);
      }
      return fail('UNKNOWN_METHOD', `unknown API method: ${String(method)}`);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
    waitForJob: async () => fail('NOT_FOUND', 'no jobs here'),
    close: async () => undefined,
  };
}

let dir: string;
let host: RunningHost;
let backend: ReturnType<typeof fakeBackend>;
const TOKEN_QS = () => `?token=${host.token}`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iovlab-host-'));
  const root = join(dir, 'static');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>iovlab</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(root, 'assets', 'style.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET');
  await symlink(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
  backend = fakeBackend();
  host = await startHost({ backend, staticDir: root });
});

after(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

test('(fake backend) the URL is on 127.0.0.1 with a fresh 32-byte token', async () => {
  assert.match(host.url, new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  const other = await startHost({ backend, staticDir: join(dir, 'static') });
  try {
    assert.notEqual(other.token, host.token);
    assert.notEqual(other.port, host.port);
  } finally {
    await other.close();
  }
});

test('(fake backend) pages and assets answer 401 without the token or with a wrong one', async () => {
  for (const path of ['/', '/index.html', '/assets/app.js', '/?token=wrong', `/assets/app.js?token=${host.token.slice(0, -1)}x`]) {
    const res = await httpGet(host.port, path);
    assert.equal(res.status, 401, path);
    assert.match(res.body, /token/);
    assert.equal(res.headers['set-cookie'], undefined);
  }
  const wrongBearer = await httpGet(host.port, '/', { authorization: 'Bearer nope' });
  assert.equal(wrongBearer.status, 401);
  const wrongCookie = await httpGet(host.port, '/', { cookie: `iovlab_token_${host.port}=nope` });
  assert.equal(wrongCookie.status, 401);
});

test('(fake backend) a valid ?token= serves index.html with security headers and sets the cookie', async () => {
  const res = await httpGet(host.port, `/${TOKEN_QS()}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(res.body, /<title>iovlab<\/title>/);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, new RegExp(`^iovlab_token_${host.port}=${host.token};`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${host.port} ws://localhost:${host.port}`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.equal(res.headers['x-frame-options'], 'DENY');
});

test('(fake backend) the cookie or a bearer token loads assets with the right content type', async () => {
  const byCookie = await httpGet(host.port, '/assets/app.js', { cookie: `other=1; iovlab_token_${host.port}=${host.token}` });
  assert.equal(byCookie.status, 200);
  assert.equal(byCookie.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(byCookie.body, 'console.log("app");');
  assert.equal(byCookie.headers['set-cookie'], undefined);
  const byBearer = await httpGet(host.port, '/assets/style.css', { authorization: `Bearer ${host.token}` });
  assert.equal(byBearer.status, 200);
  assert.equal(byBearer.headers['content-type'], 'text/css; charset=utf-8');
  const head = await httpGet(host.port, `/assets/app.js${TOKEN_QS()}`, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const post = await httpGet(host.port, `/${TOKEN_QS()}`, {}, 'POST');
  assert.equal(post.status, 405);
});

test('(fake backend) a foreign Host header is refused with 403 even with the token (DNS rebinding)', async () => {
  for (const hostHeader of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`, `10.0.0.1:${host.port}`]) {
    const res = await httpGet(host.port, `/${TOKEN_QS()}`, { host: hostHeader });
    assert.equal(res.status, 403, hostHeader);
  }
  const local = await httpGet(host.port, `/${TOKEN_QS()}`, { host: `localhost:${host.port}` });
  assert.equal(local.status, 200);
});

test('(fake backend) paths outside the static directory are not served', async () => {
  const auth = { authorization: `Bearer ${host.token}` };
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%5c%2e%2e%5csecret.txt', '/assets/link.txt', '/assets/', '/%00', '/%E0%A4%A']) {
    const res = await httpGet(host.port, path, auth);
    assert.ok(res.status === 404 || res.status === 400, `${path} → ${res.status}`);
    assert.doesNotMatch(res.body, /TOP-SECRET/);
  }
  const missing = await httpGet(host.port, '/nope.js', auth);
  assert.equal(missing.status, 404);
});

test('(fake backend) the WebSocket upgrade needs the token, the own Host and the own Origin', async () => {
  const cases: [string, Parameters<typeof openWs>[1], number][] = [
    ['no token', {}, 401],
    ['wrong token', { token: 'wrong' }, 401],
    ['wrong cookie', { headers: { cookie: `iovlab_token_${host.port}=wrong` } }, 401],
    ['foreign origin', { token: host.token, origin: 'http://evil.example' }, 403],
    ['other port origin', { token: host.token, origin: `http://127.0.0.1:${host.port + 1}` }, 403],
    ['no origin', { token: host.token, origin: null }, 403],
    ['foreign host', { token: host.token, host: `evil.example:${host.port}` }, 403],
    ['wrong path', { path: `/api?token=${host.token}` }, 404],
  ];
  for (const [name, opts, status] of cases) {
    const res = await openWs(host.port, opts);
    assert.ok('status' in res, `${name}: upgrade should be refused`);
    assert.equal(res.status, status, name);
  }
  const byCookie = await openWs(host.port, { headers: { cookie: `iovlab_token_${host.port}=${host.token}` }, origin: `http://localhost:${host.port}` });
  assert.ok('ws' in byCookie, 'cookie + localhost origin should connect');
  byCookie.ws.close();
});

test('(fake backend) requests are answered by id and events reach every client', async () => {
  const a = await openWs(host.port, { token: host.token });
  const b = await openWs(host.port, { token: host.token });
  assert.ok('ws' in a && 'ws' in b);
  const la = new FrameLog(a.ws);
  const lb = new FrameLog(b.ws);
  const created = await la.call(7, 'lab.create', { name: 'rack 1' });
  assert.deepEqual(created, { id: 7, result: { ok: true, value: { id: 1, name: 'rack 1' } } });
  const listed = await la.call(8, 'lab.list');
  assert.deepEqual(listed, { id: 8, result: { ok: true, value: [{ id: 1, name: 'rack 1' }] } });
  const unknown = await la.call(9, 'lab.explode');
  assert.equal(unknown.result.error?.code, 'UNKNOWN_METHOD');
  backend.emit('job.progress', { jobId: 'j1', step: 1 });
  for (const log of [la, lb]) {
    const ev = await log.next((f) => 'event' in f);
    assert.deepEqual(ev, { event: 'job.progress', payload: { jobId: 'j1', step: 1 } });
  }
  assert.equal(lb.frames.filter((f) => 'id' in f).length, 0, 'answers go only to the asker');
  a.ws.close();
  b.ws.close();
});

test('(fake backend) malformed frames are answered with INVALID_ARGUMENT and the server keeps serving', async () => {
  const c = await openWs(host.port, { token: host.token });
  assert.ok('ws' in c);
  const log = new FrameLog(c.ws);
  const bad: (string | Buffer)[] = ['not json', '[1,2]', 'null', '{"id":"x","method":"lab.list"}', '{"id":1}', '{"method":"lab.list"}', '{"id":1.5,"method":"lab.list"}', Buffer.from([1, 2, 3])];
  for (const frame of bad) c.ws.send(frame, { binary: Buffer.isBuffer(frame) });
  await log.next(() => log.frames.length === bad.length);
  for (const f of log.frames) {
    assert.ok('id' in f);
    assert.equal(f.id, null);
    assert.equal(f.result.ok, false);
    assert.equal(f.result.error?.code, 'INVALID_ARGUMENT');
  }
  const still = await log.call(2, 'lab.list');
  assert.equal(still.result.ok, true);

  // An oversized frame drops that one connection only.
  c.ws.send(JSON.stringify({ id: 3, method: 'lab.create', params: { name: 'x'.repeat(2 * 1024 * 1024) } }));
  assert.equal(await closed(c.ws), 1009);
  const d = await openWs(host.port, { token: host.token });
  assert.ok('ws' in d);
  const again = await new FrameLog(d.ws).call(1, 'lab.list');
  assert.equal(again.result.ok, true);
  d.ws.close();
  assert.equal((await httpGet(host.port, `/${TOKEN_QS()}`)).status, 200);
});

test('(fake backend) close() ends open WebSockets and frees the port', async () => {
  const own = await startHost({ backend, staticDir: join(dir, 'static') });
  const c = await openWs(own.port, { token: own.token });
  assert.ok('ws' in c);
  const gone = closed(c.ws);
  await own.close();
  await gone;
  await assert.rejects(httpGet(own.port, '/'), /ECONNREFUSED/);
});
