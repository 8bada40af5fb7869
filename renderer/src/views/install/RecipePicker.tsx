// The recipes as radio cards: title, stack, distro, steps; the historical ones (the paper's UEC
// and the last Eucalyptus) say plainly what they are for.
import type { RecipeSummary } from '../../../../shared/install/recipe.js';
import { HISTORICAL_NOTE } from './format.js';

export function HistoricalBadge() {
  return (
    <span className="badge historical" title="These stacks are out of support; use them only to reproduce the paper's setup." data-testid="historical-badge">
      {HISTORICAL_NOTE}
    </span>
  );
}

export function RecipePicker({ recipes, picked, onPick }: { recipes: RecipeSummary[] | null; picked: string | null; onPick: (recipeId: string) => void }) {
  if (!recipes) return <p className="muted">Loading the recipes…</p>;
  if (recipes.length === 0) {
    return (
      <p className="muted" data-testid="recipes-empty">
        No install recipes were found (they live in <code>resources/recipes</code>).
      </p>
    );
  }
  // Recommended stacks first: a user who just wants a working lab should not start on a 2010 distro.
  const ordered = [...recipes].sort((a, b) => Number(a.historical) - Number(b.historical) || a.title.localeCompare(b.title));
  return (
    <div className="recipes" role="radiogroup" aria-label="Install recipe" data-testid="recipes">
      {ordered.map((r) => (
        <label key={r.id} className={r.id === picked ? 'recipe picked' : 'recipe'} data-testid="recipe-option" data-recipe-id={r.id} data-historical={r.historical ? 'yes' : 'no'}>
          <input type="radio" name="install-recipe" value={r.id} checked={r.id === picked} onChange={() => onPick(r.id)} data-testid="recipe-radio" />
          <span className="recipe-body">
            <span className="recipe-title">{r.title}</span>
            <span className="recipe-meta small">
              <code>{r.id}</code>
              <span className="muted">
                {r.stack} · {r.distro} · {r.steps} step{r.steps === 1 ? '' : 's'}
              </span>
            </span>
            {r.historical && <HistoricalBadge />}
            <span className="muted small">{r.summary}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
