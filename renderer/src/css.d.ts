// Vite bundles imported stylesheets; TypeScript only needs to know such an import is allowed.
declare module '*.css';
