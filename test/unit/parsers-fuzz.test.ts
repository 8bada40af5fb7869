// Mutation fuzzing of every parser from its real fixtures: a mutated output must give either a
// result whose figures are all finite and non-negative, or a ToolParseError — never another
// exception, never NaN or Infinity. The generator is seeded so a failure can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { PARSERS, TOOLS, type ToolName } from '../../shared/parsers/index.js';
import { parseIostatReports } from '../../shared/parsers/iostat.js';
import { ToolParseError } from '../../shared/parsers/errors.js';
import { mulberry32 as rng } from '../helpers/prng.js';

const CASES_PER_TOOL = 3000;
const SEED = Number(process.env.IOVLAB_FUZZ_SEED ?? 20101);


const GARBAGE = ['NaN', 'nan', 'inf', 'Infinity', '-1', '-0.5', '1e999', '1e-400', '', 'x', '0x10', '99999999999999999999999', '1,5', '.', '--', '1.2.3', '⁴²'];
const CHARS = '0123456789.,-+eE :;/{}[]"\n\tabcxyzKMGB%()';

function mutate(text: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const lines = text.split('\n');
  const at = (n: number): number => Math.floor(next() * n);
  switch (at(7)) {
    case 0:
      return text.slice(0, at(text.length + 1));
    case 1:
      lines.splice(at(lines.length), 1);
      return lines.join('\n');
    case 2: {
      const i = at(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 3: {
      const i = at(text.length);
      return text.slice(0, i) + pick([...CHARS]) + text.slice(i + 1);
    }
    case 4: {
      const numbers = [...text.matchAll(/\d+(\.\d+)?/g)];
      const m = numbers.length > 0 ? pick(numbers) : undefined;
      if (!m || m.index === undefined) return text;
      return text.slice(0, m.index) + pick(GARBAGE) + text.slice(m.index + m[0].length);
    }
    case 5: {
      const i = at(lines.length);
      const j = at(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    default:
      return mutate(mutate(text, next), next);
  }
}

function badFigure(value: unknown, path = 'result'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? undefined : `${path} = ${value}`;
  if (Array.isArray(value)) return value.map((v, i) => badFigure(v, `${path}[${i}]`)).find((x) => x !== undefined);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([k, v]) => badFigure(v, `${path}.${k}`)).find((x) => x !== undefined);
  return undefined;
}

function fixtures(tool: ToolName): string[] {
  const dir = new URL(`../fixtures/tools/${tool}/`, import.meta.url);
  return readdirSync(dir).map((f) => readFileSync(new URL(f, dir), 'utf8'));
}

function check(label: string, parse: (t: string) => unknown, input: string, seed: number, index: number): void {
  try {
    const bad = badFigure(parse(input));
    assert.equal(bad, undefined, `${label}: case ${index} (seed ${seed}) gave ${bad} for input ${JSON.stringify(input.slice(0, 300))}`);
  } catch (e) {
    if (e instanceof ToolParseError) return;
    assert.fail(`${label}: case ${index} (seed ${seed}) threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} for input ${JSON.stringify(input.slice(0, 300))}`);
  }
}

for (const tool of TOOLS) {
  test(`fuzz: ${CASES_PER_TOOL} mutated ${tool} outputs give a sane result or a ToolParseError`, () => {
    const next = rng(SEED + tool.length * 7919);
    const samples = fixtures(tool);
    assert.ok(samples.length > 0);
    for (let i = 0; i < CASES_PER_TOOL; i++) {
      const input = mutate(samples[i % samples.length] ?? '', next);
      check(tool, PARSERS[tool], input, SEED, i);
      if (tool === 'iostat') check('iostat reports', parseIostatReports, input, SEED, i);
    }
  });
}
