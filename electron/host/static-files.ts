// Serves the built renderer (dist/renderer) read-only. Only files strictly inside the static
// directory are reachable: the path is decoded, resolved and checked against the root, and
// symlinks are resolved before the check so a link cannot point outside either.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  path: string;
  size: number;
  contentType: string;
}

/** Resolves a URL path to a file inside root, or null (missing, a directory, or outside root). */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  let realRoot: string;
  let candidate: string;
  try {
    realRoot = await realpath(root);
    candidate = await realpath(resolve(realRoot, relative));
  } catch {
    return null;
  }
  if (!candidate.startsWith(realRoot + sep)) return null;
  const info = await stat(candidate).catch(() => null);
  if (!info?.isFile()) return null;
  const contentType = CONTENT_TYPES[extname(candidate).toLowerCase()] ?? 'application/octet-stream';
  return { path: candidate, size: info.size, contentType };
}

export function openStatic(file: StaticFile): NodeJS.ReadableStream {
  return createReadStream(file.path);
}
