import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src-shared/ids';
import { ADMIN, addStaff, CLINIC, openTestDesk, PATIENT, type TestDesk } from '../../tests/helpers';

/**
 * Billing through the ClinicApi on one desk (issue 6): what an accountant and an auditor would check — the
 * numbers, the tax heads, the money, the locks.
 */
const desks: TestDesk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.close();
});

/** 25-11-2026, 10:00 in Kolkata. */
async function clinic() {
  const state = { now: new Date('2026-11-25T04:30:00.000Z').getTime() };
  const d = await openTestDesk({ clock: () => new Date(state.now) });
  desks.push(d);
  await d.call('clinic.update', { ...CLINIC, idleLockMinutes: 240 });
  const accounts = await addStaff(d, 'accounts', 'anita');
  const frontDesk = await addStaff(d, 'front_desk', 'farah');
  await addStaff(d, 'doctor', 'drrao');
  const doctorId = (await d.call('doctors.list', {})).find((x) => x.displayName === 'Test doctor')!.staffId;
  await d.call('doctors.saveProfile', { staffId: doctorId, specialty: 'General medicine', registrationNumber: 'MMC-12345', consultationFeePaise: 50000, room: 'Room 2' });
  await d.call('schedules.setWeekly', { doctorId, sessions: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinutes: 540, endMinutes: 780, slotMinutes: 15, capacity: 1 })) });
  const patientId = (await d.call('patients.register', { patient: { ...PATIENT, abhaNumber: '' } })).id;
  const dressing = await d.call('catalogue.save', { code: 'DRESS', name: 'Wound dressing kit', kind: 'goods', sacHsn: '30059040', unit: 'nos', exempt: false, pricePaise: 11800, priceIncludesTax: true, rateBp: 1200, rateEffectiveFrom: '2026-04-01' });
  const cosmetic = await d.call('catalogue.save', { code: 'PEEL', name: 'Chemical peel (cosmetic)', kind: 'service', sacHsn: '999722', unit: 'session', exempt: false, pricePaise: 200000, priceIncludesTax: false, rateBp: 1800, rateEffectiveFrom: '2026-04-01' });
  return { d, state, accounts, frontDesk, doctorId, patientId, dressing, cosmetic };
}

function line(item: { id: string; code: string; name: string; kind: 'service' | 'goods'; sacHsn: string; unit: string; pricePaise: number; priceIncludesTax: boolean; rateBp: number; exempt: boolean }, quantity = 1, discountPaise = 0) {
  return {
    id: newId(),
    itemId: item.id,
    code: item.code,
    description: item.name,
    sacHsn: item.sacHsn,
    kind: item.kind,
    unit: item.unit,
    quantityMilli: quantity * 1000,
    unitPricePaise: item.pricePaise,
    priceIncludesTax: item.priceIncludesTax,
    discountPaise,
    rateBp: item.rateBp,
    exempt: item.exempt,
  };
}

async function completedVisit(c: Awaited<ReturnType<typeof clinic>>) {
  const booked = await c.d.call('appointments.book', { doctorId: c.doctorId, patientId: c.patientId, date: '2026-11-25', startMinutes: 660, type: 'new' });
  await c.d.call('appointments.transition', { id: booked.id, event: 'appointment.checkIn' });
  return booked.id;
}

describe('billing a visit', () => {
  it('bills a checked-in visit at the doctor’s fee as an exempt bill of supply, numbered FD1/2627/00001, then locks it', async () => {
    const c = await clinic();
    const visit = await completedVisit(c);
    const draft = await c.d.call('invoices.draftForVisit', { appointmentId: visit }, c.accounts);
    expect(draft).toMatchObject({ status: 'draft', docType: 'draft', number: null, totalPaise: 50000, recipientName: PATIENT.fullName });
    expect(draft.lines).toEqual([expect.objectContaining({ description: 'Consultation — Test doctor', sacHsn: '999312', exempt: true, taxablePaise: 50000, cgstPaise: 0 })]);
    // Asking again opens the same draft: a visit is billed once.
    expect((await c.d.call('invoices.draftForVisit', { appointmentId: visit }, c.accounts)).id).toBe(draft.id);

    // Accounts, who do not see the day view, find the visit among those still to bill.
    expect(await c.d.call('invoices.toBill', { date: '2026-11-25' }, c.accounts)).toEqual([expect.objectContaining({ appointmentId: visit, patientName: PATIENT.fullName, doctorName: 'Test doctor', status: 'checked_in' })]);
    const issued = await c.d.call('invoices.issue', { id: draft.id }, c.accounts);
    expect(issued).toMatchObject({ status: 'issued', docType: 'bill_of_supply', number: 'FD1/2627/00001', issueDate: '2026-11-25', balancePaise: 50000 });
    expect(await c.d.call('invoices.toBill', { date: '2026-11-25' }, c.accounts)).toEqual([]);
    expect(issued.amountInWords).toBe('Rupees Five Hundred Only');
    expect(issued.supplier).toMatchObject({ legalName: CLINIC.legalName, gstin: CLINIC.gstin, stateCode: '27' });
    expect(issued.actions).toEqual(expect.arrayContaining(['pay', 'credit']));
    expect(issued.actions).not.toContain('edit');

    const edit = await c.d.fail('invoices.saveDraft', { id: draft.id, recipient: { name: 'Someone else' }, lines: [] }, c.accounts);
    expect(edit.message).toMatch(/never changed.*credit note/i);
  });

  it('works out CGST+SGST per line, keeps paise on lines and rounds the total with a separate round-off', async () => {
    const c = await clinic();
    const id = newId();
    const draft = await c.d.call(
      'invoices.saveDraft',
      { id, patientId: c.patientId, recipient: { name: PATIENT.fullName, stateCode: '29' }, lines: [line(c.dressing, 3), line(c.cosmetic, 1, 10_000)] },
      c.accounts,
    );
    // Dressing: ₹118 inclusive of 12 % → taxable 105.36 ×3 = 316.07 (on 354.00), tax 37.93 split 18.97 / 18.96.
    const [dress, peel] = draft.lines;
    expect(dress).toMatchObject({ taxablePaise: 31607, cgstPaise: 1897, sgstPaise: 1896, igstPaise: 0, totalPaise: 35400, placeOfSupply: '27' });
    // Peel: ₹2,000 less ₹100 discount = 1,900 taxable, 9 % + 9 % = 171 + 171; supplied at the clinic (Maharashtra) though the patient is from Karnataka.
    expect(peel).toMatchObject({ taxablePaise: 190000, cgstPaise: 17100, sgstPaise: 17100, igstPaise: 0, totalPaise: 224200, placeOfSupply: '27' });
    const issued = await c.d.call('invoices.issue', { id }, c.accounts);
    expect(issued.docType).toBe('tax_invoice');
    expect(issued.taxablePaise + issued.cgstPaise + issued.sgstPaise + issued.igstPaise + issued.roundOffPaise).toBe(issued.totalPaise);
    expect(issued).toMatchObject({ totalPaise: 259600, roundOffPaise: 0 });
  });

  it('a bill with no lines is not issued, and says why', async () => {
    const c = await clinic();
    const id = newId();
    await c.d.call('invoices.saveDraft', { id, recipient: { name: 'Walk-in' }, lines: [] }, c.accounts);
    expect(await c.d.fail('invoices.issue', { id }, c.accounts)).toMatchObject({ code: 'conflict', message: expect.stringMatching(/at least one line/) });
  });

  it('goods dispatched to another state are inter-state: IGST', async () => {
    const c = await clinic();
    const id = newId();
    const draft = await c.d.call('invoices.saveDraft', { id, recipient: { name: 'Walk-in buyer', stateCode: '29' }, lines: [{ ...line(c.dressing, 1), deliveredToStateCode: '29' }] }, c.accounts);
    expect(draft.lines[0]).toMatchObject({ placeOfSupply: '29', cgstPaise: 0, sgstPaise: 0, igstPaise: 1264, taxablePaise: 10536 });
  });

  it('taxable and exempt lines: one invoice-cum-bill of supply for a patient, two consecutive documents for a registered business', async () => {
    const c = await clinic();
    const visit = await completedVisit(c);
    const draft = await c.d.call('invoices.draftForVisit', { appointmentId: visit }, c.accounts);
    const withKit = await c.d.call('invoices.saveDraft', { id: draft.id, patientId: c.patientId, appointmentId: visit, recipient: { name: PATIENT.fullName }, lines: [...draft.lines, line(c.dressing)] }, c.accounts);
    const one = await c.d.call('invoices.issue', { id: withKit.id }, c.accounts);
    expect(one).toMatchObject({ docType: 'invoice_cum_bill_of_supply', number: 'FD1/2627/00001', exemptPaise: 50000, taxablePaise: 10536 });

    const id = newId();
    await c.d.call(
      'invoices.saveDraft',
      { id, recipient: { name: 'Acme Pharma Pvt Ltd', address: 'Hinjewadi, Pune', stateCode: '27', gstin: '27AAPFU0939F1ZV' }, lines: [line(c.dressing), { ...line(c.cosmetic), exempt: true, rateBp: 0, description: 'Health check-up' }] },
      c.accounts,
    );
    const first = await c.d.call('invoices.issue', { id }, c.accounts);
    expect(first).toMatchObject({ docType: 'tax_invoice', number: 'FD1/2627/00002', lines: [expect.objectContaining({ description: 'Wound dressing kit' })] });
    const list = await c.d.call('invoices.list', {}, c.accounts);
    const second = list.find((i) => i.number === 'FD1/2627/00003')!;
    expect(second).toMatchObject({ docType: 'bill_of_supply', totalPaise: 200000 });
    expect((await c.d.call('invoices.get', { id: second.id }, c.accounts)).groupId).toBe(first.groupId);
  });

  it('discounts above the biller’s limit need an administrator’s approval, recorded on the bill', async () => {
    const c = await clinic();
    const id = newId();
    const big = { id, recipient: { name: 'Walk-in' }, lines: [line(c.cosmetic, 1, 50_000)] }; // 25 % off; the front desk may give 10 %
    expect((await c.d.fail('invoices.saveDraft', big, c.frontDesk)).message).toMatch(/most you may give.*administrator must approve/);
    expect((await c.d.fail('invoices.approveDiscount', { username: 'farah', password: 'pw-farah-123' }, c.frontDesk)).message).toMatch(/administrator’s username and password/);
    const approval = await c.d.call('invoices.approveDiscount', { username: ADMIN.username, password: ADMIN.password }, c.frontDesk);
    const saved = await c.d.call('invoices.saveDraft', { ...big, discountApprovedBy: approval.approverId }, c.frontDesk);
    expect(saved).toMatchObject({ discountApprovedBy: approval.approverId, discountApprovedByName: ADMIN.displayName });
  });
});

describe('payments, credit notes and the day’s closing', () => {
  it('part cash (with change) and part UPI settle a bill; a whole credit note reverses every figure and refunds', async () => {
    const c = await clinic();
    const id = newId();
    await c.d.call('invoices.saveDraft', { id, patientId: c.patientId, recipient: { name: PATIENT.fullName }, lines: [line(c.dressing, 3), line(c.cosmetic)] }, c.accounts);
    const bill = await c.d.call('invoices.issue', { id }, c.accounts); // ₹2,574.00
    expect((await c.d.fail('payments.record', { invoiceId: id, mode: 'cash', amountPaise: bill.totalPaise + 100 }, c.accounts)).message).toMatch(/no more than what is still owed/);
    const part = await c.d.call('payments.record', { invoiceId: id, mode: 'cash', amountPaise: 100_000, tenderedPaise: 200_000 }, c.accounts);
    expect(part).toMatchObject({ status: 'partially_paid', paidPaise: 100_000, balancePaise: bill.totalPaise - 100_000 });
    expect(part.payments[0]).toMatchObject({ mode: 'cash', tenderedPaise: 200_000, changePaise: 100_000 });
    const paid = await c.d.call('payments.record', { invoiceId: id, mode: 'upi', amountPaise: bill.totalPaise - 100_000, reference: 'UTR 4321' }, c.accounts);
    expect(paid).toMatchObject({ status: 'paid', balancePaise: 0 });

    expect((await c.d.fail('invoices.creditNote', { invoiceId: id, reason: 'Billed in error' }, c.frontDesk)).message).toMatch(/role does not allow/);
    const refusedNoMode = await c.d.fail('invoices.creditNote', { invoiceId: id, reason: 'Billed in error' }, c.accounts);
    expect(refusedNoMode.message).toMatch(/must go back.*how it is refunded/);
    const note = await c.d.call('invoices.creditNote', { invoiceId: id, reason: 'Billed in error', refundMode: 'cash' }, c.accounts);
    expect(note).toMatchObject({ docType: 'credit_note', number: 'CN1/2627/00001', originalNumber: bill.number, totalPaise: -bill.totalPaise });
    for (const k of ['taxablePaise', 'cgstPaise', 'sgstPaise', 'igstPaise', 'roundOffPaise', 'exemptPaise'] as const) expect(note[k]).toBe(-bill[k] || 0);
    note.lines.forEach((l, i) => expect(l.totalPaise).toBe(-bill.lines[i]!.totalPaise));
    const after = await c.d.call('invoices.get', { id }, c.accounts);
    expect(after).toMatchObject({ status: 'credited', creditedPaise: bill.totalPaise, paidPaise: 0 });
    expect(after.payments.find((p) => p.kind === 'refund')).toMatchObject({ mode: 'cash', amountPaise: bill.totalPaise });

    // The day: cash 1,000 in, 2,574 out; UPI 1,574 in.
    const day = await c.d.call('dayClosing.get', { businessDate: '2026-11-25' }, c.accounts);
    expect(day.expected).toEqual({ cash: 100_000 - bill.totalPaise, card: 0, upi: bill.totalPaise - 100_000, online: 0 });
    // More cash went out than came in: the net count is below zero, and the day still closes.
    const closed = await c.d.call('dayClosing.close', { businessDate: '2026-11-25', counted: day.expected }, c.accounts);
    expect(closed.closed).toMatchObject({ differencePaise: 0 });
    // Once closed, no more cash goes out of this drawer for this user today: a refund is refused too.
    const again = newId();
    await c.d.call('invoices.saveDraft', { id: again, recipient: { name: 'Walk-in' }, lines: [line(c.dressing)] }, c.accounts);
    await c.d.call('invoices.issue', { id: again }, c.accounts);
    await c.d.call('payments.record', { invoiceId: again, mode: 'upi', amountPaise: 11_800, reference: 'UTR 1' }, c.frontDesk);
    expect((await c.d.fail('invoices.creditNote', { invoiceId: again, reason: 'Returned', refundMode: 'cash' }, c.accounts)).message).toMatch(/already closed today/);
  });

  it('credit notes line by line: each line once, and the last one nets the document to zero to the paisa', async () => {
    const c = await clinic();
    const id = newId();
    await c.d.call('invoices.saveDraft', { id, recipient: { name: 'Walk-in' }, lines: [line(c.dressing, 1), line(c.dressing, 2), line(c.cosmetic, 1, 33)] }, c.accounts);
    const bill = await c.d.call('invoices.issue', { id }, c.accounts);
    expect(bill.roundOffPaise).not.toBe(0);
    const first = await c.d.call('invoices.creditNote', { invoiceId: id, lineIds: [bill.lines[0]!.id], reason: 'Kit returned unused' }, c.accounts);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toMatchObject({ totalPaise: -bill.lines[0]!.totalPaise, cgstPaise: -bill.lines[0]!.cgstPaise });
    expect((await c.d.fail('invoices.creditNote', { invoiceId: id, lineIds: [bill.lines[0]!.id], reason: 'Again' }, c.accounts)).message).toMatch(/already been credited/);
    expect((await c.d.call('invoices.get', { id }, c.accounts)).lines.map((l) => l.credited)).toEqual([true, false, false]);
    expect(first).toMatchObject({ originalNumber: bill.number, originalIssueDate: '2026-11-25', lines: [expect.objectContaining({ creditsLineId: bill.lines[0]!.id })] });
    const rest = await c.d.call('invoices.creditNote', { invoiceId: id, lineIds: [bill.lines[1]!.id, bill.lines[2]!.id], reason: 'Procedure cancelled' }, c.accounts);
    expect(first.totalPaise + rest.totalPaise).toBe(-bill.totalPaise);
    expect(rest.number).toBe('CN1/2627/00002');
    expect(await c.d.call('invoices.get', { id }, c.accounts)).toMatchObject({ status: 'credited', creditedPaise: bill.totalPaise, balancePaise: 0 });
  });

  it('an advance pays a later bill; the day closes against the count, with a reason for a difference, and stays closed', async () => {
    const c = await clinic();
    await c.d.call('payments.advance', { patientId: c.patientId, mode: 'cash', amountPaise: 100_000 }, c.frontDesk);
    const id = newId();
    await c.d.call('invoices.saveDraft', { id, patientId: c.patientId, recipient: { name: PATIENT.fullName }, lines: [line(c.dressing)] }, c.frontDesk);
    const bill = await c.d.call('invoices.issue', { id }, c.frontDesk);
    expect(bill.advanceAvailablePaise).toBe(100_000);
    const paid = await c.d.call('payments.record', { invoiceId: id, mode: 'advance', amountPaise: bill.totalPaise }, c.frontDesk);
    expect(paid).toMatchObject({ status: 'paid', advanceAvailablePaise: 100_000 - bill.totalPaise });
    // Another patient's bill sees none of it.
    const other = (await c.d.call('patients.register', { patient: { ...PATIENT, fullName: 'Sunita Deshpande', mobile: '9822012345', abhaNumber: '' } })).id;
    const otherId = newId();
    await c.d.call('invoices.saveDraft', { id: otherId, patientId: other, recipient: { name: 'Sunita Deshpande' }, lines: [line(c.dressing)] }, c.frontDesk);
    expect((await c.d.call('invoices.issue', { id: otherId }, c.frontDesk)).advanceAvailablePaise).toBe(0);
    expect((await c.d.fail('payments.record', { invoiceId: otherId, mode: 'advance', amountPaise: 100 }, c.frontDesk)).message).toMatch(/only ₹0.00 of advance/);

    const day = await c.d.call('dayClosing.get', { businessDate: '2026-11-25' }, c.frontDesk);
    expect(day.expected).toEqual({ cash: 100_000, card: 0, upi: 0, online: 0 });
    const short = { businessDate: '2026-11-25', counted: { cash: 99_000, card: 0, upi: 0, online: 0 } };
    expect((await c.d.fail('dayClosing.close', short, c.frontDesk)).message).toMatch(/Write down why/);
    const closed = await c.d.call('dayClosing.close', { ...short, reason: 'Gave ₹10 short change by mistake' }, c.frontDesk);
    expect(closed.closed).toMatchObject({ differencePaise: -1000, reason: 'Gave ₹10 short change by mistake' });
    expect((await c.d.fail('dayClosing.close', { ...short, reason: 'again' }, c.frontDesk)).message).toMatch(/already closed/);
    // Cash short and card over by the same amount do not cancel out: the accountant must say why.
    await c.d.call('payments.advance', { patientId: c.patientId, mode: 'card', amountPaise: 5_000 }, c.accounts);
    const evened = { businessDate: '2026-11-25', counted: { cash: 0, card: 5_000 + 1_000, upi: 0, online: 0 } };
    await c.d.call('payments.advance', { patientId: c.patientId, mode: 'cash', amountPaise: 1_000 }, c.accounts);
    expect((await c.d.fail('dayClosing.close', evened, c.accounts)).message).toMatch(/Write down why/);
    expect((await c.d.fail('payments.advance', { patientId: c.patientId, mode: 'cash', amountPaise: 500 }, c.frontDesk)).message).toMatch(/already closed today/);
    // Another user at this PC still takes money.
    await c.d.call('payments.advance', { patientId: c.patientId, mode: 'cash', amountPaise: 500 }, c.accounts);
  });
});

describe('the GST summary of a month', () => {
  it('sums taxable value and tax by rate, exempt value, SAC/HSN, and lists each series’ number range with cancelled documents', async () => {
    const c = await clinic();
    const mk = async (lines: ReturnType<typeof line>[]) => {
      const id = newId();
      await c.d.call('invoices.saveDraft', { id, recipient: { name: 'Walk-in' }, lines }, c.accounts);
      return c.d.call('invoices.issue', { id }, c.accounts);
    };
    await mk([line(c.dressing, 2)]);
    const b = await mk([line(c.cosmetic)]);
    await mk([{ ...line(c.cosmetic), exempt: true, rateBp: 0, sacHsn: '999312', description: 'Consultation' }]);
    await c.d.call('invoices.creditNote', { invoiceId: b.id, reason: 'Procedure not done' }, c.accounts);
    const s = await c.d.call('gst.summary', { month: '2026-11' }, c.accounts);
    expect(s.byRate).toEqual([
      { rateBp: 1200, taxablePaise: 21071, cgstPaise: 1265, sgstPaise: 1264, igstPaise: 0 },
      { rateBp: 1800, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0 }, // issued and credited in the month
    ]);
    expect(s.exemptPaise).toBe(200_000);
    expect(s.documents).toEqual([
      { series: 'CN1', docType: 'credit_note', first: 'CN1/2627/00001', last: 'CN1/2627/00001', count: 1, cancelled: [] },
      { series: 'FD1', docType: 'bill_of_supply', first: 'FD1/2627/00003', last: 'FD1/2627/00003', count: 1, cancelled: [] },
      { series: 'FD1', docType: 'tax_invoice', first: 'FD1/2627/00001', last: 'FD1/2627/00002', count: 2, cancelled: ['FD1/2627/00002'] },
    ]);
    expect(s.hsn.find((h) => h.sacHsn === '30059040')).toMatchObject({ quantityMilli: 2000, taxablePaise: 21071 });
  });
});
