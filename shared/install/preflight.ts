// Preflight: before an install changes anything, check each node it would touch against the
// recipe (distribution and version, hardware virtualization on the back-end, memory, free
// disk on /, passwordless sudo for a non-root user). Pure: the facts come from the probe
// (shared/probe) and PREFLIGHT_EXTRAS_SCRIPT, gathered over SSH by the backend.
import type { NodeFacts } from '../facts.js';
import type { Role } from '../roles.js';
import { distroName, distroText } from './load.js';
import { sidesOf } from './plan.js';
import type { InstallSide, Recipe } from './recipe.js';
import type { PreflightCheck, PreflightProblem, PreflightResult } from './types.js';

/** Free space on / and whether sudo works without a password; POSIX sh, run as the SSH user (never with sudo). */
export const PREFLIGHT_EXTRAS_SCRIPT = `LC_ALL=C; export LC_ALL
df -Pk / 2>/dev/null | awk 'NR == 2 { print "avail_kib=" $4 }'
if [ "$(id -u)" = 0 ]; then echo sudo=root
elif ! command -v sudo >/dev/null 2>&1; then echo sudo=missing
elif p_out=$(sudo -n sh -c true 2>&1 </dev/null); then echo sudo=ok
else printf 'sudo=denied %s\\n' "$(printf '%s\\n' "$p_out" | head -n 1)"
fi
`;

export type SudoState = 'root' | 'ok' | 'denied' | 'missing';

export interface PreflightExtras {
  freeDiskBytes: number | null;
  sudo: SudoState | null;
  /** What sudo said when it refused. */
  sudoDetail: string | null;
}

export function parsePreflightExtras(text: string): PreflightExtras {
  const kib = /^avail_kib=(\d+)\s*$/m.exec(text)?.[1];
  const sudo = /^sudo=(root|ok|denied|missing)(?: (.*))?$/m.exec(text);
  return {
    freeDiskBytes: kib === undefined ? null : Number(kib) * 1024,
    sudo: (sudo?.[1] as SudoState | undefined) ?? null,
    sudoDetail: sudo?.[2]?.trim() || null,
  };
}

export interface NodeCheck {
  node: { id: number; name: string; user: string; roles: readonly Role[] };
  /** null when the node could not be reached or probed: `error` says why. */
  facts: NodeFacts | null;
  extras: PreflightExtras | null;
  error: string | null;
}

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/** A node's os-release VERSION_ID matches "12" as "12" or "12.5" (Debian's point releases in /etc/debian_version). */
export function versionMatches(found: string, wanted: string): boolean {
  return found === wanted || found.startsWith(`${wanted}.`);
}

export function evaluatePreflight(recipe: Recipe, checks: readonly NodeCheck[]): PreflightResult {
  const problems: PreflightProblem[] = [];
  const recipeSides = new Set(recipe.steps.map((s) => s.side));
  if (checks.length === 0) {
    problems.push({ check: 'lab', nodeId: null, nodeName: null, message: `the lab has no node that recipe "${recipe.title}" would install on: give a node a front-end role (CLC, CC, EBS, WALRUS) or the back-end role NC` });
  }
  for (const check of checks) {
    const { node } = check;
    const sayAbout = (check: PreflightCheck) => (message: string) => problems.push({ check, nodeId: node.id, nodeName: node.name, message: `node "${node.name}": ${message}` });
    if (check.error !== null || check.facts === null) {
      sayAbout('reachable')(`cannot be checked: ${check.error ?? 'no facts'}`);
      continue;
    }
    const sides = sidesOf(node.roles).filter((s) => recipeSides.has(s));
    checkDistro(recipe, check.facts, sayAbout('distro'));
    if (recipe.preflight.virtExtensions && sides.includes('back-end') && check.facts.cpu.virtFlags.length === 0) {
      sayAbout('virt-extensions')(`no vmx/svm flag in /proc/cpuinfo: the back-end of "${recipe.title}" needs hardware virtualization (enable Intel VT-x / AMD-V in the firmware, or nested virtualization on a virtual machine)`);
    }
    checkMemory(recipe, sides, check.facts.memoryBytes, sayAbout('memory'));
    checkExtras(recipe, check, sayAbout('disk'), sayAbout('sudo'));
  }
  return { ok: problems.length === 0, problems };
}

function checkDistro(recipe: Recipe, facts: NodeFacts, say: (m: string) => void): void {
  const { id, version, prettyName } = facts.distro;
  const supported = `recipe "${recipe.title}" supports ${distroText(recipe.distros)}`;
  if (!id) {
    say(`its distribution is unknown (no /etc/os-release)${prettyName ? `: it says "${prettyName}"` : ''}; ${supported}`);
    return;
  }
  const found = `${prettyName ?? `${distroName(id)} ${version ?? ''}`.trim()} (ID=${id}${version ? `, VERSION_ID=${version}` : ''})`;
  const distro = recipe.distros.find((d) => d.id.toLowerCase() === id.toLowerCase());
  if (!distro) {
    say(`runs ${found}; ${supported}`);
    return;
  }
  if (!version || !distro.versions.some((v) => versionMatches(version, v))) {
    say(`runs ${found}, a version this recipe was not written for; ${supported}`);
  }
}

function checkMemory(recipe: Recipe, sides: InstallSide[], memoryBytes: number | null, say: (m: string) => void): void {
  const needMiB = Math.max(0, ...sides.map((s) => recipe.preflight.minMemoryMiB[s]));
  if (needMiB === 0) return;
  const where = sides.join(' and ');
  const needs = sides.length > 1 ? 'need' : 'needs';
  if (memoryBytes === null) {
    say(`its memory size is unknown (the probe could not read /proc/meminfo); the ${where} of "${recipe.title}" ${needs} at least ${needMiB} MiB`);
  } else if (memoryBytes < needMiB * 1024 * 1024) {
    say(`has ${Math.floor(memoryBytes / 1024 / 1024)} MiB of memory; the ${where} of "${recipe.title}" ${needs} at least ${needMiB} MiB`);
  }
}

function checkExtras(recipe: Recipe, check: NodeCheck, sayDisk: (m: string) => void, say: (m: string) => void): void {
  const { node, extras } = check;
  const needBytes = recipe.preflight.minDiskGiB * GIB;
  if (needBytes > 0) {
    if (extras?.freeDiskBytes === null || extras?.freeDiskBytes === undefined) sayDisk(`free space on / is unknown (df -Pk / gave no answer); "${recipe.title}" needs at least ${recipe.preflight.minDiskGiB} GiB`);
    else if (extras.freeDiskBytes < needBytes) sayDisk(`has ${gib(extras.freeDiskBytes)} free on /; "${recipe.title}" needs at least ${recipe.preflight.minDiskGiB} GiB`);
  }
  if (node.user === 'root') return;
  const fix = `allow it (a line "${node.user} ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/iovlab) or connect as root`;
  switch (extras?.sudo ?? null) {
    case 'missing':
      say(`user "${node.user}" is not root and sudo is not installed: install sudo and ${fix}`);
      break;
    case 'denied':
      say(`user "${node.user}" cannot use sudo without a password${extras?.sudoDetail ? ` (sudo -n said: ${extras.sudoDetail})` : ''}: ${fix}`);
      break;
    case null:
      say(`whether user "${node.user}" may use sudo is unknown (the check gave no answer): ${fix}`);
      break;
    case 'root':
    case 'ok':
      break;
  }
}

/** The problems left once the user's waivers are applied, and the ones waived (said in the install's log). */
export function waivePreflight(result: PreflightResult, ignore: readonly PreflightCheck[]): { result: PreflightResult; waived: PreflightProblem[] } {
  const waived = result.problems.filter((p) => ignore.includes(p.check));
  const problems = result.problems.filter((p) => !ignore.includes(p.check));
  return { result: { ok: problems.length === 0, problems }, waived };
}
