// Turns zod issues on a plan into lines a sysadmin editing a YAML file can act on:
// `workloads[1] "dd-read".mode: must be one of direct, dropcache for a dd read (got "fdatasync")`.
import type { z } from 'zod';

type Key = PropertyKey;

/** `workloads[1] "dd-read".mode`: indices in brackets, with the item's id/name when it has one. */
function where(path: readonly Key[], input: unknown): string {
  let out = '';
  let node: unknown = input;
  for (const key of path) {
    node = isRecord(node) || Array.isArray(node) ? (node as Record<Key, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      const id = isRecord(node) ? (node.id ?? node.name) : undefined;
      out += `[${key}]${typeof id === 'string' && id.length <= 64 ? ` ${JSON.stringify(id)}` : ''}`;
    } else {
      out += `${out ? '.' : ''}${String(key)}`;
    }
  }
  return out || 'plan';
}

function valueAt(path: readonly Key[], input: unknown): unknown {
  let node = input;
  for (const key of path) node = isRecord(node) || Array.isArray(node) ? (node as Record<Key, unknown>)[key] : undefined;
  return node;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function describePlanIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const at = where(issue.path, input);
  if (issue.code === 'unrecognized_keys') {
    return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const got = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const options = (issue as { options?: unknown[] }).options ?? [];
    const field = issue.discriminator;
    const value = valueAt(issue.path, input);
    if (value === undefined) return `${at}: is required: must be one of ${options.join(', ')}`;
    return `${at}: must be one of ${options.join(', ')}${field === 'op' ? ' for this tool' : ''} (got ${shown(value)})`;
  }
  if (got === undefined && issue.code === 'invalid_type') return `${at}: is required: ${issue.message}`;
  const suffix = got === undefined || typeof got === 'object' ? '' : ` (got ${shown(got)})`;
  return `${at}: ${issue.message}${suffix}`;
}
