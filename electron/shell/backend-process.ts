// Entry of the backend utility process (utilityProcess.fork). Plain Node plus Electron's
// process.parentPort; it does not import 'electron'.
import { createBackend } from '../core/backend.js';
import { MessagePrinter, setHostPrinter } from '../core/report/printer.js';
import type { Sealer } from '../core/secrets/vault.js';
import type { FromBackend, ToBackend } from './ipc-protocol.js';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToBackend }) => void): void;
  postMessage(message: FromBackend): void;
}
const port = (process as unknown as { parentPort: ParentPort }).parentPort;

const pendingSeals = new Map<number, { resolve: (data: string) => void; reject: (e: Error) => void }>();
let nextSealId = 1;
function seal(op: 'encrypt' | 'decrypt', data: string): Promise<string> {
  const id = nextSealId++;
  return new Promise((resolve, reject) => {
    pendingSeals.set(id, { resolve, reject });
    port.postMessage({ type: 'seal', id, op, data });
  });
}
const sealer: Sealer = {
  encrypt: async (plaintext) => Buffer.from(await seal('encrypt', plaintext), 'base64'),
  decrypt: async (ciphertext) => seal('decrypt', ciphertext.toString('base64')),
};

// Report PDFs come from the main process (webContents.printToPDF on the app's own report page),
// not from a Chromium this process would have to find and start.
const printer = new MessagePrinter((ask) => port.postMessage(ask));
setHostPrinter(printer);

const dataDir = process.env.IOVLAB_DATA;
if (!dataDir) throw new Error('backend process started without IOVLAB_DATA');
const backend = createBackend({ dataDir, host: 'electron', sealer });
backend.onEvent((event, payload) => port.postMessage({ type: 'event', event, payload }));

port.on('message', ({ data: message }) => {
  switch (message.type) {
    case 'call':
      void backend.call(message.method, message.params).then((result) => port.postMessage({ type: 'result', id: message.id, result }));
      break;
    case 'printed':
      printer.answer(message);
      break;
    case 'sealed': {
      const pending = pendingSeals.get(message.id);
      pendingSeals.delete(message.id);
      if (message.ok) pending?.resolve(message.data);
      else pending?.reject(new Error('the OS keychain (safeStorage) is not available'));
      break;
    }
  }
});
