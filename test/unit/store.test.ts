import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PROBED_TOOLS, type NodeFacts, type ProbedTool, type ToolFact } from '../../shared/facts.js';
import { AppError } from '../../shared/result.js';
import { createStore } from '../../electron/core/store/store.js';
import type { NewNode, Store } from '../../electron/core/store/types.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fileNamed = (name: string) => join(dir, name, 'iovlab.sqlite');
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function facts(kernel: string): NodeFacts {
  const tools = Object.fromEntries(PROBED_TOOLS.map((t) => [t, { installed: t === 'dd', version: null, path: t === 'dd' ? '/bin/dd' : null }])) as Record<ProbedTool, ToolFact>;
  return {
    distro: { id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    kernel,
    arch: 'x86_64',
    cpu: { model: 'QEMU Virtual CPU', cores: 2, virtFlags: [] },
    memoryBytes: 2 ** 30,
    kvmDevice: false,
    blockDevices: [{ name: 'vda', sizeBytes: 2 ** 33, model: null, type: 'disk', fsType: null, mountpoints: [], children: [] }],
    nics: [{ name: 'eth0', mtu: 1500, speedMbps: null, state: 'up', mac: '52:54:00:12:34:56' }],
    tools,
    warnings: [],
  };
}
const nodeInput = (labId: number, name: string, extra: Partial<NewNode> = {}): NewNode => ({
  labId,
  name,
  roles: ['NC'],
  host: '10.0.0.2',
  port: 22,
  user: 'root',
  authKind: 'agent',
  keyPath: null,
  jumpNodeId: null,
  ...extra,
});
/** Asserts `fn` throws an AppError with `code` whose message matches `message`. */
function assertAppError(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected an AppError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}
const rowCounts = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
  const counts = { labs: count('labs'), nodes: count('nodes'), host_keys: count('host_keys'), probes: count('probes'), secrets: count('secrets') };
  db.close();
  return counts;
};

test('labs and nodes round-trip through create, read, update, delete and a re-open of the file', () => {
  const file = fileNamed('crud');
  let store: Store = createStore(file);
  assert.equal(store.file, file);
  const paper = store.labs.create('paper', 'Shafer 2010 two-node lab');
  assert.match(paper.createdAt, ISO_UTC);
  assert.deepEqual(paper.nodes, []);
  const empty = store.labs.create('another', '');

  const front = store.nodes.add(nodeInput(paper.id, 'front', { roles: ['CLC', 'CC', 'EBS', 'WALRUS'], authKind: 'key', keyPath: '~/.ssh/id_ed25519' }));
  assert.deepEqual(front.auth, { kind: 'key', keyPath: '~/.ssh/id_ed25519', hasSecret: false });
  assert.equal(front.hostKey, null);
  assert.equal(front.lastProbeAt, null);
  const back = store.nodes.add(nodeInput(paper.id, 'back', { host: '10.0.0.3', port: 2222, jumpNodeId: front.id }));
  assert.equal(back.jumpNodeId, front.id);

  const key = store.hostKeys.accept(back.id, 'ssh-ed25519', 'SHA256:one');
  assert.match(key.acceptedAt, ISO_UTC);
  const replaced = store.hostKeys.accept(back.id, 'ecdsa-sha2-nistp256', 'SHA256:two');
  assert.deepEqual(store.hostKeys.get(back.id), replaced);
  assert.equal(store.hostKeys.get(front.id), null);

  const older = store.probes.add(back.id, facts('6.1.0-old'), '2026-03-01T12:00:00+02:00');
  assert.equal(older.takenAt, '2026-03-01T10:00:00.000Z', 'normalised to UTC');
  const newer = store.probes.add(back.id, facts('6.1.0-new'));
  assert.deepEqual(store.probes.latest(back.id), newer);
  assert.deepEqual(store.probes.list(back.id).map((p) => p.facts.kernel), ['6.1.0-new', '6.1.0-old']);
  assert.equal(store.probes.latest(front.id), null);
  assertAppError(() => store.probes.add(back.id, facts('x'), 'last tuesday'), 'INVALID_ARGUMENT', /last tuesday/);

  store.secrets.put(front.id, Buffer.from([1, 2, 3]));
  store.secrets.put(front.id, Buffer.from([4, 5, 0]));
  assert.deepEqual(store.secrets.get(front.id), Buffer.from([4, 5, 0]));
  assert.equal(store.secrets.get(back.id), null);

  const renamed = store.nodes.update(front.id, { name: 'controller', port: 2200 });
  assert.equal(renamed.name, 'controller');
  assert.equal(renamed.port, 2200);
  assert.equal(renamed.user, 'root', 'fields not in the patch are kept');
  assert.equal(store.nodes.update(back.id, { host: '10.0.0.9' }).jumpNodeId, front.id, 'an absent jumpNodeId keeps the jump host');
  assert.equal(store.nodes.update(back.id, { jumpNodeId: null }).jumpNodeId, null, 'jumpNodeId: null removes it');
  store.nodes.update(back.id, { jumpNodeId: front.id });

  const lab = store.labs.get(paper.id);
  assert.deepEqual(lab.nodes.map((n) => n.name), ['back', 'controller'], 'nodes ordered by name');
  const [backNode, frontNode] = lab.nodes;
  assert.deepEqual(backNode?.hostKey, replaced);
  assert.equal(backNode?.lastProbeAt, newer.takenAt);
  assert.equal(frontNode?.auth.hasSecret, true);
  assert.deepEqual(store.labs.list().map((l) => l.name), ['another', 'paper'], 'labs ordered by name');
  assert.deepEqual(store.labs.findByName('paper'), lab);
  assert.equal(store.labs.findByName('nope'), null);
  assert.deepEqual(store.nodes.findByName(paper.id, 'back'), backNode);
  assert.equal(store.nodes.findByName(empty.id, 'back'), null);

  const everything = store.labs.list();
  const probes = store.probes.list(back.id);
  store.close();
  store = createStore(file);
  assert.deepEqual(store.labs.list(), everything, 'all there after re-opening the file');
  assert.deepEqual(store.probes.list(back.id), probes);
  assert.deepEqual(store.secrets.get(front.id), Buffer.from([4, 5, 0]));

  store.secrets.delete(front.id);
  store.secrets.delete(front.id);
  assert.equal(store.nodes.get(front.id).auth.hasSecret, false);
  store.nodes.remove(back.id);
  assertAppError(() => store.nodes.get(back.id), 'NOT_FOUND', new RegExp(`node ${back.id} not found`));
  store.labs.delete(empty.id);
  assert.deepEqual(store.labs.list().map((l) => l.name), ['paper']);
  store.close();
});

test('missing and duplicate labs and nodes raise NOT_FOUND and ALREADY_EXISTS naming them', () => {
  const store = createStore(fileNamed('errors'));
  const lab = store.labs.create('paper', '');
  store.nodes.add(nodeInput(lab.id, 'nc1'));
  assertAppError(() => store.labs.create('paper', 'again'), 'ALREADY_EXISTS', /lab named "paper" already exists/);
  assertAppError(() => store.nodes.add(nodeInput(lab.id, 'nc1')), 'ALREADY_EXISTS', /lab "paper" already has a node named "nc1"/);
  const other = store.nodes.add(nodeInput(lab.id, 'nc2'));
  assertAppError(() => store.nodes.update(other.id, { name: 'nc1' }), 'ALREADY_EXISTS', /node named "nc1"/);
  assertAppError(() => store.labs.get(4242), 'NOT_FOUND', /lab 4242 not found/);
  assertAppError(() => store.labs.delete(4242), 'NOT_FOUND', /lab 4242/);
  assertAppError(() => store.nodes.add(nodeInput(4242, 'x')), 'NOT_FOUND', /lab 4242 not found/);
  assertAppError(() => store.nodes.update(4242, { port: 23 }), 'NOT_FOUND', /node 4242 not found/);
  assertAppError(() => store.nodes.remove(4242), 'NOT_FOUND', /node 4242/);
  assertAppError(() => store.hostKeys.accept(4242, 'ssh-ed25519', 'SHA256:x'), 'NOT_FOUND', /node 4242/);
  assertAppError(() => store.probes.add(4242, facts('x')), 'NOT_FOUND', /node 4242/);
  assertAppError(() => store.secrets.put(4242, Buffer.from('x')), 'NOT_FOUND', /node 4242/);
  // The API schema validates ports; a bad one reaching the store still comes back as an AppError.
  assertAppError(() => store.nodes.add(nodeInput(lab.id, 'bad-port', { port: 70000 })), 'INVALID_ARGUMENT', /adding node "bad-port"/);
  store.close();
});

test('deleting a lab deletes its nodes, host keys, probes and secrets, and nothing of other labs', () => {
  const file = fileNamed('cascade');
  const store = createStore(file);
  const fill = (labName: string) => {
    const lab = store.labs.create(labName, '');
    for (const name of ['a', 'b']) {
      const node = store.nodes.add(nodeInput(lab.id, name));
      store.hostKeys.accept(node.id, 'ssh-ed25519', `SHA256:${labName}${name}`);
      store.probes.add(node.id, facts('6.1'));
      store.secrets.put(node.id, Buffer.from(name));
    }
    return lab;
  };
  const doomed = fill('doomed');
  fill('kept');
  assert.deepEqual(rowCounts(file), { labs: 2, nodes: 4, host_keys: 4, probes: 4, secrets: 4 });
  store.labs.delete(doomed.id);
  assert.deepEqual(rowCounts(file), { labs: 1, nodes: 2, host_keys: 2, probes: 2, secrets: 2 });
  const [a] = store.labs.get(store.labs.findByName('kept')?.id ?? -1).nodes;
  assert.ok(a);
  store.nodes.remove(a.id);
  assert.deepEqual(rowCounts(file), { labs: 1, nodes: 1, host_keys: 1, probes: 1, secrets: 1 });
  store.close();
});

test('a jump host must be another node of the same lab and must not form a loop', () => {
  const store = createStore(fileNamed('jump'));
  const lab = store.labs.create('lab', '');
  const otherLab = store.labs.create('other', '');
  const bastion = store.nodes.add(nodeInput(lab.id, 'bastion'));
  const foreign = store.nodes.add(nodeInput(otherLab.id, 'foreign'));
  assertAppError(() => store.nodes.add(nodeInput(lab.id, 'x', { jumpNodeId: foreign.id })), 'NOT_FOUND', new RegExp(`jump node ${foreign.id} is not a node of lab "lab"`));
  assertAppError(() => store.nodes.add(nodeInput(lab.id, 'x', { jumpNodeId: 4242 })), 'NOT_FOUND', /jump node 4242/);
  assertAppError(() => store.nodes.update(bastion.id, { jumpNodeId: bastion.id }), 'INVALID_ARGUMENT', /"bastion" cannot be its own jump host/);
  const inner = store.nodes.add(nodeInput(lab.id, 'inner', { jumpNodeId: bastion.id }));
  const deepest = store.nodes.add(nodeInput(lab.id, 'deepest', { jumpNodeId: inner.id }));
  assertAppError(() => store.nodes.update(bastion.id, { jumpNodeId: deepest.id }), 'INVALID_ARGUMENT', /would form a loop/);
  assertAppError(() => store.nodes.update(inner.id, { jumpNodeId: foreign.id }), 'NOT_FOUND', /not a node of lab "lab"/);
  store.nodes.remove(bastion.id);
  assert.equal(store.nodes.get(inner.id).jumpNodeId, null, 'a removed jump host is cleared from nodes that used it');
  assert.equal(store.nodes.get(deepest.id).jumpNodeId, inner.id);
  store.close();
});

test('hostile names and values are stored verbatim through bound parameters', () => {
  const file = fileNamed('hostile');
  const hostile = [`'; DROP TABLE labs; --`, 'a"b\'c`d', '$(touch /tmp/pwned)', 'line1\nline2\r\n', '%_*?[', 'ünïcødé ☃ 🧪', 'x\u0000y', ' padded '];
  let store = createStore(file);
  for (const [i, name] of hostile.entries()) {
    const lab = store.labs.create(name, name);
    const node = store.nodes.add(nodeInput(lab.id, name, { host: name, user: name, authKind: 'key', keyPath: name }));
    store.hostKeys.accept(node.id, name, name);
    assert.equal(store.labs.findByName(name)?.id, lab.id, `lab #${i} found by its exact name`);
    assert.equal(store.nodes.findByName(lab.id, name)?.id, node.id);
  }
  store.close();
  store = createStore(file);
  const labs = store.labs.list();
  assert.deepEqual(labs.map((l) => l.name).sort(), [...hostile].sort());
  for (const lab of labs) {
    const [node] = lab.nodes;
    assert.equal(lab.description, lab.name);
    assert.deepEqual([node?.name, node?.host, node?.user, node?.auth.keyPath, node?.hostKey?.fingerprint], Array(5).fill(lab.name));
  }
  assert.equal(store.labs.findByName('%'), null, 'no pattern matching on names');
  store.close();
});

test('the database file is in WAL mode, passes integrity_check and has no dangling references', () => {
  const file = fileNamed('integrity');
  const store = createStore(file);
  const lab = store.labs.create('lab', '');
  const a = store.nodes.add(nodeInput(lab.id, 'a'));
  store.nodes.add(nodeInput(lab.id, 'b', { jumpNodeId: a.id }));
  store.probes.add(a.id, facts('6.1'));
  store.nodes.remove(a.id);
  store.close();
  const db = new BetterSqlite3(file, { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  db.close();
});

test('two stores on one file (app and CLI side by side) see each other\'s writes', () => {
  const file = fileNamed('shared');
  const app = createStore(file);
  const cli = createStore(file);
  const lab = cli.labs.create('from-cli', '');
  cli.nodes.add(nodeInput(lab.id, 'nc'));
  assert.deepEqual(app.labs.get(lab.id).nodes.map((n) => n.name), ['nc']);
  assertAppError(() => app.labs.create('from-cli', ''), 'ALREADY_EXISTS', /from-cli/);
  app.close();
  cli.close();
});
