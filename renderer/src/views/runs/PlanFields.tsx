// The plan builder's inputs: name and repeats, the targets (a test file or a device on a node)
// and the workloads (dd, fio, iperf3), each row with its own testids for the e2e tests.
import type { ReactNode } from 'react';
import { newTarget, newWorkload, TARGET_DIR, type PlanForm, type TargetForm, type WorkloadForm, type WorkloadKind } from './plan-form.js';

type Change = (update: (form: PlanForm) => PlanForm) => void;

function Field({ label, narrow, children }: { label: string; narrow?: boolean; children: ReactNode }) {
  return (
    <label className={`field${narrow ? ' narrow' : ''}`}>
      <span>{label}</span>
      {children}
    </label>
  );
}

function NodeSelect({ value, nodes, onChange, testId }: { value: string; nodes: readonly string[]; onChange: (v: string) => void; testId: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {!nodes.includes(value) && <option value={value}>{value || 'pick a node'}</option>}
      {nodes.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

function TargetRow({ t, nodes, update, remove }: { t: TargetForm; nodes: readonly string[]; update: (patch: Partial<TargetForm>) => void; remove: () => void }) {
  return (
    <div className="plan-row" data-testid="target-row" data-target-name={t.name}>
      <Field label="Name">
        <input value={t.name} onChange={(e) => update({ name: e.target.value })} data-testid="target-name" />
      </Field>
      <Field label="Node">
        <NodeSelect value={t.node} nodes={nodes} onChange={(node) => update({ node })} testId="target-node" />
      </Field>
      <Field label="Kind">
        <select value={t.kind} onChange={(e) => update({ kind: e.target.value as TargetForm['kind'] })} data-testid="target-kind">
          <option value="file">test file</option>
          <option value="device">block device</option>
        </select>
      </Field>
      <label className="field grow">
        <span>{t.kind === 'file' ? `File (under ${TARGET_DIR} needs no confirmation)` : 'Device'}</span>
        <input className="mono" value={t.path} onChange={(e) => update({ path: e.target.value })} placeholder={t.kind === 'file' ? `${TARGET_DIR}/scratch.dat` : '/dev/sdb'} data-testid="target-path" />
      </label>
      <Field label="Size" narrow>
        <input value={t.size} onChange={(e) => update({ size: e.target.value })} placeholder="optional" title="The file's or device's expected size, recorded with the run (e.g. 20G)" data-testid="target-size" />
      </Field>
      {t.kind === 'device' && (
        <label className="field grow">
          <span>Type the device and its size to allow overwriting it</span>
          <input className="mono" value={t.confirm} onChange={(e) => update({ confirm: e.target.value })} placeholder="/dev/sdb 500G" data-testid="target-confirm" />
        </label>
      )}
      <button type="button" className="small-btn row-remove" onClick={remove} aria-label={`Remove target ${t.name}`} data-testid="target-remove">
        Remove
      </button>
    </div>
  );
}

function SizeFields({ w, update }: { w: { size: string; blockSize: string }; update: (patch: { size?: string; blockSize?: string }) => void }) {
  return (
    <>
      <Field label="Size" narrow>
        <input value={w.size} onChange={(e) => update({ size: e.target.value })} placeholder="20G" data-testid="workload-size" />
      </Field>
      <Field label="Block size" narrow>
        <input value={w.blockSize} onChange={(e) => update({ blockSize: e.target.value })} placeholder="64k" data-testid="workload-bs" />
      </Field>
    </>
  );
}

function ToolFields({ w, nodes, update }: { w: WorkloadForm; nodes: readonly string[]; update: (patch: Partial<WorkloadForm>) => void }) {
  switch (w.tool) {
    case 'dd':
      return (
        <>
          <SizeFields w={w} update={update} />
          <Field label="Mode">
            <select value={w.mode} onChange={(e) => update({ mode: e.target.value as typeof w.mode })} data-testid="workload-mode">
              {w.op === 'write' ? <option value="fdatasync">conv=fdatasync</option> : <option value="dropcache">buffered, caches dropped</option>}
              <option value="direct">{w.op === 'write' ? 'oflag=direct' : 'iflag=direct'}</option>
            </select>
          </Field>
        </>
      );
    case 'fio':
      return (
        <>
          <Field label="Op">
            <select value={w.op} onChange={(e) => update({ op: e.target.value as typeof w.op })} data-testid="fio-op">
              <option value="write">sequential write</option>
              <option value="read">sequential read</option>
            </select>
          </Field>
          <SizeFields w={w} update={update} />
          <Field label="I/O engine">
            <select value={w.ioengine} onChange={(e) => update({ ioengine: e.target.value as typeof w.ioengine, ...(e.target.value === 'psync' ? { iodepth: '1' } : {}) })} data-testid="fio-ioengine">
              <option value="psync">psync (what dd does)</option>
              <option value="libaio">libaio (asynchronous)</option>
            </select>
          </Field>
          <Field label="I/O depth" narrow>
            <input type="number" min={1} max={64} value={w.iodepth} disabled={w.ioengine === 'psync'} onChange={(e) => update({ iodepth: e.target.value })} data-testid="fio-iodepth" />
          </Field>
        </>
      );
    case 'iperf3':
      return (
        <>
          <Field label="Direction">
            <select value={w.direction} onChange={(e) => update({ direction: e.target.value as typeof w.direction })} data-testid="iperf-direction">
              <option value="send">send (client → server)</option>
              <option value="receive">receive (-R, server → client)</option>
            </select>
          </Field>
          <Field label="Client">
            <NodeSelect value={w.client} nodes={nodes} onChange={(client) => update({ client })} testId="iperf-client" />
          </Field>
          <Field label="Server">
            <NodeSelect value={w.server} nodes={nodes} onChange={(server) => update({ server })} testId="iperf-server" />
          </Field>
          <Field label="Seconds" narrow>
            <input type="number" min={1} max={3600} value={w.durationS} onChange={(e) => update({ durationS: e.target.value })} data-testid="iperf-duration" />
          </Field>
          <Field label="Streams" narrow>
            <input type="number" min={1} max={128} value={w.parallel} onChange={(e) => update({ parallel: e.target.value })} data-testid="iperf-parallel" />
          </Field>
        </>
      );
  }
}

const TOOL_TITLE = { dd: 'dd', fio: 'fio', iperf3: 'iperf3' } as const;
const ADD_WORKLOAD: { kind: WorkloadKind; title: string }[] = [
  { kind: 'dd-write', title: 'dd write' },
  { kind: 'dd-read', title: 'dd read' },
  { kind: 'fio', title: 'fio' },
  { kind: 'iperf3', title: 'iperf3' },
];

export function PlanFields({ form, nodes, change }: { form: PlanForm; nodes: readonly string[]; change: Change }) {
  const setTarget = (k: number, patch: Partial<TargetForm>) => change((f) => ({ ...f, targets: f.targets.map((t) => (t.key === k ? { ...t, ...patch } : t)) }));
  const setWorkload = (k: number, patch: Partial<WorkloadForm>) => change((f) => ({ ...f, workloads: f.workloads.map((w) => (w.key === k ? ({ ...w, ...patch } as WorkloadForm) : w)) }));
  return (
    <>
      <div className="row">
        <label className="field grow">
          <span>Plan name</span>
          <input value={form.name} onChange={(e) => change((f) => ({ ...f, name: e.target.value }))} data-testid="plan-name" />
        </label>
        <Field label="Repeats" narrow>
          <input type="number" min={1} max={1000} value={form.repeats} onChange={(e) => change((f) => ({ ...f, repeats: e.target.value }))} data-testid="plan-repeats" />
        </Field>
      </div>
      <fieldset className="field" data-testid="plan-targets">
        <legend>Targets (where storage workloads read and write)</legend>
        {form.targets.map((t) => (
          <TargetRow key={t.key} t={t} nodes={nodes} update={(p) => setTarget(t.key, p)} remove={() => change((f) => ({ ...f, targets: f.targets.filter((x) => x.key !== t.key) }))} />
        ))}
        <button type="button" className="small-btn add-row" onClick={() => change((f) => ({ ...f, targets: [...f.targets, newTarget(nodes, f)] }))} data-testid="add-target">
          + target
        </button>
      </fieldset>
      <fieldset className="field" data-testid="plan-workloads">
        <legend>Workloads (each runs on every target, every repeat)</legend>
        {form.workloads.length === 0 && <p className="muted small">No workload yet: add one below.</p>}
        {form.workloads.map((w) => (
          <div key={w.key} className="plan-row" data-testid="workload-row" data-tool={w.tool} data-workload-id={w.id}>
            <span className="tool-tag">{TOOL_TITLE[w.tool]}{w.tool === 'dd' ? ` ${w.op}` : ''}</span>
            <Field label="Id">
              <input value={w.id} onChange={(e) => setWorkload(w.key, { id: e.target.value })} data-testid="workload-id" />
            </Field>
            <ToolFields w={w} nodes={nodes} update={(p) => setWorkload(w.key, p)} />
            <button type="button" className="small-btn row-remove" onClick={() => change((f) => ({ ...f, workloads: f.workloads.filter((x) => x.key !== w.key) }))} aria-label={`Remove workload ${w.id}`} data-testid="workload-remove">
              Remove
            </button>
          </div>
        ))}
        <div className="presets">
          {ADD_WORKLOAD.map((a) => (
            <button key={a.kind} type="button" className="small-btn" onClick={() => change((f) => ({ ...f, workloads: [...f.workloads, newWorkload(a.kind, nodes, f)] }))} data-testid={`add-workload-${a.kind}`}>
              + {a.title}
            </button>
          ))}
        </div>
      </fieldset>
    </>
  );
}
