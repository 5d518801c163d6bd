import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import Razorpay from 'razorpay';
import { ApiError } from '../../src-shared/errors';

/**
 * The one place the Razorpay SDK is built, with the server's keys (they never leave the server), and the
 * signature checks. Razorpay's own validateWebhookSignature / validatePaymentVerification compare with `===`;
 * every decision here uses HMAC-SHA256 and a constant-time comparison instead.
 */
export interface RazorpayConfig {
  keyId: string;
  keySecret: string;
  /** The webhook's secret (Razorpay dashboard → Webhooks); without it the webhook endpoint is off and desks poll. */
  webhookSecret: string | null;
  /** Tests only: where the SDK sends its requests instead of https://api.razorpay.com. */
  baseUrl: string | null;
  /** How long one request to Razorpay may take. */
  timeoutMs: number;
}

export const DEFAULT_RAZORPAY_TIMEOUT_MS = 15_000;

/**
 * Razorpay settings from the environment, in the style of config.ts: RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET
 * (both, or neither: null, online payments off), RAZORPAY_WEBHOOK_SECRET (optional), and for tests
 * CLINICDESK_RAZORPAY_BASE_URL (the local stand-in for Razorpay). Throws RangeError when half configured.
 */
export function razorpayFrom(env: NodeJS.ProcessEnv): RazorpayConfig | null {
  const keyId = env.RAZORPAY_KEY_ID?.trim() ?? '';
  const keySecret = env.RAZORPAY_KEY_SECRET?.trim() ?? '';
  if (!keyId && !keySecret) return null;
  if (!keyId || !keySecret) throw new RangeError('Set both RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET to take online payments, or neither.');
  const base = env.CLINICDESK_RAZORPAY_BASE_URL?.trim();
  return {
    keyId,
    keySecret,
    webhookSecret: env.RAZORPAY_WEBHOOK_SECRET?.trim() || null,
    baseUrl: base ? razorpayBaseUrl(base) : null,
    timeoutMs: DEFAULT_RAZORPAY_TIMEOUT_MS,
  };
}

/** "http://127.0.0.1:4000/v1/" → "http://127.0.0.1:4000": the SDK adds /v1 to every path itself. */
export function razorpayBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError('CLINICDESK_RAZORPAY_BASE_URL must be an address such as http://127.0.0.1:4000.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError('CLINICDESK_RAZORPAY_BASE_URL must start with http:// or https://.');
  return url.toString().replace(/\/+$/, '').replace(/\/v1$/, '');
}

export interface RazorpayClient {
  /** The public key id (the desk's checkout needs it); the secret is never exposed. */
  readonly keyId: string;
  readonly sdk: Razorpay;
  readonly webhooksEnabled: boolean;
  /** Standard Checkout: HMAC(key_secret, `${order_id}|${payment_id}`). */
  checkoutSignatureValid(orderId: string, paymentId: string, signature: string): boolean;
  /** Payment link callback: HMAC(key_secret, `${plink_id}|${reference_id}|${status}|${payment_id}`). */
  paymentLinkSignatureValid(link: { paymentLinkId: string; referenceId: string; status: string; paymentId: string }, signature: string): boolean;
  /** Webhook: HMAC(webhook_secret, raw body) in X-Razorpay-Signature. False when no webhook secret is set. */
  webhookSignatureValid(rawBody: Buffer, signature: string): boolean;
}

/** The part of the SDK's axios instance (`sdk.api.rq`) we adjust; see node_modules/razorpay/dist/api.js. */
interface AxiosLike {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: { response: { use(onFulfilled: undefined, onRejected: (err: unknown) => unknown): unknown } };
}

/**
 * Razorpay's error code for "no answer at all" (connection refused, timeout, DNS…), which the SDK cannot
 * represent: its normalizeError reads err.response.status and would throw a TypeError instead.
 */
export const UNREACHABLE_CODE = 'CLINICDESK_UNREACHABLE';

export function createRazorpayClient(config: RazorpayConfig): RazorpayClient {
  const sdk = new Razorpay({ key_id: config.keyId, key_secret: config.keySecret });
  const rq = (sdk.api as unknown as { rq?: AxiosLike }).rq;
  if (!rq?.defaults || !rq.interceptors) throw new Error('The razorpay SDK no longer keeps its HTTP client at api.rq: update payments/razorpay-client.ts.');
  // The SDK fixes its host to https://api.razorpay.com; tests point it at the local stand-in, here and only here.
  if (config.baseUrl) rq.defaults.baseURL = config.baseUrl;
  rq.defaults.timeout = config.timeoutMs;
  rq.interceptors.response.use(undefined, (err) => {
    if ((err as { response?: unknown })?.response) return Promise.reject(err);
    // Shaped as a response so that the SDK's normalizeError turns it into {statusCode: 0, error}.
    const code = String((err as { code?: unknown })?.code ?? 'unknown');
    return Promise.reject({ response: { status: 0, data: { error: { code: UNREACHABLE_CODE, description: 'Razorpay did not answer.', reason: code } } } });
  });

  const keySecret = Buffer.from(config.keySecret);
  const webhookSecret = config.webhookSecret ? Buffer.from(config.webhookSecret) : null;
  return {
    keyId: config.keyId,
    sdk,
    webhooksEnabled: webhookSecret !== null,
    checkoutSignatureValid: (orderId, paymentId, signature) => hmacMatches(keySecret, `${orderId}|${paymentId}`, signature),
    paymentLinkSignatureValid: (l, signature) => hmacMatches(keySecret, `${l.paymentLinkId}|${l.referenceId}|${l.status}|${l.paymentId}`, signature),
    webhookSignatureValid: (rawBody, signature) => (webhookSecret ? hmacMatches(webhookSecret, rawBody, signature) : false),
  };
}

export function hmacHex(secret: string | Buffer, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** Constant-time: the expected and given hex digests are compared as equal-length buffers. */
function hmacMatches(secret: Buffer, data: string | Buffer, signature: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(data).digest();
  const given = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A stable id for a webhook delivered without x-razorpay-event-id (replays of the same body match). */
export function bodyEventId(rawBody: Buffer): string {
  return `body:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** What the SDK rejects with once the response interceptor and its normalizeError have run. */
interface SdkError {
  statusCode: number | string;
  error?: { code?: string; description?: string; reason?: string } | undefined;
}

function isSdkError(err: unknown): err is SdkError {
  return typeof err === 'object' && err !== null && 'statusCode' in err;
}

export const razorpayUnreachable = (message = 'Razorpay could not be reached. Take the payment another way, or try again in a minute.') =>
  new ApiError({ code: 'internal', reason: 'razorpay_unreachable', message });

/** True when the SDK call failed without Razorpay answering (or Razorpay itself failed: 5xx). */
export function isUnreachable(err: unknown): boolean {
  if (!isSdkError(err)) return false;
  const status = Number(err.statusCode);
  return status === 0 || status >= 500;
}

/**
 * A failed SDK call as an ApiError for the desk: Razorpay unreachable (or failing), our keys refused, or the
 * request refused (with Razorpay's own description, which never quotes our secrets). Anything else — a bug —
 * is rethrown as it is.
 */
export function razorpayFailure(err: unknown, unreachableMessage?: string): ApiError {
  if (err instanceof ApiError) return err;
  if (!isSdkError(err)) throw err;
  if (isUnreachable(err)) return razorpayUnreachable(unreachableMessage);
  const status = Number(err.statusCode);
  if (status === 401) {
    return new ApiError({
      code: 'internal',
      reason: 'razorpay_keys_refused',
      message: "Razorpay refused this server's keys. An administrator must check RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET on the server.",
    });
  }
  const description = String(err.error?.description ?? '').slice(0, 200);
  return new ApiError({
    code: 'validation',
    reason: 'razorpay_refused',
    message: description ? `Razorpay refused this: ${description}` : 'Razorpay refused this request.',
    details: { razorpayCode: err.error?.code ?? null },
  });
}
