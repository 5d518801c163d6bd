import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type UtilityProcess } from 'electron';
import { IPC_CALL, IPC_EVENT, type FromCore } from './bridge-protocol';
import { APP_ORIGIN } from './protocol';

/**
 * The ClinicApi over IPC. Every call is checked: it must come from our window's top-level frame
 * showing our own app:// origin; anything else is refused without reaching the core.
 */
export function registerIpc(getWindow: () => BrowserWindow | null, core: UtilityProcess): void {
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();

  core.on('message', (message: FromCore) => {
    if (message.type === 'result') {
      pending.get(message.id)?.(message.result);
      pending.delete(message.id);
    } else if (message.type === 'event') {
      getWindow()?.webContents.send(IPC_EVENT, message.event);
    }
  });

  ipcMain.handle(IPC_CALL, (event: IpcMainInvokeEvent, payload: unknown) => {
    if (!isTrustedSender(event, getWindow())) {
      return { ok: false, error: { code: 'permission', message: 'This window may not use ClinicDesk.' } };
    }
    const { method, input, token } = (payload ?? {}) as { method?: unknown; input?: unknown; token?: unknown };
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      core.postMessage({ type: 'call', id, method: typeof method === 'string' ? method : '', input, token: typeof token === 'string' ? token : null });
    });
  });
}

function isTrustedSender(event: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  if (!win || !frame || event.sender !== win.webContents) return false;
  if (frame !== win.webContents.mainFrame) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}
