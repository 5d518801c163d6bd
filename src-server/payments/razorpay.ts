import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ApiError } from '../../src-shared/errors';
import { isUuid } from '../../src-shared/ids';
import type { CentralDatabase, RazorpayOrdersTable } from '../db/schema';
import { silentLogger, type Logger } from '../log';
import { bodyEventId, razorpayFailure, type RazorpayClient } from './razorpay-client';

/**
 * Online payments through Razorpay, on the server (DESIGN.md §6): the keys never leave it. A desk asks for an
 * order (Standard Checkout), a payment link or a single-use UPI QR code for an invoice; the server creates it
 * at Razorpay and remembers it (razorpay_orders), then confirms the payment — from the checkout's signature,
 * from a webhook, or by asking Razorpay (polling, for a server that webhooks cannot reach) — and hands it to
 * billing through the OnlinePaymentSink exactly as Razorpay reported it. Each Razorpay payment reaches the sink
 * through as many paths and retries as happen; the sink is idempotent on the Razorpay payment id and the server
 * also remembers what it handed over (razorpay_payments), so a replayed or late event does not call it again.
 *
 * When Razorpay cannot be reached nothing is recorded and the desk is told so in plain words; the payment, if
 * one was made, is picked up by the next webhook or poll.
 */

/** A confirmed (captured) Razorpay payment for an invoice, as billing records it. */
export interface OnlinePayment {
  clinicId: string;
  invoiceId: string;
  amountPaise: number;
  razorpayPaymentId: string;
  razorpayOrderId: string | null;
  method: string;
  paidAt: string;
}

/**
 * Billing's side (src-server/services/billing.ts): runs the invoice machine and writes the synced payment row,
 * at most once per razorpayPaymentId ('duplicate' when it already has it). 'refund_due': the money arrived after
 * the invoice was settled another way (e.g. in cash) and the payment is flagged for refund.
 */
export interface OnlinePaymentSink {
  record(p: OnlinePayment): Promise<{ outcome: 'recorded' | 'duplicate' | 'refund_due'; paymentId: string }>;
}

export const paymentsNotConfigured = () =>
  new ApiError({
    code: 'not_found',
    reason: 'razorpay_not_configured',
    message: 'Online payments are not set up on this server. Take the payment another way; an administrator can add the Razorpay keys to the server.',
  });

/** The least Razorpay takes (₹1) and a sanity ceiling for one invoice payment (₹1 crore). */
export const MIN_PAISE = 100;
export const MAX_PAISE = 1_000_000_000;
/** A claim on a webhook event older than this is from a delivery that died half way: another may take it. */
const STALE_CLAIM_MS = 2 * 60_000;

const CREATE_UNREACHABLE = 'Razorpay could not be reached. Take the payment another way, or try again in a minute.';
const CONFIRM_UNREACHABLE =
  'Razorpay could not be reached to confirm this payment, so nothing has been recorded yet. Try again in a minute; if the patient has paid, the payment is recorded as soon as Razorpay answers.';
const REFUND_UNREACHABLE = 'Razorpay could not be reached, so nothing was refunded. Try again in a minute.';

const notConfirmed = () =>
  new ApiError({
    code: 'validation',
    reason: 'payment_not_confirmed',
    message: 'This payment could not be confirmed with Razorpay, so it has not been recorded. Check the payment in the Razorpay dashboard, or take the payment another way.',
  });

const notThisClinics = () =>
  new ApiError({ code: 'not_found', reason: 'unknown_razorpay_id', message: 'This clinic has no online payment with that id. Start the payment again from the invoice.' });

// ——— Requests from desks ———

const invoiceId = z.string({ error: 'Say which invoice this is for.' }).refine(isUuid, 'That is not an invoice id.');
const amountPaise = z
  .number({ error: 'The amount must be a number of paise.' })
  .int('The amount must be whole paise.')
  .min(MIN_PAISE, 'Razorpay takes at least ₹1.')
  .max(MAX_PAISE, 'That amount is too large for one online payment.');
const razorpayId = (prefix: string, what: string) =>
  z.string({ error: `Give the ${what}.` }).regex(new RegExp(`^${prefix}_[A-Za-z0-9]{4,40}$`), `That is not a Razorpay ${what}.`);
const signature = z.string({ error: 'Give the payment signature.' }).max(200, 'That is not a payment signature.');

export const orderRequest = z.object({ invoiceId, amountPaise });
export const linkRequest = orderRequest.extend({
  /** Default 7 days; Razorpay wants at least 15 minutes. */
  expiresInMinutes: z.number().int().min(16, 'A payment link must last at least 16 minutes.').max(180 * 24 * 60, 'A payment link can last at most 180 days.').optional(),
});
export const qrRequest = orderRequest.extend({
  /** Default 15 minutes; Razorpay wants at least 2. */
  closeInMinutes: z.number().int().min(3, 'A QR code must stay open at least 3 minutes.').max(24 * 60, 'A QR code can stay open at most a day.').optional(),
});
const checkoutVerify = z.object({ orderId: razorpayId('order', 'order id'), paymentId: razorpayId('pay', 'payment id'), signature });
const linkVerify = z.object({
  paymentLinkId: razorpayId('plink', 'payment link id'),
  referenceId: z.string().max(40),
  status: z.string().max(40),
  paymentId: razorpayId('pay', 'payment id'),
  signature,
});
export const verifyRequest = z.union([checkoutVerify, linkVerify], { error: 'Give the order id, payment id and signature from the checkout.' });
export const pollRequest = z.object({
  id: z.string({ error: 'Say which order, payment link or QR code to check.' }).regex(/^(order|plink|qr)_[A-Za-z0-9]{4,40}$/, 'That is not a Razorpay order, payment link or QR code id.'),
});
export const refundRequest = z.object({
  razorpayPaymentId: razorpayId('pay', 'payment id'),
  amountPaise: z.number({ error: 'The amount must be a number of paise.' }).int('The amount must be whole paise.').min(1, 'The refund must be more than nothing.').max(MAX_PAISE, 'That amount is too large.'),
  creditNoteId: z.string({ error: 'Say which credit note this refund is for.' }).refine(isUuid, 'That is not a credit note id.'),
});

// ——— What Razorpay sends back (only the fields we use) ———

const paymentEntity = z.object({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  order_id: z.string().nullish(),
  method: z.string().nullish(),
  created_at: z.number().nullish(),
});
type PaymentEntity = z.infer<typeof paymentEntity>;
const orderEntity = z.object({ id: z.string(), amount: z.number().int(), currency: z.string(), status: z.string() });
const linkEntity = z.object({ id: z.string(), short_url: z.string(), status: z.string().optional(), order_id: z.string().nullish() });
const qrEntity = z.object({ id: z.string(), image_url: z.string(), status: z.string().optional(), close_by: z.union([z.number(), z.string()]).nullish() });
const refundEntity = z.object({
  id: z.string(),
  amount: z.number().int(),
  payment_id: z.string(),
  status: z.string(),
  notes: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
});
const collection = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const entityOf = <T extends z.ZodType>(entity: T) => z.object({ entity }).optional();
const webhookEnvelope = z.object({
  event: z.string(),
  payload: z
    .object({
      payment: entityOf(paymentEntity),
      order: entityOf(z.object({ id: z.string() })),
      payment_link: entityOf(z.object({ id: z.string(), order_id: z.string().nullish() })),
      qr_code: entityOf(z.object({ id: z.string() })),
      refund: entityOf(z.object({ id: z.string(), status: z.string() })),
    })
    .optional()
    .default({}),
});
type WebhookPayload = z.infer<typeof webhookEnvelope>['payload'];

function read<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error('Razorpay answered in a form this server does not understand.');
  return parsed.data;
}

// ——— Results for desks ———

export interface Settled {
  outcome: 'recorded' | 'duplicate' | 'refund_due';
  /** The synced payment row billing wrote (or had already written). */
  paymentId: string;
  razorpayPaymentId: string;
  amountPaise: number;
}

export interface WebhookResult {
  status: 'processed' | 'duplicate';
  event?: string;
  outcome?: string;
}

export interface PollResult {
  id: string;
  kind: RazorpayOrdersTable['kind'];
  status: string;
  payments: Array<{ razorpayPaymentId: string; status: string; amountPaise: number; outcome: Settled['outcome'] | null; paymentId: string | null }>;
}

export interface RefundResult {
  refundId: string;
  razorpayPaymentId: string;
  amountPaise: number;
  status: string;
}

export interface RazorpayPaymentsOptions {
  log?: Logger;
  clock?: () => Date;
}

export class RazorpayPayments {
  private readonly log: Logger;
  private readonly clock: () => Date;
  /** Refunds of one payment run one at a time (with the check for one already made, no double refund). */
  private readonly refundQueues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Kysely<CentralDatabase>,
    private readonly client: RazorpayClient,
    private readonly sink: OnlinePaymentSink,
    options: RazorpayPaymentsOptions = {},
  ) {
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? (() => new Date());
  }

  get webhooksEnabled(): boolean {
    return this.client.webhooksEnabled;
  }

  /** A Razorpay order for Standard Checkout on the desk: always an order first (a payment without one cannot be captured). */
  async createOrder(input: { clinicId: string; invoiceId: string; amountPaise: number; deviceId: string | null }): Promise<{ orderId: string; keyId: string; amountPaise: number; currency: string }> {
    const order = read(
      orderEntity,
      await this.call(
        () =>
          this.client.sdk.orders.create({
            amount: input.amountPaise,
            currency: 'INR',
            receipt: input.invoiceId.slice(0, 40),
            notes: { clinic_id: input.clinicId, invoice_id: input.invoiceId },
          }),
        CREATE_UNREACHABLE,
      ),
    );
    await this.remember({ external_id: order.id, order_id: order.id, kind: 'order', status: order.status, ...input });
    this.log.log('info', 'razorpay.order_created', { clinicId: input.clinicId, invoiceId: input.invoiceId, orderId: order.id, deviceId: input.deviceId });
    return { orderId: order.id, keyId: this.client.keyId, amountPaise: order.amount, currency: order.currency };
  }

  /** A payment link for the invoice (shown or sent by the desk); Razorpay sends nothing itself. */
  async createPaymentLink(input: { clinicId: string; invoiceId: string; amountPaise: number; deviceId: string | null; expiresInMinutes?: number | undefined }): Promise<{ id: string; shortUrl: string; expiresAt: string }> {
    const expireBy = Math.floor(this.clock().getTime() / 1000) + (input.expiresInMinutes ?? 7 * 24 * 60) * 60;
    const link = read(
      linkEntity,
      await this.call(
        () =>
          this.client.sdk.paymentLink.create({
            amount: input.amountPaise,
            currency: 'INR',
            accept_partial: false,
            // Unique per Razorpay account, so not the invoice id (an invoice may need a second link).
            reference_id: `cd_${randomBytes(15).toString('base64url')}`,
            description: 'Clinic bill',
            expire_by: expireBy,
            notify: { sms: false, email: false },
            reminder_enable: false,
            notes: { clinic_id: input.clinicId, invoice_id: input.invoiceId },
            // No customer: Razorpay's API takes a link without one (the SDK's type says otherwise); the desk shares it.
          } as unknown as Parameters<RazorpayClient['sdk']['paymentLink']['create']>[0]),
        CREATE_UNREACHABLE,
      ),
    );
    await this.remember({ external_id: link.id, order_id: link.order_id || null, kind: 'payment_link', status: link.status ?? 'created', ...input });
    this.log.log('info', 'razorpay.link_created', { clinicId: input.clinicId, invoiceId: input.invoiceId, linkId: link.id, deviceId: input.deviceId });
    return { id: link.id, shortUrl: link.short_url, expiresAt: new Date(expireBy * 1000).toISOString() };
  }

  /** A single-use UPI QR code for exactly the amount, closing by itself after a few minutes. */
  async createUpiQr(input: { clinicId: string; invoiceId: string; amountPaise: number; deviceId: string | null; closeInMinutes?: number | undefined }): Promise<{ id: string; imageUrl: string; closeBy: string }> {
    const closeBy = Math.floor(this.clock().getTime() / 1000) + (input.closeInMinutes ?? 15) * 60;
    const qr = read(
      qrEntity,
      await this.call(
        () =>
          this.client.sdk.qrCode.create({
            type: 'upi_qr',
            name: 'Clinic bill',
            usage: 'single_use',
            fixed_amount: true,
            payment_amount: input.amountPaise,
            description: 'Clinic bill',
            close_by: closeBy,
            notes: { clinic_id: input.clinicId, invoice_id: input.invoiceId },
          } as Parameters<RazorpayClient['sdk']['qrCode']['create']>[0]),
        CREATE_UNREACHABLE,
      ),
    );
    await this.remember({ external_id: qr.id, order_id: null, kind: 'qr', status: qr.status ?? 'active', ...input });
    this.log.log('info', 'razorpay.qr_created', { clinicId: input.clinicId, invoiceId: input.invoiceId, qrId: qr.id, deviceId: input.deviceId });
    return { id: qr.id, imageUrl: qr.image_url, closeBy: new Date(closeBy * 1000).toISOString() };
  }

  /** What Standard Checkout handed the desk: recorded when the signature is Razorpay's and the payment is captured. */
  async verifyCheckout(input: { clinicId: string; orderId: string; paymentId: string; signature: string }): Promise<Settled> {
    if (!this.client.checkoutSignatureValid(input.orderId, input.paymentId, input.signature)) {
      this.log.log('warn', 'razorpay.signature_refused', { clinicId: input.clinicId, orderId: input.orderId, kind: 'checkout' });
      throw notConfirmed();
    }
    const source = await this.db.selectFrom('razorpay_orders').selectAll().where('order_id', '=', input.orderId).where('clinic_id', '=', input.clinicId).executeTakeFirst();
    if (!source) throw notThisClinics();
    return this.confirmPayment(source, input.paymentId, input.orderId);
  }

  /** What a payment link's callback handed the desk: HMAC over plink id, reference id, status and payment id. */
  async verifyPaymentLink(input: { clinicId: string; paymentLinkId: string; referenceId: string; status: string; paymentId: string; signature: string }): Promise<Settled> {
    if (!this.client.paymentLinkSignatureValid(input, input.signature)) {
      this.log.log('warn', 'razorpay.signature_refused', { clinicId: input.clinicId, linkId: input.paymentLinkId, kind: 'payment_link' });
      throw notConfirmed();
    }
    const source = await this.source(input.clinicId, input.paymentLinkId);
    if (!source) throw notThisClinics();
    return this.confirmPayment(source, input.paymentId, null);
  }

  /**
   * A webhook delivery (raw body, X-Razorpay-Signature, x-razorpay-event-id). Each event is handled once: the
   * event id's row is the claim, so of concurrent or replayed deliveries only one goes on. Events may come in any
   * order; a payment reaches the sink once whichever event brings it first.
   */
  async handleWebhook(rawBody: Buffer, signatureHeader: string | undefined, eventIdHeader: string | undefined): Promise<WebhookResult> {
    if (!this.client.webhooksEnabled) throw paymentsNotConfigured();
    if (!signatureHeader || !this.client.webhookSignatureValid(rawBody, signatureHeader)) {
      this.log.log('warn', 'razorpay.webhook_refused', { reason: signatureHeader ? 'signature_mismatch' : 'signature_missing' });
      throw new ApiError({ code: 'validation', reason: 'webhook_signature', message: 'The webhook signature does not match this server’s webhook secret.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new ApiError({ code: 'validation', reason: 'bad_json', message: 'The webhook body is not valid JSON.' });
    }
    const parsed = webhookEnvelope.safeParse(body);
    if (!parsed.success) throw new ApiError({ code: 'validation', reason: 'webhook_unreadable', message: 'The webhook body is not a Razorpay event.' });
    const { event, payload } = parsed.data;
    const given = eventIdHeader?.trim();
    const eventId = given && given.length <= 100 ? given : bodyEventId(rawBody);

    if (!(await this.claimEvent(eventId, event, payload.payment?.entity.id ?? null))) {
      this.log.log('info', 'razorpay.webhook_duplicate', { eventId, event });
      return { status: 'duplicate', event };
    }
    try {
      const outcome = await this.processEvent(event, payload);
      await this.db.updateTable('razorpay_events').set({ outcome }).where('event_id', '=', eventId).execute();
      this.log.log('info', 'razorpay.webhook', { eventId, event, outcome, razorpayPaymentId: payload.payment?.entity.id });
      return { status: 'processed', event, outcome };
    } catch (err) {
      // Let Razorpay's retry (or another delivery) handle it again.
      await this.db.deleteFrom('razorpay_events').where('event_id', '=', eventId).where('outcome', '=', 'processing').execute().catch(() => {});
      throw err;
    }
  }

  /**
   * Asks Razorpay for the payments of an order, a payment link or a QR code this clinic created, and records
   * the captured ones — for a server that webhooks cannot reach, and to settle a desk's doubt.
   */
  async pollOrder(input: { clinicId: string; id: string }): Promise<PollResult> {
    let source = await this.source(input.clinicId, input.id);
    if (!source) throw notThisClinics();
    const sdk = this.client.sdk;
    let payments: PaymentEntity[] = [];
    if (source.kind === 'order') {
      payments = read(collection(paymentEntity), await this.call(() => sdk.orders.fetchPayments(source!.external_id), CONFIRM_UNREACHABLE)).items;
    } else if (source.kind === 'payment_link') {
      const link = read(linkEntity, await this.call(() => sdk.paymentLink.fetch(source!.external_id), CONFIRM_UNREACHABLE));
      if (link.order_id && !source.order_id) source = await this.learnOrderId(source, link.order_id);
      const orderId = source.order_id;
      if (orderId) payments = read(collection(paymentEntity), await this.call(() => sdk.orders.fetchPayments(orderId), CONFIRM_UNREACHABLE)).items;
    } else {
      payments = read(collection(paymentEntity), await this.call(() => sdk.qrCode.fetchAllPayments(source!.external_id, { count: 100 }), CONFIRM_UNREACHABLE)).items;
    }
    const results: PollResult['payments'] = [];
    for (const payment of payments) {
      const settled = payment.status === 'captured' ? await this.settle(source, payment) : null;
      results.push({ razorpayPaymentId: payment.id, status: payment.status, amountPaise: payment.amount, outcome: settled?.outcome ?? null, paymentId: settled?.paymentId ?? null });
    }
    const status = (await this.source(input.clinicId, input.id))?.status ?? source.status;
    return { id: source.external_id, kind: source.kind, status, payments: results };
  }

  /**
   * Refunds (part of) a payment this clinic received, for a credit note: at most one refund per credit note,
   * also when an earlier request reached Razorpay but its answer was lost (Razorpay's refunds of the payment are
   * looked through for the credit note first).
   */
  async refund(input: { clinicId: string; razorpayPaymentId: string; amountPaise: number; creditNoteId: string }): Promise<RefundResult> {
    const previous = this.refundQueues.get(input.razorpayPaymentId) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.refundNow(input));
    this.refundQueues.set(input.razorpayPaymentId, run);
    try {
      return await run;
    } finally {
      if (this.refundQueues.get(input.razorpayPaymentId) === run) this.refundQueues.delete(input.razorpayPaymentId);
    }
  }

  // ——— Inside ———

  private async refundNow(input: { clinicId: string; razorpayPaymentId: string; amountPaise: number; creditNoteId: string }): Promise<RefundResult> {
    const paid = await this.db.selectFrom('razorpay_payments').selectAll().where('payment_id', '=', input.razorpayPaymentId).where('clinic_id', '=', input.clinicId).executeTakeFirst();
    if (!paid) throw new ApiError({ code: 'not_found', reason: 'unknown_payment', message: 'This clinic has no online payment with that id, so it cannot be refunded online.' });
    const done = await this.db.selectFrom('razorpay_refunds').selectAll().where('clinic_id', '=', input.clinicId).where('credit_note_id', '=', input.creditNoteId).executeTakeFirst();
    if (done) {
      if (done.payment_id !== input.razorpayPaymentId || done.amount_paise !== input.amountPaise) {
        throw new ApiError({ code: 'conflict', reason: 'credit_note_refunded', message: 'This credit note has already been refunded online, for another payment or amount.' });
      }
      return { refundId: done.refund_id, razorpayPaymentId: done.payment_id, amountPaise: done.amount_paise, status: done.status };
    }
    const before = await this.db.selectFrom('razorpay_refunds').select(['amount_paise', 'status']).where('payment_id', '=', input.razorpayPaymentId).execute();
    const refunded = before.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount_paise, 0);
    if (refunded + input.amountPaise > paid.amount_paise) {
      throw new ApiError({ code: 'validation', reason: 'refund_too_large', message: 'The refund is more than what is left of this online payment.' });
    }
    const sdk = this.client.sdk;
    const made = read(collection(refundEntity), await this.call(() => sdk.payments.fetchMultipleRefund(input.razorpayPaymentId, { count: 100 }), REFUND_UNREACHABLE)).items;
    let refund = made.find((r) => !Array.isArray(r.notes) && r.notes?.credit_note_id === input.creditNoteId);
    if (!refund) {
      refund = read(
        refundEntity,
        await this.call(
          () =>
            sdk.payments.refund(input.razorpayPaymentId, {
              amount: input.amountPaise,
              speed: 'normal',
              receipt: input.creditNoteId.slice(0, 40),
              notes: { clinic_id: input.clinicId, credit_note_id: input.creditNoteId },
            }),
          REFUND_UNREACHABLE,
        ),
      );
    }
    await this.db
      .insertInto('razorpay_refunds')
      .values({
        refund_id: refund.id,
        payment_id: input.razorpayPaymentId,
        amount_paise: refund.amount,
        credit_note_id: input.creditNoteId,
        clinic_id: input.clinicId,
        status: refund.status,
        created_at: this.clock().toISOString(),
      })
      .onConflict((oc) => oc.column('refund_id').doNothing())
      .execute();
    this.log.log('info', 'razorpay.refund', { clinicId: input.clinicId, razorpayPaymentId: input.razorpayPaymentId, refundId: refund.id, creditNoteId: input.creditNoteId, status: refund.status });
    return { refundId: refund.id, razorpayPaymentId: input.razorpayPaymentId, amountPaise: refund.amount, status: refund.status };
  }

  /** Fetches the payment from Razorpay (capturing a late-authorised one), checks it belongs to the source, records it. */
  private async confirmPayment(source: RazorpayOrdersTable, paymentId: string, orderId: string | null): Promise<Settled> {
    const sdk = this.client.sdk;
    let payment = read(paymentEntity, await this.call(() => sdk.payments.fetch(paymentId), CONFIRM_UNREACHABLE));
    if (orderId !== null && payment.order_id !== orderId) throw notConfirmed();
    if (source.kind === 'payment_link') {
      if (!payment.order_id) throw notConfirmed();
      if (!source.order_id) source = await this.learnOrderId(source, payment.order_id);
      if (source.order_id !== payment.order_id) throw notConfirmed();
    }
    if (payment.status === 'authorized') {
      const authorised = payment;
      try {
        payment = read(paymentEntity, await this.call(() => sdk.payments.capture(authorised.id, authorised.amount, authorised.currency), CONFIRM_UNREACHABLE));
      } catch (err) {
        // Captured meanwhile (auto-capture, another desk): read it again.
        if (!(err instanceof ApiError && err.reason === 'razorpay_refused')) throw err;
        payment = read(paymentEntity, await this.call(() => sdk.payments.fetch(paymentId), CONFIRM_UNREACHABLE));
      }
    }
    if (payment.status !== 'captured') {
      throw new ApiError({
        code: 'conflict',
        reason: 'payment_not_captured',
        message: 'Razorpay has not completed this payment, so nothing has been recorded. If the patient says they paid, wait a minute and check again.',
        details: { status: payment.status },
      });
    }
    return this.settle(source, payment);
  }

  /** Hands a captured payment to billing once (razorpay_payments remembers billing's answer). */
  private async settle(source: RazorpayOrdersTable, payment: PaymentEntity): Promise<Settled> {
    const known = await this.db.selectFrom('razorpay_payments').selectAll().where('payment_id', '=', payment.id).executeTakeFirst();
    if (known) return { outcome: 'duplicate', paymentId: known.synced_payment_id, razorpayPaymentId: payment.id, amountPaise: known.amount_paise };
    if (payment.currency !== 'INR' || payment.amount <= 0) throw new Error('A Razorpay payment that is not a positive amount in rupees');
    const paidAt = payment.created_at ? new Date(payment.created_at * 1000) : this.clock();
    const method = payment.method || 'unknown';
    const result = await this.sink.record({
      clinicId: source.clinic_id,
      invoiceId: source.invoice_id,
      amountPaise: payment.amount,
      razorpayPaymentId: payment.id,
      razorpayOrderId: payment.order_id ?? null,
      method,
      paidAt: paidAt.toISOString(),
    });
    await this.db
      .insertInto('razorpay_payments')
      .values({
        payment_id: payment.id,
        clinic_id: source.clinic_id,
        invoice_id: source.invoice_id,
        source_id: source.external_id,
        amount_paise: payment.amount,
        method,
        outcome: result.outcome,
        synced_payment_id: result.paymentId,
        recorded_at: this.clock().toISOString(),
      })
      // Two events for one payment at once: both reach billing, one hears 'duplicate'; keep the other's answer.
      .onConflict((oc) =>
        oc
          .column('payment_id')
          .doUpdateSet((eb) => ({ outcome: eb.ref('excluded.outcome'), synced_payment_id: eb.ref('excluded.synced_payment_id') }))
          .where('razorpay_payments.outcome', '=', 'duplicate')
          .where('excluded.outcome', '!=', 'duplicate'),
      )
      .execute();
    await this.db.updateTable('razorpay_orders').set({ status: 'paid' }).where('external_id', '=', source.external_id).execute();
    this.log.log(result.outcome === 'refund_due' ? 'warn' : 'info', 'razorpay.payment_recorded', {
      clinicId: source.clinic_id,
      invoiceId: source.invoice_id,
      razorpayPaymentId: payment.id,
      outcome: result.outcome,
      paymentId: result.paymentId,
    });
    return { outcome: result.outcome, paymentId: result.paymentId, razorpayPaymentId: payment.id, amountPaise: payment.amount };
  }

  /** What one webhook event means for us: the outcome stored with the event. */
  private async processEvent(event: string, payload: WebhookPayload): Promise<string> {
    const payment = payload.payment?.entity;
    switch (event) {
      case 'payment.captured':
      case 'order.paid': {
        if (!payment || payment.status !== 'captured' || !payment.order_id) return 'ignored';
        const source = await this.db.selectFrom('razorpay_orders').selectAll().where('order_id', '=', payment.order_id).executeTakeFirst();
        // A payment link's or QR code's payment, before the event that names them (or not ours at all).
        if (!source) return 'unmatched';
        return (await this.settle(source, payment)).outcome;
      }
      case 'payment_link.paid':
      case 'qr_code.credited': {
        const owner = event === 'payment_link.paid' ? payload.payment_link?.entity : payload.qr_code?.entity;
        if (!owner || !payment || payment.status !== 'captured') return 'ignored';
        let source = await this.db.selectFrom('razorpay_orders').selectAll().where('external_id', '=', owner.id).executeTakeFirst();
        if (!source) return 'unmatched';
        const orderId = payment.order_id || payload.order?.entity.id || null;
        if (source.kind === 'payment_link' && orderId && !source.order_id) source = await this.learnOrderId(source, orderId);
        return (await this.settle(source, payment)).outcome;
      }
      case 'refund.processed':
      case 'refund.failed': {
        const refund = payload.refund?.entity;
        if (!refund) return 'ignored';
        const updated = await this.db.updateTable('razorpay_refunds').set({ status: refund.status }).where('refund_id', '=', refund.id).executeTakeFirst();
        return Number(updated.numUpdatedRows) > 0 ? `refund_${refund.status}` : 'unmatched';
      }
      default:
        return 'ignored';
    }
  }

  /** Inserts the event's row as a claim; or takes over a claim left by a delivery that died. False: already handled. */
  private async claimEvent(eventId: string, event: string, paymentId: string | null): Promise<boolean> {
    const now = this.clock();
    const inserted = await this.db
      .insertInto('razorpay_events')
      .values({ event_id: eventId, event, received_at: now.toISOString(), payment_id: paymentId, outcome: 'processing' })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (inserted) return true;
    const stale = await this.db
      .updateTable('razorpay_events')
      .set({ received_at: now.toISOString() })
      .where('event_id', '=', eventId)
      .where('outcome', '=', 'processing')
      .where('received_at', '<', new Date(now.getTime() - STALE_CLAIM_MS).toISOString())
      .returning('event_id')
      .executeTakeFirst();
    return stale !== undefined;
  }

  private async source(clinicId: string, externalId: string): Promise<RazorpayOrdersTable | undefined> {
    return this.db.selectFrom('razorpay_orders').selectAll().where('external_id', '=', externalId).where('clinic_id', '=', clinicId).executeTakeFirst();
  }

  /** A payment link's Razorpay order, once known (it is how payment.captured events find the link). */
  private async learnOrderId(source: RazorpayOrdersTable, orderId: string): Promise<RazorpayOrdersTable> {
    await this.db.updateTable('razorpay_orders').set({ order_id: orderId }).where('external_id', '=', source.external_id).where('order_id', 'is', null).execute();
    return { ...source, order_id: orderId };
  }

  private async remember(row: {
    external_id: string;
    order_id: string | null;
    kind: RazorpayOrdersTable['kind'];
    status: string;
    clinicId: string;
    invoiceId: string;
    amountPaise: number;
    deviceId: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('razorpay_orders')
      .values({
        external_id: row.external_id,
        order_id: row.order_id,
        kind: row.kind,
        clinic_id: row.clinicId,
        invoice_id: row.invoiceId,
        amount_paise: row.amountPaise,
        status: row.status,
        created_at: this.clock().toISOString(),
        device_id: row.deviceId,
      })
      .execute();
  }

  /** One SDK call: a failure becomes a plain ApiError (Razorpay unreachable, keys refused, request refused). */
  private async call<T>(fn: () => Promise<T>, unreachableMessage: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const failure = razorpayFailure(err, unreachableMessage);
      this.log.log('warn', 'razorpay.call_failed', { reason: failure.reason });
      throw failure;
    }
  }
}
