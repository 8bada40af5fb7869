// Golden files: test/fixtures/vmconfig/NAME.json renders to NAME.qemu.json, NAME.xml and
// NAME.xl.cfg (or NAME.<format>.err holding the one-line refusal). Regenerate only on purpose:
//   IOVLAB_UPDATE_GOLDENS=1 node --import tsx --test test/unit/vmconfig-golden.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import {
  DISK_AIOS,
  DISK_BACKINGS,
  DISK_BUSES,
  DISK_CACHES,
  NIC_MODELS,
  RENDER_FORMATS,
  parseVmConfigText,
  renderConfig,
  type RenderFormat,
  type VmConfig,
} from '../../shared/vmconfig/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'vmconfig');
const UPDATE = process.env['IOVLAB_UPDATE_GOLDENS'] === '1';
const EXT: Record<RenderFormat, string> = { qemu: '.qemu.json', libvirt: '.xml', xl: '.xl.cfg' };

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.qemu.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

function load(name: string): VmConfig {
  return parseVmConfigText(readFileSync(join(DIR, `${name}.json`), 'utf8'));
}

function renderOrError(cfg: VmConfig, format: RenderFormat): { ok: true; text: string } | { ok: false; text: string } {
  try {
    return { ok: true, text: renderConfig(cfg, format) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { ok: false, text: `${e.message}\n` };
  }
}

for (const name of names) {
  for (const format of RENDER_FORMATS) {
    test(`golden ${name} --format ${format}`, () => {
      const got = renderOrError(load(name), format);
      const outFile = join(DIR, name + EXT[format]);
      const errFile = join(DIR, `${name}.${format}.err`);
      if (UPDATE) {
        writeFileSync(got.ok ? outFile : errFile, got.text);
        rmSync(got.ok ? errFile : outFile, { force: true });
        return;
      }
      assert.ok(existsSync(outFile) !== existsSync(errFile), `exactly one of ${outFile} / ${errFile} must exist (set IOVLAB_UPDATE_GOLDENS=1 to create it)`);
      if (existsSync(outFile)) {
        assert.ok(got.ok, `expected a rendering, got the refusal: ${got.text}`);
        assert.equal(got.text, readFileSync(outFile, 'utf8'));
      } else {
        assert.ok(!got.ok, `expected a refusal, got a rendering:\n${got.text}`);
        assert.equal(got.text, readFileSync(errFile, 'utf8'));
        assert.equal(got.text.trimEnd().split('\n').length, 1, 'a refusal is one line');
      }
    });
  }
}

test('the golden configurations cover every bus, backing, cache, aio and both NICs', () => {
  const cfgs = names.map(load);
  const seen = (pick: (c: VmConfig) => string) => new Set(cfgs.map(pick));
  for (const [what, all, pick] of [
    ['bus', DISK_BUSES, (c: VmConfig) => c.disk.bus],
    ['backing', DISK_BACKINGS, (c: VmConfig) => c.disk.backing],
    ['cache', DISK_CACHES, (c: VmConfig) => c.disk.cache],
    ['aio', DISK_AIOS, (c: VmConfig) => c.disk.aio],
    ['nic', NIC_MODELS, (c: VmConfig) => c.nic.model],
  ] as const) {
    const s = seen(pick);
    for (const v of all) assert.ok(s.has(v), `no golden configuration uses ${what} ${v}`);
  }
  assert.ok(names.length >= 12, `a dozen configurations at least (have ${names.length})`);
});

test('each golden QEMU argv is one JSON array line whose first element is the binary', () => {
  for (const name of names) {
    const file = join(DIR, `${name}.qemu.json`);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split('\n').length, 2, `${name}: one line plus the newline`);
    const argv = JSON.parse(text) as unknown;
    assert.ok(Array.isArray(argv) && argv.every((a) => typeof a === 'string'));
    assert.equal(argv[0], 'qemu-system-x86_64');
  }
});

test('no generated libvirt XML has <address> or <graphics>, and every one has <acpi/>', () => {
  for (const name of names) {
    const file = join(DIR, `${name}.xml`);
    if (!existsSync(file)) continue;
    const xml = readFileSync(file, 'utf8');
    assert.doesNotMatch(xml, /<address[\s/>]/, name);
    assert.doesNotMatch(xml, /<graphics[\s/>]/, name);
    assert.match(xml, /<features>\s*<acpi\/>\s*<\/features>/, name);
  }
});
