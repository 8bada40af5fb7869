// What a node can do that some steps need (recipe `needs`), learned by one small script run on
// the node before its steps. A chroot or container shares its host's kernel, so loading kernel
// modules there changes the host, and a reboot there reboots the host: both are refused unless
// the node's / is its PID 1's root and PID 1 is an init system. When that cannot be told (no
// permission to look at /proc/1/root), the answer is "no".
import type { StepNeed } from './recipe.js';

/** Key=value lines; POSIX sh (dash, bash, busybox ash). Runs with sudo for a non-root user, as the steps do. */
export const NEEDS_SCRIPT = `LC_ALL=C; export LC_ALL
if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi
n_root=$(stat -Lc %d:%i / 2>&1) || n_root="error $n_root"
n_init=$(stat -Lc %d:%i /proc/1/root/. 2>&1) || n_init="error $n_init"
printf 'root=%s\\n' "$n_root" | head -n 1
printf 'init_root=%s\\n' "$n_init" | head -n 1
n_comm=; { IFS= read -r n_comm </proc/1/comm; } 2>/dev/null; printf 'init=%s\\n' "$n_comm"
n_k=$(uname -r 2>/dev/null); printf 'kernel=%s\\n' "$n_k"
if [ -n "$n_k" ] && [ -d "/lib/modules/$n_k" ]; then echo modules=1; else echo modules=0; fi
if grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null; then echo virt_flags=1; else echo virt_flags=0; fi
if [ -e /dev/kvm ]; then echo kvm=1; else echo kvm=0; fi
if [ -e /.dockerenv ] || [ -e /run/.containerenv ]; then echo container=1
elif [ -r /proc/1/environ ] && tr '\\000' '\\n' </proc/1/environ 2>/dev/null | grep -q '^container='; then echo container=1
else echo container=0; fi
`;

/** PID 1 names of init systems that can reboot their machine. */
export const KNOWN_INITS = ['systemd', 'init', 'openrc-init', 'runit', 'runit-init', 's6-svscan', 'dinit', 'upstart', 'shepherd'] as const;

export interface NodeAbilities {
  systemd: boolean;
  /** Whether / is PID 1's root (not a chroot); null when that could not be read. */
  ownRoot: boolean | null;
  /** What was compared, or why it could not be: for the reasons shown to the user. */
  rootDetail: string;
  init: string | null;
  kernel: string | null;
  modules: boolean;
  virtFlags: boolean;
  kvm: boolean;
  container: boolean;
}

export function parseNeedsOutput(text: string): NodeAbilities {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && !values.has(m[1])) values.set(m[1], (m[2] ?? '').trim());
  }
  const flag = (k: string) => values.get(k) === '1';
  const text_ = (k: string) => values.get(k) || null;
  const root = values.get('root') ?? '';
  const initRoot = values.get('init_root') ?? '';
  const id = /^\d+:\d+$/;
  let ownRoot: boolean | null = null;
  let rootDetail: string;
  if (id.test(root) && id.test(initRoot)) {
    ownRoot = root === initRoot;
    rootDetail = ownRoot ? `/ is PID 1's root (${root})` : `/ (${root}) is not PID 1's root (${initRoot})`;
  } else {
    const why = (id.test(root) ? initRoot : root).replace(/^error\s*/, '').replace(/^stat:\s*/, '') || 'no answer';
    rootDetail = `cannot compare / with PID 1's root: ${why}`;
  }
  return {
    systemd: flag('systemd'),
    ownRoot,
    rootDetail,
    init: text_('init'),
    kernel: text_('kernel'),
    modules: flag('modules'),
    virtFlags: flag('virt_flags'),
    kvm: flag('kvm'),
    container: flag('container'),
  };
}

/** The step's needs, plus "reboot" for a step whose action reboots (whatever its needs list says). */
export function effectiveNeeds(step: { needs: readonly StepNeed[]; reboot: boolean }): StepNeed[] {
  return step.reboot && !step.needs.includes('reboot') ? [...step.needs, 'reboot'] : [...step.needs];
}

function notOwnRoot(a: NodeAbilities, what: string): string | null {
  if (a.ownRoot === false) return `the node is a chroot (${a.rootDetail}): ${what} would act on the host it shares a kernel with`;
  if (a.ownRoot === null) return `cannot tell whether the node is a chroot (${a.rootDetail}), so ${what} is not attempted`;
  return null;
}

/** Why the node cannot meet one need, or null when it can. */
export function unmetReason(need: StepNeed, a: NodeAbilities): string | null {
  switch (need) {
    case 'systemd':
      return a.systemd ? null : `systemd is not running (/run/systemd/system is missing; PID 1 is ${a.init ? `"${a.init}"` : 'unknown'})`;
    case 'kernel-modules': {
      const chroot = notOwnRoot(a, 'loading kernel modules');
      if (chroot) return chroot;
      return a.modules ? null : `/lib/modules/${a.kernel ?? '$(uname -r)'} is missing: the running kernel's modules are not installed on this root`;
    }
    case 'reboot': {
      const chroot = notOwnRoot(a, 'a reboot');
      if (chroot) return chroot;
      if (a.container) return 'the node is a container: a reboot would not restart a kernel';
      if (!a.init || !(KNOWN_INITS as readonly string[]).includes(a.init)) return `PID 1 is ${a.init ? `"${a.init}"` : 'unknown'}, not an init system (${KNOWN_INITS.slice(0, 3).join(', ')}, ...): a reboot is refused`;
      return null;
    }
    case 'virt-extensions':
      if (!a.virtFlags) return 'no vmx/svm flag in /proc/cpuinfo: the CPU offers no hardware virtualization here';
      return a.kvm ? null : '/dev/kvm is missing (is the kvm_intel/kvm_amd module loaded?)';
  }
}

/** The first unmet need as "needs NAME: why", or null when the node meets all of them. */
export function unmetNeeds(needs: readonly StepNeed[], a: NodeAbilities): string | null {
  for (const need of needs) {
    const why = unmetReason(need, a);
    if (why) return `not applicable here: needs ${need}: ${why}`;
  }
  return null;
}
