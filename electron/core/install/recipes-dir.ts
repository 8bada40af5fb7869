// Where the recipe YAML files are: resources/recipes of this checkout, or beside the packaged
// app (electron-builder copies resources/recipes to <resources>/recipes).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function defaultRecipesDir(): string {
  const candidates: string[] = [];
  if (typeof import.meta.url === 'string') candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/recipes'));
  candidates.push(resolve('resources/recipes'));
  return candidates.find((d) => existsSync(d)) ?? candidates[0] ?? 'resources/recipes';
}
