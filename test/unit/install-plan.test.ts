// The dry-run plan: sides by role, recipe order, sudo for non-root users, warnings for a side
// without nodes, and the run-order records an install stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Lab, LabNode } from '../../shared/model.js';
import type { Role } from '../../shared/roles.js';
import { parseRecipe } from '../../shared/install/load.js';
import { buildInstallPlan, plannedNodes, plannedRecords, sidesOf } from '../../shared/install/plan.js';

const recipe = parseRecipe(readFileSync(new URL('../fixtures/recipes-engine/engine-basic.yaml', import.meta.url), 'utf8'), 'engine-basic.yaml');

let nextId = 1;
function node(name: string, roles: Role[], user = 'root'): LabNode {
  return {
    id: nextId++, labId: 1, name, roles, host: `${name}.lab`, port: 22, user, auth: { kind: 'agent', keyPath: null, hasSecret: false },
    jumpNodeId: null, hostKey: null, lastProbeAt: null, createdAt: '2026-01-01T00:00:00.000Z',
  };
}
const lab = (nodes: LabNode[]): Lab => ({ id: 7, name: 'paper', description: '', createdAt: '2026-01-01T00:00:00.000Z', nodes });

test('sides follow the paper\'s roles; a node with both kinds of roles gets both sides', () => {
  assert.deepEqual(sidesOf(['CLC']), ['front-end']);
  assert.deepEqual(sidesOf(['EBS', 'WALRUS']), ['front-end']);
  assert.deepEqual(sidesOf(['NC']), ['back-end']);
  assert.deepEqual(sidesOf(['NC', 'CC']), ['front-end', 'back-end']);
  assert.deepEqual(sidesOf([]), []);
});

test('a plan without a lab shows every step and command in recipe order, on no node, without warnings', () => {
  const plan = buildInstallPlan(recipe, null);
  assert.equal(plan.lab, null);
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.recipe, { id: 'engine-basic', title: 'Engine test - harmless steps', stack: 'kvm-libvirt', distro: 'Debian 12', historical: false, summary: 'Creates a few files under @TESTDIR@; nothing else.', steps: 4 });
  assert.deepEqual(plan.steps.map((s) => [s.index, s.stepId, s.side, s.nodes.length]), [[0, 'front-dir', 'front-end', 0], [1, 'back-marker', 'back-end', 0], [2, 'noninteractive', 'back-end', 0], [3, 'needs-systemd', 'back-end', 0]]);
  const [first, second, , fourth] = plan.steps;
  assert.deepEqual(first, {
    index: 0, stepId: 'front-dir', title: 'Make the front-end directory', side: 'front-end', why: 'Later steps write there.',
    check: 'test -d @TESTDIR@/front', action: 'mkdir -p @TESTDIR@/front && echo "made @TESTDIR@/front"', verify: 'test -d @TESTDIR@/front',
    needs: [], reboot: false, timeoutS: 1800, nodes: [],
  });
  assert.equal(second?.why, null);
  assert.match(second?.action ?? '', /^mkdir -p @TESTDIR@\/back\necho ok > /);
  assert.deepEqual(fourth?.needs, ['systemd']);
});

test('on a lab: front-end steps on controller nodes, back-end steps on NC nodes, sudo for non-root users', () => {
  const front = node('front', ['CLC', 'CC', 'EBS', 'WALRUS']);
  const nc1 = node('nc1', ['NC'], 'admin');
  const both = node('solo', ['CLC', 'NC'], 'ubuntu');
  const plan = buildInstallPlan(recipe, lab([both, front, nc1]));
  assert.deepEqual(plan.lab, { id: 7, name: 'paper' });
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.steps[0]?.nodes, [{ id: both.id, name: 'solo', sudo: true }, { id: front.id, name: 'front', sudo: false }]);
  assert.deepEqual(plan.steps[1]?.nodes, [{ id: both.id, name: 'solo', sudo: true }, { id: nc1.id, name: 'nc1', sudo: true }]);
  assert.deepEqual(plannedNodes(plan).map((n) => n.name), ['solo', 'front', 'nc1']);
  assert.deepEqual(plannedRecords(plan).map((r) => `${r.index}:${r.step.stepId}@${r.node.name}`), [
    '0:front-dir@solo', '1:front-dir@front', '2:back-marker@solo', '3:back-marker@nc1',
    '4:noninteractive@solo', '5:noninteractive@nc1', '6:needs-systemd@solo', '7:needs-systemd@nc1',
  ]);
});

test('a side without nodes is warned about, naming its roles and how many steps will not run', () => {
  const plan = buildInstallPlan(recipe, lab([node('front', ['CLC'])]));
  assert.deepEqual(plan.warnings, ['lab "paper" has no back-end node (role NC): the 3 back-end steps of this recipe will not run']);
  assert.deepEqual(plannedRecords(plan).map((r) => r.step.stepId), ['front-dir']);
  const none = buildInstallPlan(recipe, lab([]));
  assert.deepEqual(none.warnings, [
    'lab "paper" has no front-end node (any of the roles CLC, CC, EBS, WALRUS): the 1 front-end step of this recipe will not run',
    'lab "paper" has no back-end node (role NC): the 3 back-end steps of this recipe will not run',
  ]);
  assert.deepEqual(plannedRecords(none), []);
});
