// A dry-run plan (what would run where, nothing run) and a stored install run.
import type { InstallSide, RecipeSummary, StepNeed } from './recipe.js';

export interface PlannedNode {
  id: number;
  name: string;
  /** Commands go through `sudo -n sh -c` when the node's user is not root. */
  sudo: boolean;
}

export interface PlannedStep {
  /** Position in run order, from 0. */
  index: number;
  stepId: string;
  title: string;
  side: InstallSide;
  why: string | null;
  check: string;
  action: string;
  verify: string;
  needs: StepNeed[];
  reboot: boolean;
  timeoutS: number;
  /** The lab's nodes on that side; empty without a lab (or when the lab has none: see warnings). */
  nodes: PlannedNode[];
}

export interface InstallPlan {
  recipe: RecipeSummary;
  lab: { id: number; name: string } | null;
  steps: PlannedStep[];
  /** E.g. "the lab has no back-end node (role NC)". */
  warnings: string[];
}

/** What a preflight problem is about; the ones in IGNORABLE_CHECKS may be waived for one install. */
export const PREFLIGHT_CHECKS = ['lab', 'reachable', 'distro', 'virt-extensions', 'memory', 'disk', 'sudo'] as const;
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number];
/**
 * A user may knowingly run a recipe on a node that lacks these (a test box without VT-x, a
 * derivative distro, a small VM): the steps that really need the missing piece are still
 * reported not-applicable by the runner. Reachability, sudo and an empty lab are never waived.
 */
export const IGNORABLE_CHECKS = ['distro', 'virt-extensions', 'memory', 'disk'] as const satisfies readonly PreflightCheck[];
export type IgnorableCheck = (typeof IGNORABLE_CHECKS)[number];

export interface PreflightProblem {
  check: PreflightCheck;
  nodeId: number | null;
  nodeName: string | null;
  /** One specific sentence: "node nc1: no vmx/svm in /proc/cpuinfo: KVM and Xen HVM need hardware virtualization". */
  message: string;
}

export interface PreflightResult {
  ok: boolean;
  problems: PreflightProblem[];
}

export type InstallStatus = 'running' | 'interrupted' | 'ok' | 'failed' | 'cancelled';
/** already-done: check passed before the action; not-applicable: a need the node lacks (reason says which). */
export type InstallStepStatus = 'pending' | 'running' | 'already-done' | 'done' | 'failed' | 'not-applicable' | 'cancelled';

export interface InstallStepRecord {
  id: number;
  installId: number;
  index: number;
  stepId: string;
  nodeId: number;
  nodeName: string;
  title: string;
  status: InstallStepStatus;
  reason: string | null;
  /** The last 64 KiB of what check/action/verify printed. */
  log: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface InstallRun {
  id: number;
  labId: number;
  recipeId: string;
  status: InstallStatus;
  createdAt: string;
  finishedAt: string | null;
  steps: InstallStepRecord[];
}
