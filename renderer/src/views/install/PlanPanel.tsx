// The dry run of the picked recipe on this lab: every step in run order with its side, the nodes
// it would run on, its check/action/verify commands and what it needs; the preflight (reads the
// nodes, changes nothing) and Run. Nothing runs until Run is clicked.
import { useState } from 'react';
import { IGNORABLE_CHECKS, type IgnorableCheck, type InstallPlan, type PlannedStep, type PreflightResult } from '../../../../shared/install/types.js';
import type { Lab } from '../../../../shared/model.js';
import { planKey } from '../../store/install-slice.js';
import { useApp } from '../../store/index.js';
import { SIDE_LABEL } from './format.js';
import { HistoricalBadge } from './RecipePicker.js';

function PlanStep({ step }: { step: PlannedStep }) {
  return (
    <li className="plan-step" data-testid="plan-step" data-step-id={step.stepId} data-index={step.index} data-side={step.side}>
      <div className="plan-step-head">
        <span className="plan-step-no">{step.index + 1}.</span>
        <strong data-testid="plan-step-title">{step.title}</strong>
        <span className="badge side" data-testid="plan-side">
          {SIDE_LABEL[step.side]}
        </span>
        <span className="small" data-testid="plan-nodes">
          {step.nodes.length === 0 ? (
            <span className="note">no node on this side in the lab</span>
          ) : (
            <>
              on{' '}
              {step.nodes.map((n, i) => (
                <span key={n.id}>
                  {i > 0 ? ', ' : ''}
                  <strong>{n.name}</strong>
                  {n.sudo ? <span className="muted"> (through sudo)</span> : null}
                </span>
              ))}
            </>
          )}
        </span>
        {step.needs.map((need) => (
          <span key={need} className="badge need" title={`Reported as not applicable on a node without ${need}`} data-testid="plan-need">
            needs {need}
          </span>
        ))}
        {step.reboot && <span className="badge warn">reboots the node</span>}
        <span className="muted small">time limit {step.timeoutS} s</span>
      </div>
      {step.why && <p className="muted small plan-why">{step.why}</p>}
      <dl className="plan-cmds">
        <dt>check</dt>
        <dd>
          <pre className="cmd" data-testid="plan-check">{step.check}</pre>
        </dd>
        <dt>action</dt>
        <dd>
          <pre className="cmd" data-testid="plan-action">{step.action}</pre>
        </dd>
        <dt>verify</dt>
        <dd>
          <pre className="cmd" data-testid="plan-verify">{step.verify}</pre>
        </dd>
      </dl>
    </li>
  );
}

const WAIVER_TEXT: Record<IgnorableCheck, string> = {
  distro: 'the distribution or version',
  'virt-extensions': 'hardware virtualization (vmx/svm)',
  memory: 'the memory minimum',
  disk: 'the free-disk minimum',
};

/** Checkboxes for the problems a user may knowingly waive (a test box without VT-x, a derivative distro). */
function Waivers({ result, waived, setWaived }: { result: PreflightResult; waived: IgnorableCheck[]; setWaived(w: IgnorableCheck[]): void }) {
  const waivable = IGNORABLE_CHECKS.filter((c) => result.problems.some((p) => p.check === c));
  if (waivable.length === 0) return null;
  return (
    <fieldset className="waivers small" data-testid="preflight-waivers">
      <legend>Run anyway, knowingly waiving (steps that need what is missing are reported not applicable):</legend>
      {waivable.map((c) => (
        <label key={c}>
          <input type="checkbox" data-testid={`waive-${c}`} checked={waived.includes(c)} onChange={(e) => setWaived(e.target.checked ? [...waived, c] : waived.filter((w) => w !== c))} /> {WAIVER_TEXT[c]}
        </label>
      ))}
    </fieldset>
  );
}

function Preflight({ result }: { result: PreflightResult }) {
  const problems = (
    <ul className="warnings">
      {result.problems.map((p, i) => (
        <li key={i} data-testid="preflight-problem" data-node-name={p.nodeName ?? ''}>
          {p.message}
        </li>
      ))}
    </ul>
  );
  if (result.ok) {
    return (
      <div className="preflight ok small" data-testid="preflight-result" data-ok="yes">
        Preflight passed: the nodes have the distribution, memory, disk and privileges this recipe needs.
        {result.problems.length > 0 && problems}
      </div>
    );
  }
  return (
    <div className="danger-box preflight small" data-testid="preflight-result" data-ok="no">
      <strong>Preflight refuses this recipe on this lab:</strong>
      {problems}
    </div>
  );
}

export function PlanPanel({ lab, recipeId, plan }: { lab: Lab; recipeId: string; plan: InstallPlan | undefined }) {
  const key = planKey(lab.id, recipeId);
  const preflight = useApp((s) => s.installPreflights[key]);
  const runPreflight = useApp((s) => s.runPreflight);
  const startInstall = useApp((s) => s.startInstall);
  const busy = useApp((s) => s.busy);
  const [refusal, setRefusal] = useState<{ recipeId: string; message: string } | null>(null);
  const [waived, setWaived] = useState<IgnorableCheck[]>([]);

  if (!plan) {
    return (
      <section className="card" data-testid="install-plan" data-state="loading" data-recipe-id={recipeId}>
        <p className="muted">Loading the dry-run plan of {recipeId}…</p>
      </section>
    );
  }

  const start = async () => {
    setRefusal(null);
    const r = await startInstall(lab.id, recipeId, waived);
    if (r.ok) return;
    // Preflight's own list (below) says the problems one by one; the refusal only leads to it.
    const preflightFailed = r.error.code === 'PREFLIGHT_FAILED';
    setRefusal({ recipeId, message: preflightFailed ? `${r.error.message.split('\n')[0]?.replace(/:$/, '') ?? ''}: the problems are listed below.` : r.error.message });
    if (preflightFailed) void runPreflight(lab.id, recipeId);
  };
  const shownRefusal = refusal?.recipeId === recipeId ? refusal.message : null;

  return (
    <section className="card" data-testid="install-plan" data-state="ready" data-recipe-id={recipeId}>
      <div className="card-head">
        <h2>
          Dry run: {plan.recipe.title} on {plan.lab?.name ?? lab.name}
        </h2>
        {plan.recipe.historical && <HistoricalBadge />}
      </div>
      <p className="muted small">
        This is what Run does; nothing runs before you click it. Each step runs <strong>check</strong> first (exit 0 means it is already done and the step is skipped), then <strong>action</strong>, then <strong>verify</strong> (exit 0 means it
        worked), over SSH on every node of its side.
      </p>
      {plan.warnings.length > 0 && (
        <ul className="warnings small" data-testid="plan-warnings">
          {plan.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <ol className="plan-steps" data-testid="plan-steps">
        {plan.steps.map((s) => (
          <PlanStep key={s.index} step={s} />
        ))}
      </ol>
      <div className="plan-actions-row">
        <button type="button" disabled={busy[`install:preflight:${key}`] === true} aria-busy={busy[`install:preflight:${key}`] === true} onClick={() => void runPreflight(lab.id, recipeId)} data-testid="preflight-run">
          {busy[`install:preflight:${key}`] ? 'Checking the nodes…' : 'Run preflight'}
        </button>
        <button type="button" className="primary" disabled={busy['install:start'] === true} aria-busy={busy['install:start'] === true} onClick={() => void start()} data-testid="install-start">
          {busy['install:start'] ? 'Starting…' : `Run ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`}
        </button>
        <span className="muted small">Preflight reads the nodes (distribution, CPU flags, memory, disk, sudo) and changes nothing; Run checks it again first.</span>
      </div>
      {shownRefusal && (
        <p className="danger-box small pre-line" role="alert" data-testid="install-start-error">
          {shownRefusal}
        </p>
      )}
      {preflight && <Preflight result={preflight} />}
      {preflight && !preflight.ok && <Waivers result={preflight} waived={waived} setWaived={setWaived} />}
    </section>
  );
}
