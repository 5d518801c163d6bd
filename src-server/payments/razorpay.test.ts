import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src-shared/ids';
import { startServer, type RunningServer } from '../http/server';
import { jsonLogger } from '../log';
import { billingPaymentSink } from '../services/billing';
import { createClinic } from '../services/clinics';
import { createEnrolmentCode } from '../services/devices';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { billState, creditNoteRefund, insertCreditNote, insertIssuedBill } from '../test/billing-rows';
import { RazorpayStub, type WebhookDelivery } from '../test/razorpay-stub';
import type { OnlinePayment, OnlinePaymentSink } from './razorpay';
import { createRazorpayClient, razorpayFrom, type RazorpayConfig } from './razorpay-client';

const KEY_ID = 'rzp_test_ClinicDeskStub1';
const KEY_SECRET = `keysecret${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `hooksecret${randomBytes(12).toString('hex')}`;

/**
 * The real billing sink (services/billing.ts: the shared `payments.recordOnline` command through the invoice
 * machine), watched. Everything it records is checked in the synced `payments` and `invoices` rows. The calls are
 * counted only for what those rows cannot show: that RazorpayPayments does not hand billing a payment it has
 * already handed over (razorpay_payments) — billing's own once-per-payment-id would hide a second call, the rows
 * being the same either way. `delayMs` holds a call back so that concurrent deliveries surely overlap;
 * `holdRecordedMs` holds back billing's 'recorded' answer (already committed), so that a concurrent call's
 * 'duplicate' reaches the server first.
 */
class WatchedSink implements OnlinePaymentSink {
  readonly calls: OnlinePayment[] = [];
  delayMs = 0;
  holdRecordedMs = 0;

  constructor(private readonly billing: OnlinePaymentSink) {}

  async record(p: OnlinePayment) {
    this.calls.push(p);
    if (this.delayMs) await sleep(this.delayMs);
    const answer = await this.billing.record(p);
    if (answer.outcome === 'recorded' && this.holdRecordedMs) await sleep(this.holdRecordedMs);
    return answer;
  }

  callsFor(razorpayPaymentId: string): OnlinePayment[] {
    return this.calls.filter((c) => c.razorpayPaymentId === razorpayPaymentId);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; reason?: string; message: string } };
}

const NOT_ON_SERVER = 'This bill has not reached the server yet. Wait a moment for this PC to sync, then try again, or take the payment another way.';

describe('Razorpay signatures and settings', () => {
  const client = createRazorpayClient({ keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET, baseUrl: null, timeoutMs: 1000 });
  const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

  it('checks checkout, payment link and webhook signatures with the right secret and data', () => {
    const sig = hmac(KEY_SECRET, 'order_Abc123|pay_Xyz789');
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', sig)).toBe(true);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', sig.toUpperCase())).toBe(true);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Other00', sig)).toBe(false);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', sig.slice(0, 63) + (sig[63] === '0' ? '1' : '0'))).toBe(false);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', sig.slice(0, 32))).toBe(false);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', 'zz'.repeat(32))).toBe(false);
    expect(client.checkoutSignatureValid('order_Abc123', 'pay_Xyz789', hmac(WEBHOOK_SECRET, 'order_Abc123|pay_Xyz789'))).toBe(false);

    const link = { paymentLinkId: 'plink_Abc123', referenceId: 'cd_ref', status: 'paid', paymentId: 'pay_Xyz789' };
    expect(client.paymentLinkSignatureValid(link, hmac(KEY_SECRET, 'plink_Abc123|cd_ref|paid|pay_Xyz789'))).toBe(true);
    expect(client.paymentLinkSignatureValid({ ...link, status: 'created' }, hmac(KEY_SECRET, 'plink_Abc123|cd_ref|paid|pay_Xyz789'))).toBe(false);

    const body = Buffer.from('{"event":"payment.captured"}');
    expect(client.webhookSignatureValid(body, hmac(WEBHOOK_SECRET, body.toString()))).toBe(true);
    expect(client.webhookSignatureValid(body, hmac(KEY_SECRET, body.toString()))).toBe(false);
    const noHooks = createRazorpayClient({ keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: null, baseUrl: null, timeoutMs: 1000 });
    expect(noHooks.webhooksEnabled).toBe(false);
    expect(noHooks.webhookSignatureValid(body, hmac(WEBHOOK_SECRET, body.toString()))).toBe(false);
  });

  it('reads its settings from the environment: both keys or none', () => {
    expect(razorpayFrom({})).toBeNull();
    expect(() => razorpayFrom({ RAZORPAY_KEY_ID: KEY_ID })).toThrow(RangeError);
    expect(() => razorpayFrom({ RAZORPAY_KEY_SECRET: KEY_SECRET })).toThrow(RangeError);
    expect(razorpayFrom({ RAZORPAY_KEY_ID: KEY_ID, RAZORPAY_KEY_SECRET: KEY_SECRET })).toMatchObject({ keyId: KEY_ID, webhookSecret: null, baseUrl: null });
    expect(
      razorpayFrom({ RAZORPAY_KEY_ID: KEY_ID, RAZORPAY_KEY_SECRET: KEY_SECRET, RAZORPAY_WEBHOOK_SECRET: 'w', CLINICDESK_RAZORPAY_BASE_URL: 'http://127.0.0.1:4000/v1/' }),
    ).toMatchObject({ webhookSecret: 'w', baseUrl: 'http://127.0.0.1:4000' });
    expect(() => razorpayFrom({ RAZORPAY_KEY_ID: KEY_ID, RAZORPAY_KEY_SECRET: KEY_SECRET, CLINICDESK_RAZORPAY_BASE_URL: 'ftp://x' })).toThrow(RangeError);
  });
});

describe.each(BACKENDS)('Razorpay payments through the sync server on %s', (kind) => {
  let t: TestDatabase;
  let stub: RazorpayStub;
  let server: RunningServer;
  let sink: WatchedSink;
  const logLines: string[] = [];
  /** Every response body of these routes, to check that no secret is ever in one. */
  const bodies: string[] = [];
  let clinicA: string;
  let clinicB: string;
  let adminA: string;
  let deskA: string;
  let deskB: string;
  let adminB: string;
  const config = (over: Partial<RazorpayConfig> = {}): RazorpayConfig => ({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: stub.url,
    timeoutMs: 5000,
    ...over,
  });

  beforeAll(async () => {
    t = await freshDatabase(kind);
    stub = await new RazorpayStub({ keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET }).start();
    const now = new Date();
    ({ clinicId: clinicA, adminId: adminA } = await createClinic(t.central.db, clinicInput('Sunrise Clinic'), { now, scrypt: TEST_SCRYPT }));
    ({ clinicId: clinicB, adminId: adminB } = await createClinic(t.central.db, clinicInput('Lotus Clinic', { displayName: 'Vikram Shah', username: 'vikram' }), { now, additional: true, scrypt: TEST_SCRYPT }));
    sink = new WatchedSink(billingPaymentSink(t.central.db));
    server = await startServer({ central: t.central, log: jsonLogger((l) => logLines.push(l), 'debug'), port: 0, razorpay: config(), paymentSink: sink });
    deskA = await enrol(clinicA);
    deskB = await enrol(clinicB);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await stub?.close();
    await t?.dispose();
  }, 60_000);

  async function enrol(clinicId: string): Promise<string> {
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date() });
    const res = await fetch(`${server.url}/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'Front desk' }) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { credential: string }).credential;
  }

  async function call(path: string, body: unknown, opts: { credential?: string | null; base?: string; user?: string | null } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const credential = opts.credential === undefined ? deskA : opts.credential;
    if (credential) headers.authorization = `Bearer ${credential}`;
    // The signed-in user the desk names (refunds need accounts or an administrator): that clinic's admin.
    const user = opts.user === undefined ? (credential === deskB ? adminB : adminA) : opts.user;
    if (user) headers['clinicdesk-user'] = user;
    const res = await fetch((opts.base ?? server.url) + path, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: JSON.parse(text) as Reply['body'] };
  }

  async function deliver(d: WebhookDelivery, opts: { signature?: string | null; eventId?: string | null; base?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = opts.signature === undefined ? d.signature : opts.signature;
    const eventId = opts.eventId === undefined ? d.eventId : opts.eventId;
    if (signature !== null) headers['x-razorpay-signature'] = signature;
    if (eventId !== null) headers['x-razorpay-event-id'] = eventId;
    const res = await fetch(`${opts.base ?? server.url}/v1/webhooks/razorpay`, { method: 'POST', headers, body: d.body });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: JSON.parse(text) as Reply['body'] };
  }

  /** An issued bill of clinic A on the server, as a desk's sync leaves it. */
  const bill = (totalPaise: number, clinicId = clinicA) => insertIssuedBill(t.central.db, clinicId, totalPaise);

  /** A Checkout order for (part of) a bill: a new bill for exactly the amount unless one is given. */
  async function newOrder(amountPaise = 150_000, opts: { invoiceId?: string; credential?: string } = {}) {
    const invoiceId = opts.invoiceId ?? (await bill(amountPaise));
    const reply = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise }, { credential: opts.credential ?? deskA });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { invoiceId, orderId: reply.body.orderId as string };
  }

  /** A bill paid online by Checkout, through the server (for refunds). */
  async function paidOnline(totalPaise: number, amountPaise = totalPaise) {
    const { invoiceId, orderId } = await newOrder(amountPaise, { invoiceId: await bill(totalPaise) });
    const { payment, signature } = stub.payOrder(orderId);
    const reply = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature });
    expect(reply.body, JSON.stringify(reply.body)).toMatchObject({ outcome: 'recorded' });
    return { invoiceId, orderId, payment };
  }

  /** The synced payment rows billing wrote for money a Razorpay payment brought in (not refunds of it). */
  const paymentRows = (razorpayPaymentId: string) =>
    t.central.db
      .selectFrom('payments')
      .select(['id', 'clinic_id', 'invoice_id', 'kind', 'mode', 'amount_paise', 'reference', 'status', 'razorpay_payment_id'])
      .where('razorpay_payment_id', '=', razorpayPaymentId)
      .where('kind', '!=', 'refund')
      .execute();
  /** What the server remembers handing to billing. */
  const storedPayments = (paymentId: string) => t.central.db.selectFrom('razorpay_payments').selectAll().where('payment_id', '=', paymentId).execute();
  const state = (invoiceId: string) => billState(t.central.db, invoiceId);

  /** The one synced payment row for a Razorpay payment, with the bill it was for. */
  async function onePayment(razorpayPaymentId: string, expected: { invoiceId: string; amountPaise: number; status?: 'recorded' | 'refund_due'; clinicId?: string }) {
    const rows = await paymentRows(razorpayPaymentId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      clinic_id: expected.clinicId ?? clinicA,
      invoice_id: expected.invoiceId,
      kind: 'payment',
      mode: 'online',
      amount_paise: expected.amountPaise,
      status: expected.status ?? 'recorded',
    });
    return rows[0]!;
  }

  const razorpayCreates = () => stub.requests.filter((r) => r.method === 'POST' && /^\/v1\/(orders|payment_links|payments\/qr_codes)$/.test(r.path)).length;

  it('creates an order for Checkout with the key id only, and remembers it', async () => {
    const invoiceId = await bill(150_000);
    const reply = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 150_000 });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ orderId: expect.stringMatching(/^order_[A-Za-z0-9]{14}$/), keyId: KEY_ID, amountPaise: 150_000, currency: 'INR' });
    const sent = stub.calls('POST', /^\/v1\/orders$/).at(-1)!;
    expect(sent.authorized).toBe(true);
    expect(sent.body).toMatchObject({ amount: 150_000, currency: 'INR', receipt: invoiceId, notes: { clinic_id: clinicA, invoice_id: invoiceId } });
    const row = await t.central.db.selectFrom('razorpay_orders').selectAll().where('external_id', '=', reply.body.orderId as string).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ order_id: reply.body.orderId, kind: 'order', clinic_id: clinicA, invoice_id: invoiceId, amount_paise: 150_000, status: 'created' });
    expect(row.device_id).not.toBeNull();
    // Asking is not paying: the bill is as it was.
    expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });

    const bad = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 50 });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/at least ₹1/);
    expect((await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 1000 }, { credential: null })).status).toBe(401);
  });

  it('refuses an order, link or QR code for a bill not on the server, for more than is owed, or not waiting for payment', async () => {
    const createsBefore = razorpayCreates();
    const ordersBefore = (await t.central.db.selectFrom('razorpay_orders').select('external_id').execute()).length;

    // A bill this PC issued offline and has not pushed yet: the server cannot check it, so it asks for nothing.
    const unsynced = newId();
    for (const path of ['order', 'link', 'qr']) {
      const reply = await call(`/v1/payments/razorpay/${path}`, { invoiceId: unsynced, amountPaise: 10_000 });
      expect(reply.status, path).toBe(404);
      expect(reply.body.error).toEqual({ code: 'not_found', reason: 'invoice_not_on_server', message: NOT_ON_SERVER });
    }

    // More than is owed: at first the whole bill, then what a part-payment left.
    const invoiceId = await bill(50_000);
    for (const path of ['order', 'link', 'qr']) {
      const reply = await call(`/v1/payments/razorpay/${path}`, { invoiceId, amountPaise: 50_001 });
      expect(reply.status, path).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'validation', reason: 'over_owed', message: 'Only ₹500.00 is still owed on this bill.' });
    }
    const part = await newOrder(30_000, { invoiceId });
    const paid = stub.payOrder(part.orderId);
    expect((await call('/v1/payments/razorpay/verify', { orderId: part.orderId, paymentId: paid.payment.id, signature: paid.signature })).body).toMatchObject({ outcome: 'recorded' });
    expect(await state(invoiceId)).toEqual({ status: 'partially_paid', paid_paise: 30_000 });
    const tooMuch = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 20_001 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ reason: 'over_owed', message: 'Only ₹200.00 is still owed on this bill.' });

    // The rest, paid: the bill is settled and takes no more.
    const rest = await newOrder(20_000, { invoiceId });
    const paidRest = stub.payOrder(rest.orderId);
    expect((await call('/v1/payments/razorpay/verify', { orderId: rest.orderId, paymentId: paidRest.payment.id, signature: paidRest.signature })).body).toMatchObject({ outcome: 'recorded' });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 50_000 });
    const settled = await call('/v1/payments/razorpay/qr', { invoiceId, amountPaise: 100 });
    expect(settled.status).toBe(409);
    expect(settled.body.error).toMatchObject({ code: 'conflict', reason: 'not_payable' });
    expect(settled.body.error!.message).toMatch(/^This bill is not waiting for payment/);

    // A credit note is never paid.
    const note = await insertCreditNote(t.central.db, clinicA, await bill(10_000), 10_000);
    expect((await call('/v1/payments/razorpay/order', { invoiceId: note, amountPaise: 10_000 })).body.error).toMatchObject({ reason: 'not_payable' });

    // Only the two orders that were owed reached Razorpay.
    expect(razorpayCreates()).toBe(createsBefore + 2);
    expect((await t.central.db.selectFrom('razorpay_orders').select('external_id').execute()).length).toBe(ordersBefore + 2);
  });

  it('records a checkout payment once when its signature is Razorpay’s', async () => {
    const { invoiceId, orderId } = await newOrder(150_000);
    const { payment, signature } = stub.payOrder(orderId, { method: 'card' });
    const first = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ outcome: 'recorded', paymentId: expect.any(String), razorpayPaymentId: payment.id, amountPaise: 150_000 });
    expect(sink.callsFor(payment.id)).toEqual([
      { clinicId: clinicA, invoiceId, amountPaise: 150_000, razorpayPaymentId: payment.id, razorpayOrderId: orderId, method: 'card', paidAt: new Date(payment.created_at * 1000).toISOString() },
    ]);
    const row = await onePayment(payment.id, { invoiceId, amountPaise: 150_000 });
    expect(row).toMatchObject({ id: first.body.paymentId, reference: 'card' });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 150_000 });

    const again = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature });
    expect(again.body).toMatchObject({ outcome: 'duplicate', paymentId: first.body.paymentId });
    expect(sink.callsFor(payment.id)).toHaveLength(1);
    await onePayment(payment.id, { invoiceId, amountPaise: 150_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 150_000 });
    expect(await storedPayments(payment.id)).toMatchObject([{ clinic_id: clinicA, invoice_id: invoiceId, source_id: orderId, outcome: 'recorded', synced_payment_id: first.body.paymentId }]);
    expect((await t.central.db.selectFrom('razorpay_orders').select('status').where('external_id', '=', orderId).executeTakeFirstOrThrow()).status).toBe('paid');
  });

  it('refuses a tampered checkout signature and records nothing', async () => {
    const { invoiceId, orderId } = await newOrder(80_000);
    const { payment, signature } = stub.payOrder(orderId);
    const other = await newOrder(80_000);
    const flipped = signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    for (const attempt of [
      { orderId, paymentId: payment.id, signature: flipped },
      { orderId, paymentId: payment.id, signature: 'abc' },
      { orderId: other.orderId, paymentId: payment.id, signature },
      { orderId, paymentId: payment.id, signature: createHmac('sha256', 'guessed-secret').update(`${orderId}|${payment.id}`).digest('hex') },
    ]) {
      const reply = await call('/v1/payments/razorpay/verify', attempt);
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'validation', reason: 'payment_not_confirmed' });
      expect(reply.body.error!.message).toMatch(/^This payment could not be confirmed with Razorpay/);
    }
    expect(await paymentRows(payment.id)).toHaveLength(0);
    expect(await storedPayments(payment.id)).toHaveLength(0);
    expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });
    expect(await state(other.invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });
    expect(logLines.some((l) => l.includes('razorpay.signature_refused'))).toBe(true);
  });

  it('captures a late-authorised checkout payment before recording it', async () => {
    const { invoiceId, orderId } = await newOrder(120_000);
    const { payment, signature } = stub.payOrder(orderId, { capture: false });
    const reply = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature });
    expect(reply.body).toMatchObject({ outcome: 'recorded', razorpayPaymentId: payment.id });
    expect(stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/capture$`)).map((c) => c.body)).toEqual([{ amount: 120_000, currency: 'INR' }]);
    expect(stub.payments.get(payment.id)!.status).toBe('captured');
    await onePayment(payment.id, { invoiceId, amountPaise: 120_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 120_000 });
  });

  it('takes a webhook delivered five times, one after another or all at once, as one payment', async () => {
    const { invoiceId, orderId } = await newOrder(90_000);
    const { payment } = stub.payOrder(orderId);
    const event = stub.webhook('payment.captured', { payment });
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await deliver(event));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(replies.map((r) => r.body.status)).toEqual(['processed', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(replies[0]!.body.outcome).toBe('recorded');
    expect(sink.callsFor(payment.id)).toHaveLength(1);
    await onePayment(payment.id, { invoiceId, amountPaise: 90_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 90_000 });

    // Concurrent deliveries of one event: only the delivery that inserts the event's row goes on.
    const second = await newOrder(95_000);
    const paid = stub.payOrder(second.orderId).payment;
    const concurrent = stub.webhook('payment.captured', { payment: paid });
    sink.delayMs = 50;
    try {
      const all = await Promise.all(Array.from({ length: 5 }, () => deliver(concurrent)));
      expect(all.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(all.filter((r) => r.body.status === 'processed')).toHaveLength(1);
      expect(all.filter((r) => r.body.status === 'duplicate')).toHaveLength(4);
    } finally {
      sink.delayMs = 0;
    }
    expect(sink.callsFor(paid.id)).toHaveLength(1);
    await onePayment(paid.id, { invoiceId: second.invoiceId, amountPaise: 95_000 });
    expect(await state(second.invoiceId)).toEqual({ status: 'paid', paid_paise: 95_000 });
    const events = await t.central.db.selectFrom('razorpay_events').selectAll().where('event_id', 'in', [event.eventId, concurrent.eventId]).execute();
    expect(events.map((e) => e.outcome).sort()).toEqual(['recorded', 'recorded']);
    expect(events.every((e) => e.event === 'payment.captured')).toBe(true);
  });

  it('records one payment when events come out of order (order.paid before payment.captured)', async () => {
    const { invoiceId, orderId } = await newOrder(70_000);
    const { payment, order, signature } = stub.payOrder(orderId);
    const orderPaid = await deliver(stub.webhook('order.paid', { payment, order }));
    const captured = await deliver(stub.webhook('payment.captured', { payment }));
    expect([orderPaid.body, captured.body]).toEqual([
      { status: 'processed', event: 'order.paid', outcome: 'recorded' },
      { status: 'processed', event: 'payment.captured', outcome: 'duplicate' },
    ]);
    // The desk's own confirmation, arriving last, finds it recorded.
    expect((await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature })).body).toMatchObject({ outcome: 'duplicate' });
    expect(sink.callsFor(payment.id)).toHaveLength(1);
    await onePayment(payment.id, { invoiceId, amountPaise: 70_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 70_000 });

    // Both events at the same moment: billing hears of the payment from each, records it once, and the server
    // keeps billing's 'recorded' answer with the synced row's id — also when the other's 'duplicate' comes first.
    const both = await newOrder(75_000);
    const paid = stub.payOrder(both.orderId);
    sink.delayMs = 50;
    sink.holdRecordedMs = 300;
    try {
      const replies = await Promise.all([deliver(stub.webhook('payment.captured', { payment: paid.payment })), deliver(stub.webhook('order.paid', { payment: paid.payment, order: paid.order }))]);
      expect(replies.map((r) => r.body.outcome).sort()).toEqual(['duplicate', 'recorded']);
    } finally {
      sink.delayMs = 0;
      sink.holdRecordedMs = 0;
    }
    expect(sink.callsFor(paid.payment.id)).toHaveLength(2);
    const row = await onePayment(paid.payment.id, { invoiceId: both.invoiceId, amountPaise: 75_000 });
    expect(await state(both.invoiceId)).toEqual({ status: 'paid', paid_paise: 75_000 });
    expect(await storedPayments(paid.payment.id)).toMatchObject([{ outcome: 'recorded', synced_payment_id: row.id }]);
  });

  it('refuses a webhook with a bad or missing signature: 400, nothing recorded', async () => {
    const { invoiceId, orderId } = await newOrder(60_000);
    const { payment } = stub.payOrder(orderId);
    const event = stub.webhook('payment.captured', { payment });
    const forged = createHmac('sha256', KEY_SECRET).update(event.body).digest('hex');
    const tampered = { ...event, body: event.body.replace('"amount":60000', '"amount":1') };
    expect(tampered.body).not.toBe(event.body);
    for (const reply of [await deliver(event, { signature: forged }), await deliver(event, { signature: null }), await deliver(tampered), await deliver(event, { signature: 'x' })]) {
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({ code: 'validation', reason: 'webhook_signature' });
    }
    expect(await paymentRows(payment.id)).toHaveLength(0);
    expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });
    expect(await t.central.db.selectFrom('razorpay_events').select('event_id').where('event_id', '=', event.eventId).execute()).toHaveLength(0);
    // The genuine delivery still goes through afterwards.
    expect((await deliver(event)).body).toMatchObject({ status: 'processed', outcome: 'recorded' });
    await onePayment(payment.id, { invoiceId, amountPaise: 60_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 60_000 });
  });

  it('records a captured payment by polling when no webhook came, part by part', async () => {
    const invoiceId = await bill(200_000);
    const { orderId } = await newOrder(110_000, { invoiceId });
    const before = await call('/v1/payments/razorpay/poll', { id: orderId });
    expect(before.body).toEqual({ id: orderId, kind: 'order', status: 'created', payments: [] });
    const { payment } = stub.payOrder(orderId, { method: 'netbanking' });
    const reply = await call('/v1/payments/razorpay/poll', { id: orderId });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: orderId, kind: 'order', status: 'paid', payments: [{ razorpayPaymentId: payment.id, status: 'captured', amountPaise: 110_000, outcome: 'recorded' }] });
    expect(stub.calls('GET', new RegExp(`^/v1/orders/${orderId}/payments$`)).length).toBeGreaterThanOrEqual(2);
    expect((await call('/v1/payments/razorpay/poll', { id: orderId })).body).toMatchObject({ payments: [{ outcome: 'duplicate' }] });
    const row = await onePayment(payment.id, { invoiceId, amountPaise: 110_000 });
    expect(row.reference).toBe('netbanking');
    expect(await state(invoiceId)).toEqual({ status: 'partially_paid', paid_paise: 110_000 });

    // The rest of the bill, another order, polled too: two payments on the bill, one row each.
    const rest = await newOrder(90_000, { invoiceId });
    const restPaid = stub.payOrder(rest.orderId).payment;
    expect((await call('/v1/payments/razorpay/poll', { id: rest.orderId })).body).toMatchObject({ status: 'paid', payments: [{ razorpayPaymentId: restPaid.id, outcome: 'recorded' }] });
    await onePayment(restPaid.id, { invoiceId, amountPaise: 90_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 200_000 });
    expect(await t.central.db.selectFrom('payments').select('razorpay_payment_id').where('invoice_id', '=', invoiceId).orderBy('amount_paise', 'desc').execute()).toEqual([
      { razorpay_payment_id: payment.id },
      { razorpay_payment_id: restPaid.id },
    ]);
  });

  it('keeps money that comes after the bill was settled another way, flagged for refund, the bill untouched', async () => {
    // The desk asks for a QR code while the bill is owed, then the patient pays in cash at the counter instead.
    const invoiceId = await bill(40_000);
    const { orderId } = await newOrder(40_000, { invoiceId });
    const cashId = newId();
    const pushed = await call('/v1/mutations', {
      mutations: [
        {
          id: newId(),
          name: 'payments.record',
          args: { id: cashId, invoiceId, mode: 'cash', amountPaise: 40_000, tenderedPaise: 50_000 },
          userId: adminA,
          madeAt: new Date().toISOString(),
        },
      ],
    });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(pushed.body.results).toMatchObject([{ status: 'applied' }]);
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 40_000 });
    // The desk can no longer ask for money for it…
    expect((await call('/v1/payments/razorpay/link', { invoiceId, amountPaise: 40_000 })).body.error).toMatchObject({ reason: 'not_payable' });

    // …but the patient had paid the order online too.
    const { payment } = stub.payOrder(orderId);
    expect((await deliver(stub.webhook('payment.captured', { payment }))).body).toMatchObject({ outcome: 'refund_due' });
    expect(await storedPayments(payment.id)).toMatchObject([{ outcome: 'refund_due' }]);
    await onePayment(payment.id, { invoiceId, amountPaise: 40_000, status: 'refund_due' });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 40_000 });
    expect(await t.central.db.selectFrom('payments').select(['id', 'mode', 'status']).where('invoice_id', '=', invoiceId).orderBy('mode').execute()).toEqual([
      { id: cashId, mode: 'cash', status: 'recorded' },
      { id: expect.any(String), mode: 'online', status: 'refund_due' },
    ]);
    // A later confirmation changes nothing.
    expect((await call('/v1/payments/razorpay/poll', { id: orderId })).body).toMatchObject({ payments: [{ razorpayPaymentId: payment.id, outcome: 'duplicate' }] });
    expect(await paymentRows(payment.id)).toHaveLength(1);

    // A link and a QR code for one bill, both paid: the first settles it, the second is for refund.
    const twice = await bill(25_000);
    const link = (await call('/v1/payments/razorpay/link', { invoiceId: twice, amountPaise: 25_000 })).body.id as string;
    const qr = (await call('/v1/payments/razorpay/qr', { invoiceId: twice, amountPaise: 25_000 })).body.id as string;
    const byLink = stub.payLink(link);
    const byQr = stub.payQr(qr);
    expect((await deliver(stub.webhook('payment_link.paid', { payment_link: byLink.link, order: byLink.order, payment: byLink.payment }))).body).toMatchObject({ outcome: 'recorded' });
    expect((await deliver(stub.webhook('qr_code.credited', { payment: byQr.payment, qr_code: byQr.qr }))).body).toMatchObject({ outcome: 'refund_due' });
    await onePayment(byLink.payment.id, { invoiceId: twice, amountPaise: 25_000 });
    await onePayment(byQr.payment.id, { invoiceId: twice, amountPaise: 25_000, status: 'refund_due' });
    expect(await state(twice)).toEqual({ status: 'paid', paid_paise: 25_000 });
  });

  it('makes payment links and UPI QR codes, and records what is paid through them once', async () => {
    // Payment link, paid; payment.captured comes before payment_link.paid (the link's order is not known yet).
    const invoiceId = await bill(250_000);
    const made = await call('/v1/payments/razorpay/link', { invoiceId, amountPaise: 250_000 });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ id: expect.stringMatching(/^plink_/), shortUrl: expect.stringMatching(/^https:\/\/rzp\.io\//), expiresAt: expect.any(String) });
    const linkId = made.body.id as string;
    const sentLink = stub.calls('POST', /^\/v1\/payment_links$/).at(-1)!.body!;
    expect(sentLink).toMatchObject({ amount: 250_000, currency: 'INR', accept_partial: false, notes: { clinic_id: clinicA, invoice_id: invoiceId } });
    expect(String(sentLink.reference_id).length).toBeLessThanOrEqual(40);
    const paidLink = stub.payLink(linkId);
    expect((await deliver(stub.webhook('payment.captured', { payment: paidLink.payment }))).body).toMatchObject({ outcome: 'unmatched' });
    expect(await paymentRows(paidLink.payment.id)).toHaveLength(0);
    expect((await deliver(stub.webhook('payment_link.paid', { payment_link: paidLink.link, order: paidLink.order, payment: paidLink.payment }))).body).toMatchObject({ outcome: 'recorded' });
    expect((await deliver(stub.webhook('payment.captured', { payment: paidLink.payment }))).body).toMatchObject({ outcome: 'duplicate' });
    expect(sink.callsFor(paidLink.payment.id)).toEqual([expect.objectContaining({ invoiceId, amountPaise: 250_000, razorpayOrderId: paidLink.order.id })]);
    await onePayment(paidLink.payment.id, { invoiceId, amountPaise: 250_000 });
    expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 250_000 });
    // The link's callback, verified with its own signature, finds it recorded.
    const callback = { paymentLinkId: linkId, referenceId: paidLink.link.reference_id, status: 'paid', paymentId: paidLink.payment.id, signature: paidLink.signature };
    expect((await call('/v1/payments/razorpay/verify', callback)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await call('/v1/payments/razorpay/verify', { ...callback, status: 'created' })).body.error).toMatchObject({ reason: 'payment_not_confirmed' });
    expect(await paymentRows(paidLink.payment.id)).toHaveLength(1);

    // Another link, found by polling (GET the link for its order, then the order's payments).
    const polledInvoice = await bill(30_000);
    const polledLink = (await call('/v1/payments/razorpay/link', { invoiceId: polledInvoice, amountPaise: 30_000, expiresInMinutes: 60 })).body.id as string;
    const paid2 = stub.payLink(polledLink);
    expect((await call('/v1/payments/razorpay/poll', { id: polledLink })).body).toMatchObject({ kind: 'payment_link', status: 'paid', payments: [{ razorpayPaymentId: paid2.payment.id, outcome: 'recorded' }] });
    await onePayment(paid2.payment.id, { invoiceId: polledInvoice, amountPaise: 30_000 });
    expect(await state(polledInvoice)).toEqual({ status: 'paid', paid_paise: 30_000 });

    // A single-use UPI QR code for exactly the amount, found by polling; qr_code.credited later changes nothing.
    const qrInvoice = await bill(45_000);
    const qr = await call('/v1/payments/razorpay/qr', { invoiceId: qrInvoice, amountPaise: 45_000 });
    expect(qr.status).toBe(201);
    expect(qr.body).toEqual({ id: expect.stringMatching(/^qr_/), imageUrl: expect.stringMatching(/^https:\/\//), closeBy: expect.any(String) });
    const sentQr = stub.calls('POST', /^\/v1\/payments\/qr_codes$/).at(-1)!.body!;
    expect(sentQr).toMatchObject({ type: 'upi_qr', usage: 'single_use', fixed_amount: true, payment_amount: 45_000 });
    expect(sentQr.close_by as number).toBeGreaterThan(Date.now() / 1000 + 120);
    const scanned = stub.payQr(qr.body.id as string);
    expect((await call('/v1/payments/razorpay/poll', { id: qr.body.id })).body).toMatchObject({ kind: 'qr', status: 'paid', payments: [{ razorpayPaymentId: scanned.payment.id, outcome: 'recorded' }] });
    expect((await deliver(stub.webhook('qr_code.credited', { payment: scanned.payment, qr_code: scanned.qr }))).body).toMatchObject({ outcome: 'duplicate' });
    expect(sink.callsFor(scanned.payment.id)).toEqual([expect.objectContaining({ invoiceId: qrInvoice, razorpayOrderId: null, method: 'upi' })]);
    expect(await onePayment(scanned.payment.id, { invoiceId: qrInvoice, amountPaise: 45_000 })).toMatchObject({ reference: 'upi' });
    expect(await state(qrInvoice)).toEqual({ status: 'paid', paid_paise: 45_000 });

    // A QR code for part of a bill, paid and reported by webhook only.
    const qrInvoice2 = await bill(50_000);
    const qr2 = (await call('/v1/payments/razorpay/qr', { invoiceId: qrInvoice2, amountPaise: 20_000, closeInMinutes: 5 })).body.id as string;
    const scanned2 = stub.payQr(qr2);
    expect((await deliver(stub.webhook('qr_code.credited', { payment: scanned2.payment, qr_code: scanned2.qr }))).body).toMatchObject({ outcome: 'recorded' });
    expect(sink.callsFor(scanned2.payment.id)).toHaveLength(1);
    await onePayment(scanned2.payment.id, { invoiceId: qrInvoice2, amountPaise: 20_000 });
    expect(await state(qrInvoice2)).toEqual({ status: 'partially_paid', paid_paise: 20_000 });
  });

  it('keeps clinics apart: another clinic’s desk cannot ask for, confirm, poll or refund these payments', async () => {
    const { invoiceId, orderId } = await newOrder(55_000);
    // Clinic B's desk naming clinic A's bill: as if it did not exist.
    const order = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 55_000 }, { credential: deskB });
    expect(order.status).toBe(404);
    expect(order.body.error).toMatchObject({ reason: 'invoice_not_on_server' });

    const { payment, signature } = stub.payOrder(orderId);
    const verify = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature }, { credential: deskB });
    expect(verify.status).toBe(404);
    expect(verify.body.error).toMatchObject({ reason: 'unknown_razorpay_id' });
    expect((await call('/v1/payments/razorpay/poll', { id: orderId }, { credential: deskB })).status).toBe(404);
    expect(await paymentRows(payment.id)).toHaveLength(0);
    expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });

    await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature });
    await onePayment(payment.id, { invoiceId, amountPaise: 55_000, clinicId: clinicA });
    const creditNoteId = await insertCreditNote(t.central.db, clinicA, invoiceId, 1000);
    const refund = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 1000, creditNoteId }, { credential: deskB });
    expect(refund.status).toBe(404);
    expect(refund.body.error).toMatchObject({ reason: 'credit_note_not_on_server' });
    // Clinic B's own credit note does not open clinic A's payment either.
    const theirs = await insertCreditNote(t.central.db, clinicB, await bill(55_000, clinicB), 1000);
    const crossed = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 1000, creditNoteId: theirs }, { credential: deskB });
    expect(crossed.status).toBe(409);
    expect(crossed.body.error).toMatchObject({ reason: 'refund_mismatch' });
    expect(stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/refund$`))).toHaveLength(0);
  });

  it('refunds through Razorpay’s refunds API with the amount, once per credit note, and marks the refund paid out', async () => {
    // ₹1,000 of a ₹2,000 bill paid online.
    const { invoiceId, payment } = await paidOnline(200_000, 100_000);
    expect(await state(invoiceId)).toEqual({ status: 'partially_paid', paid_paise: 100_000 });
    const creditNoteId = await insertCreditNote(t.central.db, clinicA, invoiceId, 40_000);
    expect(await creditNoteRefund(t.central.db, creditNoteId)).toMatchObject({ status: 'refund_due', amount_paise: 40_000 });
    // Money goes back only for a signed-in accounts user or administrator the desk names; Razorpay is not asked otherwise.
    const nobody = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 40_000, creditNoteId }, { user: null });
    expect(nobody).toMatchObject({ status: 403, body: { error: { reason: 'not_accounts' } } });
    expect(stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/refund$`))).toEqual([]);
    const reply = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 40_000, creditNoteId });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual({ refundId: expect.stringMatching(/^rfnd_/), razorpayPaymentId: payment.id, amountPaise: 40_000, status: 'pending' });
    const refundCalls = () => stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/refund$`));
    expect(refundCalls().map((c) => c.body)).toEqual([{ amount: 40_000, speed: 'normal', receipt: creditNoteId, notes: { clinic_id: clinicA, credit_note_id: creditNoteId } }]);
    // The credit note's refund, due until now, is paid out (synced to the desks), naming Razorpay's refund.
    const sent = await creditNoteRefund(t.central.db, creditNoteId);
    expect(sent).toMatchObject({ status: 'recorded', amount_paise: 40_000 });
    expect(sent.reference).toContain(reply.body.refundId as string);

    // The same credit note again: the same refund, no second request, the refund row as it was.
    expect((await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 40_000, creditNoteId })).body).toEqual(reply.body);
    expect(refundCalls()).toHaveLength(1);
    expect(await creditNoteRefund(t.central.db, creditNoteId)).toEqual(sent);
    // A credit note owing more than is left of the online payment (the rest of the bill was paid another way).
    const bigNote = await insertCreditNote(t.central.db, clinicA, invoiceId, 70_000, { onlineRefundPaise: 60_001 });
    const tooMuch = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 60_001, creditNoteId: bigNote });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ reason: 'refund_too_large' });
    expect(refundCalls()).toHaveLength(1);
    expect(await creditNoteRefund(t.central.db, bigNote)).toMatchObject({ status: 'refund_due' });

    // refund.processed updates the stored refund.
    const processed = stub.processRefund(reply.body.refundId as string);
    expect((await deliver(stub.webhook('refund.processed', { refund: processed, payment }))).body).toMatchObject({ outcome: 'refund_processed' });
    const stored = await t.central.db.selectFrom('razorpay_refunds').selectAll().where('payment_id', '=', payment.id).execute();
    expect(stored.map((r) => [r.refund_id, r.amount_paise, r.status, r.credit_note_id, r.clinic_id])).toEqual([[reply.body.refundId, 40_000, 'processed', creditNoteId, clinicA]]);
    // Money going back is not a payment coming in: still the one payment row, the bill's figures as they were.
    await onePayment(payment.id, { invoiceId, amountPaise: 100_000 });
    expect(await state(invoiceId)).toEqual({ status: 'partially_paid', paid_paise: 100_000 });
  });

  it('refunds a second credit note from the same online payment once, also when Razorpay’s answer was lost', async () => {
    // A bill paid online, credited line by line: each credit note's refund goes back through the same payment.
    const { invoiceId, payment } = await paidOnline(100_000);
    const firstNote = await insertCreditNote(t.central.db, clinicA, invoiceId, 30_000);
    expect((await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 30_000, creditNoteId: firstNote })).status).toBe(200);
    const refundCalls = () => stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/refund$`));
    expect(refundCalls()).toHaveLength(1);

    // The second refund reached Razorpay but its answer was lost: Razorpay has it (with our credit note), so it
    // is not asked for twice.
    const lostNote = await insertCreditNote(t.central.db, clinicA, invoiceId, 10_000);
    const direct = await fetch(`${stub.url}/v1/payments/${payment.id}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}` },
      body: JSON.stringify({ amount: 10_000, notes: { clinic_id: clinicA, credit_note_id: lostNote } }),
    });
    const lost = (await direct.json()) as { id: string };
    const recovered = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 10_000, creditNoteId: lostNote });
    expect(recovered.status, JSON.stringify(recovered.body)).toBe(200);
    expect(recovered.body).toMatchObject({ refundId: lost.id, amountPaise: 10_000 });
    expect(refundCalls()).toHaveLength(2); // the first credit note's, and the test's own: none more from the server
    expect(await creditNoteRefund(t.central.db, firstNote)).toMatchObject({ status: 'recorded' });
    const second = await creditNoteRefund(t.central.db, lostNote);
    expect(second).toMatchObject({ status: 'recorded', amount_paise: 10_000 });
    expect(second.reference).toContain(lost.id);
    const stored = await t.central.db.selectFrom('razorpay_refunds').select(['amount_paise', 'credit_note_id']).where('payment_id', '=', payment.id).orderBy('amount_paise', 'desc').execute();
    expect(stored).toEqual([
      { amount_paise: 30_000, credit_note_id: firstNote },
      { amount_paise: 10_000, credit_note_id: lostNote },
    ]);
    await onePayment(payment.id, { invoiceId, amountPaise: 100_000 });
  });

  it('refuses a refund without a matching credit note on the server, and asks Razorpay nothing', async () => {
    const { invoiceId, payment } = await paidOnline(50_000);
    const other = await paidOnline(30_000);
    const refundRequests = () => stub.requests.filter((r) => r.path.startsWith(`/v1/payments/${payment.id}/refund`)).length;
    const refund = (creditNoteId: string, amountPaise = 10_000, razorpayPaymentId = payment.id) =>
      call('/v1/payments/razorpay/refund', { razorpayPaymentId, amountPaise, creditNoteId });

    // No credit note yet (not synced, or never raised); the bill itself is not one.
    for (const creditNoteId of [newId(), invoiceId]) {
      const reply = await refund(creditNoteId);
      expect(reply.status).toBe(404);
      expect(reply.body.error).toMatchObject({ code: 'not_found', reason: 'credit_note_not_on_server' });
      expect(reply.body.error!.message).toMatch(/^The credit note for this refund has not reached the server yet/);
    }
    // A credit note for another bill than the one this payment paid.
    const otherNote = await insertCreditNote(t.central.db, clinicA, other.invoiceId, 10_000);
    const mismatch = await refund(otherNote);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error).toMatchObject({ code: 'conflict', reason: 'refund_mismatch' });
    // The right bill's credit note, but a payment the server never recorded.
    const note = await insertCreditNote(t.central.db, clinicA, invoiceId, 10_000);
    expect((await refund(note, 10_000, 'pay_NeverRecorded01')).body.error).toMatchObject({ reason: 'refund_mismatch' });
    // More than the credit note.
    const over = await refund(note, 10_001);
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({ code: 'validation', reason: 'over_refund', message: 'A refund cannot be more than its credit note.' });

    expect(refundRequests()).toBe(0);
    expect(await t.central.db.selectFrom('razorpay_refunds').select('refund_id').where('payment_id', '=', payment.id).execute()).toHaveLength(0);
    // The matching credit note and amount go through.
    expect((await refund(note, 10_000)).body).toMatchObject({ razorpayPaymentId: payment.id, amountPaise: 10_000, status: 'pending' });
  });

  it('refuses to refund online a credit note whose money went back another way, before asking Razorpay', async () => {
    const { invoiceId, payment } = await paidOnline(40_000);
    // Credited, the money handed back in cash at the counter: no online refund is due for this credit note.
    const note = await insertCreditNote(t.central.db, clinicA, invoiceId, 40_000, { onlineRefundPaise: null });
    const reply = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: payment.id, amountPaise: 40_000, creditNoteId: note });
    expect(reply.status, JSON.stringify(reply.body)).toBe(409);
    expect(reply.body.error).toMatchObject({ code: 'conflict', reason: 'no_refund_due' });
    expect(stub.calls('POST', new RegExp(`^/v1/payments/${payment.id}/refund$`))).toHaveLength(0);
    expect(await t.central.db.selectFrom('razorpay_refunds').select('refund_id').where('payment_id', '=', payment.id).execute()).toHaveLength(0);
  });

  it('says plainly when Razorpay cannot be reached, and records nothing', async () => {
    const gone = await new RazorpayStub({ keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET }).start();
    const deadUrl = gone.url;
    await gone.close();
    // Billing's own sink (startServer's default): nothing may reach it.
    const down = await startServer({ central: t.central, log: jsonLogger((l) => logLines.push(l)), port: 0, razorpay: config({ baseUrl: deadUrl }) });
    try {
      const ordersBefore = (await t.central.db.selectFrom('razorpay_orders').select('external_id').execute()).length;
      const owed = await bill(10_000);
      const refused = await call('/v1/payments/razorpay/order', { invoiceId: owed, amountPaise: 10_000 }, { base: down.url });
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'internal', reason: 'razorpay_unreachable', message: 'Razorpay could not be reached. Take the payment another way, or try again in a minute.' });
      expect((await call('/v1/payments/razorpay/qr', { invoiceId: owed, amountPaise: 10_000 }, { base: down.url })).status).toBe(503);
      expect((await call('/v1/payments/razorpay/link', { invoiceId: owed, amountPaise: 10_000 }, { base: down.url })).status).toBe(503);
      expect((await t.central.db.selectFrom('razorpay_orders').select('external_id').execute()).length).toBe(ordersBefore);
      expect(await state(owed)).toEqual({ status: 'issued', paid_paise: 0 });

      // A genuine payment the server cannot check with Razorpay: nothing recorded until it can.
      const { invoiceId, orderId } = await newOrder(65_000);
      const { payment, signature } = stub.payOrder(orderId);
      const verify = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature }, { base: down.url });
      expect(verify.status).toBe(503);
      expect(verify.body.error!.message).toMatch(/Razorpay could not be reached/);
      expect((await call('/v1/payments/razorpay/poll', { id: orderId }, { base: down.url })).status).toBe(503);
      expect(sink.callsFor(payment.id)).toHaveLength(0);
      expect(await paymentRows(payment.id)).toHaveLength(0);
      expect(await storedPayments(payment.id)).toHaveLength(0);
      expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });

      // A refund: nothing refunded, nothing stored.
      const settled = await paidOnline(65_000);
      const creditNoteId = await insertCreditNote(t.central.db, clinicA, settled.invoiceId, 1000);
      const refund = await call('/v1/payments/razorpay/refund', { razorpayPaymentId: settled.payment.id, amountPaise: 1000, creditNoteId }, { base: down.url });
      expect(refund.status).toBe(503);
      expect(refund.body.error!.message).toMatch(/could not be reached, so nothing was refunded/);
      expect(await t.central.db.selectFrom('razorpay_refunds').select('refund_id').where('payment_id', '=', settled.payment.id).execute()).toHaveLength(0);
      expect(await creditNoteRefund(t.central.db, creditNoteId)).toMatchObject({ status: 'refund_due' });

      // Once Razorpay answers, the same confirmation goes through.
      expect((await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature })).body).toMatchObject({ outcome: 'recorded' });
      await onePayment(payment.id, { invoiceId, amountPaise: 65_000 });
      expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 65_000 });
    } finally {
      await down.close();
    }
  });

  it('treats a Razorpay that hangs or fails like one that cannot be reached', async () => {
    const impatient = await startServer({ central: t.central, log: jsonLogger(() => {}), port: 0, razorpay: config({ timeoutMs: 300 }) });
    try {
      const { invoiceId, orderId } = await newOrder(35_000);
      const { payment } = stub.payOrder(orderId);
      stub.stall = true;
      const started = Date.now();
      const hung = await call('/v1/payments/razorpay/poll', { id: orderId }, { base: impatient.url });
      stub.stall = false;
      expect(hung.status).toBe(503);
      expect(hung.body.error).toMatchObject({ reason: 'razorpay_unreachable' });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await paymentRows(payment.id)).toHaveLength(0);
      expect(await state(invoiceId)).toEqual({ status: 'issued', paid_paise: 0 });

      stub.failNext = 502;
      const failing = await call('/v1/payments/razorpay/order', { invoiceId: await bill(10_000), amountPaise: 10_000 }, { base: impatient.url });
      expect(failing.status).toBe(503);
      expect(failing.body.error!.message).toMatch(/Razorpay could not be reached/);
    } finally {
      stub.stall = false;
      await impatient.close();
    }
  });

  it('tells the desk when Razorpay refuses the keys or the request', async () => {
    const wrongKeys = await startServer({ central: t.central, log: jsonLogger(() => {}), port: 0, razorpay: config({ keySecret: 'not-the-secret' }) });
    try {
      const reply = await call('/v1/payments/razorpay/order', { invoiceId: await bill(10_000), amountPaise: 10_000 }, { base: wrongKeys.url });
      expect(reply.status).toBe(500);
      expect(reply.body.error).toMatchObject({ code: 'internal', reason: 'razorpay_keys_refused' });
      expect(JSON.stringify(reply.body)).not.toContain('not-the-secret');
    } finally {
      await wrongKeys.close();
    }
    const refused = await call('/v1/payments/razorpay/poll', { id: 'order_DoesNotExist00' });
    expect(refused.status).toBe(404); // not this clinic's: Razorpay is not even asked
  });

  it('answers plainly when online payments are not set up, and records through billing by default when they are', async () => {
    const off = await startServer({ central: t.central, log: jsonLogger(() => {}), port: 0, razorpay: null });
    try {
      const reply = await call('/v1/payments/razorpay/order', { invoiceId: await bill(10_000), amountPaise: 10_000 }, { base: off.url });
      expect(reply.status).toBe(404);
      expect(reply.body.error).toMatchObject({ reason: 'razorpay_not_configured' });
      expect(reply.body.error!.message).toMatch(/^Online payments are not set up on this server/);
      expect((await call('/v1/payments/razorpay/order', {}, { base: off.url, credential: null })).status).toBe(401);
      const hook = await deliver(stub.webhook('payment.captured', {}), { base: off.url });
      expect(hook.status).toBe(404);
    } finally {
      await off.close();
    }
    // No paymentSink given: startServer's own billing sink records the payment on the bill.
    const wired = await startServer({ central: t.central, log: jsonLogger(() => {}), port: 0, razorpay: config() });
    try {
      const invoiceId = await bill(15_000);
      const made = await call('/v1/payments/razorpay/order', { invoiceId, amountPaise: 15_000 }, { base: wired.url });
      const orderId = made.body.orderId as string;
      const { payment, signature } = stub.payOrder(orderId);
      const reply = await call('/v1/payments/razorpay/verify', { orderId, paymentId: payment.id, signature }, { base: wired.url });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ outcome: 'recorded', razorpayPaymentId: payment.id });
      expect(sink.callsFor(payment.id)).toHaveLength(0);
      expect(await onePayment(payment.id, { invoiceId, amountPaise: 15_000 })).toMatchObject({ id: reply.body.paymentId });
      expect(await state(invoiceId)).toEqual({ status: 'paid', paid_paise: 15_000 });
      expect(await storedPayments(payment.id)).toMatchObject([{ outcome: 'recorded', synced_payment_id: reply.body.paymentId }]);
    } finally {
      await wired.close();
    }
  });

  it('never puts a secret in a response or a log line', () => {
    expect(bodies.length).toBeGreaterThan(40);
    for (const text of [...bodies, ...logLines]) {
      expect(text).not.toContain(KEY_SECRET);
      expect(text).not.toContain(WEBHOOK_SECRET);
    }
  });
});
