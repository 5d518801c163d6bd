/** Messages between Electron's main process and the core's utility process. */
export type ToCore = { type: 'call'; id: number; method: string; input: unknown; token: string | null };
export type FromCore =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: unknown };

export const IPC_CALL = 'clinic:call';
export const IPC_EVENT = 'clinic:event';
export const IPC_PRINT = 'clinic:print';

/** A print job from the window: the current page (a print view) to the printer, or saved as a PDF. */
export interface PrintRequest {
  mode: 'printer' | 'pdf';
  /** A4 documents, or the 80 mm receipt roll. */
  paper: 'A4' | 'A5' | 'receipt80';
  /** Suggested file name for a PDF (no folders). */
  fileName: string;
}
