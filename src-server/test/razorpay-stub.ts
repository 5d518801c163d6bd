import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';

/**
 * A local stand-in for Razorpay's REST API (https://api.razorpay.com/v1), for tests: the real SDK talks to it
 * (CLINICDESK_RAZORPAY_BASE_URL / RazorpayConfig.baseUrl). It answers as Razorpay documents — entities,
 * collections {entity, count, items}, errors {error: {code, description, source, step, reason, metadata}} —
 * checks Basic auth against the key id and secret, keeps its state in memory, and lets a test play the
 * customer (pay an order, a payment link or a QR code) and Razorpay's webhooks (signed events).
 *
 *   POST /v1/orders                       GET /v1/orders/:id            GET /v1/orders/:id/payments
 *   POST /v1/payment_links                GET /v1/payment_links/:id
 *   POST /v1/payments/qr_codes            GET /v1/payments/qr_codes/:id GET /v1/payments/qr_codes/:id/payments
 *   GET  /v1/payments/:id                 POST /v1/payments/:id/capture
 *   POST /v1/payments/:id/refund          GET /v1/payments/:id/refunds
 */
export interface StubOptions {
  keyId: string;
  keySecret: string;
  webhookSecret: string;
}

type Json = Record<string, unknown>;

export interface StubPayment extends Json {
  id: string;
  entity: 'payment';
  amount: number;
  currency: 'INR';
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string | null;
  method: string;
  captured: boolean;
  amount_refunded: number;
  refund_status: string | null;
  notes: Json;
  created_at: number;
}

export interface StubOrder extends Json {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: Json;
  created_at: number;
}

export interface StubRefund extends Json {
  id: string;
  entity: 'refund';
  amount: number;
  currency: 'INR';
  payment_id: string;
  notes: Json;
  receipt: string | null;
  status: 'pending' | 'processed' | 'failed';
  speed_requested: string;
  created_at: number;
}

export interface StubRequest {
  method: string;
  path: string;
  body: Json | null;
  authorized: boolean;
}

export interface WebhookDelivery {
  body: string;
  signature: string;
  eventId: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function rzpId(prefix: string): string {
  const bytes = randomBytes(14);
  let id = '';
  for (const b of bytes) id += ALNUM[b % ALNUM.length];
  return `${prefix}_${id}`;
}

const now = () => Math.floor(Date.now() / 1000);

class StubError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly code = 'BAD_REQUEST_ERROR',
  ) {
    super(description);
  }
}

export class RazorpayStub {
  readonly orders = new Map<string, StubOrder>();
  readonly payments = new Map<string, StubPayment>();
  readonly links = new Map<string, Json & { id: string; amount: number; status: string; order_id: string; reference_id: string; payments: Json[] | null }>();
  readonly qrCodes = new Map<string, Json & { id: string; payment_amount: number; status: string; usage: string; payments: string[] }>();
  readonly refunds = new Map<string, StubRefund>();
  readonly requests: StubRequest[] = [];
  /** While true, requests get no answer at all (a hung Razorpay: the client's timeout must fire). */
  stall = false;
  /** When set, the next request answers this status (then clears), e.g. 500 for a Razorpay failure. */
  failNext: number | null = null;
  private server: http.Server | null = null;
  private stalled: http.ServerResponse[] = [];
  url = '';

  constructor(readonly options: StubOptions) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.stalled = [];
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Requests to one path pattern, e.g. calls('POST', /\/refund$/). */
  calls(method: string, path: RegExp): StubRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  // ——— The customer ———

  /** The customer pays an order through Checkout: a captured (or only authorized) payment and the signature Checkout returns. */
  payOrder(orderId: string, opts: { method?: string; capture?: boolean } = {}): { payment: StubPayment; order: StubOrder; signature: string } {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`stub: no order ${orderId}`);
    const payment = this.newPayment(order.amount, order.id, opts.method ?? 'upi', opts.capture ?? true);
    order.attempts++;
    order.status = 'attempted';
    if (payment.status === 'captured') this.markOrderPaid(order, payment.amount);
    return { payment, order, signature: this.sign(`${order.id}|${payment.id}`) };
  }

  /** The customer pays a payment link: Razorpay makes the link's order, a captured payment, and the callback's signature. */
  payLink(linkId: string, opts: { method?: string } = {}) {
    const link = this.links.get(linkId);
    if (!link) throw new Error(`stub: no payment link ${linkId}`);
    const order = this.createOrder({ amount: link.amount, currency: 'INR', receipt: null, notes: {} });
    link.order_id = order.id;
    const payment = this.newPayment(link.amount, order.id, opts.method ?? 'upi', true);
    order.attempts++;
    this.markOrderPaid(order, payment.amount);
    link.status = 'paid';
    link.amount_paid = payment.amount;
    link.payments = [{ amount: payment.amount, created_at: payment.created_at, method: payment.method, payment_id: payment.id, plink_id: link.id, status: 'captured', updated_at: now() }];
    const signature = this.sign(`${link.id}|${link.reference_id}|paid|${payment.id}`);
    return { payment, order, link, signature };
  }

  /** The customer scans a single-use QR code: a captured UPI payment without an order; the code closes. */
  payQr(qrId: string) {
    const qr = this.qrCodes.get(qrId);
    if (!qr) throw new Error(`stub: no QR code ${qrId}`);
    const payment = this.newPayment(qr.payment_amount, null, 'upi', true);
    qr.payments.push(payment.id);
    qr.payments_amount_received = payment.amount;
    qr.payments_count_received = 1;
    if (qr.usage === 'single_use') {
      qr.status = 'closed';
      qr.close_reason = 'paid';
    }
    return { payment, qr };
  }

  /** Razorpay's bank finishes a refund: the refund is processed (send refund.processed with it). */
  processRefund(refundId: string): StubRefund {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`stub: no refund ${refundId}`);
    refund.status = 'processed';
    return refund;
  }

  // ——— Razorpay's webhooks ———

  /** A signed webhook delivery as Razorpay sends it (event envelope, X-Razorpay-Signature, x-razorpay-event-id). */
  webhook(event: string, entities: Record<string, Json>, eventId = `evt_${rzpId('x').slice(2)}`): WebhookDelivery {
    const payload: Record<string, { entity: Json }> = {};
    for (const [name, entity] of Object.entries(entities)) payload[name] = { entity: { ...entity } };
    const body = JSON.stringify({ entity: 'event', account_id: 'acc_StubAccount0001', event, contains: Object.keys(entities), payload, created_at: now() });
    return { body, signature: this.webhookSignature(body), eventId };
  }

  webhookSignature(body: string): string {
    return createHmac('sha256', this.options.webhookSecret).update(body).digest('hex');
  }

  /** What Checkout would sign with the key secret (for tests making their own signatures). */
  sign(data: string): string {
    return createHmac('sha256', this.options.keySecret).update(data).digest('hex');
  }

  // ——— The API ———

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Json | null = null;
    try {
      body = text ? (JSON.parse(text) as Json) : null;
    } catch {
      body = null;
    }
    const authorized = req.headers.authorization === `Basic ${Buffer.from(`${this.options.keyId}:${this.options.keySecret}`).toString('base64')}`;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, body, authorized });
    if (this.stall) {
      this.stalled.push(res);
      return;
    }
    try {
      if (this.failNext !== null) {
        const status = this.failNext;
        this.failNext = null;
        throw new StubError(status, 'We are facing some trouble completing your request at the moment. Please try again shortly.', 'SERVER_ERROR');
      }
      if (!authorized) throw new StubError(401, 'Authentication failed');
      const result = this.route(req.method ?? 'GET', url.pathname, body ?? {}, url.searchParams);
      this.send(res, 200, result);
    } catch (err) {
      if (err instanceof StubError) {
        this.send(res, err.status, { error: { code: err.code, description: err.description, source: 'NA', step: 'NA', reason: 'NA', metadata: {} } });
      } else {
        this.send(res, 500, { error: { code: 'SERVER_ERROR', description: String(err), source: 'NA', step: 'NA', reason: 'NA', metadata: {} } });
      }
    }
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private route(method: string, path: string, body: Json, query: URLSearchParams): unknown {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/orders') return this.createOrder(body);
    if (method === 'GET' && (m = /^\/v1\/orders\/([^/]+)$/.exec(path))) return this.need(this.orders, m[1]!);
    if (method === 'GET' && (m = /^\/v1\/orders\/([^/]+)\/payments$/.exec(path))) {
      const order = this.need(this.orders, m[1]!);
      return collection([...this.payments.values()].filter((p) => p.order_id === order.id));
    }
    if (method === 'POST' && path === '/v1/payment_links') return this.createLink(body);
    if (method === 'GET' && (m = /^\/v1\/payment_links\/([^/]+)$/.exec(path))) return this.need(this.links, m[1]!);
    if (method === 'POST' && path === '/v1/payments/qr_codes') return this.createQr(body);
    if (method === 'GET' && (m = /^\/v1\/payments\/qr_codes\/([^/]+)$/.exec(path))) return this.need(this.qrCodes, m[1]!);
    if (method === 'GET' && (m = /^\/v1\/payments\/qr_codes\/([^/]+)\/payments$/.exec(path))) {
      const qr = this.need(this.qrCodes, m[1]!);
      return collection(qr.payments.map((id) => this.payments.get(id)!).slice(0, Number(query.get('count') ?? 10)));
    }
    if (method === 'GET' && (m = /^\/v1\/payments\/([^/]+)$/.exec(path))) return this.need(this.payments, m[1]!);
    if (method === 'POST' && (m = /^\/v1\/payments\/([^/]+)\/capture$/.exec(path))) return this.capture(this.need(this.payments, m[1]!), body);
    if (method === 'POST' && (m = /^\/v1\/payments\/([^/]+)\/refund$/.exec(path))) return this.refund(this.need(this.payments, m[1]!), body);
    if (method === 'GET' && (m = /^\/v1\/payments\/([^/]+)\/refunds$/.exec(path))) {
      const payment = this.need(this.payments, m[1]!);
      return collection([...this.refunds.values()].filter((r) => r.payment_id === payment.id));
    }
    throw new StubError(400, 'The requested URL was not found on the server.');
  }

  private need<T>(map: Map<string, T>, id: string): T {
    const found = map.get(id);
    if (!found) throw new StubError(400, 'The id provided does not exist');
    return found;
  }

  private createOrder(body: Json): StubOrder {
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount)) throw new StubError(400, 'The amount must be an integer.');
    if (amount < 100) throw new StubError(400, 'Order amount less than minimum amount allowed');
    if (body.currency !== 'INR') throw new StubError(400, 'The currency provided is not supported');
    const receipt = typeof body.receipt === 'string' ? body.receipt : null;
    if (receipt && receipt.length > 40) throw new StubError(400, 'The receipt may not be greater than 40 characters.');
    const order: StubOrder = {
      id: rzpId('order'),
      entity: 'order',
      amount,
      amount_paid: 0,
      amount_due: amount,
      currency: 'INR',
      receipt,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes: (body.notes as Json) ?? {},
      created_at: now(),
    };
    this.orders.set(order.id, order);
    return order;
  }

  private createLink(body: Json) {
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 100) throw new StubError(400, 'The amount must be atleast INR 1.00.');
    const referenceId = String(body.reference_id ?? '');
    if (referenceId.length > 40) throw new StubError(400, 'The reference id may not be greater than 40 characters.');
    if (referenceId && [...this.links.values()].some((l) => l.reference_id === referenceId)) {
      throw new StubError(400, `Payment Link with reference id ${referenceId} already exists`);
    }
    if (typeof body.expire_by === 'number' && body.expire_by < now() + 15 * 60) throw new StubError(400, 'expire by should be at least 15 minutes after current time');
    const id = rzpId('plink');
    const link = {
      id,
      accept_partial: Boolean(body.accept_partial),
      amount,
      amount_paid: 0,
      cancelled_at: 0,
      created_at: now(),
      currency: 'INR',
      customer: (body.customer as Json) ?? {},
      description: String(body.description ?? ''),
      expire_by: body.expire_by ?? 0,
      expired_at: 0,
      first_min_partial_amount: 0,
      notes: (body.notes as Json) ?? null,
      notify: body.notify ?? { sms: false, email: false },
      order_id: '',
      payments: null as Json[] | null,
      reference_id: referenceId,
      reminder_enable: Boolean(body.reminder_enable),
      reminders: [],
      short_url: `https://rzp.io/i/${id.slice(6, 14)}`,
      status: 'created',
      updated_at: now(),
      upi_link: false,
      user_id: '',
    };
    this.links.set(id, link);
    return link;
  }

  private createQr(body: Json) {
    if (body.type !== 'upi_qr') throw new StubError(400, 'The type field is invalid.');
    if (body.usage !== 'single_use' && body.usage !== 'multiple_use') throw new StubError(400, 'The usage field is invalid.');
    if (body.fixed_amount === true && (typeof body.payment_amount !== 'number' || body.payment_amount < 100)) throw new StubError(400, 'The payment amount must be at least 100.');
    if (typeof body.close_by === 'number' && body.close_by < now() + 120) throw new StubError(400, 'close_by should be at least 2 minutes after current time');
    const id = rzpId('qr');
    const qr = {
      id,
      entity: 'qr_code',
      created_at: now(),
      name: String(body.name ?? ''),
      usage: String(body.usage),
      type: 'upi_qr',
      image_url: `https://rzp.io/i/${id.slice(3, 11)}`,
      payment_amount: body.payment_amount as number,
      status: 'active',
      description: String(body.description ?? ''),
      fixed_amount: Boolean(body.fixed_amount),
      payments_amount_received: 0,
      payments_count_received: 0,
      notes: (body.notes as Json) ?? {},
      customer_id: null,
      close_by: body.close_by ?? null,
      payments: [] as string[],
    };
    this.qrCodes.set(id, qr);
    const { payments: _internal, ...entity } = qr;
    return entity;
  }

  private capture(payment: StubPayment, body: Json): StubPayment {
    if (payment.status === 'captured') throw new StubError(400, 'This payment has already been captured');
    if (payment.status !== 'authorized') throw new StubError(400, 'Only payments which have been authorized and not yet captured can be captured');
    if (body.amount !== payment.amount) throw new StubError(400, 'Capture amount must be equal to the amount authorized');
    payment.status = 'captured';
    payment.captured = true;
    const order = payment.order_id ? this.orders.get(payment.order_id) : undefined;
    if (order) this.markOrderPaid(order, payment.amount);
    return payment;
  }

  private refund(payment: StubPayment, body: Json): StubRefund {
    if (payment.status !== 'captured' && payment.status !== 'refunded') throw new StubError(400, 'The payment has not been captured');
    const amount = body.amount === undefined ? payment.amount - payment.amount_refunded : body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 100) throw new StubError(400, 'The refund amount must be at least INR 1.00');
    if (amount > payment.amount - payment.amount_refunded) throw new StubError(400, 'The refund amount provided is greater than amount captured');
    const refund: StubRefund = {
      id: rzpId('rfnd'),
      entity: 'refund',
      amount,
      currency: 'INR',
      payment_id: payment.id,
      notes: (body.notes as Json) ?? {},
      receipt: typeof body.receipt === 'string' ? body.receipt : null,
      acquirer_data: { arn: null },
      created_at: now(),
      batch_id: null,
      // A normal-speed refund starts pending; refund.processed follows (see processRefund).
      status: 'pending',
      speed_processed: 'normal',
      speed_requested: String(body.speed ?? 'normal'),
    };
    this.refunds.set(refund.id, refund);
    payment.amount_refunded += amount;
    payment.refund_status = payment.amount_refunded === payment.amount ? 'full' : 'partial';
    if (payment.amount_refunded === payment.amount) payment.status = 'refunded';
    return refund;
  }

  private newPayment(amount: number, orderId: string | null, method: string, capture: boolean): StubPayment {
    const payment: StubPayment = {
      id: rzpId('pay'),
      entity: 'payment',
      amount,
      currency: 'INR',
      status: capture ? 'captured' : 'authorized',
      order_id: orderId,
      invoice_id: null,
      international: false,
      method,
      amount_refunded: 0,
      refund_status: null,
      captured: capture,
      description: null,
      notes: {},
      fee: capture ? Math.round(amount * 0.02) : null,
      tax: capture ? Math.round(amount * 0.0036) : null,
      error_code: null,
      error_description: null,
      created_at: now(),
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  private markOrderPaid(order: StubOrder, amount: number): void {
    order.amount_paid += amount;
    order.amount_due = Math.max(0, order.amount - order.amount_paid);
    if (order.amount_due === 0) order.status = 'paid';
  }
}

function collection<T>(items: T[]): { entity: 'collection'; count: number; items: T[] } {
  return { entity: 'collection', count: items.length, items };
}
