import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { insertIssuedBill } from '../test/billing-rows';
import { createClinic } from './clinics';
import { billingPaymentSink } from './billing';

/**
 * The server's own record of a payment Razorpay confirmed (issue 6): through the invoice machine, once per
 * Razorpay payment id however often and however concurrently it is confirmed, and flagged for refund when
 * the bill was settled another way first.
 */
describe.each(BACKENDS)('online payments recorded by the server (%s)', (kind) => {
  let t: TestDatabase;
  let clinicId: string;

  beforeAll(async () => {
    t = await freshDatabase(kind);
    ({ clinicId } = await createClinic(t.central.db, clinicInput('Sunrise Clinic'), { now: new Date(), scrypt: TEST_SCRYPT }));
  }, 60_000);
  afterAll(async () => t?.dispose());

  const issuedBill = (totalPaise: number) => insertIssuedBill(t.central.db, clinicId, totalPaise);

  it('a payment confirmed five times at once is recorded once and settles the bill', async () => {
    const sink = billingPaymentSink(t.central.db);
    const invoiceId = await issuedBill(50_000);
    const payment = { clinicId, invoiceId, amountPaise: 50_000, razorpayPaymentId: 'pay_Nx1', razorpayOrderId: 'order_1', method: 'upi', paidAt: new Date().toISOString() };
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => sink.record(payment)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'recorded']);
    expect(new Set(outcomes.map((o) => o.paymentId)).size).toBe(1);
    const rows = await t.central.db.selectFrom('payments').selectAll().where('invoice_id', '=', invoiceId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ mode: 'online', amount_paise: 50_000, status: 'recorded', razorpay_payment_id: 'pay_Nx1' });
    expect(await t.central.db.selectFrom('invoices').select(['status', 'paid_paise']).where('id', '=', invoiceId).executeTakeFirst()).toEqual({ status: 'paid', paid_paise: 50_000 });
  });

  it('money arriving after the bill was settled is kept and flagged for refund, the bill untouched', async () => {
    const sink = billingPaymentSink(t.central.db);
    const invoiceId = await issuedBill(30_000);
    await sink.record({ clinicId, invoiceId, amountPaise: 30_000, razorpayPaymentId: 'pay_first', razorpayOrderId: null, method: 'upi', paidAt: new Date().toISOString() });
    const late = await sink.record({ clinicId, invoiceId, amountPaise: 30_000, razorpayPaymentId: 'pay_late', razorpayOrderId: null, method: 'card', paidAt: new Date().toISOString() });
    expect(late.outcome).toBe('refund_due');
    const rows = await t.central.db.selectFrom('payments').select(['razorpay_payment_id', 'status']).where('invoice_id', '=', invoiceId).orderBy('razorpay_payment_id').execute();
    expect(rows).toEqual([
      { razorpay_payment_id: 'pay_first', status: 'recorded' },
      { razorpay_payment_id: 'pay_late', status: 'refund_due' },
    ]);
    expect(await t.central.db.selectFrom('invoices').select(['status', 'paid_paise']).where('id', '=', invoiceId).executeTakeFirst()).toEqual({ status: 'paid', paid_paise: 30_000 });
  });
});
