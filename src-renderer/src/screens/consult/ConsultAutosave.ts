import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { errorBody } from '../../api/client';

/**
 * Autosave for the consult screen's drafts (note, addendum, prescription, diet plan).
 *
 * - Saves ~3 s after typing stops, on blur, before signing, and when the screen goes away.
 * - One save at a time: typing during a save is saved right after it.
 * - A refused save keeps everything typed on screen and says why ("Not saved — …"); a network or server
 *   failure is tried again every few seconds, a refused input again as soon as it changes.
 * - Until a save succeeds, what was typed is also kept in this browser's localStorage under the visit
 *   (crash safety for the window), and removed once saved.
 */

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: number; held: string | null }
  | { kind: 'error'; message: string; fields: Record<string, string> };

/** What a save did: everything, or all but something not complete yet (`held` says what). */
export interface SaveOutcome {
  held?: string | null;
}

export type FlushResult = { ok: true } | { ok: false; message: string };

export interface Autosave {
  state: SaveState;
  /** Saves now (if anything changed) and tells whether everything typed is saved. */
  flush(): Promise<FlushResult>;
  /** True while something typed is not saved yet. */
  dirty(): boolean;
}

const RETRY_MS = 5_000;

// ---- the window's backup of unsaved text ----------------------------------------------------

const backupKey = (appointmentId: string) => `clinicdesk.consult.${appointmentId}`;

function readAll(appointmentId: string): Record<string, unknown> {
  try {
    const raw = localStorage.getItem(backupKey(appointmentId));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function writeAll(appointmentId: string, all: Record<string, unknown>) {
  try {
    if (Object.keys(all).length === 0) localStorage.removeItem(backupKey(appointmentId));
    else localStorage.setItem(backupKey(appointmentId), JSON.stringify(all));
  } catch {
    // storage full or unavailable: the text is still on screen and still being saved
  }
}

export const draftBackup = {
  read<T>(appointmentId: string, part: string): T | undefined {
    return readAll(appointmentId)[part] as T | undefined;
  },
  write(appointmentId: string, part: string, value: unknown) {
    writeAll(appointmentId, { ...readAll(appointmentId), [part]: value });
  },
  clear(appointmentId: string, part: string) {
    const all = readAll(appointmentId);
    if (!(part in all)) return;
    delete all[part];
    writeAll(appointmentId, all);
  },
};

// ---- every autosave on the screen, so signing can save them all first -------------------------

export interface FlushRegistry {
  add(name: string, flush: () => Promise<FlushResult>): () => void;
  flushAll(): Promise<FlushResult>;
}

export function createFlushRegistry(): FlushRegistry {
  const all = new Map<string, () => Promise<FlushResult>>();
  return {
    add(name, flush) {
      all.set(name, flush);
      return () => {
        if (all.get(name) === flush) all.delete(name);
      };
    },
    async flushAll() {
      const results = await Promise.all([...all.values()].map((f) => f()));
      const failed = results.filter((r): r is { ok: false; message: string } => !r.ok);
      return failed.length === 0 ? { ok: true } : { ok: false, message: failed.map((f) => f.message).join(' ') };
    },
  };
}

export const FlushContext = createContext<FlushRegistry | null>(null);

// ---- the hook -------------------------------------------------------------------------------

export function useAutosave<T>({
  name,
  value,
  savedValue,
  enabled,
  save,
  backup,
  delayMs = 3_000,
}: {
  /** Names the draft in messages ("The note", "The prescription"). */
  name: string;
  value: T;
  /** What the server holds when the editor opens (nothing to save until the value differs from it). */
  savedValue: T;
  enabled: boolean;
  save: (value: T) => Promise<SaveOutcome | void>;
  backup?: { appointmentId: string; part: string };
  delayMs?: number;
}): Autosave {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const latest = useRef(value);
  latest.current = value;
  const saveRef = useRef(save);
  saveRef.current = save;
  const savedSnap = useRef(JSON.stringify(savedValue));
  const held = useRef<string | null>(null);
  const lastError = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const running = useRef<Promise<FlushResult> | null>(null);
  const enabledRef = useRef(enabled);
  enabledRef.current = enabled;
  const mounted = useRef(true);
  const backupRef = useRef(backup);
  backupRef.current = backup;

  const set = (s: SaveState) => {
    if (mounted.current) setState(s);
  };

  const clearTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  // One pass: save the latest value if it differs from what was saved; repeat while typing went on meanwhile.
  const run = useCallback(async (): Promise<FlushResult> => {
    for (;;) {
      const snap = JSON.stringify(latest.current);
      if (snap === savedSnap.current) {
        if (lastError.current) return { ok: false, message: lastError.current };
        return held.current ? { ok: false, message: held.current } : { ok: true };
      }
      if (!enabledRef.current) return { ok: false, message: `${name} cannot be saved now.` };
      set({ kind: 'saving' });
      try {
        const outcome = await saveRef.current(JSON.parse(snap) as T);
        savedSnap.current = snap;
        held.current = outcome?.held ?? null;
        lastError.current = null;
        const b = backupRef.current;
        if (JSON.stringify(latest.current) === snap) {
          if (b && !held.current) draftBackup.clear(b.appointmentId, b.part);
          set({ kind: 'saved', at: Date.now(), held: held.current });
        }
      } catch (e) {
        const body = errorBody(e);
        lastError.current = body.message;
        set({ kind: 'error', message: body.message, fields: body.fields ?? {} });
        // A refused input waits for the next change; anything else (network, server) is tried again.
        if (body.code !== 'validation' && body.code !== 'permission' && mounted.current) {
          clearTimer();
          timer.current = setTimeout(() => void flushRef.current(), RETRY_MS);
        }
        return { ok: false, message: `${name} is not saved: ${body.message}` };
      }
    }
  }, [name]);

  const flush = useCallback(async (): Promise<FlushResult> => {
    clearTimer();
    while (running.current) await running.current.catch(() => undefined);
    const p = run();
    running.current = p;
    try {
      return await p;
    } finally {
      if (running.current === p) running.current = null;
    }
  }, [run]);
  const flushRef = useRef(flush);
  flushRef.current = flush;

  // Each change: keep a backup in the window, and save a few seconds after typing stops.
  const snapNow = JSON.stringify(value);
  useEffect(() => {
    if (!enabled || snapNow === savedSnap.current) return;
    const b = backupRef.current;
    if (b) draftBackup.write(b.appointmentId, b.part, JSON.parse(snapNow));
    lastError.current = null;
    setState((s) => (s.kind === 'saving' ? s : { kind: 'pending' }));
    clearTimer();
    timer.current = setTimeout(() => void flushRef.current(), delayMs);
  }, [snapNow, enabled, delayMs]);

  // Leaving the screen (or closing the window): save what is pending.
  useEffect(() => {
    mounted.current = true;
    const onUnload = () => void flushRef.current();
    window.addEventListener('beforeunload', onUnload);
    return () => {
      window.removeEventListener('beforeunload', onUnload);
      mounted.current = false;
      if (JSON.stringify(latest.current) !== savedSnap.current && enabledRef.current) void flushRef.current();
      clearTimer();
    };
  }, []);

  const dirty = useCallback(() => JSON.stringify(latest.current) !== savedSnap.current, []);
  return { state, flush, dirty };
}

/** Registers an autosave with the screen's registry (signing saves everything first). */
export function useRegisterFlush(name: string, autosave: Autosave, enabled: boolean) {
  const registry = useContext(FlushContext);
  const ref = useRef(autosave.flush);
  ref.current = autosave.flush;
  useEffect(() => {
    if (!registry || !enabled) return;
    return registry.add(name, () => ref.current());
  }, [registry, name, enabled]);
}

/** "10:42:07" in the clinic's time zone. */
export function clockTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}
