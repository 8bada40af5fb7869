// A tiny HTTP forward proxy for apt inside a test's network namespace: it forwards plain-HTTP
// requests for the Debian mirror host(s) this machine's own apt uses, and answers everything
// else (other hosts, CONNECT tunnels) with 403. The namespace has no other way out, so the
// fresh root under test can reach the mirror and nothing else.
import { Agent, createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ProxiedRequest {
  method: string;
  url: string;
  status: number;
}

export interface MirrorProxy {
  /** http://IP:PORT, for Acquire::http::Proxy. */
  url: string;
  allowedHosts: string[];
  /** Every request seen, in order (refused ones too). */
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 7.6.1) and proxy headers that must not be passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** The http(s) URIs of this machine's apt sources (deb822 .sources files and one-line .list files). */
export function hostAptMirrors(etcApt = '/etc/apt'): { uri: string; suites: string[] }[] {
  const found: { uri: string; suites: string[] }[] = [];
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  let names: string[] = [];
  try {
    names = readdirSync(join(etcApt, 'sources.list.d'));
  } catch { /* no folder */ }
  for (const name of names.filter((n) => n.endsWith('.sources'))) {
    for (const stanza of read(join(etcApt, 'sources.list.d', name)).split(/\n\s*\n/)) {
      const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (/^Enabled:\s*no/mi.test(stanza) || !field('Types').includes('deb')) continue;
      for (const uri of field('URIs')) found.push({ uri, suites: field('Suites') });
    }
  }
  const lists = [join(etcApt, 'sources.list'), ...names.filter((n) => n.endsWith('.list')).map((n) => join(etcApt, 'sources.list.d', n))];
  for (const file of lists) {
    for (const line of read(file).split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
      if (m?.[1] && m[2]) found.push({ uri: m[1], suites: [m[2]] });
    }
  }
  return found.filter((m) => /^https?:\/\//.test(m.uri));
}

export async function startMirrorProxy(listenIp: string, allowedHosts: string[]): Promise<MirrorProxy> {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const requests: ProxiedRequest[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const refuse = (why: string) => `iovlab test proxy: ${why}; only ${[...allowed].join(', ')} (port 80) is allowed\n`;

  const server = createServer((req, res) => {
    let target: URL | null = null;
    try {
      target = new URL(req.url ?? '');
    } catch { /* not an absolute URL: not a proxy request */ }
    const seen: ProxiedRequest = { method: req.method ?? '?', url: req.url ?? '', status: 0 };
    requests.push(seen);
    const answer = (status: number, text: string) => {
      seen.status = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    };
    if (!target || target.protocol !== 'http:' || !allowed.has(target.hostname.toLowerCase()) || (target.port !== '' && target.port !== '80')) {
      return answer(403, refuse(`refused ${req.method ?? '?'} ${req.url ?? ''}`));
    }
    const upstream = request(
      { host: target.hostname, port: 80, method: req.method, path: `${target.pathname}${target.search}`, headers: { ...endToEnd(req.headers), host: target.host }, agent },
      (up) => {
        seen.status = up.statusCode ?? 502;
        res.writeHead(seen.status, endToEnd(up.headers));
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) answer(502, `iovlab test proxy: ${target.host}: ${e.message}\n`);
      else res.destroy(e);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    requests.push({ method: 'CONNECT', url: req.url ?? '', status: 403 });
    socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refuse(`refused CONNECT ${req.url ?? ''}`)}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenIp, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listenIp}:${port}`,
    allowedHosts: [...allowed],
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
