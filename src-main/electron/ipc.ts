import fs from 'node:fs/promises';
import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent, type UtilityProcess } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PRINT, type FromCore, type PrintRequest } from './bridge-protocol';
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

/**
 * Printing (issue 6): the window shows a print view (A4 or A5 document, or 80 mm receipt) and asks for it to go to
 * a printer (the system dialog) or to a PDF the user saves where they choose. Same sender checks as the API.
 */
export function registerPrint(getWindow: () => BrowserWindow | null): void {
  ipcMain.handle(IPC_PRINT, async (event: IpcMainInvokeEvent, payload: unknown) => {
    const win = getWindow();
    if (!win || !isTrustedSender(event, win)) return { ok: false, message: 'This window may not print.' };
    const req = (payload ?? {}) as Partial<PrintRequest>;
    const receipt = req.paper === 'receipt80';
    // 80 mm roll: width in inches, a long page the printer cuts. A5 for prescriptions (issue 7).
    const pageSize = receipt ? { width: 80 / 25.4, height: 297 / 25.4 } : req.paper === 'A5' ? ('A5' as const) : ('A4' as const);
    if (req.mode === 'pdf') {
      const name = (typeof req.fileName === 'string' ? req.fileName : 'document').replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80) || 'document';
      const target = await dialog.showSaveDialog(win, { defaultPath: `${name}.pdf`, filters: [{ name: 'PDF', extensions: ['pdf'] }] });
      if (target.canceled || !target.filePath) return { ok: false, message: 'Not saved.' };
      const pdf = await win.webContents.printToPDF({ pageSize, printBackground: true, preferCSSPageSize: true, margins: { marginType: receipt ? 'none' : 'default' } });
      await fs.writeFile(target.filePath, pdf);
      return { ok: true, message: 'Saved.' };
    }
    return new Promise((resolve) => {
      win.webContents.print({ silent: false, printBackground: true, pageSize }, (success, failureReason) =>
        resolve(success ? { ok: true, message: 'Sent to the printer.' } : { ok: false, message: failureReason === 'cancelled' ? 'Printing was cancelled.' : 'The printer did not take the page. Check it is on and try again.' }),
      );
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
