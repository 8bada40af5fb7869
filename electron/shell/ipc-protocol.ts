// Messages between the Electron main process and the backend utility process. The backend
// (SQLite, SSH) runs there so the window never waits on them; safeStorage exists only in the
// main process, so sealing secrets is a round trip back to it, and so is printing a report
// (webContents.printToPDF needs a window: see report-window.ts).
import type { PrintAnswer, PrintAsk } from '../core/report/printer.js';

export type ToBackend =
  | { type: 'call'; id: number; method: string; params: unknown }
  | { type: 'sealed'; id: number; ok: boolean; data: string }
  | PrintAnswer;

export type FromBackend =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'seal'; id: number; op: 'encrypt' | 'decrypt'; data: string }
  | PrintAsk;

export const CALL_CHANNEL = 'iovlab:call';
export const EVENT_CHANNEL = 'iovlab:event';
