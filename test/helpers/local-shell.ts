// Runs bench inspection scripts (guard, device mapping) on this machine instead of over SSH:
// the same scripts, the same real tools, only the transport differs.
import { spawn } from 'node:child_process';
import type { Shell } from '../../electron/core/bench/shell.js';

export const localShell: Shell = (command, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.signal ? { signal: options.signal } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
