// The Electron shell: one window, one backend utility process, IPC wiring, and hidden windows
// that print report pages for the backend. Nothing else — everything it serves is the same
// backend the browser host and the CLI use (and test).
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, utilityProcess, type BrowserWindowConstructorOptions, type UtilityProcess } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FromBackend, ToBackend } from './ipc-protocol.js';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-protocol.js';
import { printReportPage } from './report-window.js';

const RENDERER_DIR = join(__dirname, '..', 'renderer');
const APP_ORIGIN = 'app://iovlab';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let backend: UtilityProcess;
let window: BrowserWindow | null = null;
const pendingCalls = new Map<number, (result: unknown) => void>();
let nextCallId = 1;

function startBackend(): void {
  backend = utilityProcess.fork(join(__dirname, 'backend-process.cjs'), [], {
    serviceName: 'iovlab-backend',
    env: { ...process.env, IOVLAB_DATA: process.env.IOVLAB_DATA ?? app.getPath('userData') },
  });
  backend.on('message', (message: FromBackend) => {
    switch (message.type) {
      case 'result':
        pendingCalls.get(message.id)?.(message.result);
        pendingCalls.delete(message.id);
        break;
      case 'event':
        window?.webContents.send(EVENT_CHANNEL, message.event, message.payload);
        break;
      case 'seal':
        backend.postMessage(sealReply(message) satisfies ToBackend);
        break;
      case 'print':
        // The same page as the browser host prints, at the width its print CSS expects.
        void printReportPage(message, { origin: APP_ORIGIN, open: () => appWindow({ show: false, width: 1100, height: 1400, useContentSize: true }, { hidden: true }) }).then((answer) =>
          backend.postMessage(answer satisfies ToBackend),
        );
        break;
    }
  });
}

function sealReply(message: Extract<FromBackend, { type: 'seal' }>): ToBackend {
  if (!safeStorage.isEncryptionAvailable()) return { type: 'sealed', id: message.id, ok: false, data: '' };
  const data = message.op === 'encrypt'
    ? safeStorage.encryptString(message.data).toString('base64')
    : safeStorage.decryptString(Buffer.from(message.data, 'base64'));
  return { type: 'sealed', id: message.id, ok: true, data };
}

/** Every window of the app: the page gets the API contract through the preload and nothing else. */
function appWindow(options: BrowserWindowConstructorOptions, { hidden = false } = {}): BrowserWindow {
  const win = new BrowserWindow({
    ...options,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // A hidden window is throttled like a background tab; a page being printed must draw at full speed.
      backgroundThrottling: !hidden,
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });
  return win;
}

function createWindow(): void {
  window = appWindow({ width: 1280, height: 860, title: 'iovlab' });
  window.on('closed', () => (window = null));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

void app.whenReady().then(() => {
  // Serve the built renderer from app://, refusing anything outside its folder. Each response
  // carries the CSP itself: session.webRequest's header hooks do not run for custom schemes
  // (electron/electron#6021), so onHeadersReceived below only covers http(s).
  protocol.handle('app', async (request) => {
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(new URL(request.url).pathname)));
    if (!path.startsWith(RENDERER_DIR + sep)) return new Response('forbidden', { status: 403 });
    const file = await net.fetch(pathToFileURL(path).toString());
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', CSP);
    return new Response(file.body, { status: file.status, statusText: file.statusText, headers });
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  ipcMain.handle(CALL_CHANNEL, (event, method: unknown, params: unknown) => {
    // Only our own page may call the backend; the backend validates method and params.
    if (!event.senderFrame?.url.startsWith(APP_ORIGIN)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'caller is not the iovlab window' } };
    const id = nextCallId++;
    return new Promise((resolve) => {
      pendingCalls.set(id, resolve);
      backend.postMessage({ type: 'call', id, method: String(method), params } satisfies ToBackend);
    });
  });

  startBackend();
  createWindow();
});

app.on('window-all-closed', () => {
  backend?.kill();
  app.quit();
});
