// A lab that can put a plan's configuration into effect itself (the embedded local lab boots a
// guest with config.vm) gives the runner a hook: before the steps of a configuration the runner
// applies it, after them it releases it. Applying may move targets (the guest's test disk is
// /dev/vda under virtio-blk, /dev/sda under lsi-scsi, a loop device on the back-end for the host
// baseline) and adds what the steps ran under to their stored context (the exact QEMU argv, the
// libvirt XML, the accelerator).
import type { Plan, PlanConfig, PlanTarget } from '../../../shared/bench/plan.js';
import type { Lab } from '../../../shared/model.js';

export interface AppliedConfig {
  /** Fields replacing those of the plan's targets (by target name) for this configuration's steps. */
  targets?: Record<string, Partial<PlanTarget>>;
  /** Merged into the stored context of every step run under this configuration. */
  context?: Record<string, unknown>;
  /** Nodes whose address or host key changed: their cached endpoints and connections are dropped. */
  changedNodes?: string[];
  /** Undoes the application (stops the guest, removes its disks); called once. */
  release(): Promise<void>;
}

export interface ConfigHook {
  /** Nodes that exist only while a configuration is applied: not checked before the run starts. */
  managedNodes: string[];
  apply(config: PlanConfig, opts: { signal: AbortSignal; log(text: string): void }): Promise<AppliedConfig>;
}

/** Returns the hook of the lab a plan runs on, or null when the lab applies nothing itself. */
export type ConfigHookFactory = (lab: Lab, plan: Plan) => ConfigHook | null;

/** The plan with one configuration's target overrides in place. */
export function withTargetOverrides(plan: Plan, overrides: AppliedConfig['targets']): Plan {
  if (!overrides) return plan;
  return { ...plan, targets: plan.targets.map((t) => ({ ...t, ...(overrides[t.name] ?? {}) })) };
}

/** Tags every configuration shares (same name, same value): the run's own tags. */
export function commonTags(configs: readonly PlanConfig[]): Record<string, string> {
  const [first, ...rest] = configs;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first.tags).filter(([k, v]) => rest.every((c) => c.tags[k] === v)));
}
