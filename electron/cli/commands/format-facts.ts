import type { NodeFacts } from '../../../shared/facts.js';
import { describeVmNoise } from '../../../shared/experiments.js';
import { PROBED_TOOLS } from '../../../shared/facts.js';

const GiB = 1024 ** 3;

/** A short human summary of a probe for the terminal; --json gives everything. */
export function formatFacts(facts: NodeFacts): string {
  const lines = [
    `distro:  ${facts.distro.prettyName ?? facts.distro.name ?? 'unknown'}`,
    `kernel:  ${facts.kernel ?? 'unknown'} (${facts.arch ?? '?'})`,
    `cpu:     ${facts.cpu.model ?? 'unknown'} × ${facts.cpu.cores ?? '?'}  virt: ${facts.cpu.virtFlags.join(',') || 'none'}  /dev/kvm: ${facts.kvmDevice ? 'yes' : 'no'}`,
    `memory:  ${facts.memoryBytes === null ? 'unknown' : `${(facts.memoryBytes / GiB).toFixed(1)} GiB`}`,
    ...(facts.vmNoise ? [`vm:      ${describeVmNoise(facts.vmNoise)}`] : []),
    `disks:   ${facts.blockDevices.filter((d) => d.type === 'disk').map((d) => `${d.name} ${d.sizeBytes === null ? '?' : `${(d.sizeBytes / GiB).toFixed(0)}G`}`).join(', ') || 'none'}`,
    `nics:    ${facts.nics.map((n) => `${n.name} mtu ${n.mtu ?? '?'}${n.speedMbps ? ` ${n.speedMbps}Mb/s` : ''}`).join(', ') || 'none'}`,
    'tools:',
    ...PROBED_TOOLS.map((t) => `  ${t.padEnd(20)} ${facts.tools[t].installed ? (facts.tools[t].version ?? 'installed') : 'missing'}`),
  ];
  for (const w of facts.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

