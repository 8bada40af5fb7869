// Where the recipe YAML files are: resources/recipes of this checkout, or beside the packaged
// app (electron-builder copies resources/recipes to <resources>/recipes).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** $IOVLAB_RECIPES_DIR (tests point it at fixture recipes), else the shipped recipes. */
export function defaultRecipesDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.IOVLAB_RECIPES_DIR?.trim();
  if (explicit) return resolve(explicit);
  const candidates: string[] = [];
  if (typeof import.meta.url === 'string') candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/recipes'));
  candidates.push(resolve('resources/recipes'));
  return candidates.find((d) => existsSync(d)) ?? candidates[0] ?? 'resources/recipes';
}
