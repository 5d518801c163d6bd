/**
 * Typed errors of the ClinicApi. Every message is written for the person at the desk:
 * it says what is wrong and what to do, and never repeats what was typed (no PHI in messages).
 */
export const API_ERROR_CODES = [
  'validation',
  'permission',
  'conflict',
  'not_found',
  'unauthenticated',
  'locked',
  'rate_limited',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The HTTP status each error travels with (browser mode and the sync server alike). */
export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  permission: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  rate_limited: 429,
  internal: 500,
};

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** Per-field messages for forms, keyed by the dotted path of the field. */
  fields?: Record<string, string>;
  /** Machine-readable reason inside a code, e.g. 'possible_duplicate'. */
  reason?: string;
  /** Extra data a screen needs to help (e.g. the probable duplicates). Never echoes input. */
  details?: unknown;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly fields?: Record<string, string>;
  readonly reason?: string;
  readonly details?: unknown;

  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.fields = body.fields;
    this.reason = body.reason;
    this.details = body.details;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { code: this.code, message: this.message };
    if (this.fields) body.fields = this.fields;
    if (this.reason) body.reason = this.reason;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

export const notFound = (what: string) =>
  new ApiError({ code: 'not_found', message: `That ${what} could not be found. It may have been removed — search again.` });

export const permissionDenied = () =>
  new ApiError({ code: 'permission', message: 'Your role does not allow this. Ask an administrator if you need it.' });

export const unauthenticated = () =>
  new ApiError({ code: 'unauthenticated', message: 'Please sign in to continue.' });

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiErrorBody };
