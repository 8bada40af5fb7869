// An install recipe: the data in resources/recipes/*.yaml that walks a user through putting a
// hypervisor stack on their own nodes. Each step targets one side of the paper's two-node lab
// (front-end: CLC/CC/EBS/Walrus; back-end: the node controller), and is three POSIX sh snippets:
// check (exit 0 = already done, so the step is skipped), action, verify (exit 0 = it worked).
// Steps that need something a chroot or container cannot give (systemd running, kernel modules,
// a reboot, hardware virtualization) say so in `needs`, so the runner can report them as
// "not applicable here" with the reason instead of failing.
import { z } from 'zod';

export const STACKS = ['kvm-libvirt', 'uec', 'eucalyptus', 'xen'] as const;
export type Stack = (typeof STACKS)[number];

export const INSTALL_SIDES = ['front-end', 'back-end'] as const;
export type InstallSide = (typeof INSTALL_SIDES)[number];

export const STEP_NEEDS = ['systemd', 'kernel-modules', 'reboot', 'virt-extensions'] as const;
export type StepNeed = (typeof STEP_NEEDS)[number];

const slug = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be 1-64 lower-case letters, digits, . - (starting with a letter or digit)');
const snippet = z.string().trim().min(1, 'must be a shell command (POSIX sh)').max(20000);

export const recipeStepSchema = z.strictObject({
  id: slug,
  title: z.string().min(1).max(200),
  side: z.enum(INSTALL_SIDES),
  /** Why this step exists, shown in the wizard beside the commands. */
  why: z.string().max(2000).optional(),
  check: snippet,
  action: snippet,
  verify: snippet,
  needs: z.array(z.enum(STEP_NEEDS)).default([]),
  /** The action reboots the node: the runner waits for it to come back (new boot id) before verify. */
  reboot: z.boolean().default(false),
  timeoutS: z.number().int().min(1).max(4 * 3600).default(1800),
});

export const recipeSchema = z.strictObject({
  id: slug,
  title: z.string().min(1).max(200),
  stack: z.enum(STACKS),
  /** Only for reproducing the 2010 study on period hardware/images; the UI says so plainly. */
  historical: z.boolean(),
  summary: z.string().min(1).max(4000),
  /** os-release ID and VERSION_ID values this recipe was written for; preflight refuses others. */
  distros: z.array(z.strictObject({ id: z.string().min(1), versions: z.array(z.string().min(1)).min(1) })).min(1),
  preflight: z.strictObject({
    /** The back-end must show vmx or svm. */
    virtExtensions: z.boolean(),
    minMemoryMiB: z.strictObject({ 'front-end': z.number().int().min(0), 'back-end': z.number().int().min(0) }),
    /** Free space on / of each node. */
    minDiskGiB: z.number().min(0),
  }),
  steps: z.array(recipeStepSchema).min(1),
});

export type Recipe = z.output<typeof recipeSchema>;
export type RecipeStep = z.output<typeof recipeStepSchema>;

export interface RecipeSummary {
  id: string;
  title: string;
  stack: Stack;
  /** Human text: "Debian 12, Ubuntu 22.04, Ubuntu 24.04". */
  distro: string;
  historical: boolean;
  summary: string;
  steps: number;
}
