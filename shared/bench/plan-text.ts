// A plan file's text (YAML, or JSON — JSON is YAML) to a validated plan. The `yaml` package
// is plain JavaScript, so the renderer's plan editor can use this as well as the CLI.
import { parseDocument } from 'yaml';
import { AppError } from '../result.js';
import { parsePlan, type Plan } from './plan.js';

/** Limits alias expansion, so a hostile "billion laughs" file cannot blow up memory. */
const MAX_ALIAS_COUNT = 100;

export function parsePlanText(text: string, source = 'plan'): Plan {
  const doc = parseDocument(text, { uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const at = pos ? ` line ${pos.line}, column ${pos.col}` : '';
    const reason = problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw new AppError('INVALID_ARGUMENT', `${source}${at}: not valid YAML or JSON: ${reason}`, { source });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new AppError('INVALID_ARGUMENT', `${source}: ${e instanceof Error ? e.message : String(e)}`, { source });
  }
  if (value === null || value === undefined) throw new AppError('INVALID_ARGUMENT', `${source}: the file is empty; a plan needs at least "name" and "workloads"`, { source });
  return parsePlan(value, source);
}
