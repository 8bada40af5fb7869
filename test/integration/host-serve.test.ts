// `iovlab serve` end to end without a browser: the real backend on a temp data dir behind the
// host, spoken to over a real WebSocket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServe } from '../../electron/host/serve.js';
import { isAppError } from '../../shared/result.js';
import { FrameLog, httpGet, openWs } from './host-wire.js';

async function tempDirs() {
  const dir = await mkdtemp(join(tmpdir(), 'iovlab-serve-'));
  const staticDir = join(dir, 'static');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>iovlab</title>');
  return { dir, staticDir, dataDir: join(dir, 'data') };
}

test('serve refuses to start without a built UI and says how to build it', async () => {
  const { dir, dataDir } = await tempDirs();
  try {
    await assert.rejects(runServe({ dataDir, staticDir: join(dir, 'missing'), handleSignals: false, log: () => undefined }), (e: unknown) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'NOT_FOUND');
      assert.match(e.message, /npm run build:renderer/);
      assert.match(e.message, /missing[/\\]index\.html/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('serve prints one URL line, and a WebSocket lab.create then lab.list round-trips through the real backend', async () => {
  const { dir, staticDir, dataDir } = await tempDirs();
  const lines: string[] = [];
  const served = await runServe({ dataDir, staticDir, handleSignals: false, log: (l) => lines.push(l) });
  try {
    const urlLines = lines.filter((l) => l.startsWith('iovlab: serving '));
    assert.equal(urlLines.length, 1);
    assert.equal(urlLines[0], `iovlab: serving http://127.0.0.1:${served.port}/?token=${served.token}`);
    assert.ok(lines.includes(`iovlab: data dir ${dataDir}`), lines.join('\n'));

    assert.equal((await httpGet(served.port, '/')).status, 401);
    assert.equal((await httpGet(served.port, `/?token=${served.token}`)).status, 200);

    const opened = await openWs(served.port, { token: served.token });
    assert.ok('ws' in opened);
    const log = new FrameLog(opened.ws);
    const info = await log.call(1, 'app.info');
    assert.deepEqual((info.result.value as { host: string; dataDir: string }).host, 'browser');
    const created = await log.call(2, 'lab.create', { name: 'paper lab', description: 'front + back' });
    assert.equal(created.result.ok, true, JSON.stringify(created.result));
    const lab = created.result.value as { id: number; name: string };
    const changed = await log.next((f) => 'event' in f && f.event === 'lab.changed');
    assert.deepEqual(changed, { event: 'lab.changed', payload: { labId: lab.id } });
    const listed = await log.call(3, 'lab.list');
    assert.deepEqual((listed.result.value as { id: number; name: string }[]).map((l) => [l.id, l.name]), [[lab.id, 'paper lab']]);
    const invalid = await log.call(4, 'lab.create', { name: '' });
    assert.equal(invalid.result.error?.code, 'INVALID_ARGUMENT');
    opened.ws.close();
  } finally {
    await served.close();
    await served.closed;
    await rm(dir, { recursive: true, force: true });
  }
});

test('a second serve on the same data dir gets a new token and still has the labs', async () => {
  const { dir, staticDir, dataDir } = await tempDirs();
  try {
    const first = await runServe({ dataDir, staticDir, handleSignals: false, log: () => undefined });
    const a = await openWs(first.port, { token: first.token });
    assert.ok('ws' in a);
    assert.equal((await new FrameLog(a.ws).call(1, 'lab.create', { name: 'kept' })).result.ok, true);
    await first.close();

    const second = await runServe({ dataDir, staticDir, handleSignals: false, log: () => undefined });
    try {
      assert.notEqual(second.token, first.token);
      const stale = await openWs(second.port, { token: first.token });
      assert.ok('status' in stale && stale.status === 401);
      const b = await openWs(second.port, { token: second.token });
      assert.ok('ws' in b);
      const listed = await new FrameLog(b.ws).call(1, 'lab.list');
      assert.deepEqual((listed.result.value as { name: string }[]).map((l) => l.name), ['kept']);
      b.ws.close();
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
