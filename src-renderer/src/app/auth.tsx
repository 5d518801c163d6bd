import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '../../../src-shared/api/types';
import { api, errorBody, sessionToken } from '../api/client';
import { installBridge } from '../bridge';

export type Phase =
  | { kind: 'starting' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'setup' }
  | { kind: 'signIn'; clinicName: string | null; notice?: string }
  | { kind: 'app'; session: SessionInfo; locked: boolean };

interface AuthContextValue {
  phase: Phase;
  /** After setup or sign-in: keep the token and open the app. */
  signedIn(session: SessionInfo): void;
  /** After a successful unlock. */
  unlocked(session: SessionInfo): void;
  /** Lock now (header button or idle timer). */
  lock(): Promise<void>;
  signOut(notice?: string): Promise<void>;
  /** After joining a clinic server on the first-run screen: on to sign-in (staff come from the server). */
  joined(notice: string): Promise<void>;
  retry(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in session; only for screens inside the app shell. */
export function useSession(): SessionInfo {
  const { phase } = useAuth();
  if (phase.kind !== 'app') throw new Error('useSession outside the signed-in app');
  return phase.session;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  const [attempt, setAttempt] = useState(0);

  const toSignIn = useCallback(
    async (notice?: string) => {
      sessionToken.set(null);
      queryClient.clear();
      let clinicName: string | null = null;
      try {
        clinicName = (await api.call('setup.status', {})).clinicName;
      } catch {
        // shown without the clinic name
      }
      setPhase({ kind: 'signIn', clinicName, notice });
    },
    [queryClient],
  );

  // Start-up: first-run setup, a session kept from before a reload, or sign-in.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const status = await api.call('setup.status', {});
        if (cancelled) return;
        if (status.needsSetup) {
          setPhase({ kind: 'setup' });
          return;
        }
        if (sessionToken.get()) {
          try {
            const session = await api.call('auth.session', {});
            if (!cancelled) setPhase({ kind: 'app', session, locked: session.locked });
            return;
          } catch {
            sessionToken.set(null);
          }
        }
        if (!cancelled) setPhase({ kind: 'signIn', clinicName: status.clinicName });
      } catch (error) {
        if (!cancelled) setPhase({ kind: 'unreachable', message: errorBody(error).message });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // Any call that finds the session locked shows the lock screen; a lost session goes back to sign-in.
  useEffect(
    () =>
      api.onAuthProblem((problem) => {
        const current = phaseRef.current;
        if (current.kind !== 'app') return;
        if (problem === 'locked') {
          if (!current.locked) setPhase({ ...current, locked: true });
        } else {
          void toSignIn('Your session has ended. Please sign in again.');
        }
      }),
    [toSignIn],
  );

  // Clinic or staff changes may change what the header shows (clinic name, my name, my role).
  useEffect(() => {
    const bridge = installBridge();
    return bridge.onEvent((event) => {
      const current = phaseRef.current;
      if (current.kind !== 'app' || current.locked) return;
      if (!event.entities.some((e) => e === 'clinic' || e === 'staff')) return;
      api
        .call('auth.session', {})
        .then((session) => {
          const now = phaseRef.current;
          if (now.kind === 'app' && now.session.token === session.token) setPhase({ kind: 'app', session, locked: session.locked });
        })
        .catch(() => undefined);
    });
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      phase,
      signedIn(session) {
        sessionToken.set(session.token);
        queryClient.clear();
        window.location.hash = '#/patients';
        setPhase({ kind: 'app', session, locked: session.locked });
      },
      unlocked(session) {
        setPhase({ kind: 'app', session, locked: false });
      },
      async lock() {
        const current = phaseRef.current;
        if (current.kind !== 'app' || current.locked) return;
        setPhase({ ...current, locked: true });
        try {
          await api.call('auth.lock', {});
        } catch {
          // the overlay is up either way; unlocking asks the core again
        }
      },
      async signOut(notice) {
        try {
          await api.call('auth.signOut', {});
        } catch {
          // signed out locally whatever the core says
        }
        await toSignIn(notice);
      },
      async joined(notice) {
        await toSignIn(notice);
      },
      retry() {
        setPhase({ kind: 'starting' });
        setAttempt((n) => n + 1);
      },
    }),
    [phase, queryClient, toSignIn],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
