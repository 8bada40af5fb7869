// Presets on the local lab: what the lab tells the plan builder (its accelerator, the addresses
// a guest reaches the hosts at, its EBS exports), and the plan `iovlab run --preset` hands to
// the benchmark engine. The engine then applies each configuration through guest-apply.ts.
import { join } from 'node:path';
import { buildPresetPlan, type PresetLab, type PresetOptions, type PresetPlan } from '../../../shared/presets/index.js';
import { AppError } from '../../../shared/result.js';
import { labPaths, readState } from './lab-state.js';

/** Guests get at least this much memory; the image's own minimum (it lives in RAM) may ask for more. */
const GUEST_MEMORY_MIB = 512;

export function presetLab(dataDir: string): PresetLab {
  const paths = labPaths(dataDir);
  const state = readState(paths);
  if (!state || state.phase !== 'up' || !state.addresses || !state.accel) {
    throw new AppError('NOT_FOUND', 'the local lab is not up: run `iovlab lab up --local` first (as root)');
  }
  return {
    accel: state.accel.accel,
    frontLab: state.addresses.frontLab,
    backLab: state.addresses.backLab,
    nbdUrl: state.ebs?.nbd?.url ?? null,
    aoeTarget: state.ebs?.aoe ? `aoe:${state.ebs.aoe.target}` : null,
    memoryMiB: Math.max(GUEST_MEMORY_MIB, state.image?.minMemoryMiB ?? 0),
    diskDir: join(paths.disksDir),
  };
}

export function planForPreset(dataDir: string, presetId: string, opts: PresetOptions): PresetPlan {
  return buildPresetPlan(presetId, presetLab(dataDir), opts);
}
