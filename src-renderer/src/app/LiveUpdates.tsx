import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { installBridge } from '../bridge';

/** Refreshes open screens when the desk core says records changed (here or on another desk). */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      installBridge().onEvent((event) => {
        for (const entity of event.entities) void queryClient.invalidateQueries({ queryKey: [entity] });
      }),
    [queryClient],
  );
  return null;
}
