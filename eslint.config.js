// Lint enforces the layering by runtime (see ../shared/STYLE.md §1):
//   shared/   pure TypeScript — no Node built-ins, no DOM-only libraries, no electron;
//   renderer/ React — may import shared/ only, never Node or electron;
//   electron/ Node side — only electron/shell/ may import 'electron'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeOnly = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'events',
  'util', 'worker_threads', 'ssh2', 'better-sqlite3', 'ws', 'commander', 'playwright-core',
];
const noNode = { group: nodeOnly, message: 'Node-only module: this layer must stay runnable in a browser.' };
const noElectron = { group: ['electron', 'electron/*'], message: "Only electron/shell/ may import 'electron'." };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noNode, noElectron, { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' }] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', 'window', 'document'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [noNode, noElectron, { group: ['**/electron/**'], message: 'The renderer talks to the backend only through the API contract.' }] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/shell/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, { group: ['**/renderer/**'], message: 'The Node side does not import the renderer.' }] }] },
  },
);
