import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newId } from '../src-shared/ids';
import { todayIn } from '../src-shared/dates';
import { financialYear } from '../src-shared/gst/tax';
import { PATIENT, until, type TestDesk } from './helpers';
import { kind, openWorld, pendingOn, readDesk, type World } from './sync-world';

/**
 * Billing across desks through the real server (issue 6): each desk numbers from its own series, offline too,
 * and after sync the clinic has every number once — none colliding, none skipped — and the server's locks
 * hold whatever a writer sends.
 */
describe(`billing on two desks, offline and back (${kind})`, () => {
  let world: World;
  let a: TestDesk;
  let b: TestDesk;
  let userA: string;
  let userB: string;
  const fy = financialYear(todayIn('Asia/Kolkata'));

  const settled = (desk: TestDesk) => until(() => pendingOn(desk) === 0, 'the outbox to empty');

  beforeAll(async () => {
    world = await openWorld({ desks: 2 });
    [{ desk: a, frontDesk: userA }, { desk: b, frontDesk: userB }] = world.desks as [World['desks'][0], World['desks'][0]];
  }, 120_000);

  afterAll(async () => world?.close(), 60_000);

  async function bill(desk: TestDesk, user: string, patientId: string, pricePaise: number) {
    const id = newId();
    await desk.call(
      'invoices.saveDraft',
      {
        id,
        patientId,
        recipient: { name: PATIENT.fullName },
        lines: [{ id: newId(), description: 'Wound dressing kit', sacHsn: '30059040', kind: 'goods', unit: 'nos', quantityMilli: 1000, unitPricePaise: pricePaise, priceIncludesTax: true, rateBp: 1200 }],
      },
      user,
    );
    const issued = await desk.call('invoices.issue', { id }, user);
    await desk.call('payments.record', { invoiceId: id, mode: 'cash', amountPaise: issued.totalPaise, tenderedPaise: issued.totalPaise }, user);
    return issued;
  }

  it('two desks bill offline from their own series; after sync every number is there once, consecutive in each series', async () => {
    const p = await a.call('patients.register', { patient: PATIENT }, userA);
    await settled(a);
    await until(() => readDesk(b, 'SELECT id FROM patients WHERE id = ?', p.id).length === 1, 'the patient on B');

    for (const w of world.desks) w.net.online = false;
    const onA: string[] = [];
    const onB: string[] = [];
    for (let i = 0; i < 5; i++) {
      onA.push((await bill(a, userA, p.id, 11_800 + i * 100)).number!);
      onB.push((await bill(b, userB, p.id, 21_800 + i * 100)).number!);
    }
    // Each desk numbers in its own series: A is the clinic's first PC (FD1), B was enrolled next (FD2).
    expect(onA).toEqual([1, 2, 3, 4, 5].map((n) => `FD1/${fy}/0000${n}`));
    expect(onB).toEqual([1, 2, 3, 4, 5].map((n) => `FD2/${fy}/0000${n}`));
    // A cancels one of its bills by credit note, offline too.
    const third = readDesk<{ id: string }>(a, 'SELECT id FROM invoices WHERE number = ?', onA[2])[0]!;
    const note = await a.call('invoices.creditNote', { invoiceId: third.id, reason: 'Patient returned the kit', refundMode: 'cash' }, world.desks[0]!.desk.adminToken);
    expect(note.number).toBe(`CN1/${fy}/00001`);

    for (const w of world.desks) w.net.online = true;
    await settled(a);
    await settled(b);
    const server = await world.t.central.db.selectFrom('invoices').select(['number', 'series', 'sequence', 'status', 'total_paise', 'paid_paise']).orderBy('number').execute();
    expect(server.map((r) => r.number)).toEqual([`CN1/${fy}/00001`, ...onA, ...onB]);
    expect(server.filter((r) => r.number === onA[2])[0]).toMatchObject({ status: 'credited', paid_paise: 0 });
    const rejected = await world.t.central.db.selectFrom('mutations').select(['name', 'message']).where('status', '=', 'rejected').execute();
    expect(rejected).toEqual([]);
    // Every desk ends with the same documents and payments.
    for (const desk of [a, b]) {
      await until(() => readDesk(desk, 'SELECT id FROM invoices').length === 11, 'all documents on each desk');
      await until(() => readDesk(desk, 'SELECT id FROM payments').length === 11, 'all payments on each desk');
    }
    // Back online, the next number follows on.
    expect((await bill(b, userB, p.id, 5_000)).number).toBe(`FD2/${fy}/00006`);
  });

  it('two desks take the same bill’s money offline: the server keeps the first, the other lands in Needs attention with the bill named', async () => {
    const p = await a.call('patients.register', { patient: { ...PATIENT, mobile: '9876501234' } }, userA);
    const id = newId();
    await a.call('invoices.saveDraft', { id, patientId: p.id, recipient: { name: PATIENT.fullName }, lines: [{ id: newId(), description: 'Consultation', sacHsn: '999312', kind: 'service', unit: 'visit', quantityMilli: 1000, unitPricePaise: 60_000, exempt: true }] }, userA);
    const bill = await a.call('invoices.issue', { id }, userA);
    await settled(a);
    await until(() => readDesk(b, 'SELECT id FROM invoices WHERE id = ?', id).length === 1, 'the bill on B');
    for (const w of world.desks) w.net.online = false;
    await a.call('payments.record', { invoiceId: id, mode: 'cash', amountPaise: 60_000, tenderedPaise: 60_000 }, userA);
    await b.call('payments.record', { invoiceId: id, mode: 'card', amountPaise: 60_000, reference: 'POS 1182' }, userB);
    world.desks[0]!.net.online = true;
    await settled(a);
    world.desks[1]!.net.online = true;
    await settled(b);
    const inbox = await b.call('inbox.list', { include: 'open' }, userB);
    expect(inbox).toEqual([expect.objectContaining({ title: `Payment on bill ${bill.number}`, explanation: expect.stringMatching(/paid or changed from another desk while this PC was offline.*give it back/) })]);
    // B's copy of the bill returns to the server's: paid once, in cash, from A.
    await until(async () => (await b.call('invoices.get', { id }, userB)).payments.length === 1, 'B showing the one payment');
    expect(await b.call('invoices.get', { id }, userB)).toMatchObject({ status: 'paid', paidPaise: 60_000, payments: [expect.objectContaining({ mode: 'cash' })] });
  });

  it('a bill the server refuses keeps its number used: the desk goes on after it, and no number is printed twice', async () => {
    const p = await a.call('patients.register', { patient: { ...PATIENT, mobile: '9876505678' } }, userA);
    await settled(a);
    await until(() => readDesk(b, 'SELECT id FROM patients WHERE id = ?', p.id).length === 1, 'the patient on B');
    // Both desks, offline, bill the same draft: B issues it first, then A (which had it too) issues it again.
    const id = newId();
    await a.call('invoices.saveDraft', { id, patientId: p.id, recipient: { name: PATIENT.fullName }, lines: [{ id: newId(), description: 'Dressing', sacHsn: '999312', kind: 'service', unit: 'visit', quantityMilli: 1000, unitPricePaise: 30_000, exempt: true }] }, userA);
    await settled(a);
    // The draft and its lines come by separate shapes: wait for both.
    await until(() => readDesk(b, 'SELECT id FROM invoice_lines WHERE invoice_id = ?', id).length === 1 && readDesk(b, 'SELECT id FROM invoices WHERE id = ?', id).length === 1, 'the draft and its line on B');
    for (const w of world.desks) w.net.online = false;
    const onB = await b.call('invoices.issue', { id }, userB);
    const onA = await a.call('invoices.issue', { id }, userA);
    world.desks[1]!.net.online = true;
    await settled(b);
    world.desks[0]!.net.online = true;
    await settled(a);
    const inbox = await a.call('inbox.list', { include: 'open' }, userA);
    expect(inbox).toEqual([expect.objectContaining({ title: expect.stringMatching(/^Issue of bill/) })]);
    // A's copy is B's document now; A's refused number stays used on A: its next bill takes the one after.
    await until(async () => (await a.call('invoices.get', { id }, userA)).number === onB.number, 'B’s number for the bill on A');
    const next = newId();
    await a.call('invoices.saveDraft', { id: next, recipient: { name: 'Walk-in' }, lines: [{ id: newId(), description: 'Dressing', sacHsn: '999312', kind: 'service', unit: 'visit', quantityMilli: 1000, unitPricePaise: 10_000, exempt: true }] }, userA);
    const after = await a.call('invoices.issue', { id: next }, userA);
    const seq = (n: string) => Number(n.split('/')[2]);
    expect(seq(after.number!)).toBe(seq(onA.number!) + 1);
    await settled(a);
    expect(await world.t.central.db.selectFrom('invoices').select('id').where('number', '=', after.number!).execute()).toHaveLength(1);
    expect(await world.t.central.db.selectFrom('invoices').select('id').where('number', '=', onA.number!).execute()).toHaveLength(0);
  });

  it('the server keeps an issued document locked against any writer, and never takes an online payment from a desk', async () => {
    const issued = await world.t.central.db.selectFrom('invoices').select(['id', 'total_paise']).where('status', '=', 'paid').limit(1).executeTakeFirstOrThrow();
    await expect(sql`UPDATE invoices SET total_paise = total_paise + 100 WHERE id = ${issued.id}`.execute(world.t.central.db)).rejects.toThrow(/issued document cannot be changed/);
    await expect(sql`UPDATE invoice_lines SET total_paise = 1 WHERE invoice_id = ${issued.id}`.execute(world.t.central.db)).rejects.toThrow(/cannot be changed/);
    // A second document with a number already used is refused by the database itself.
    const row = await world.t.central.db.selectFrom('invoices').selectAll().where('id', '=', issued.id).executeTakeFirstOrThrow();
    await expect(world.t.central.db.insertInto('invoices').values({ ...row, id: newId() } as never).execute()).rejects.toThrow(/unique|duplicate/i);

    // A desk's outbox cannot carry the server's own "Razorpay confirmed this payment" mutation.
    const credential = readDesk<{ credential: string }>(a, 'SELECT credential FROM sync_connection')[0]!.credential;
    const res = await fetch(`${world.server.url}/v1/mutations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        mutations: [
          {
            id: newId(),
            name: 'payments.recordOnline',
            args: { id: newId(), invoiceId: issued.id, amountPaise: 100, razorpayPaymentId: 'pay_forged', paidAt: new Date().toISOString() },
            userId: readDesk<{ id: string }>(a, `SELECT id FROM staff WHERE username = 'asha'`)[0]!.id,
            madeAt: new Date().toISOString(),
          },
        ],
      }),
    });
    const body = (await res.json()) as { results: Array<{ status: string; message: string }> };
    expect(body.results[0]).toMatchObject({ status: 'rejected', message: expect.stringMatching(/not allowed/) });
    expect(await world.t.central.db.selectFrom('payments').select('id').where('razorpay_payment_id', '=', 'pay_forged').execute()).toEqual([]);
  });
});
