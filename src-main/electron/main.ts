/**
 * Electron's main process: windows, menu and relaying. The core (SQLite and all rules) runs in a
 * utility process; main never touches the database. Security follows Electron's checklist:
 * context isolation, sandbox, no Node in the renderer, strict CSP, a custom protocol, permissions
 * denied by default, no navigation or new windows, sender checks on every IPC call.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, Menu, dialog, session, utilityProcess } from 'electron';
import { registerIpc, registerPrint } from './ipc';
import { APP_ORIGIN, registerSchemePrivileges, serveRenderer } from './protocol';
import { loadWindowState, trackWindowState } from './window-state';
import type { FromCore } from './bridge-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) app.quit();
registerSchemePrivileges();

// No web content may open new windows, navigate away, or be given Node.
app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN + '/')) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

async function startCore(dataDir: string) {
  const child = utilityProcess.fork(path.join(here, 'core-process.js'), [dataDir], { serviceName: 'ClinicDesk core' });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromCore) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'fatal') reject(new Error(m.message));
      else return;
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`The ClinicDesk core stopped (code ${code}).`)));
  });
  return child;
}

function createWindow(dataDir: string) {
  const state = loadWindowState(dataDir);
  mainWindow = new BrowserWindow({
    ...state.bounds,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'ClinicDesk',
    icon: path.join(here, '../../resources/icon.png'),
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: true,
    },
  });
  if (state.maximized) mainWindow.maximize();
  trackWindowState(mainWindow, dataDir);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => (mainWindow = null));
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  void mainWindow.loadURL(devUrl && !app.isPackaged ? devUrl : `${APP_ORIGIN}/index.html`);
}

void app.whenReady().then(async () => {
  // Deny every permission request (camera, geolocation, notifications…) by default.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer(path.join(here, '../renderer'));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
      { role: 'windowMenu' },
    ]),
  );
  const dataDir = process.env.CLINICDESK_DATA_DIR ? path.resolve(process.env.CLINICDESK_DATA_DIR) : app.getPath('userData');
  try {
    const core = await startCore(dataDir);
    registerIpc(() => mainWindow, core);
    registerPrint(() => mainWindow);
    createWindow(dataDir);
  } catch (err) {
    dialog.showErrorBox('ClinicDesk cannot start', err instanceof Error ? err.message : String(err));
    app.quit();
  }
});

app.on('window-all-closed', () => app.quit());
