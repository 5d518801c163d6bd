import type { ApiResult } from '../../src-shared/errors';

/** A change pushed by the desk core: which kinds of record changed (e.g. 'patients', 'staff', 'clinic'). */
export interface ClinicEvent {
  type: 'changed';
  entities: string[];
}

/** What the renderer gets from its host: the Electron preload, or browser mode's HTTP bridge below. */
export interface ClinicBridge {
  call(method: string, input: unknown, token: string | null): Promise<ApiResult<unknown>>;
  onEvent(listener: (event: ClinicEvent) => void): () => void;
  /**
   * Electron only: prints the page shown (a print view) to a printer, or saves it as a PDF where the user
   * chooses. Browser mode has none: its print views use window.print().
   */
  print?(request: { mode: 'printer' | 'pdf'; paper: 'A4' | 'A5' | 'receipt80'; fileName: string }): Promise<{ ok: boolean; message: string }>;
}

declare global {
  interface Window {
    clinic?: ClinicBridge;
  }
}

const NOT_ANSWERING: ApiResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'ClinicDesk is not answering. Check that it is still running, then try again.' },
};

function isApiResult(value: unknown): value is ApiResult<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

async function httpCall(method: string, input: unknown, token: string | null): Promise<ApiResult<unknown>> {
  let response: Response;
  try {
    response = await fetch('/api/call', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-clinic-session': token ?? '' },
      body: JSON.stringify({ method, input }),
      credentials: 'same-origin',
    });
  } catch {
    return NOT_ANSWERING;
  }
  try {
    const body: unknown = await response.json();
    return isApiResult(body) ? body : NOT_ANSWERING;
  } catch {
    return NOT_ANSWERING;
  }
}

/** One WebSocket to /api/events shared by all listeners, reconnecting with backoff while anyone listens. */
function createEventSocket(): ClinicBridge['onEvent'] {
  const listeners = new Set<(event: ClinicEvent) => void>();
  let socket: WebSocket | null = null;
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const connect = () => {
    timer = null;
    if (listeners.size === 0) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/events`);
    socket = ws;
    ws.onopen = () => {
      // After a gap, anything may have changed: tell the listeners to refresh everything.
      if (retry > 0) for (const l of listeners) l({ type: 'changed', entities: ['patients', 'staff', 'clinic', 'sync', 'appointments', 'billing'] });
      retry = 0;
    };
    ws.onmessage = (message) => {
      let event: unknown;
      try {
        event = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const e = event as Partial<ClinicEvent>;
      if (e && e.type === 'changed' && Array.isArray(e.entities)) {
        const clean: ClinicEvent = { type: 'changed', entities: e.entities.filter((x): x is string => typeof x === 'string') };
        for (const l of listeners) l(clean);
      }
    };
    ws.onclose = () => {
      if (socket === ws) socket = null;
      if (listeners.size === 0) return;
      const delay = Math.min(30_000, 500 * 2 ** retry);
      retry += 1;
      timer = setTimeout(connect, delay);
    };
  };

  return (listener) => {
    listeners.add(listener);
    if (!socket && !timer) connect();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) {
        if (timer) clearTimeout(timer);
        timer = null;
        const ws = socket;
        socket = null;
        ws?.close();
      }
    };
  };
}

/** In Electron the preload has already put window.clinic in place; in browser mode we install it here. */
export function installBridge(): ClinicBridge {
  if (!window.clinic) {
    window.clinic = { call: httpCall, onEvent: createEventSocket() };
  }
  return window.clinic;
}
