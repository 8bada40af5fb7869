// Builds the renderer into dist/renderer: `npx vite build --config renderer/vite.config.ts`.
// Relative asset URLs (base './') let the same build load from the browser host (http://127.0.0.1)
// and from Electron's app:// protocol. The output has no inline scripts, so it runs under a strict CSP.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill is only for browsers without modulepreload; Chromium and Electron have it.
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
});
