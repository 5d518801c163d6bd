/**
 * The only thing web content gets: window.clinic, the ClinicApi bridge. No Electron or Node API is
 * handed over; channels are fixed here and arguments are plain data.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_PRINT } from './bridge-protocol';

contextBridge.exposeInMainWorld('clinic', {
  call: (method: string, input: unknown, token: string | null) => ipcRenderer.invoke(IPC_CALL, { method, input, token }),
  onEvent: (listener: (event: unknown) => void) => {
    const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
  /** Prints the page shown (a print view) through Electron: to a printer, or saved as a PDF. Browser mode uses window.print(). */
  print: (request: { mode: 'printer' | 'pdf'; paper: 'A4' | 'A5' | 'receipt80'; fileName: string }) => ipcRenderer.invoke(IPC_PRINT, request),
});
