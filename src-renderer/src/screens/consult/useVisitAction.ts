import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConsultVisit } from '../../../../src-shared/api/consult';
import { errorBody } from '../../api/client';
import { consultKeys } from '../../api/consult';

/**
 * A consult-screen action: whether it is running, its refusal in words, and the visit read again once it is done.
 * The action returns a message instead of throwing when it stops before calling the core ("Not signed: …").
 */
export function useVisitAction(visit: ConsultVisit) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    try {
      const refused = await action();
      if (typeof refused === 'string') return setError(refused);
      await queryClient.invalidateQueries({ queryKey: consultKeys.visit(visit.appointment.id) });
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
