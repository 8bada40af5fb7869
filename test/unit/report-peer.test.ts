// Figure 4 splits network results by peer (driver domain vs other host). The local lab's network
// preset measures both peers under one configuration and names the peer in each workload id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peerOfWorkload } from '../../shared/report/config-facts.js';
import { buildPresetPlan, type PresetLab } from '../../shared/presets/index.js';

const lab: PresetLab = {
  accel: 'tcg', frontLab: '10.236.7.1', backLab: '10.236.7.2', nbdUrl: 'nbd://10.236.7.1:10809/vol0', aoeTarget: 'aoe:e1.0', memoryMiB: 512, diskDir: '/var/lib/iovlab/local-lab/disks',
};

test('every iperf3 workload of the network preset names its peer, and the report reads it', () => {
  const { plan } = buildPresetPlan('shafer2010-network', lab);
  const peers = plan.workloads.map((w) => [w.id, peerOfWorkload(w.id)]);
  assert.deepEqual(peers.map(([, p]) => p).sort(), ['driver-domain', 'driver-domain', 'other-host', 'other-host']);
  assert.equal(peerOfWorkload('dd-write'), null);
  assert.equal(peerOfWorkload('net-send'), null);
});
