import { PROBED_TOOLS, type BlockDevice, type NodeFacts } from '../../../shared/facts.js';
import { formatBytes, orDash } from './format.js';

function flatten(devices: BlockDevice[], depth = 0): { device: BlockDevice; depth: number }[] {
  return devices.flatMap((device) => [{ device, depth }, ...flatten(device.children, depth + 1)]);
}

export function BlockDevicesTable({ devices }: { devices: BlockDevice[] }) {
  if (devices.length === 0) return <p className="small muted">No block devices reported.</p>;
  return (
    <table className="table compact" data-testid="facts-block-devices">
      <thead>
        <tr>
          <th>Device</th>
          <th>Type</th>
          <th className="num">Size</th>
          <th>Model</th>
          <th>Filesystem</th>
          <th>Mounted at</th>
        </tr>
      </thead>
      <tbody>
        {flatten(devices).map(({ device, depth }, i) => (
          <tr key={`${device.name}-${i}`}>
            <td className={`mono indent-${Math.min(depth, 4)}`}>
              {depth > 0 ? '└ ' : ''}
              {device.name}
            </td>
            <td>{orDash(device.type)}</td>
            <td className="num nowrap">{formatBytes(device.sizeBytes)}</td>
            <td>{orDash(device.model)}</td>
            <td>{orDash(device.fsType)}</td>
            <td className="mono small">{device.mountpoints.join(', ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NicsTable({ nics }: { nics: NodeFacts['nics'] }) {
  if (nics.length === 0) return <p className="small muted">No network interfaces reported.</p>;
  return (
    <table className="table compact" data-testid="facts-nics">
      <thead>
        <tr>
          <th>Interface</th>
          <th>State</th>
          <th className="num">Speed</th>
          <th className="num">MTU</th>
          <th>MAC</th>
        </tr>
      </thead>
      <tbody>
        {nics.map((nic) => (
          <tr key={nic.name}>
            <td className="mono">{nic.name}</td>
            <td>{orDash(nic.state)}</td>
            <td className="num nowrap">{nic.speedMbps === null ? '—' : nic.speedMbps >= 1000 ? `${nic.speedMbps / 1000} Gbit/s` : `${nic.speedMbps} Mbit/s`}</td>
            <td className="num">{orDash(nic.mtu)}</td>
            <td className="mono small">{orDash(nic.mac)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ToolsTable({ tools }: { tools: NodeFacts['tools'] }) {
  return (
    <table className="table compact" data-testid="facts-tools">
      <thead>
        <tr>
          <th>Tool</th>
          <th>Status</th>
          <th>Version</th>
          <th>Path</th>
        </tr>
      </thead>
      <tbody>
        {PROBED_TOOLS.map((name) => {
          const tool = tools[name];
          const installed = tool?.installed ?? false;
          return (
            <tr key={name} data-testid="tool-row" data-tool={name} data-installed={installed ? 'yes' : 'no'}>
              <td className="mono">{name}</td>
              <td>{installed ? <span className="badge ok">installed</span> : <span className="badge bad">missing</span>}</td>
              <td className="mono small">{installed ? orDash(tool?.version) : ''}</td>
              <td className="mono small">{installed ? orDash(tool?.path) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
