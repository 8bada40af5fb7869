// The one ApiClient the renderer uses: the Electron preload's bridge when the page runs inside
// the desktop app, else the browser host's WebSocket on the page's own origin.
import type { ApiClient } from '../../../shared/api.js';
import { takeToken } from './token.js';
import { WsApiClient, type ConnectionStatus } from './ws-client.js';

export type { ConnectionStatus };

export interface Transport extends ApiClient {
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
  readonly status: ConnectionStatus;
}

function bridgeTransport(bridge: ApiClient): Transport {
  return {
    call: (method, params) => bridge.call(method, params),
    on: (event, listener) => bridge.on(event, listener),
    // IPC to the app's own backend cannot drop like a socket.
    onStatus: () => () => undefined,
    status: 'open',
  };
}

function wsTransport(): Transport {
  const token = takeToken();
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Without a stored token the HttpOnly cookie that let this page load also opens the socket.
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return new WsApiClient(`${scheme}//${window.location.host}/ws${query}`);
}

let transport: Transport | null = null;

export function api(): Transport {
  transport ??= window.iovlab ? bridgeTransport(window.iovlab) : wsTransport();
  return transport;
}
