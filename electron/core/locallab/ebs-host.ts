// The paper's "None / EBS" row on the local lab: the back-end host writes and reads the
// front-end's EBS volume itself, with no guest. Eucalyptus' NC attached the volume in its kernel
// (AoE); this machine's kernel may have neither nbd nor aoe, so the host uses fio's nbd engine
// (libnbd, a user-space NBD client) against the same qemu-nbd export the guests use. The plan's
// storage target becomes the volume as the front-end stores it: the guard checks that file on
// the front-end, and host iostat samples the disk under it there, as for every EBS configuration.
import { realpathSync, statSync } from 'node:fs';
import type { PlanConfig, PlanTarget } from '../../../shared/bench/plan.js';
import { LOCAL_LAB_NODES } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import type { AppliedConfig } from '../bench/config-hook.js';
import { humanSize } from '../bench/target-path.js';
import { ensureEbsCapacity } from './ebs.js';
import { mustRun } from './host.js';
import { writeState, type LabPaths, type LabState } from './lab-state.js';

/** A configuration without a guest whose storage is EBS (the preset tags it target=ebs). */
export function isHostEbsConfig(config: PlanConfig): boolean {
  return config.vm === undefined && config.tags.target === 'ebs';
}

export interface HostEbsInput {
  paths: LabPaths;
  state: LabState;
  config: PlanConfig;
  /** The largest amount a workload moves: the volume must hold it. */
  minBytes: number;
  /** The plan's targets the configuration's workloads run on. */
  targets: readonly PlanTarget[];
  log: (line: string) => void;
}

/** Points the plan's targets at the front-end's NBD volume, reached from the back-end by fio. */
export async function applyHostEbs(input: HostEbsInput): Promise<Omit<AppliedConfig, 'release'>> {
  const { paths, state, config, log } = input;
  const ebs = await ensureEbsCapacity(paths, state.names, state, input.minBytes, log);
  if (ebs !== state.ebs) writeState(paths, { ...state, ebs });
  const nbd = ebs?.nbd;
  if (!nbd) throw new AppError('NOT_FOUND', `configuration "${config.name}" writes the front-end's EBS volume over NBD, but this local lab has no NBD export (${ebs?.summary ?? 'EBS is not set up'}); run iovlab lab up --local again`);
  // The back-end namespace runs this machine's fio: say so plainly when it was built without libnbd.
  if (!/^\s*nbd$/m.test(await mustRun('fio', ['--enghelp'], 'listing fio\'s I/O engines'))) {
    throw new AppError('MISSING_DEPENDENCY', `configuration "${config.name}" needs fio's nbd engine, but this machine's fio was built without libnbd (fio --enghelp lists no "nbd"); Debian's fio has it: apt-get install fio`);
  }
  // The guard wants the overwrite of an existing file confirmed as "<path> <size>"; the volume is the lab's own scratch.
  const volume = realpathSync(nbd.volume);
  const confirm = `${volume} ${humanSize(statSync(volume).size)}`;
  const { front, back } = LOCAL_LAB_NODES;
  const override: Partial<PlanTarget> = { node: front, kind: 'file', path: volume, confirm, hostNode: front, nbd: { uri: nbd.url, client: back } };
  const how = `fio's nbd engine (libnbd, user space) on the back-end host connects to ${nbd.url}; qemu-nbd on the front-end serves ${volume} with cache=none`;
  return {
    targets: Object.fromEntries(input.targets.map((t) => [t.name, override])),
    context: {
      localLab: {
        configuration: config.name,
        role: "host-side EBS baseline: no guest; the back-end host itself writes and reads the front-end's EBS volume over NBD",
        ebs: { attach: 'host-userspace-nbd', export: nbd.url, volume, how, summary: ebs.summary },
      },
    },
  };
}
