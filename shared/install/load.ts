// A recipe file's YAML text to a validated Recipe (./recipe.ts), and the summary the wizard
// lists. Errors name the file, the line and the field ("kvm.yaml line 42, steps[3] (libvirt):
// check: must be a shell command"), because whoever reads them is editing that file.
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../result.js';
import { recipeSchema, type Recipe, type RecipeSummary } from './recipe.js';

/** Limits alias expansion, so a hostile "billion laughs" file cannot blow up memory. */
const MAX_ALIAS_COUNT = 100;

const DISTRO_NAMES: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  centos: 'CentOS',
  rhel: 'RHEL',
  fedora: 'Fedora',
  rocky: 'Rocky Linux',
  almalinux: 'AlmaLinux',
  opensuse: 'openSUSE',
  'opensuse-leap': 'openSUSE Leap',
  sles: 'SLES',
};

/** "debian" → "Debian"; an os-release ID we do not know keeps its spelling with a capital. */
export function distroName(id: string): string {
  return DISTRO_NAMES[id.toLowerCase()] ?? (id.charAt(0).toUpperCase() + id.slice(1));
}

/** "Debian 12, Ubuntu 22.04, Ubuntu 24.04". */
export function distroText(distros: Recipe['distros']): string {
  return distros.flatMap((d) => d.versions.map((v) => `${distroName(d.id)} ${v}`)).join(', ');
}

export function recipeSummary(recipe: Recipe): RecipeSummary {
  const { id, title, stack, historical, summary } = recipe;
  return { id, title, stack, distro: distroText(recipe.distros), historical, summary, steps: recipe.steps.length };
}

/** Parses and validates one recipe file's text; `file` is only used in messages. */
export function parseRecipe(text: string, file: string): Recipe {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const at = pos ? ` line ${pos.line}, column ${pos.col}` : '';
    const reason = problem.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'invalid YAML';
    throw new AppError('PARSE_ERROR', `recipe ${file}${at}: not valid YAML: ${reason}`, { file });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    throw new AppError('PARSE_ERROR', `recipe ${file}: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  if (value === null || value === undefined) throw new AppError('PARSE_ERROR', `recipe ${file}: the file is empty; a recipe needs id, title, stack, historical, summary, distros, preflight and steps`, { file });
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const line = lineOf(doc, lines, issue.path);
    throw new AppError('PARSE_ERROR', `recipe ${file}${line ? ` line ${line}` : ''}, ${fieldName(value, issue.path)}: ${issueText(issue)}`, { file, field: issue.path.join('.') });
  }
  const recipe = parsed.data;
  const seen = new Map<string, number>();
  recipe.steps.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first !== undefined) {
      const line = lineOf(doc, lines, ['steps', i, 'id']);
      throw new AppError('PARSE_ERROR', `recipe ${file}${line ? ` line ${line}` : ''}, steps[${i}]: the step id "${step.id}" is already used by steps[${first}]; step ids must be unique (installs record and resume steps by id)`, { file, field: `steps.${i}.id` });
    }
    seen.set(step.id, i);
  });
  return recipe;
}

/** The path as the file's author sees it: steps[3] ("libvirt-packages").check. */
function fieldName(value: unknown, path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the recipe';
  let out = '';
  let at: unknown = value;
  for (const key of path) {
    at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      out += `[${key}]`;
      const id = typeof at === 'object' && at !== null ? (at as { id?: unknown }).id : undefined;
      if (typeof id === 'string') out += ` ("${id}")`;
    } else {
      out += out ? `.${String(key)}` : String(key);
    }
  }
  return out;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing (expected ${issue.expected})`;
  return issue.message;
}

/** Line (from 1) of the deepest node of `path` that exists in the document. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | null {
  let node: unknown = doc.contents;
  let offset: number | null = rangeStart(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return offset === null ? null : lines.linePos(offset).line;
}

function rangeStart(node: unknown): number | null {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : null;
}
