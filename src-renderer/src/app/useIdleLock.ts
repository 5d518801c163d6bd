import { useEffect, useRef } from 'react';
import { api } from '../api/client';

const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart'] as const;
/** The core counts calls as activity; someone typing a long form makes none, so say hello now and then. */
const HEARTBEAT_MS = 60_000;

/**
 * Locks the screen after `minutes` without mouse or keyboard activity. While there is activity, the
 * core is told (auth.session) so it does not lock the session under someone who is typing.
 */
export function useIdleLock(minutes: number, locked: boolean, lock: () => void) {
  const lastActivity = useRef(Date.now());
  const lockRef = useRef(lock);
  useEffect(() => {
    lockRef.current = lock;
  }, [lock]);

  useEffect(() => {
    if (locked) return;
    lastActivity.current = Date.now();
    let heartbeatInFlight = false;
    const onActivity = () => {
      const now = Date.now();
      lastActivity.current = now;
      if (!heartbeatInFlight && now - api.lastCallAt() > HEARTBEAT_MS) {
        heartbeatInFlight = true;
        api
          .call('auth.session', {})
          .then((s) => {
            if (s.locked) lockRef.current();
          })
          .catch(() => undefined)
          .finally(() => {
            heartbeatInFlight = false;
          });
      }
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { passive: true, capture: true });
    const timer = setInterval(() => {
      if (Date.now() - lastActivity.current >= minutes * 60_000) lockRef.current();
    }, 5_000);
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity, { capture: true });
      clearInterval(timer);
    };
  }, [minutes, locked]);
}
