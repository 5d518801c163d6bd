import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src-shared/ids';
import { RazorpayStub } from '../src-server/test/razorpay-stub';
import { PATIENT, until, type TestDesk } from './helpers';
import { kind, openWorld, pendingOn, readDesk, type World } from './sync-world';

/**
 * Online payments from a desk (issue 6): the desk asks the clinic server for a Razorpay UPI QR code, the
 * patient pays, the server confirms it with Razorpay (here a local server answering as Razorpay's REST API
 * does) and records it once through the invoice machine, and the payment syncs back to the desk. The keys
 * stay on the server: the desk's files never hold the secret.
 */
const KEY_SECRET = 'rzp_secret_CANARY_9f3b2c1d7e';
const WEBHOOK_SECRET = 'whsec_CANARY_77aa55bb';

describe(`online payments through the clinic server (${kind})`, () => {
  let world: World;
  let stub: RazorpayStub;
  let desk: TestDesk;
  let user: string;

  beforeAll(async () => {
    stub = await new RazorpayStub({ keyId: 'rzp_test_clinicdesk', keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET }).start();
    world = await openWorld({
      desks: 1,
      server: { razorpay: { keyId: 'rzp_test_clinicdesk', keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET, baseUrl: stub.url, timeoutMs: 2_000 } },
    });
    ({ desk, frontDesk: user } = world.desks[0]!);
  }, 120_000);

  afterAll(async () => {
    await world?.close();
    await stub?.close();
  }, 60_000);

  async function issuedBill(pricePaise: number) {
    const p = await desk.call('patients.register', { patient: { ...PATIENT, mobile: `98${String(Date.now()).slice(-8)}` } }, user);
    const id = newId();
    await desk.call(
      'invoices.saveDraft',
      { id, patientId: p.id, recipient: { name: PATIENT.fullName }, lines: [{ id: newId(), description: 'Consultation', sacHsn: '999312', kind: 'service', unit: 'visit', quantityMilli: 1000, unitPricePaise: pricePaise, exempt: true }] },
      user,
    );
    const bill = await desk.call('invoices.issue', { id }, user);
    await until(() => pendingOn(desk) === 0, 'the bill to reach the server');
    return bill;
  }

  it('part by UPI QR through Razorpay, the rest in cash: recorded once, synced back, the bill paid', async () => {
    const bill = await issuedBill(50_000);
    const qr = await desk.call('payments.startOnline', { invoiceId: bill.id, amountPaise: 30_000, via: 'upi_qr' }, user);
    // Razorpay's image address is on the internet, out of reach here: the screen then shows where to open it.
    expect(qr).toMatchObject({ via: 'upi_qr', amountPaise: 30_000, reference: expect.stringMatching(/^qr_/), imageUrl: expect.stringMatching(/^https?:/), imageDataUrl: null });
    expect(await desk.call('payments.checkOnline', { invoiceId: bill.id, reference: qr.reference }, user)).toEqual({ status: 'waiting', amountPaise: 0 });

    stub.payQr(qr.reference);
    // Asked again and again (the screen polls): the payment is recorded once.
    for (let i = 0; i < 3; i++) expect(await desk.call('payments.checkOnline', { invoiceId: bill.id, reference: qr.reference }, user)).toEqual({ status: 'paid', amountPaise: 30_000 });
    await until(async () => (await desk.call('invoices.get', { id: bill.id }, user)).paidPaise === 30_000, 'the online payment on the desk');
    const partly = await desk.call('invoices.get', { id: bill.id }, user);
    expect(partly.status).toBe('partially_paid');
    expect(partly.payments).toEqual([expect.objectContaining({ mode: 'online', amountPaise: 30_000, status: 'recorded', razorpayPaymentId: expect.stringMatching(/^pay_/) })]);

    const paid = await desk.call('payments.record', { invoiceId: bill.id, mode: 'cash', amountPaise: 20_000, tenderedPaise: 20_000 }, user);
    expect(paid).toMatchObject({ status: 'paid', balancePaise: 0 });
    await until(() => pendingOn(desk) === 0, 'the cash payment to reach the server');
    const onServer = await world.t.central.db.selectFrom('payments').select(['mode', 'amount_paise']).where('invoice_id', '=', bill.id).orderBy('mode').execute();
    expect(onServer).toEqual([
      { mode: 'cash', amount_paise: 20_000 },
      { mode: 'online', amount_paise: 30_000 },
    ]);
  });

  it('a credit note on a bill paid online sends the refund back through Razorpay, once', async () => {
    const bill = await issuedBill(25_000);
    const qr = await desk.call('payments.startOnline', { invoiceId: bill.id, amountPaise: 25_000, via: 'upi_qr' }, user);
    stub.payQr(qr.reference);
    expect((await desk.call('payments.checkOnline', { invoiceId: bill.id, reference: qr.reference }, user)).status).toBe('paid');
    // The bill's row and its payment's row arrive by separate shapes: wait for both.
    await until(async () => {
      const inv = await desk.call('invoices.get', { id: bill.id }, user);
      return inv.status === 'paid' && inv.payments.some((p) => p.mode === 'online');
    }, 'the bill paid online, on the desk');
    const admin = desk.adminToken;
    const note = await desk.call('invoices.creditNote', { invoiceId: bill.id, reason: 'Consultation not given', refundMode: 'online' }, admin);
    const due = (await desk.call('invoices.get', { id: bill.id }, admin)).payments.find((p) => p.kind === 'refund')!;
    expect(due).toMatchObject({ mode: 'online', amountPaise: 25_000, status: 'refund_due' });
    await desk.call('payments.sendRefund', { creditNoteId: note.id }, admin);
    expect(stub.refunds.size).toBe(1);
    expect([...stub.refunds.values()][0]).toMatchObject({ amount: 25_000 });
    await until(async () => (await desk.call('invoices.get', { id: bill.id }, admin)).payments.find((p) => p.kind === 'refund')?.status === 'recorded', 'the refund paid out, on the desk');
    const sent = (await desk.call('invoices.get', { id: bill.id }, admin)).payments.find((p) => p.kind === 'refund')!;
    expect(sent.reference).toMatch(/^rfnd_/);
    // Asked again: nothing more goes back.
    expect((await desk.fail('payments.sendRefund', { creditNoteId: note.id }, admin)).message).toMatch(/no online refund waiting/);
    expect(stub.refunds.size).toBe(1);
  });

  it('Razorpay unreachable: a plain message, and nothing recorded anywhere', async () => {
    const bill = await issuedBill(40_000);
    stub.failNext = 502;
    const refused = await desk.fail('payments.startOnline', { invoiceId: bill.id, amountPaise: 40_000, via: 'upi_qr' }, user);
    expect(refused.message).toMatch(/Razorpay could not be reached/);
    expect(await world.t.central.db.selectFrom('payments').select('id').where('invoice_id', '=', bill.id).execute()).toEqual([]);
    expect((await desk.call('invoices.get', { id: bill.id }, user)).payments).toEqual([]);
  });

  it('the Razorpay secrets never reach the desk: not in its database, its other files, nor anything it logged', async () => {
    const dir = desk.dir;
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(f.parentPath, f.name));
      for (const secret of [KEY_SECRET, WEBHOOK_SECRET]) expect(bytes.includes(Buffer.from(secret)), `${f.name} holds a Razorpay secret`).toBe(false);
    }
    // The checks above look for what the server was given; the desk did use the server's Razorpay (the QR code's rows are there).
    expect(readDesk<{ n: number }>(desk, `SELECT count(*) AS n FROM payments WHERE mode = 'online'`)[0]!.n).toBeGreaterThan(0);
    const logs = world.desks[0]!.logs;
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) for (const secret of [KEY_SECRET, WEBHOOK_SECRET]) expect(line).not.toContain(secret);
  });
});
