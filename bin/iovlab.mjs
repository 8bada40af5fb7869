#!/usr/bin/env node
// `iovlab` on the PATH (npm link / npm install -g): runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
