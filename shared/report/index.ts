// Public entry of the report view-models (pure): build them from runs, export them as CSV/JSON,
// and the bundle format that carries runs between iovlab installations.
export type * from './types.js';
export { buildReport, shellJoin, PRINT_POINTS, PRINT_TIMELINES } from './document.js';
export { buildGroups, estimate, nativeFor, setLabelOf } from './groups.js';
export { configFacts, paperLabel, paperTerms, isEucalyptusDefault } from './config-facts.js';
export { classifyStep, workloadTitle } from './workload.js';
export { buildTable, rowForGroup, TABLE_COLUMNS } from './tables.js';
export { figure2, figure3, figure4 } from './figures.js';
export { compareSets, compareWithBaselines, type CompareRun, type CompareSetSpec } from './compare.js';
export { judgeFindings } from './findings.js';
export { adviseGroups, adviseStep, hostFromSamples } from './advice.js';
export { buildSeries, ddProgress, reduceMinMax, DEFAULT_MAX_POINTS } from './series.js';
export { tableCsv, compareCsv, findingsCsv, groupsCsv, toCsv, toJson } from './csv.js';
export { parseBundle, sameStats, bundleSchema, BUNDLE_FORMAT, BUNDLE_VERSION, type Bundle, type BundleRun, type BundleStep } from './bundle.js';
