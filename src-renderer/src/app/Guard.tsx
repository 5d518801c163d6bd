import type { ReactNode } from 'react';
import type { MethodName } from '../../../src-shared/api/contract';
import { can } from '../../../src-shared/permissions';
import { useSession } from './auth';
import { NotAllowed } from '../screens/NotFound';

/** Shows a screen only to roles that may call the method behind it. */
export function Guard({ method, children }: { method: MethodName; children: ReactNode }) {
  const session = useSession();
  return can(session.user.role, method) ? <>{children}</> : <NotAllowed />;
}

export function useCan(): (method: MethodName) => boolean {
  const session = useSession();
  return (method) => can(session.user.role, method);
}
