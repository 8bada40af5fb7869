// The report's descriptive sections: labs and node facts, configurations (QEMU command line,
// libvirt XML, xl.cfg: as run, or rendered from the plan, and said which), and the provenance
// appendix (tool versions, kernels, accelerators, dates).
import { describeVmNoise } from '../../../../shared/experiments.js';
import type { ConfigTexts, ConfigVM, ProvenanceVM, ReportLab } from '../../../../shared/report/index.js';

/** ISO time as "2026-11-26 10:00:00 UTC": unambiguous in a printed report. */
const shortTime = (iso: string | null): string => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '—');

export function LabsSection({ labs }: { labs: ReportLab[] }) {
  return (
    <section data-testid="report-labs">
      <h3>Lab</h3>
      {labs.map((lab) => (
        <div key={lab.id} className="subcard">
          <p>
            <span className="strong">{lab.name}</span> {lab.description ? <span className="muted">— {lab.description}</span> : null}
          </p>
          {lab.nodes.length === 0 ? (
            <p className="small muted">No nodes recorded (runs imported from outputs or a bundle).</p>
          ) : (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Roles</th>
                  <th>Host</th>
                  <th>OS / kernel</th>
                  <th>CPU</th>
                  <th>KVM</th>
                  <th title="Whether the node is itself a VM that gives freed memory back to its hypervisor, which makes buffered writes vary">Memory</th>
                  <th>Probed</th>
                </tr>
              </thead>
              <tbody>
                {lab.nodes.map((n) => (
                  <tr key={n.name}>
                    <td>{n.name}</td>
                    <td>{n.roles.join(', ')}</td>
                    <td className="mono">{n.host}</td>
                    <td>{n.facts ? `${n.facts.distro.prettyName ?? '—'} / ${n.facts.kernel ?? '—'}` : 'not probed'}</td>
                    <td>{n.facts ? `${n.facts.cpu.model ?? '—'} (${n.facts.cpu.cores ?? '?'} cores${n.facts.cpu.virtFlags.length ? `, ${n.facts.cpu.virtFlags.join('/')}` : ''})` : '—'}</td>
                    <td>{n.facts ? (n.facts.kvmDevice ? '/dev/kvm' : 'none') : '—'}</td>
                    <td className="small">{n.facts?.vmNoise ? describeVmNoise(n.facts.vmNoise) : '—'}</td>
                    <td className="small">{n.probedAt ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

const CONFIG_TEXTS = [
  { field: 'qemu', title: 'QEMU command' },
  { field: 'libvirt', title: 'libvirt domain' },
  { field: 'xen', title: 'Xen xl.cfg' },
  { field: 'eucalyptus', title: 'Eucalyptus node configuration' },
] as const satisfies readonly { field: keyof ConfigTexts; title: string }[];

function textKinds(c: ConfigTexts): string {
  const titles: string[] = CONFIG_TEXTS.filter(({ field }) => c[field]).map(({ title }) => title);
  return titles.join(', ');
}

/** Says whether the texts are what the run stored or a re-rendering that may differ from what ran. */
function sourceText(c: ConfigVM): string {
  if (c.source === 'plan') return 'rendered from the plan (the run stored none; paths and accelerator may differ from what ran)';
  const s = c.fromStep;
  return s ? `as run (run ${s.runId}, step ${s.index + 1}${s.node ? `, on ${s.node}` : ''})` : 'as run';
}

export function ConfigsSection({ configs, open = false }: { configs: ConfigVM[]; open?: boolean }) {
  return (
    <section data-testid="report-configs">
      <h3>Configurations</h3>
      <table className="table compact">
        <thead>
          <tr>
            <th>Configuration</th>
            <th>Set (label)</th>
            <th>Runs</th>
            <th>In the paper's terms</th>
            <th>Devices</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {configs.map((c) => (
            <tr key={c.key} data-testid="config-row">
              <td className="strong">{c.name}</td>
              <td>{c.setLabel}</td>
              <td>{c.runIds.join(', ')}</td>
              <td>{c.paperLabel}</td>
              <td>{c.label}</td>
              <td className="mono small">
                {Object.entries(c.tags)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {configs
        .filter((c) => c.qemu || c.libvirt || c.xen || c.eucalyptus)
        .map((c) => (
          <details key={`cmd-${c.key}`} className="config-detail" open={open} data-testid="config-detail" data-source={c.source ?? 'none'}>
            <summary>
              {c.name}: {textKinds(c)} <span className="muted" data-testid="config-source">— {sourceText(c)}</span>
            </summary>
            {c.notes.map((n) => (
              <p key={n} className="small muted">{n}</p>
            ))}
            {CONFIG_TEXTS.map(({ field, title }) => {
              const text = c[field];
              return text ? (
                <div key={field}>
                  <p className="small strong">{title}</p>
                  <pre className="code-block">{text}</pre>
                </div>
              ) : null;
            })}
          </details>
        ))}
    </section>
  );
}

export function ProvenanceSection({ p }: { p: ProvenanceVM }) {
  return (
    <section data-testid="report-provenance">
      <h3>Provenance</h3>
      <dl className="kv small">
        <dt>Generated by</dt>
        <dd>{p.app}</dd>
        <dt>Reference data</dt>
        <dd>
          {p.dataset.citation} <span className="mono">sha256 {p.dataset.sha256.slice(0, 16)}…</span>
        </dd>
        <dt>Accelerators</dt>
        <dd>{p.accelerators.join(', ') || 'not recorded'}</dd>
        <dt>Measured</dt>
        <dd>{p.firstStep ? `${shortTime(p.firstStep)} – ${shortTime(p.lastStep)}` : 'no times recorded'}</dd>
        <dt>Kernels</dt>
        <dd>{p.kernels.map((k) => `${k.node}: ${k.kernel}`).join('; ') || 'no probed nodes'}</dd>
        <dt>Tools</dt>
        <dd>{p.tools.map((t) => `${t.node}: ${t.tool} ${t.version}`).join('; ') || 'no probed nodes'}</dd>
      </dl>
      <table className="table compact">
        <thead>
          <tr>
            <th>Run</th>
            <th>Label</th>
            <th>Status</th>
            <th>Steps</th>
            <th>Created</th>
            <th>Finished</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {p.runs.map((r) => (
            <tr key={r.id}>
              <td>
                {r.id} {r.name !== r.label ? r.name : ''}
              </td>
              <td>{r.label}</td>
              <td>{r.status}</td>
              <td>{r.steps}</td>
              <td className="small nowrap">{shortTime(r.createdAt)}</td>
              <td className="small nowrap">{shortTime(r.finishedAt)}</td>
              <td className="mono small">{r.tags || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
