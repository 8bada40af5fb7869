// Presets of the paper's experiments for the embedded local lab (see ./shafer2010.ts, ./plan.ts).
export * from './types.js';
export * from './lab.js';
export { PRESETS, SHAFER2010_NETWORK, SHAFER2010_STORAGE } from './shafer2010.js';
export { buildPresetPlan, DISK_TARGET, getPreset, presetScale, selectConfigurations, type PresetPlan } from './plan.js';
