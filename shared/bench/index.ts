// The benchmark engine's pure side: plans, their expansion into steps, command lines, metrics,
// imports of hand-run outputs and statistics rows.
export * from './types.js';
export * from './plan.js';
export { parsePlanText } from './plan-text.js';
export { expandPlan, stepParts, type ExpandedStep, type StepParts } from './expand.js';
export * from './commands.js';
export * from './metric.js';
export { importOutput, iostatSamples, type ImportedOutput } from './import.js';
export { statsRow, groupKey, type HostAggregate, type LabelStatsRow, type MetricGroup } from './stats-rows.js';
export { formatSize, parseSize } from './units.js';
