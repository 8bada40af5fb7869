// The install wizard of one lab: pick a recipe, read its dry-run plan (every command, on which
// node), run the preflight, Run; then watch the install live (its job's output, its steps), and
// find the lab's earlier installs. Reached from the lab's "Install" tab (?view=install).
import { useEffect, useRef } from 'react';
import type { Lab } from '../../../../shared/model.js';
import { planKey } from '../../store/install-slice.js';
import { useApp } from '../../store/index.js';
import { InstallHistory } from './InstallHistory.js';
import { InstallRunPanel } from './InstallRunPanel.js';
import { PlanPanel } from './PlanPanel.js';
import { RecipePicker } from './RecipePicker.js';
import './install.css';

export function InstallPage({ lab }: { lab: Lab }) {
  const connection = useApp((s) => s.connection);
  const recipes = useApp((s) => s.installRecipes);
  const pickedId = useApp((s) => s.installRecipeIds[lab.id] ?? null);
  const plan = useApp((s) => (pickedId ? s.installPlans[planKey(lab.id, pickedId)] : undefined));
  const installs = useApp((s) => s.installLists[lab.id]);
  // Without an explicit choice the newest install is shown: after a reload, the one that runs.
  const openId = useApp((s) => s.installOpenIds[lab.id] ?? s.installLists[lab.id]?.[0]?.id ?? null);
  const open = useApp((s) => (openId === null ? undefined : s.installRuns[openId]));
  const loadRecipes = useApp((s) => s.loadRecipes);
  const loadInstallList = useApp((s) => s.loadInstallList);
  const loadInstall = useApp((s) => s.loadInstall);
  const loadPlan = useApp((s) => s.loadPlan);
  const pickRecipe = useApp((s) => s.pickRecipe);
  const openInstall = useApp((s) => s.openInstall);
  const watchInstalls = useApp((s) => s.watchInstalls);
  const runPanel = useRef<HTMLDivElement>(null);

  useEffect(() => watchInstalls(), [watchInstalls]);
  // Again after a reconnect: events sent while the socket was down are lost.
  useEffect(() => {
    if (connection !== 'open') return;
    void loadRecipes();
    void loadInstallList(lab.id);
  }, [connection, lab.id, loadRecipes, loadInstallList]);
  useEffect(() => {
    if (connection === 'open' && openId !== null) void loadInstall(openId);
  }, [connection, openId, loadInstall]);
  // The plan names the lab's nodes: it is stale once nodes were added or removed.
  const nodeKey = lab.nodes.map((n) => `${n.id}:${n.roles.join('+')}`).join(',');
  useEffect(() => {
    if (connection === 'open' && pickedId) void loadPlan(lab.id, pickedId);
  }, [connection, lab.id, pickedId, nodeKey, loadPlan]);
  // A run just started (or picked from the list) is what the user wants to watch.
  const explicitOpen = useApp((s) => s.installOpenIds[lab.id] ?? null);
  const scrolledTo = useRef<number | null>(null);
  const shownId = open?.id ?? null;
  useEffect(() => {
    if (explicitOpen === null || shownId !== explicitOpen || scrolledTo.current === explicitOpen) return;
    scrolledTo.current = explicitOpen;
    runPanel.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [explicitOpen, shownId]);

  const recipeTitle = (recipeId: string) => recipes?.find((r) => r.id === recipeId)?.title ?? recipeId;

  return (
    <div className="stack" data-testid="install-page" data-lab-id={lab.id}>
      <section className="card">
        <h2>Install a virtualization stack on {lab.name}</h2>
        <p className="muted small">
          A recipe puts a hypervisor stack on this lab's own machines over SSH: front-end steps on the nodes with a front-end role (CLC, CC, EBS, Walrus), back-end steps on the node controllers (NC).
          Every step is idempotent (a check decides "already done") and an install can be resumed after a failure or a lost connection.
        </p>
        {lab.nodes.length === 0 && (
          <p className="banner small" data-testid="install-no-nodes">
            This lab has no nodes yet: add its front-end and back-end on the Nodes tab first; the plan below shows which steps would run where.
          </p>
        )}
        <RecipePicker recipes={recipes} picked={pickedId} onPick={(id) => pickRecipe(lab.id, id)} />
      </section>
      {pickedId && <PlanPanel key={`${lab.id}:${pickedId}`} lab={lab} recipeId={pickedId} plan={plan} />}
      {open && (
        <div ref={runPanel}>
          <InstallRunPanel run={open} recipeTitle={recipeTitle(open.recipeId)} />
        </div>
      )}
      <InstallHistory installs={installs} recipes={recipes} openId={openId} onOpen={(id) => openInstall(lab.id, id)} />
    </div>
  );
}
