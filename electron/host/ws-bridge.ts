// The WebSocket side of the browser host: JSON text frames carrying the API contract.
//   client → server  { "id": n, "method": "lab.list", "params": {...} }
//   server → client  { "id": n, "result": Result }            (answer, same id)
//   server → client  { "event": "job.progress", "payload": {...} }   (every backend event, every client)
// A frame that is not such a request gets { id: null, result: INVALID_ARGUMENT } and the
// connection stays open; the backend validates method and params itself.
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Result } from '../../shared/result.js';
import type { Backend } from '../core/backend.js';

/** A request is a few KB at most; anything near this is a bug or an attack. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A client that stops reading must not make the server buffer events without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

const requestSchema = z.object({
  id: z.number().int().safe(),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});

export type WireMessage =
  | { id: number | null; result: Result<unknown> }
  | { event: string; payload: unknown };

export interface WsBridge {
  readonly wss: WebSocketServer;
  close(): void;
}

function malformed(message: string): WireMessage {
  return { id: null, result: { ok: false, error: { code: 'INVALID_ARGUMENT', message } } };
}

function send(ws: WebSocket, message: WireMessage): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.terminate(); // the client reconnects and reloads its state
    return;
  }
  ws.send(JSON.stringify(message));
}

function parseRequest(data: RawData, isBinary: boolean): z.infer<typeof requestSchema> | WireMessage {
  if (isBinary) return malformed('binary frames are not accepted; send JSON text frames');
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return malformed('frame is not valid JSON; expected {"id": number, "method": string, "params": object}');
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) return malformed('frame is not a request; expected {"id": number, "method": string, "params": object}');
  return parsed.data;
}

export function createWsBridge(backend: Backend): WsBridge {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate()); // e.g. an oversized frame: drop this client, keep serving the others
    ws.on('message', (data, isBinary) => {
      const request = parseRequest(data, isBinary);
      if (!('method' in request)) {
        send(ws, request);
        return;
      }
      void backend.call(request.method, request.params ?? {}).then(
        (result) => send(ws, { id: request.id, result }),
        // Backend.call never throws by contract; this guards the server against a broken one.
        (e: unknown) => send(ws, { id: request.id, result: { ok: false, error: { code: 'INTERNAL', message: `${request.method} failed: ${String(e)}` } } }),
      );
    });
  });

  const unsubscribe = backend.onEvent((event, payload) => {
    for (const client of wss.clients) send(client, { event, payload });
  });

  return {
    wss,
    close() {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
