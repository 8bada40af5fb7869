// The browser host's gatekeeping, in the spirit of Jupyter's token: a random secret per start,
// accepted from the URL once (then kept in an HttpOnly cookie), an Authorization header, or the
// WebSocket URL; plus Host and Origin checks so that a page of another site (DNS rebinding,
// cross-site WebSocket) cannot reach the API even though it runs in the same browser.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashing first gives both sides the same length, so timingSafeEqual never throws or leaks length. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Cookies ignore ports, so two hosts on one machine would overwrite each other's cookie without the port in its name. */
export function cookieName(port: number): string {
  return `iovlab_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export interface TokenCheck {
  ok: boolean;
  /** The request carried a valid ?token=: the caller should (re)issue the cookie. */
  fromQuery: boolean;
}

/** Any one valid credential lets the request through; a wrong one never does. */
export function checkToken(req: IncomingMessage, url: URL, port: number, token: string): TokenCheck {
  const query = url.searchParams.get('token');
  if (query !== null && tokensEqual(query, token)) return { ok: true, fromQuery: true };
  const cookie = cookieValue(req, cookieName(port));
  if (cookie !== null && tokensEqual(cookie, token)) return { ok: true, fromQuery: false };
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
  if (bearer !== null && tokensEqual(bearer, token)) return { ok: true, fromQuery: false };
  return { ok: false, fromQuery: false };
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** A rebinding attack arrives with the attacker's name in Host; only our own names pass. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).includes(host);
}

/** Browsers always send Origin on a WebSocket handshake; it must be this host's own page. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin?.toLowerCase();
  return origin !== undefined && allowedHosts(port).some((h) => origin === `http://${h}`);
}

export function securityHeaders(port: number): Record<string, string> {
  const ws = allowedHosts(port).map((h) => `ws://${h}`).join(' ');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      `connect-src 'self' ${ws}`,
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
