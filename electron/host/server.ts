// The browser host: serves the built renderer and the API (WebSocket at /ws) on 127.0.0.1 only,
// behind a per-start token. Every request passes the Host check (403) and the token check (401)
// before anything else happens.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Backend } from '../core/backend.js';
import { checkToken, hostAllowed, newToken, originAllowed, securityHeaders, tokenCookie } from './security.js';
import { openStatic, resolveStatic } from './static-files.js';
import { createWsBridge } from './ws-bridge.js';

export interface HostOptions {
  backend: Backend;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Normally generated; fixed only by tests that need a known value. */
  token?: string;
}

export interface RunningHost {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const BIND_ADDRESS = '127.0.0.1';
export const WS_PATH = '/ws';

function requestUrl(req: IncomingMessage, port: number): URL | null {
  try {
    return new URL(req.url ?? '/', `http://${BIND_ADDRESS}:${port}`);
  } catch {
    return null;
  }
}

function refuse(res: ServerResponse, port: number, status: number, text: string): void {
  res.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.destroy();
}

const UNAUTHORIZED = 'iovlab: missing or wrong token; open the URL that `iovlab serve` printed\n';
const BAD_HOST = 'iovlab: this server answers only to 127.0.0.1 and localhost\n';

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? newToken();
  const bridge = createWsBridge(opts.backend);
  let port = 0;

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      if (!res.headersSent) refuse(res, port, 500, `iovlab: internal error: ${String(e)}\n`);
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port)) return refuse(res, port, 403, BAD_HOST);
    const url = requestUrl(req, port);
    if (!url) return refuse(res, port, 400, 'iovlab: malformed request URL\n');
    const auth = checkToken(req, url, port, token);
    if (!auth.ok) return refuse(res, port, 401, UNAUTHORIZED);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, port, 405, 'iovlab: only GET and HEAD are served here\n');
    if (url.pathname === WS_PATH) return refuse(res, port, 426, 'iovlab: /ws expects a WebSocket upgrade\n');
    const file = await resolveStatic(opts.staticDir, url.pathname);
    if (!file) return refuse(res, port, 404, `iovlab: not found: ${url.pathname.slice(0, 200)}\n`);
    const headers: Record<string, string | number> = { ...securityHeaders(port), 'Content-Type': file.contentType, 'Content-Length': file.size };
    if (auth.fromQuery) headers['Set-Cookie'] = tokenCookie(port, token);
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    openStatic(file).on('error', () => res.destroy()).pipe(res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req, port);
    if (!hostAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden', BAD_HOST);
    if (!url || url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not Found', 'iovlab: the WebSocket lives at /ws\n');
    if (!originAllowed(req, port)) return refuseUpgrade(socket, 403, 'Forbidden', 'iovlab: WebSocket origin not allowed\n');
    if (!checkToken(req, url, port, token).ok) return refuseUpgrade(socket, 401, 'Unauthorized', UNAUTHORIZED);
    bridge.wss.handleUpgrade(req, socket, head, (ws) => bridge.wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, BIND_ADDRESS, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${BIND_ADDRESS}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        bridge.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
