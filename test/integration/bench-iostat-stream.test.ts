// The sampler's incremental parsing on real `iostat -dxk DEVICE 1 N` output from this machine,
// fed the way SSH delivers it: in chunks cut anywhere (mid-line, mid-number). The first report
// (since boot) must be dropped, every later report must become exactly one sample, whatever
// the cuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { IostatStream } from '../../electron/core/bench/iostat-stream.js';
import { parseIostatReports } from '../../shared/parsers/index.js';
import type { IostatSample } from '../../shared/bench/types.js';

function recorded(): { device: string; text: string } | string {
  try {
    const all = execFileSync('iostat', ['-dxk', '1', '1'], { env: { ...process.env, LC_ALL: 'C' } }).toString();
    const device = parseIostatReports(all)[0]?.devices[0]?.device;
    if (!device) return 'iostat lists no block device here';
    return { device, text: execFileSync('iostat', ['-dxk', device, '1', '4'], { env: { ...process.env, LC_ALL: 'C' } }).toString() };
  } catch (e) {
    return `iostat not usable (apt-get install sysstat): ${String(e).split('\n')[0] ?? ''}`;
  }
}

const sample = recorded();
const skip = typeof sample === 'string' ? sample : false;

test('real iostat output in arbitrary chunks: the since-boot report is dropped, each later report is one sample', { skip }, () => {
  if (typeof sample === 'string') return;
  const whole = new IostatStream(sample.device).push(sample.text, 1);
  assert.equal(whole.length, 3, '4 reports, the first one since boot');
  const expected = parseIostatReports(sample.text).slice(1).map((r) => r.devices[0]);
  whole.forEach((s, i) => {
    assert.equal(s.device, sample.device);
    assert.equal(s.wMBps, expected[i]?.wMBps);
    assert.equal(s.utilPct, expected[i]?.utilPct);
    for (const v of [s.rMBps, s.wMBps, s.avgRqSectors, s.avgQueue, s.utilPct]) assert.ok(Number.isFinite(v) && v >= 0);
  });
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 50; round++) {
    const stream: IostatStream = new IostatStream(sample.device);
    const got: IostatSample[] = [];
    for (let at = 0; at < sample.text.length;) {
      const n = 1 + Math.floor(random() * 40);
      got.push(...stream.push(sample.text.slice(at, at + n), at));
      at += n;
    }
    assert.deepEqual(got.map(({ t: _t, ...rest }) => rest), whole.map(({ t: _t, ...rest }) => rest));
    assert.equal(stream.problem, null);
  }
});

test('a report without the wanted device is a problem, not a sample', { skip }, () => {
  if (typeof sample === 'string') return;
  const stream = new IostatStream('no-such-disk');
  assert.deepEqual(stream.push(sample.text, 0), []);
  assert.match(stream.problem ?? '', /no line for device no-such-disk/);
});
