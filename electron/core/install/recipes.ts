// The recipes folder: every *.yaml / *.yml file in it is one recipe, read fresh on each call
// (a user editing a recipe sees the change without restarting), listed in file-name order.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecipe } from '../../../shared/install/load.js';
import type { Recipe } from '../../../shared/install/recipe.js';
import { AppError } from '../../../shared/result.js';

export interface LoadedRecipe {
  file: string;
  recipe: Recipe;
}

export async function loadRecipes(dir: string): Promise<LoadedRecipe[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new AppError('NOT_FOUND', `cannot read the recipes folder ${dir} (${code}); set IOVLAB_RECIPES_DIR to a folder of recipe *.yaml files`, { dir });
  }
  const loaded: LoadedRecipe[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new AppError('NOT_FOUND', `cannot read recipe ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { file });
    }
    const recipe = parseRecipe(text, file);
    const twin = loaded.find((l) => l.recipe.id === recipe.id);
    if (twin) throw new AppError('PARSE_ERROR', `recipes ${twin.file} and ${file} both have the id "${recipe.id}"; recipe ids must be unique`, { file });
    loaded.push({ file, recipe });
  }
  return loaded;
}

/** The recipe with this id; NOT_FOUND names the known ids. */
export async function findRecipe(dir: string, recipeId: string): Promise<LoadedRecipe> {
  const all = await loadRecipes(dir);
  const found = all.find((l) => l.recipe.id === recipeId);
  if (!found) {
    const known = all.map((l) => l.recipe.id);
    throw new AppError('NOT_FOUND', `no recipe "${recipeId}" in ${dir}; known recipes: ${known.length ? known.join(', ') : 'none'}`, { recipeId, known });
  }
  return found;
}
