import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { validationError } from '../../src-shared/api/validation';
import { ApiError, HTTP_STATUS, type ApiErrorBody } from '../../src-shared/errors';
import { isUuid } from '../../src-shared/ids';
import { adminCommand, runAdminCommand } from '../admin';
import type { CentralDb } from '../db/open';
import type { DevicesTable } from '../db/schema';
import type { Logger } from '../log';
import {
  authenticateDevice,
  createEnrolmentCode,
  deviceInfo,
  enrolDevice,
  listDevices,
  credentialRefused,
  markSeen,
  revokeDevice,
  type EnrolledDevice,
} from '../services/devices';
import { finishUpload, foundClinic, uploadRows } from '../services/founding';
import { applyMutations } from '../services/mutations';
import { readBlob, storeBlob } from '../services/blobs';
import { ElectricProxy, UpstreamError, type ElectricProxyOptions } from '../services/electric-proxy';
import { ClientGoneError, DEVICES_CHANNEL, ShapeService, type ShapeOptions } from '../services/shapes';
import { isShapeName, STATION_ROLES } from '../../src-shared/sync/shapes';
import { createRazorpayClient, razorpayFrom, type RazorpayConfig } from '../payments/razorpay-client';
import { assertCollectable, assertRefundable, billingPaymentSink, recordRefundSent } from '../services/billing';
import {
  linkRequest,
  orderRequest,
  paymentsNotConfigured,
  pollRequest,
  qrRequest,
  RazorpayPayments,
  refundRequest,
  verifyRequest,
  type OnlinePaymentSink,
} from '../payments/razorpay';
import { FailureThrottle, type ThrottleOptions } from './throttle';

/**
 * The sync server's HTTP API on Node's own http module: a handful of JSON endpoints and the shape
 * endpoint, whose long-polls and exact response headers (electric-handle, electric-offset, …) are
 * simplest to get right with nothing between us and the socket — the desk's browser mode does the same.
 *
 *   GET  /health                      no auth: status and database reachability
 *   POST /v1/enrol                    auth by enrolment code: {code, deviceName, patientSeries?} → credential,
 *                                     series and station role
 *   POST /v1/found                    auth by set-up code (a server without a clinic prints one): the first PC's
 *                                     {code, deviceName, patientSeries?, clinic, staff} → credential (admin station)
 *   POST /v1/upload                   the founding device, until it finishes: {table, rows} of its other data
 *   POST /v1/upload/finish            the founding device: its data is all sent (services/founding.ts)
 *   POST /v1/mutations                the desk's outbox, in order: {mutations: [{id, name, args, ids, rows, userId, madeAt}]}
 *                                     → {results: [{id, status: applied|rejected, reason?, message?, rows, missing}]}
 *                                     (services/mutations.ts: each command run again here, at most once)
 *   GET  /v1/device                   the calling device (with its station role) and its clinic
 *   GET  /v1/shape?table=&offset=&handle=&live=&cursor=
 *                                     the ElectricSQL shape protocol for one synced table: rows of the device's
 *                                     clinic, columns of its station role (services/shapes.ts; `where`,
 *                                     `columns` and unknown parameters are ignored); live=true long-polls.
 *                                     With `electric`, forwarded to a real Electric service instead
 *                                     (services/electric-proxy.ts), same authentication and parameters
 *   POST /v1/enrolment-codes          admin: {expiresInHours?, stationRole?} → a new code for the device's clinic
 *   GET  /v1/devices                  admin: the clinic's devices
 *   POST /v1/devices/:id/revoke       admin: revoke a device of the clinic
 *   POST /v1/admin/command            only with `adminToken`, only from this machine: the operator's command
 *                                     line reaching a server that holds its PGlite folder (see admin.ts)
 *   POST /v1/blobs                    {sha256, dataBase64} an attached document's file, checked against its SHA-256
 *   GET  /v1/blobs/:sha256            the file back (consult-room and admin stations only)
 *   POST /v1/payments/razorpay/order  {invoiceId, amountPaise} → {orderId, keyId, amountPaise, currency} for Checkout
 *   POST /v1/payments/razorpay/link   {invoiceId, amountPaise, expiresInMinutes?} → {id, shortUrl, expiresAt}
 *   POST /v1/payments/razorpay/qr     {invoiceId, amountPaise, closeInMinutes?} → {id, imageUrl, closeBy} (single-use UPI QR)
 *   POST /v1/payments/razorpay/verify {orderId, paymentId, signature} (Checkout) or
 *                                     {paymentLinkId, referenceId, status, paymentId, signature} (link callback)
 *                                     → {outcome: recorded|duplicate|refund_due, paymentId, razorpayPaymentId, amountPaise}
 *   POST /v1/payments/razorpay/poll   {id: order_…|plink_…|qr_…} → {id, kind, status, payments: [...]}: asks Razorpay
 *   POST /v1/payments/razorpay/refund {razorpayPaymentId, amountPaise, creditNoteId} → {refundId, razorpayPaymentId,
 *                                     amountPaise, status}
 *   POST /v1/webhooks/razorpay        no device: Razorpay's webhook, checked by X-Razorpay-Signature over the raw body;
 *                                     each x-razorpay-event-id handled once (200 {status: processed|duplicate})
 *                                     (payments/razorpay.ts; Razorpay unreachable → 503, not set up → 404)
 *
 * Everything but /health, /v1/enrol, /v1/found and the Razorpay webhook needs `Authorization: Bearer <device credential>`; admin actions also
 * name the signed-in desk user in `ClinicDesk-User: <staff id>`, who must be an active admin of the device's
 * clinic (the desk checked that user's password; the device credential vouches for the desk).
 * Errors are JSON {error: {code, reason, message}} with plain-words messages.
 */
export interface ServerOptions {
  central: CentralDb;
  log: Logger;
  clock?: () => Date;
  host?: string;
  port?: number;
  enrolThrottle?: ThrottleOptions;
  /** Enables POST /v1/admin/command for the local command line (header ClinicDesk-Admin-Token, loopback only). */
  adminToken?: string;
  /** Shape endpoint tuning (chunk size, live timeout); tests make them small. */
  shapes?: ShapeOptions;
  /**
   * Proxy mode: GET /v1/shape is served by this Electric service (in front of the same PostgreSQL) after
   * the device is authenticated here; the server then reads no change log and keeps no shape waiters.
   */
  electric?: ElectricProxyOptions | null;
  /**
   * Online payments: the Razorpay keys, or null for none. Not given: read from the environment (RAZORPAY_KEY_ID,
   * RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET; payments/razorpay-client.ts).
   */
  razorpay?: RazorpayConfig | null;
  /** Where confirmed online payments are recorded: billing (services/billing.ts) unless a test gives another. */
  paymentSink?: OnlinePaymentSink;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}


const MAX_BODY_BYTES = 64 * 1024;
/** A founding desk's batch of rows (MAX_UPLOAD_ROWS of the widest table fit with room to spare). */
const MAX_UPLOAD_BODY_BYTES = 16 * 1024 * 1024;
/** A desk's batch of pushed mutations (services/mutations.ts: at most 500). */
const MAX_MUTATIONS_BODY_BYTES = 8 * 1024 * 1024;
/** A Razorpay webhook event (a payment with its order or link: a few KiB). */
const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
export const USER_HEADER = 'clinicdesk-user';
export const ADMIN_TOKEN_HEADER = 'clinicdesk-admin-token';
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  params: string[];
  ip: string;
  now: Date;
  /** Filled in by authentication, for the access log. */
  deviceId?: string;
  /** The shape's table, for the access log (a table name, never values). */
  table?: string;
}

/** `streamed`: the handler has written the response itself (the Electric proxy). */
type RouteHandler = (ctx: RequestContext) => Promise<{ status?: number; body: unknown; headers?: Record<string, string>; streamed?: boolean }>;

interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handler: RouteHandler;
}

const codeRequest = z.object({
  expiresInHours: z
    .number({ error: 'The expiry must be a number of hours.' })
    .min(1 / 60, 'A code must last at least a minute.')
    .max(30 * 24, 'A code can last at most 30 days.')
    .optional(),
  stationRole: z.enum(STATION_ROLES, { error: `The station role must be one of: ${STATION_ROLES.join(', ')}.` }).optional(),
});

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { central, log } = options;
  const { db } = central;
  const clock = options.clock ?? (() => new Date());
  const enrolThrottle = new FailureThrottle(options.enrolThrottle);
  const electric = options.electric ? new ElectricProxy(options.electric) : null;
  // Before anything is started: half-set Razorpay keys stop the server here (RangeError).
  const razorpayConfig = options.razorpay === undefined ? razorpayFrom(process.env) : options.razorpay;
  const razorpay = razorpayConfig
    ? new RazorpayPayments(db, createRazorpayClient(razorpayConfig), options.paymentSink ?? billingPaymentSink(db, clock), { log, clock })
    : null;
  // Native shapes: the change-log reader with its NOTIFY waiters. Proxy mode needs only revocations, to end
  // a revoked device's held live request at once (as the native endpoint does).
  const shapes = electric ? null : new ShapeService(central, options.shapes);
  await shapes?.start();
  const proxied = new Map<string, Set<() => void>>();
  const revocations = electric
    ? await central
        .listen([DEVICES_CHANNEL], (_channel, deviceId) => {
          for (const revoke of proxied.get(deviceId) ?? []) revoke();
        })
        .catch(() => null) // without notifications a revoked desk's live request ends with Electric's timeout
    : null;
  const closeShapes = async () => {
    await shapes?.close();
    await revocations?.close();
  };

  async function device(ctx: RequestContext): Promise<DevicesTable> {
    const header = ctx.req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const found = await authenticateDevice(db, match ? match[1]! : header ? '' : null).catch((err) => {
      if (err instanceof ApiError && header && !match) {
        throw new ApiError({ code: 'unauthenticated', reason: 'credential_malformed', message: 'The Authorization header must be "Bearer" and the device credential.' });
      }
      throw err;
    });
    ctx.deviceId = found.id;
    if (await markSeen(db, found.id, ctx.now)) found.last_seen_at = ctx.now.toISOString();
    return found;
  }

  /** The device, and the desk user it acts for, who must be an active administrator of the device's clinic. */
  /** Refunds of one credit note run one after another in this server (a second finds the first's refund). */
  const refundsRunning = new Map<string, Promise<unknown>>();
  async function oneRefundAtATime<T>(creditNoteId: string, run: () => Promise<T>): Promise<T> {
    const before = refundsRunning.get(creditNoteId) ?? Promise.resolve();
    const mine = before.catch(() => {}).then(run);
    refundsRunning.set(creditNoteId, mine);
    try {
      return await mine;
    } finally {
      if (refundsRunning.get(creditNoteId) === mine) refundsRunning.delete(creditNoteId);
    }
  }

  async function adminDevice(ctx: RequestContext): Promise<{ device: DevicesTable; userId: string }> {
    const dev = await device(ctx);
    const userId = String(ctx.req.headers[USER_HEADER] ?? '').trim();
    if (!userId) {
      throw new ApiError({ code: 'unauthenticated', reason: 'user_missing', message: 'Sign in on this desk as an administrator to do this.' });
    }
    const user = isUuid(userId)
      ? await db
          .selectFrom('staff')
          .select(['id', 'role', 'active'])
          .where('id', '=', userId)
          .where('clinic_id', '=', dev.clinic_id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    if (!user || user.active !== 1) {
      throw new ApiError({ code: 'permission', reason: 'user_unknown', message: 'The signed-in user is not an active staff member of this clinic on the server. Sign in again.' });
    }
    if (user.role !== 'admin') {
      throw new ApiError({ code: 'permission', reason: 'not_admin', message: 'Only an administrator can manage devices and enrolment codes.' });
    }
    return { device: dev, userId: user.id };
  }

  /**
   * A desk's Razorpay request: the device first (an unknown caller learns nothing, not even whether payments are
   * set up), then the body. "Razorpay could not be reached" travels as 503: nothing was done, try again.
   */
  async function withRazorpay<S extends z.ZodType>(
    ctx: RequestContext,
    schema: S,
    run: (payments: RazorpayPayments, dev: DevicesTable, input: z.infer<S>) => Promise<unknown>,
    status = 200,
  ): ReturnType<RouteHandler> {
    const dev = await device(ctx);
    if (!razorpay) throw paymentsNotConfigured();
    const parsed = schema.safeParse(await readJson(ctx.req));
    if (!parsed.success) throw validationError(parsed.error);
    try {
      return { status, body: await run(razorpay, dev, parsed.data) };
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'razorpay_unreachable') throw new HttpError(503, err.toBody());
      throw err;
    }
  }

  /** A request authenticated by a one-time code (enrolment or set-up): wrong codes from one address are throttled. */
  async function withCodeThrottle(ctx: RequestContext, kind: 'enrolment' | 'set-up', use: (body: unknown) => Promise<EnrolledDevice>): ReturnType<RouteHandler> {
    const now = ctx.now.getTime();
    const wait = enrolThrottle.waitMs(ctx.ip, now);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      return {
        status: 429,
        headers: { 'retry-after': String(seconds) },
        body: errorBody({
          code: 'rate_limited',
          reason: 'too_many_wrong_codes',
          message: `Too many wrong ${kind} codes from this computer. Wait ${seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`} and try again.`,
        }),
      };
    }
    const body = await readJson(ctx.req, kind === 'set-up' ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES);
    try {
      const enrolled = await use(body);
      enrolThrottle.succeed(ctx.ip);
      ctx.deviceId = enrolled.deviceId;
      log.log('info', kind === 'enrolment' ? 'device.enrolled' : 'clinic.found_started', { deviceId: enrolled.deviceId, clinicId: enrolled.clinicId });
      return { status: 201, body: enrolled };
    } catch (err) {
      if (err instanceof ApiError && err.reason?.startsWith('code_')) {
        enrolThrottle.fail(ctx.ip, now);
        log.log('warn', kind === 'enrolment' ? 'device.enrol_refused' : 'clinic.found_refused', { reason: err.reason });
      }
      throw err;
    }
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/health$/,
      name: 'health',
      async handler() {
        const reachable = await central.ping();
        return {
          status: reachable ? 200 : 503,
          body: { status: reachable ? 'ok' : 'unavailable', database: { kind: central.kind, reachable } },
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/enrol$/,
      name: 'enrol',
      handler: (ctx) => withCodeThrottle(ctx, 'enrolment', async (body) => enrolDevice(db, body, { now: ctx.now })),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/found$/,
      name: 'found',
      handler: (ctx) => withCodeThrottle(ctx, 'set-up', async (body) => foundClinic(db, body, { now: ctx.now })),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/upload$/,
      name: 'upload',
      async handler(ctx) {
        const dev = await device(ctx);
        const result = await uploadRows(db, dev, await readJson(ctx.req, MAX_UPLOAD_BODY_BYTES));
        ctx.table = result.table;
        return { body: result };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/upload\/finish$/,
      name: 'upload.finish',
      async handler(ctx) {
        const dev = await device(ctx);
        const result = await finishUpload(db, dev, { now: ctx.now });
        log.log('info', 'clinic.founded', { clinicId: dev.clinic_id, deviceId: dev.id });
        return { body: result };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/mutations$/,
      name: 'mutations',
      async handler(ctx) {
        const dev = await device(ctx);
        const body = await readJson(ctx.req, MAX_MUTATIONS_BODY_BYTES);
        const started = performance.now();
        const reply = await applyMutations(db, dev, body, { now: ctx.now });
        let rejected = 0;
        for (const r of reply.results) if (r.status === 'rejected') rejected++;
        log.log('info', 'mutations.pushed', { deviceId: dev.id, applied: reply.results.length - rejected, rejected, ms: Math.round(performance.now() - started) });
        return { body: reply };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/blobs$/,
      name: 'blobs.store',
      async handler(ctx) {
        const dev = await device(ctx);
        const result = await storeBlob(db, dev, await readJson(ctx.req, MAX_UPLOAD_BODY_BYTES), ctx.now);
        return { status: result.stored ? 201 : 200, body: result };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/blobs\/([^/]+)$/,
      name: 'blobs.read',
      async handler(ctx) {
        const dev = await device(ctx);
        return { body: await readBlob(db, dev, ctx.params[0]!) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/device$/,
      name: 'device',
      async handler(ctx) {
        const dev = await device(ctx);
        const clinic = await db.selectFrom('clinics').select(['id', 'legal_name', 'trade_name']).where('id', '=', dev.clinic_id).executeTakeFirstOrThrow();
        return { body: { device: deviceInfo(dev), clinic: { id: clinic.id, name: clinic.trade_name ?? clinic.legal_name } } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/shape$/,
      name: 'shape',
      async handler(ctx) {
        const dev = await device(ctx);
        const params = new URL(ctx.req.url ?? '/', 'http://server.invalid').searchParams;
        const table = params.get('table');
        ctx.table = table && isShapeName(table) ? table : undefined; // logged only when it is one of ours
        const gone = new AbortController();
        const onClose = () => {
          if (!ctx.res.writableEnded) gone.abort();
        };
        ctx.res.on('close', onClose);
        if (electric) return proxyShape(ctx, dev, params, gone, onClose);
        try {
          const reply = await shapes!.serve(
            dev,
            { table: params.get('table'), offset: params.get('offset'), handle: params.get('handle'), live: params.get('live') === 'true', cursor: params.get('cursor') },
            gone.signal,
          );
          return { status: reply.status, headers: reply.headers, body: reply.body };
        } finally {
          ctx.res.off('close', onClose);
        }
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/enrolment-codes$/,
      name: 'enrolment_codes.create',
      async handler(ctx) {
        const { device: dev, userId } = await adminDevice(ctx);
        const parsed = codeRequest.safeParse(await readJson(ctx.req));
        if (!parsed.success) throw validationError(parsed.error);
        const hours = parsed.data.expiresInHours;
        const code = await createEnrolmentCode(db, {
          clinicId: dev.clinic_id,
          createdBy: userId,
          now: ctx.now,
          stationRole: parsed.data.stationRole ?? 'front_desk',
          ...(hours !== undefined ? { ttlMs: Math.round(hours * 3_600_000) } : {}),
        });
        log.log('info', 'enrolment_code.created', { clinicId: dev.clinic_id, codeId: code.id, by: userId, deviceId: dev.id, stationRole: code.stationRole });
        return { status: 201, body: { code: code.code, expiresAt: code.expiresAt, stationRole: code.stationRole } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/devices$/,
      name: 'devices.list',
      async handler(ctx) {
        const { device: dev } = await adminDevice(ctx);
        return { body: { devices: await listDevices(db, dev.clinic_id) } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/devices\/([^/]+)\/revoke$/,
      name: 'devices.revoke',
      async handler(ctx) {
        const { device: dev, userId } = await adminDevice(ctx);
        const target = decodeURIComponent(ctx.params[0]!);
        if (!isUuid(target)) throw new ApiError({ code: 'not_found', reason: 'unknown_device', message: 'No enrolled device has that id. List the devices to see them.' });
        const revoked = await revokeDevice(db, { deviceId: target, clinicId: dev.clinic_id, by: userId, now: ctx.now });
        log.log('info', 'device.revoked', { deviceId: revoked.id, clinicId: revoked.clinicId, by: userId });
        return { body: { device: revoked } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/order$/,
      name: 'razorpay.order',
      handler: (ctx) =>
        withRazorpay(ctx, orderRequest, async (rzp, dev, input) => (await assertCollectable(db, dev.clinic_id, input.invoiceId, input.amountPaise), rzp.createOrder({ clinicId: dev.clinic_id, deviceId: dev.id, ...input })), 201),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/link$/,
      name: 'razorpay.link',
      handler: (ctx) =>
        withRazorpay(ctx, linkRequest, async (rzp, dev, input) => (await assertCollectable(db, dev.clinic_id, input.invoiceId, input.amountPaise), rzp.createPaymentLink({ clinicId: dev.clinic_id, deviceId: dev.id, ...input })), 201),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/qr$/,
      name: 'razorpay.qr',
      handler: (ctx) =>
        withRazorpay(ctx, qrRequest, async (rzp, dev, input) => (await assertCollectable(db, dev.clinic_id, input.invoiceId, input.amountPaise), rzp.createUpiQr({ clinicId: dev.clinic_id, deviceId: dev.id, ...input })), 201),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/verify$/,
      name: 'razorpay.verify',
      handler: (ctx) =>
        withRazorpay(ctx, verifyRequest, (rzp, dev, input) =>
          'orderId' in input ? rzp.verifyCheckout({ clinicId: dev.clinic_id, ...input }) : rzp.verifyPaymentLink({ clinicId: dev.clinic_id, ...input }),
        ),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/poll$/,
      name: 'razorpay.poll',
      handler: (ctx) => withRazorpay(ctx, pollRequest, (rzp, dev, input) => rzp.pollOrder({ clinicId: dev.clinic_id, id: input.id })),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payments\/razorpay\/refund$/,
      name: 'razorpay.refund',
      handler: (ctx) =>
        withRazorpay(ctx, refundRequest, async (rzp, dev, input) => {
          // Money going back: only for a signed-in accounts user or administrator of the clinic (named by the desk).
          const userId = String(ctx.req.headers[USER_HEADER] ?? '').trim();
          const user = isUuid(userId) ? await db.selectFrom('staff').select(['role', 'active']).where('id', '=', userId).where('clinic_id', '=', dev.clinic_id).where('deleted_at', 'is', null).executeTakeFirst() : undefined;
          if (!user || user.active !== 1 || !['admin', 'accounts'].includes(user.role)) {
            throw new ApiError({ code: 'permission', reason: 'not_accounts', message: 'Only accounts or an administrator, signed in on this desk, can send a refund.' });
          }
          return oneRefundAtATime(input.creditNoteId, async () => {
            await assertRefundable(db, dev.clinic_id, input.creditNoteId, input.razorpayPaymentId, input.amountPaise);
          const refund = await rzp.refund({ clinicId: dev.clinic_id, ...input });
          // Razorpay has it: the credit note's refund, due until now, is paid out (synced to every desk).
          await recordRefundSent(db, dev.clinic_id, { creditNoteId: input.creditNoteId, razorpayPaymentId: refund.razorpayPaymentId, razorpayRefundId: refund.refundId, amountPaise: refund.amountPaise }, clock);
            return refund;
          });
        }),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/webhooks\/razorpay$/,
      name: 'razorpay.webhook',
      async handler(ctx) {
        const raw = await readBody(ctx.req, MAX_WEBHOOK_BODY_BYTES);
        if (!razorpay?.webhooksEnabled) throw paymentsNotConfigured();
        const header = (name: string) => {
          const value = ctx.req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        return { body: await razorpay.handleWebhook(raw, header('x-razorpay-signature'), header('x-razorpay-event-id')) };
      },
    },
  ];

  /** GET /v1/shape in proxy mode: the authenticated device's request, forwarded to Electric. */
  async function proxyShape(ctx: RequestContext, dev: DevicesTable, params: URLSearchParams, gone: AbortController, onClose: () => void) {
    const revoked = new AbortController();
    const onRevoked = () => revoked.abort();
    let set = proxied.get(dev.id);
    if (!set) proxied.set(dev.id, (set = new Set()));
    set.add(onRevoked);
    try {
      const url = electric!.upstreamUrl(dev, params);
      const status = await electric!.forward(url, ctx.res, AbortSignal.any([gone.signal, revoked.signal]));
      return { status, body: null, streamed: true };
    } catch (err) {
      if (err instanceof ClientGoneError && revoked.signal.aborted && !gone.signal.aborted) throw credentialRefused.revoked();
      if (err instanceof UpstreamError) {
        log.log('warn', 'electric.failed', { reason: err.reason, table: ctx.table, deviceId: dev.id });
        throw new HttpError(err.status, { code: 'internal', reason: err.reason, message: err.message });
      }
      throw err;
    } finally {
      set.delete(onRevoked);
      if (set.size === 0) proxied.delete(dev.id);
      ctx.res.off('close', onClose);
    }
  }

  const adminToken = options.adminToken ? Buffer.from(options.adminToken) : null;
  if (adminToken) {
    routes.push({
      method: 'POST',
      pattern: /^\/v1\/admin\/command$/,
      name: 'admin.command',
      async handler(ctx) {
        const given = Buffer.from(String(ctx.req.headers[ADMIN_TOKEN_HEADER] ?? ''));
        if (!LOOPBACK.has(ctx.ip) || given.length !== adminToken.length || !timingSafeEqual(given, adminToken)) {
          throw new ApiError({ code: 'unauthenticated', reason: 'admin_token', message: "Admin commands are taken only from this server's own command line." });
        }
        const parsed = adminCommand.safeParse(await readJson(ctx.req));
        if (!parsed.success) throw validationError(parsed.error);
        const result = await runAdminCommand(db, parsed.data, ctx.now);
        log.log('info', 'admin.command', { command: parsed.data.command });
        return { body: result };
      },
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomBytes(6).toString('hex');
    const url = new URL(req.url ?? '/', 'http://server.invalid');
    const ctx: RequestContext = { req, res, params: [], ip: req.socket.remoteAddress ?? 'unknown', now: clock() };
    let routeName = 'unknown';
    let status = 500;
    try {
      const onPath = routes.filter((r) => r.pattern.test(url.pathname));
      const route = onPath.find((r) => r.method === req.method);
      let result: Awaited<ReturnType<RouteHandler>>;
      if (route) {
        routeName = route.name;
        ctx.params = route.pattern.exec(url.pathname)!.slice(1);
        result = await route.handler(ctx);
      } else {
        // Unknown paths are only told apart from known ones after authentication.
        if (url.pathname !== '/health') await device(ctx);
        if (onPath.length > 0) {
          res.setHeader('allow', onPath.map((r) => r.method).join(', '));
          throw new HttpError(405, { code: 'not_found', reason: 'method_not_allowed', message: 'This address does not take that kind of request.' });
        }
        throw new HttpError(404, { code: 'not_found', reason: 'no_such_endpoint', message: 'This server has no such address. Check the server version.' });
      }
      status = result.status ?? 200;
      if (!result.streamed) send(res, status, result.body, result.headers);
    } catch (err) {
      if (err instanceof ClientGoneError) {
        status = 499; // the client closed a waiting live request: nothing to send
      } else if (err instanceof HttpError) {
        status = err.status;
        send(res, status, errorBody(err.body));
      } else if (err instanceof ApiError) {
        status = HTTP_STATUS[err.code];
        send(res, status, errorBody(err.toBody()));
      } else {
        status = 500;
        // The error's kind and code only: its message may quote data.
        log.log('error', 'http.failed', { requestId, route: routeName, error: err instanceof Error ? err.name : typeof err, code: (err as { code?: string })?.code });
        send(res, status, errorBody({ code: 'internal', message: 'The server could not do this because of an internal error. Try again; if it keeps happening, check the server log.' }));
      }
    } finally {
      log.log(status >= 500 ? 'error' : 'info', 'http.request', {
        requestId,
        method: req.method,
        route: routeName,
        status,
        ms: Math.round(performance.now() - started),
        deviceId: ctx.deviceId,
        ...(ctx.table ? { table: ctx.table } : {}),
      });
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await closeShapes();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    async close() {
      await closeShapes();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

function errorBody(body: ApiErrorBody): { error: ApiErrorBody } {
  return { error: body };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(json);
}

/** The body as sent, byte for byte (a webhook's signature is over exactly these bytes). */
async function readBody(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, { code: 'validation', reason: 'body_too_large', message: 'The request is too large.' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, { code: 'validation', reason: 'bad_json', message: 'The request body is not valid JSON.' });
  }
}
