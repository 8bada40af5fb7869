// A new run: build the plan in a form, or paste/import a YAML or JSON plan file. Both are
// checked in the browser with the same parser the CLI uses (its one-line messages shown as
// typed); Start sends the plan to run.start, whose refusals (the destructive-target guard, a
// node the lab lacks) are shown here, inline.
import { useMemo, useState, type ChangeEvent } from 'react';
import { stringify } from 'yaml';
import { parsePlanText } from '../../../../shared/bench/plan-text.js';
import type { Lab } from '../../../../shared/model.js';
import { useApp } from '../../store/index.js';
import { checkForm, checkPlan, emptyForm, formFromPlan, planFromForm, type Checked, type PlanForm } from './plan-form.js';
import { PlanFields } from './PlanFields.js';

type Mode = 'form' | 'text';

/** As typed, the form's problem is a status line; a pasted file's is an alert (the user handed it in). */
function PlanCheck({ checked, testId, role }: { checked: Checked; testId: string; role: 'status' | 'alert' }) {
  if (checked.ok) {
    return (
      <p className="plan-check ok small" data-testid={testId} data-state="valid">
        Plan is valid: {checked.steps} step{checked.steps === 1 ? '' : 's'}.
      </p>
    );
  }
  return (
    <p className="plan-check bad small" role={role} data-testid={testId} data-state="invalid">
      {checked.error}
    </p>
  );
}

function PlanText({ text, setText, checked, onLoadIntoForm }: { text: string; setText: (t: string) => void; checked: Checked | null; onLoadIntoForm: (form: PlanForm) => void }) {
  const [note, setNote] = useState<string | null>(null);
  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) setText(await file.text());
    e.target.value = '';
  };
  const form = checked?.ok ? formFromPlan(checked.plan) : null;
  return (
    <div className="form" data-testid="plan-text-mode">
      <div className="row">
        <label className="field">
          <span>Import a plan file</span>
          <input type="file" accept=".yaml,.yml,.json,text/yaml,application/json" onChange={(e) => void readFile(e)} data-testid="plan-file" />
        </label>
      </div>
      <label className="field">
        <span>Or paste it (YAML or JSON)</span>
        <textarea className="mono plan-text" rows={16} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} placeholder={'name: my benchmark\nrepeats: 3\ntargets:\n  - { name: scratch, node: front, kind: file, path: /var/tmp/iovlab/scratch.dat }\nworkloads:\n  - { id: dd-write, tool: dd, op: write, size: 1G }'} data-testid="plan-text" />
      </label>
      {checked && <PlanCheck checked={checked} testId="plan-text-check" role="alert" />}
      {form !== null && (
        <div className="row">
          <button
            type="button"
            className="small-btn"
            onClick={() => (typeof form === 'string' ? setNote(`The form cannot show this plan: ${form}. Start it from here.`) : onLoadIntoForm(form))}
            data-testid="plan-load-form"
          >
            Edit in the form
          </button>
          {note && <span className="small muted">{note}</span>}
        </div>
      )}
    </div>
  );
}

export function PlanBuilder({ lab }: { lab: Lab }) {
  const nodes = useMemo(() => lab.nodes.map((n) => n.name), [lab.nodes]);
  const startRun = useApp((s) => s.startRun);
  const showRuns = useApp((s) => s.showRuns);
  const starting = useApp((s) => Boolean(s.busy['runs:start']));
  const [mode, setMode] = useState<Mode>('form');
  const [form, setForm] = useState<PlanForm>(() => emptyForm(nodes));
  const [text, setText] = useState('');
  /** Until the user edits the text, it follows the form (regenerated on every switch). */
  const [textEdited, setTextEdited] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);

  const formChecked = useMemo(() => checkForm(form), [form]);
  const textChecked = useMemo(() => (text.trim() === '' ? null : checkPlan(() => parsePlanText(text, 'pasted plan'))), [text]);
  const checked = mode === 'form' ? formChecked : textChecked;

  const change = (update: (f: PlanForm) => PlanForm) => {
    setForm(update);
    setStartError(null);
  };
  const toText = () => {
    // The form as a plan file, so it can be kept, edited further or run with `iovlab run`.
    if (!textEdited || text.trim() === '') setText(stringify(planFromForm(form)));
    setMode('text');
  };
  const start = async () => {
    if (!checked?.ok) return;
    setStartError(null);
    const r = await startRun(lab.id, checked.plan);
    if (!r.ok) setStartError(r.error.message);
  };

  return (
    <section className="card" data-testid="plan-builder">
      <div className="card-head">
        <h2>New run</h2>
        <button type="button" className="link" onClick={() => showRuns('runs')} data-testid="plan-back">
          ← runs of {lab.name}
        </button>
      </div>
      <div className="runs-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'form'} className={mode === 'form' ? 'runs-tab active' : 'runs-tab'} onClick={() => setMode('form')} data-testid="plan-mode-form">
          Build in a form
        </button>
        <button type="button" role="tab" aria-selected={mode === 'text'} className={mode === 'text' ? 'runs-tab active' : 'runs-tab'} onClick={toText} data-testid="plan-mode-text">
          Paste or import YAML / JSON
        </button>
      </div>
      {mode === 'form' ? (
        <div className="form" data-testid="plan-form">
          <PlanFields form={form} nodes={nodes} change={change} />
          <PlanCheck checked={formChecked} testId="plan-check" role="status" />
        </div>
      ) : (
        <PlanText
          text={text}
          setText={(t) => {
            setText(t);
            setTextEdited(true);
            setStartError(null);
          }}
          checked={textChecked}
          onLoadIntoForm={(f) => {
            setForm(f);
            setTextEdited(false);
            setMode('form');
          }}
        />
      )}
      {startError && (
        <div className="alert inline" role="alert" data-testid="start-error">
          <div className="alert-body">
            <strong>The run was not started</strong>
            <span className="alert-message">{startError}</span>
          </div>
        </div>
      )}
      <div className="form-actions plan-actions">
        <button type="button" className="primary" disabled={!checked?.ok || starting} aria-busy={starting} onClick={() => void start()} data-testid="start-run">
          {starting ? 'Checking targets…' : 'Start run'}
        </button>
      </div>
    </section>
  );
}
