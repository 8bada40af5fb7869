// Exposes exactly the API contract to the page: calls are limited to the contract's method
// names and events to its event names — never a pass-through to arbitrary IPC channels.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_EVENTS, API_METHODS, type ApiEventName, type ApiMethod } from '../../shared/api.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-protocol.js';

const methods = new Set<string>(API_METHODS);
const events = new Set<string>(API_EVENTS);

contextBridge.exposeInMainWorld('iovlab', {
  call(method: ApiMethod, params: unknown): Promise<unknown> {
    if (!methods.has(method)) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown API method: ${String(method)}` } });
    return ipcRenderer.invoke(CALL_CHANNEL, method, params);
  },
  on(event: ApiEventName, listener: (payload: unknown) => void): () => void {
    if (!events.has(event)) throw new Error(`unknown event: ${String(event)}`);
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
