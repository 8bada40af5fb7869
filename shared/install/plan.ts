// The dry-run plan: every step of a recipe in order, with its commands and the lab's nodes it
// would run on. Nothing runs; the wizard shows it before anything does, and the runner executes
// exactly this plan (one record per step and node, in this order).
import type { Lab, LabNode } from '../model.js';
import { BACK_END_ROLES, FRONT_END_ROLES, type Role } from '../roles.js';
import { recipeSummary } from './load.js';
import type { InstallSide, Recipe } from './recipe.js';
import type { InstallPlan, PlannedNode, PlannedStep } from './types.js';

const SIDE_ROLES: Record<InstallSide, readonly Role[]> = { 'front-end': FRONT_END_ROLES, 'back-end': BACK_END_ROLES };

/** The sides a node plays: front-end with any controller role, back-end with NC; a node with both gets both. */
export function sidesOf(roles: readonly Role[]): InstallSide[] {
  return (['front-end', 'back-end'] as const).filter((side) => roles.some((r) => SIDE_ROLES[side].includes(r)));
}

export function sideRolesText(side: InstallSide): string {
  const roles = SIDE_ROLES[side];
  return roles.length === 1 ? `role ${roles[0] ?? ''}` : `any of the roles ${roles.join(', ')}`;
}

export function plannedNode(node: Pick<LabNode, 'id' | 'name' | 'user'>): PlannedNode {
  return { id: node.id, name: node.name, sudo: node.user !== 'root' };
}

export function buildInstallPlan(recipe: Recipe, lab: Pick<Lab, 'id' | 'name' | 'nodes'> | null): InstallPlan {
  const nodesOf = (side: InstallSide): PlannedNode[] => (lab ? lab.nodes.filter((n) => sidesOf(n.roles).includes(side)).map(plannedNode) : []);
  const bySide: Record<InstallSide, PlannedNode[]> = { 'front-end': nodesOf('front-end'), 'back-end': nodesOf('back-end') };
  const steps: PlannedStep[] = recipe.steps.map((s, index) => ({
    index,
    stepId: s.id,
    title: s.title,
    side: s.side,
    why: s.why ?? null,
    check: s.check,
    action: s.action,
    verify: s.verify,
    needs: [...s.needs],
    reboot: s.reboot,
    timeoutS: s.timeoutS,
    nodes: bySide[s.side].map((n) => ({ ...n })),
  }));
  const warnings: string[] = [];
  if (lab) {
    for (const side of ['front-end', 'back-end'] as const) {
      const count = steps.filter((s) => s.side === side).length;
      if (count > 0 && bySide[side].length === 0) {
        warnings.push(`lab "${lab.name}" has no ${side} node (${sideRolesText(side)}): the ${count} ${side} step${count === 1 ? '' : 's'} of this recipe will not run`);
      }
    }
  }
  return { recipe: recipeSummary(recipe), lab: lab ? { id: lab.id, name: lab.name } : null, steps, warnings };
}

/** The nodes an install of this plan touches, each once, in plan order. */
export function plannedNodes(plan: InstallPlan): PlannedNode[] {
  const seen = new Map<number, PlannedNode>();
  for (const step of plan.steps) for (const n of step.nodes) if (!seen.has(n.id)) seen.set(n.id, n);
  return [...seen.values()];
}

/** One record per step and node, in run order: what an install stores and runs. */
export function plannedRecords(plan: InstallPlan): { index: number; step: PlannedStep; node: PlannedNode }[] {
  return plan.steps.flatMap((step) => step.nodes.map((node) => ({ step, node }))).map((r, index) => ({ index, ...r }));
}
