import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { installBridge } from '../bridge';

/**
 * Refreshes open screens when the desk core says records changed (here, or on another desk through sync).
 *
 * A change can land while a query's very first fetch is still on its way (e.g. a search typed a moment
 * before a synced row arrived): TanStack Query then keeps that first fetch rather than starting another,
 * and its answer may predate the change. Such queries are fetched once more when that first fetch ends.
 */
/** Screens that show other entities' records too: a patient's history lists their visits and bills. */
const ALSO_REFRESH: Record<string, readonly (readonly string[])[]> = {
  appointments: [['consult', 'history']],
  billing: [['consult', 'history']],
  tasks: [['consult', 'history']],
};

export function LiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const cache = queryClient.getQueryCache();
    const again = new Set<string>();
    const offCache = cache.subscribe((e) => {
      if (e.type !== 'updated' || !again.has(e.query.queryHash) || e.query.state.fetchStatus !== 'idle') return;
      again.delete(e.query.queryHash);
      void queryClient.invalidateQueries({ queryKey: e.query.queryKey, exact: true });
    });
    const offEvents = installBridge().onEvent((event) => {
      for (const entity of event.entities) {
        for (const q of cache.findAll({ queryKey: [entity] })) {
          if (q.state.fetchStatus === 'fetching' && q.state.data === undefined) again.add(q.queryHash);
        }
        void queryClient.invalidateQueries({ queryKey: [entity] });
        for (const key of ALSO_REFRESH[entity] ?? []) void queryClient.invalidateQueries({ queryKey: [...key] });
      }
    });
    return () => {
      offCache();
      offEvents();
    };
  }, [queryClient]);
  return null;
}
