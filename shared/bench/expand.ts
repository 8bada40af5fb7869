// A plan expanded into a run's ordered steps. Repeats are the outer loop so that each repeat
// passes over every configuration and workload before the next begins: slow drift of the
// machine (page cache, thermal, a neighbour's load) then spreads over all cells instead of
// biasing whichever cell ran last.
import { AppError } from '../result.js';
import type { ToolName } from '../parsers/index.js';
import { isStorageWorkload, type Plan, type PlanConfig, type PlanTarget, type Workload } from './plan.js';
import type { PlannedStep } from './types.js';

export type ExpandedStep = PlannedStep & { tool: ToolName };

export function expandPlan(plan: Plan): ExpandedStep[] {
  const steps: ExpandedStep[] = [];
  for (let repeat = 1; repeat <= plan.repeats; repeat++) {
    for (const config of plan.configs) {
      for (const workload of plan.workloads) {
        if (config.workloads && !config.workloads.includes(workload.id)) continue;
        // Network workloads run between two nodes, once per configuration and repeat.
        const targets: (string | null)[] = isStorageWorkload(workload) ? plan.targets.map((t) => t.name) : [null];
        for (const targetName of targets) {
          steps.push({ index: steps.length, configName: config.name, workloadId: workload.id, targetName, repeat, tool: workload.tool });
        }
      }
    }
  }
  return steps;
}

export interface StepParts {
  config: PlanConfig;
  workload: Workload;
  target: PlanTarget | null;
}

/** The plan entries a step refers to; NOT_FOUND when the plan no longer has them. */
export function stepParts(plan: Plan, step: PlannedStep): StepParts {
  const config = plan.configs.find((c) => c.name === step.configName);
  const workload = plan.workloads.find((w) => w.id === step.workloadId);
  const target = step.targetName === null ? null : plan.targets.find((t) => t.name === step.targetName);
  const missing = !config ? `configuration "${step.configName}"` : !workload ? `workload "${step.workloadId}"` : target === undefined ? `target "${step.targetName}"` : null;
  if (missing || !config || !workload || target === undefined) {
    throw new AppError('NOT_FOUND', `step ${step.index + 1} refers to ${missing ?? 'an entry'} that plan "${plan.name}" does not have`);
  }
  return { config, workload, target };
}
