/** Messages between Electron's main process and the core's utility process. */
export type ToCore = { type: 'call'; id: number; method: string; input: unknown; token: string | null };
export type FromCore =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; event: unknown };

export const IPC_CALL = 'clinic:call';
export const IPC_EVENT = 'clinic:event';
