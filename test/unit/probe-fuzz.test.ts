// Random truncations and mutations of the recorded probe outputs: the parser must either
// reject the output as a PARSE_ERROR or return facts that pass the NodeFacts schema —
// never throw anything else. Seeded, so a failure names a case that can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeFactsSchema } from '../../shared/probe/facts-schema.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import { isAppError } from '../../shared/result.js';
import { mulberry32 as prng } from '../helpers/prng.js';

const FIXTURES = ['debian12-sh.txt', 'debian12-sparse-path.txt', 'old-lsblk.txt', 'lsblk-pairs.txt', 'garbled.txt'];
const texts = FIXTURES.map((f) => readFileSync(new URL(`../fixtures/probe/${f}`, import.meta.url), 'utf8'));


const NASTY = ['@', ':', '\n', '\r', '"', '{', '}', '[', ']', '=', '\\', '\0', '-', '9', ' ', '\t', 'é', '\u{1F4A5}', '@@IOVLAB:', 'null', '1e400', '-1'];
const MARKERS = ['@@IOVLAB:section:lsblk@@', '@@IOVLAB:section:tool.fio@@', '@@IOVLAB:section:nics@@', '@@IOVLAB:error:boom@@', '@@IOVLAB:end@@', '@@IOVLAB:probe:99@@', '@@IOVLAB:probe:x@@', '@@IOVLAB:section:@@', '@@IOVLAB:zzz@@'];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const at = (s: string) => Math.floor(rnd() * (s.length + 1));
  let s = text;
  const steps = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < steps; i++) {
    const lines = s.split('\n');
    const li = Math.floor(rnd() * lines.length);
    switch (Math.floor(rnd() * 8)) {
      case 0: s = s.slice(0, at(s)); break;
      case 1: s = s.slice(at(s)); break;
      case 2: lines.splice(li, 1 + Math.floor(rnd() * 5)); s = lines.join('\n'); break;
      case 3: lines.splice(li, 0, lines[li] ?? '', pick(MARKERS)); s = lines.join('\n'); break;
      case 4: { const p = at(s); s = s.slice(0, p) + pick(NASTY) + s.slice(p + 1); break; }
      case 5: { const p = at(s); s = s.slice(0, p) + pick(NASTY).repeat(1 + Math.floor(rnd() * 50)) + s.slice(p); break; }
      case 6: { const o = pick(texts); const p = at(o); s = s.slice(0, at(s)) + o.slice(p, p + Math.floor(rnd() * 400)); break; }
      default: lines[li] = (lines[li] ?? '').replace(/\d+/g, () => pick(['', '0', '-5', '99999999999999999999', '4.2', 'NaN'])); s = lines.join('\n');
    }
  }
  return s;
}

test('3000 mutated probe outputs: only PARSE_ERROR or facts that pass the schema', () => {
  const rnd = prng(20261125);
  let parsed = 0;
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const input = mutate(texts[i % texts.length] ?? '', rnd);
    let facts: unknown;
    try {
      facts = parseProbeOutput(input);
    } catch (e) {
      assert.ok(isAppError(e) && e.code === 'PARSE_ERROR', `case ${i}: threw ${String(e)}\n--- input ---\n${input.slice(0, 2000)}`);
      rejected++;
      continue;
    }
    const check = nodeFactsSchema.safeParse(facts);
    assert.ok(check.success, `case ${i}: invalid facts: ${check.error?.message}\n--- input ---\n${input.slice(0, 2000)}`);
    parsed++;
  }
  // Both outcomes must actually occur, or the mutations are too tame (or too wild).
  assert.ok(parsed > 1000 && rejected > 10, `parsed ${parsed}, rejected ${rejected}`);
});

test('deeply nested lsblk JSON, huge numbers and a very long line do not break the parser', () => {
  const base = texts[0] ?? '';
  const deep = `${'{"name":"d","children":['.repeat(5000)}${']}'.repeat(5000)}`;
  const lsblk = `@@IOVLAB:section:lsblk@@\nformat=json\n{"blockdevices":[${deep},{"name":"big","size":1e400},{"name":"neg","size":-1}]}\n`;
  const text = base.replace(/@@IOVLAB:section:lsblk@@\n[\s\S]*?(?=@@IOVLAB:section:nics@@)/, lsblk).replace('MemTotal:       24684084 kB', `MemTotal: 999999999999999 kB`) + 'x'.repeat(1_000_000);
  const facts = nodeFactsSchema.parse(parseProbeOutput(text));
  let depth = 0;
  for (let d = facts.blockDevices[0]; d; d = d.children[0]) depth++;
  assert.equal(depth, 17);
  assert.deepEqual(facts.blockDevices.slice(1).map((d) => d.sizeBytes), [null, null]);
  assert.equal(facts.memoryBytes, null);
});
