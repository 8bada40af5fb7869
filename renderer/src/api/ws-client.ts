// The API contract over the browser host's WebSocket (protocol: electron/host/ws-bridge.ts).
// Calls never reject: a lost connection answers every pending call with a failed Result, and
// the client reconnects by itself with growing pauses.
import type { ApiClient, ApiEventName, ApiEvents, ApiMethod, ApiParams, ApiResults } from '../../../shared/api.js';
import type { Result } from '../../../shared/result.js';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

type Frame = { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;

function lost(method: string): Result<never> {
  return {
    ok: false,
    error: { code: 'HOST_UNREACHABLE', message: `lost the connection to the iovlab server during ${method}; it reconnects by itself — if the server was restarted, open the new URL it printed` },
  };
}

export class WsApiClient implements ApiClient {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private retryMs = RETRY_MIN_MS;
  private statusNow: ConnectionStatus = 'connecting';
  private readonly pending = new Map<number, { method: string; resolve: (r: Result<unknown>) => void }>();
  /** Frames written while the socket was still opening; sent on open. */
  private readonly outbox: string[] = [];
  private readonly eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();

  constructor(private readonly url: string) {
    this.connect();
  }

  get status(): ConnectionStatus {
    return this.statusNow;
  }

  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<Result<ApiResults[M]>> {
    if (this.statusNow === 'closed') return Promise.resolve(lost(method));
    const id = this.nextId++;
    const frame = JSON.stringify({ id, method, params });
    return new Promise((resolve) => {
      this.pending.set(id, { method, resolve: resolve as (r: Result<unknown>) => void });
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(frame);
      else this.outbox.push(frame); // only before the first open: later a closed socket answers at once above
    });
  }

  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(s: ConnectionStatus): void {
    if (s === this.statusNow) return;
    this.statusNow = s;
    for (const l of this.statusListeners) l(s);
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      for (const frame of this.outbox.splice(0)) ws.send(frame);
      this.setStatus('open');
    };
    ws.onmessage = (e: MessageEvent) => this.receive(e.data);
    ws.onclose = () => {
      this.ws = null;
      for (const [, p] of this.pending) p.resolve(lost(p.method));
      this.pending.clear();
      this.outbox.length = 0;
      this.setStatus('closed');
      // Stays 'closed' while retrying, so calls fail at once with a clear message instead of hanging.
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      return;
    }
    if (typeof frame.event === 'string') {
      for (const l of this.eventListeners.get(frame.event) ?? []) {
        try {
          l(frame.payload);
        } catch (e) {
          console.error(`listener for ${frame.event} failed:`, e);
        }
      }
      return;
    }
    if (typeof frame.id === 'number') {
      const p = this.pending.get(frame.id);
      this.pending.delete(frame.id);
      p?.resolve(frame.result as Result<unknown>);
    } else if (frame.id === null) {
      // The server could not read one of our frames: a bug on this side, worth a trace.
      console.error('iovlab server rejected a frame:', frame.result);
    }
  }
}
