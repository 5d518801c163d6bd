import { useEffect, useState } from 'react';

/** Date.now(), refreshed every `everyMs` (for "waiting 12 min" and "8 min left"). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
