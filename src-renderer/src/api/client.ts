import type { MethodInput, MethodName, MethodOutput } from '../../../src-shared/api/contract';
import { ApiError, type ApiErrorBody } from '../../../src-shared/errors';
import { installBridge } from '../bridge';

export { ApiError };

const TOKEN_KEY = 'clinicdesk.session';

/** The session token lives in sessionStorage: a reload keeps you signed in within this tab only. */
export const sessionToken = {
  get(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string | null) {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // storage unavailable: the session simply will not survive a reload
    }
  },
};

export type AuthProblem = 'locked' | 'unauthenticated';
type AuthListener = (problem: AuthProblem, method: MethodName) => void;
const authListeners = new Set<AuthListener>();

/** Methods whose 'unauthenticated' answer is a wrong password (or a sign-out anyway), not a lost session. */
const QUIET_METHODS: ReadonlySet<MethodName> = new Set<MethodName>(['auth.signIn', 'auth.unlock', 'auth.signOut', 'setup.createClinic', 'setup.status']);

let lastCallAt = 0;

export const api = {
  /** One ClinicApi call with the session token. Resolves with the result or throws an ApiError. */
  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const bridge = installBridge();
    lastCallAt = Date.now();
    const result = await bridge.call(method, input, sessionToken.get());
    if (result.ok) return result.data as MethodOutput<M>;
    const error = new ApiError(result.error);
    if (error.code === 'locked' || (error.code === 'unauthenticated' && !QUIET_METHODS.has(method))) {
      for (const l of authListeners) l(error.code, method);
    }
    throw error;
  },
  /** Told when any call finds the session locked or gone. */
  onAuthProblem(listener: AuthListener): () => void {
    authListeners.add(listener);
    return () => authListeners.delete(listener);
  },
  /** When the last call went out (the core counts calls as activity). */
  lastCallAt: () => lastCallAt,
};

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The error's body for display, whatever was thrown. */
export function errorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) return error.toBody();
  return { code: 'internal', message: 'Something went wrong. Please try again.' };
}
