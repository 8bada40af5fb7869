// Raw HTTP and WebSocket clients for the browser-host tests. node:http (not fetch) because the
// tests must send forged Host headers and un-normalised paths such as /../x.
import { request } from 'node:http';
import WebSocket from 'ws';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

export interface WsOptions {
  token?: string;
  origin?: string | null;
  host?: string;
  headers?: Record<string, string>;
  path?: string;
}

/** Opens a WebSocket, or resolves with the HTTP status that refused the upgrade. */
export function openWs(port: number, o: WsOptions = {}): Promise<{ ws: WebSocket } | { status: number; body: string }> {
  const path = o.path ?? (o.token === undefined ? '/ws' : `/ws?token=${encodeURIComponent(o.token)}`);
  const origin = o.origin === undefined ? `http://127.0.0.1:${port}` : o.origin;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
    ...(origin === null ? {} : { origin }),
    headers: { ...(o.host ? { host: o.host } : {}), ...(o.headers ?? {}) },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    ws.once('error', reject);
  });
}

export interface Answer { id: number | null; result: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }
export type Frame = Answer | { event: string; payload: unknown };

/** Collects every frame a socket receives, so tests can wait for one by predicate. */
export class FrameLog {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
  }

  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Sends a request and waits for the answer with the same id. */
  async call(id: number, method: string, params: unknown = {}): Promise<Answer> {
    this.ws.send(JSON.stringify({ id, method, params }));
    return (await this.next((f) => 'id' in f && f.id === id)) as Answer;
  }
}

export function closed(ws: WebSocket): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(-1);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}
