import { ApiError, type ApiErrorBody } from '../../../src-shared/errors';

/**
 * Plain JSON requests to the clinic's sync server (enrolment and the admin relays). Refusals become
 * ApiErrors with words for the desk; the device credential travels only in the Authorization header
 * and never appears in an error or a log.
 */
export type FetchFn = typeof fetch;

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** A server address as typed: "192.168.1.10:8787" or "http://server.local:8787/" → "http://192.168.1.10:8787". */
export function normalizeServerUrl(raw: string): string | null {
  let text = raw.trim();
  if (!text) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || !url.hostname) return null;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export const serverDidNotAnswer = (serverUrl: string) =>
  new ApiError({
    code: 'conflict',
    reason: 'server_unreachable',
    message: `The server did not answer at ${serverUrl}. Check the address, that this PC is on the clinic's network, and that the server is running.`,
  });

export interface ServerRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  credential?: string;
  /** The signed-in desk user an admin action is done for (ClinicDesk-User). */
  userId?: string;
  timeoutMs?: number;
}

export interface ServerReply {
  status: number;
  body: unknown;
  /** The server's refusal, when status is not 2xx and it answered as a ClinicDesk server. */
  error: ApiErrorBody | null;
}

/** One request; throws serverDidNotAnswer when nothing (or not a ClinicDesk server) answered. */
export async function serverRequest(fetchFn: FetchFn, serverUrl: string, req: ServerRequest): Promise<ServerReply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.credential) headers.authorization = `Bearer ${req.credential}`;
  if (req.userId) headers['clinicdesk-user'] = req.userId;
  let res: Response;
  let body: unknown;
  try {
    res = await fetchFn(serverUrl + req.path, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
    body = await res.json();
  } catch {
    throw serverDidNotAnswer(serverUrl);
  }
  if (res.ok) return { status: res.status, body, error: null };
  const error = (body as { error?: ApiErrorBody } | null)?.error;
  if (!error || typeof error.message !== 'string' || typeof error.code !== 'string') throw serverDidNotAnswer(serverUrl);
  return { status: res.status, body, error: { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) } };
}
