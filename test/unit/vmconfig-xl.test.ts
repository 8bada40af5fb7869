// The xl.cfg renderer checked by Xen's own parser: a tiny C program linked against libxlutil
// (Debian: libxen-dev, plus gcc and pkg-config) reads each generated file the way `xl create`
// does and parses every disk spec with xlu_disk_parse. Strings come back hex-encoded so paths
// with quotes, commas and `$()` can be compared byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, parseVmConfigText, renderXlCfg, xlString, type VmConfig } from '../../shared/vmconfig/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'vmconfig');

const CHECKER_C = String.raw`
#include <stdio.h>
#include <libxl.h>
#include <libxl_utils.h>
#include <libxlutil.h>
static void hex(const char *s) { for (; *s; s++) printf("%02x", (unsigned char)*s); }
int main(int argc, char **argv) {
  XLU_Config *cfg = xlu_cfg_init(stderr, argv[1]);
  if (!cfg || xlu_cfg_readfile(cfg, argv[1])) return 2;
  const char *keys[] = { "name", "type", "kernel", "ramdisk", "extra", "serial", "boot", 0 };
  for (int i = 0; keys[i]; i++) {
    const char *v;
    if (!xlu_cfg_get_string(cfg, keys[i], &v, 0)) { printf("%s ", keys[i]); hex(v); printf("\n"); }
  }
  const char *longs[] = { "memory", "vcpus", "xen_platform_pci", 0 };
  for (int i = 0; longs[i]; i++) {
    long v;
    if (!xlu_cfg_get_long(cfg, longs[i], &v, 0)) printf("%s %ld\n", longs[i], v);
  }
  XLU_ConfigList *list; int n;
  if (!xlu_cfg_get_list(cfg, "disk", &list, &n, 0)) for (int i = 0; i < n; i++) {
    const char *spec = xlu_cfg_get_listitem(list, i);
    libxl_device_disk d; libxl_device_disk_init(&d);
    if (xlu_disk_parse(cfg, 1, &spec, &d)) return 3;
    printf("disk %s %s %s %d ", d.vdev, libxl_disk_format_to_string(d.format), libxl_disk_backend_to_string(d.backend), d.readwrite);
    hex(d.pdev_path); printf("\n");
  }
  if (!xlu_cfg_get_list(cfg, "vif", &list, &n, 0)) for (int i = 0; i < n; i++) {
    printf("vif "); hex(xlu_cfg_get_listitem(list, i)); printf("\n");
  }
  return 0;
}
`;

function buildChecker(): { binary: string; dir: string } | string {
  if (spawnSync('sh', ['-c', 'command -v gcc && command -v pkg-config'], { stdio: 'ignore' }).status !== 0) return 'gcc or pkg-config is not installed';
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'xlutil', 'xenlight'], { encoding: 'utf8' });
  if (flags.status !== 0) return 'libxlutil is not installed (apt-get install --no-install-recommends libxen-dev)';
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-xl-'));
  writeFileSync(join(dir, 'check.c'), CHECKER_C);
  const binary = join(dir, 'check');
  const cc = spawnSync('gcc', ['-o', binary, join(dir, 'check.c'), ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `could not build the libxlutil checker: ${cc.stderr.split('\n')[0]}`;
  }
  return { binary, dir };
}

const checker = buildChecker();
const skip = typeof checker === 'string' ? checker : false;

interface Parsed {
  strings: Map<string, string>;
  longs: Map<string, number>;
  disks: { vdev: string; format: string; backend: string; rw: number; target: string }[];
  vifs: string[];
}

function runXl(text: string) {
  if (typeof checker === 'string') throw new Error(checker);
  const file = join(checker.dir, 'domain.cfg');
  writeFileSync(file, text);
  return spawnSync(checker.binary, [file], { encoding: 'utf8' });
}

function parseWithXl(text: string): Parsed {
  const r = runXl(text);
  assert.equal(r.status, 0, `libxlutil rejected:\n${text}\n${r.stderr}`);
  const unhex = (h: string) => Buffer.from(h, 'hex').toString('utf8');
  const out: Parsed = { strings: new Map(), longs: new Map(), disks: [], vifs: [] };
  for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
    const f = line.split(' ');
    if (f[0] === 'disk') out.disks.push({ vdev: f[1]!, format: f[2]!, backend: f[3]!, rw: Number(f[4]), target: unhex(f[5] ?? '') });
    else if (f[0] === 'vif') out.vifs.push(unhex(f[1] ?? ''));
    else if (/^-?\d+$/.test(f[1] ?? '') && ['memory', 'vcpus', 'xen_platform_pci'].includes(f[0]!)) out.longs.set(f[0]!, Number(f[1]));
    else out.strings.set(f[0]!, unhex(f[1] ?? ''));
  }
  return out;
}

function fixtureConfigs(): [string, VmConfig][] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.qemu.json'))
    .sort()
    .map((f) => [f, parseVmConfigText(readFileSync(join(DIR, f), 'utf8'))]);
}

test('libxlutil parses every generated xl.cfg back to the configured values', { skip }, () => {
  let checked = 0;
  for (const [label, cfg] of fixtureConfigs()) {
    let text: string;
    try {
      text = renderXlCfg(cfg);
    } catch (e) {
      if (isAppError(e)) continue; // refused on purpose: covered by the goldens
      throw e;
    }
    const got = parseWithXl(text);
    assert.equal(got.strings.get('name'), cfg.name, label);
    assert.equal(got.strings.get('type'), 'hvm', label);
    assert.equal(got.strings.get('kernel'), cfg.kernel, label);
    assert.equal(got.strings.get('ramdisk'), cfg.initrd, label);
    assert.equal(got.strings.get('extra'), cfg.append, label);
    assert.equal(got.longs.get('memory'), cfg.memoryMiB, label);
    assert.equal(got.longs.get('vcpus'), cfg.vcpus, label);
    assert.equal(got.longs.get('xen_platform_pci'), cfg.disk.bus === 'xen' ? undefined : 0, label);
    if (typeof cfg.serial === 'object') assert.equal(got.strings.get('serial'), `file:${cfg.serial.file}`, label);
    const [disk, ...more] = got.disks;
    assert.equal(more.length, 0, label);
    assert.deepEqual(disk, {
      vdev: { xen: 'xvda', 'lsi-scsi': 'sda', ide: 'hda' }[cfg.disk.bus as 'xen'],
      format: cfg.disk.backing === 'qcow2' ? 'qcow2' : 'raw',
      backend: cfg.disk.backing === 'device' ? 'phy' : 'qdisk',
      rw: 1,
      target: cfg.disk.path,
    }, label);
    assert.equal(got.vifs.length, 1, label);
    assert.equal(/(^|, )model=/.test(got.vifs[0]!), cfg.disk.bus !== 'xen', `${label}: PV vif has no model, emulated ones do: ${got.vifs[0]}`);
    checked++;
  }
  assert.ok(checked >= 5, `checked ${checked} xl.cfg files`);
});

test('xl strings carry backslashes, both quotes and commas exactly', { skip }, () => {
  const nasty = `/x/a\\b 'c' "d", e=f $(g) \\' \\\\`;
  const cfg = parseVmConfig({
    name: 'q',
    disk: { bus: 'ide', backing: 'sparse-file', path: nasty },
    nic: { model: 'e1000' },
    kernel: nasty,
    append: nasty,
  });
  const got = parseWithXl(renderXlCfg(cfg));
  assert.equal(got.strings.get('kernel'), nasty);
  assert.equal(got.strings.get('extra'), nasty);
  assert.equal(got.disks[0]?.target, nasty);
  assert.equal(parseWithXl(`extra = ${xlString('')}\n`).strings.get('extra'), '');
  // Negative control: the parser does reject an unescaped quote, so the checks above mean something.
  assert.notEqual(runXl(`extra = 'it's'\n`).status, 0);
});

test('characters xl cannot carry (control characters) are refused by the schema', () => {
  for (const bad of ['/a\nb', '/a\u0000b', '/a\tb']) {
    assert.throws(() => parseVmConfig({ name: 'q', disk: { bus: 'xen', backing: 'device', path: bad }, nic: { model: 'e1000' } }), /disk\.path: must not contain control characters/);
  }
});

test.after(() => {
  if (typeof checker !== 'string') rmSync(checker.dir, { recursive: true, force: true });
});
