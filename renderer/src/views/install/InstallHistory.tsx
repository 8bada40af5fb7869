// The lab's installs, newest first; a click shows one under the plan (its steps and outputs).
import type { RecipeSummary } from '../../../../shared/install/recipe.js';
import type { InstallRun } from '../../../../shared/install/types.js';
import { formatTime } from '../format.js';
import { runBadge, settledCount } from './format.js';

export function InstallHistory({ installs, recipes, openId, onOpen }: { installs: InstallRun[] | undefined; recipes: RecipeSummary[] | null; openId: number | null; onOpen: (installId: number) => void }) {
  const title = (recipeId: string) => recipes?.find((r) => r.id === recipeId)?.title ?? recipeId;
  return (
    <section className="card" data-testid="install-history" data-state={installs ? 'ready' : 'loading'}>
      <h2>Installs on this lab</h2>
      {!installs ? (
        <p className="muted">Loading…</p>
      ) : installs.length === 0 ? (
        <p className="muted" data-testid="install-history-empty">
          Nothing installed from iovlab on this lab yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th>Install</th>
                <th>Recipe</th>
                <th>Status</th>
                <th className="num">Steps</th>
                <th>Started</th>
                <th>Finished</th>
              </tr>
            </thead>
            <tbody>
              {installs.map((i) => (
                <tr key={i.id} className={`clickable${i.id === openId ? ' selected' : ''}`} onClick={() => onOpen(i.id)} data-testid="install-history-row" data-install-id={i.id} data-status={i.status}>
                  <td>
                    <button type="button" className="link" data-testid="install-open">
                      #{i.id}
                    </button>
                  </td>
                  <td>
                    {title(i.recipeId)} <code className="muted small">{i.recipeId}</code>
                  </td>
                  <td>
                    <span className={runBadge(i.status)}>{i.status}</span>
                  </td>
                  <td className="num">
                    {settledCount(i.steps)}/{i.steps.length}
                  </td>
                  <td className="nowrap">{formatTime(i.createdAt)}</td>
                  <td className="nowrap">{formatTime(i.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
