import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import {
  DEFAULT_DISCOUNT_LIMITS,
  type CatalogueItem,
  type DayClosingView,
  type DocType,
  type GstSummary,
  type Invoice,
  type InvoiceLine,
  type InvoiceStatusName,
  type InvoiceSummary,
  type Payment,
  type PaymentMode,
  type Supplier,
  type TaxProfile,
} from '../../../src-shared/api/billing';
import { newId } from '../../../src-shared/ids';
import { todayIn, DEFAULT_TIMEZONE } from '../../../src-shared/dates';
import { amountInWords, divRound } from '../../../src-shared/gst/money';
import { financialYear } from '../../../src-shared/gst/tax';
import { decideInvoiceTransition, type InvoiceStatus } from '../../../src-shared/machines/invoice';
import {
  advanceBalance,
  creditNoteSeries,
  EMPTY_BY_MODE,
  expectedByMode,
  invoiceContext,
  loadBillingProfile,
  nextSequence,
  parseLimits,
  planIssue,
  rateOn,
} from '../../../src-shared/commands/billing';
import type { Role } from '../../../src-shared/roles';
import { verifyPassword } from '../auth/password';
import { deskInvoiceSeries, runMutation, syncedDb, type CallContext, type Handlers } from '../context';
import type { LocalDatabase, InvoicesTable, InvoiceLinesTable, PaymentsTable } from '../db/schema';
import type { SyncManager } from '../sync/manager';

/**
 * Billing on the desk (issue 6): the reads the accounts screens need, and the writes, each through its shared
 * command (src-shared/commands/billing.ts) so the server decides the same. Numbers are taken here, inside the
 * command's transaction, from this PC's own series.
 */

type InvoiceRow = Selectable<InvoicesTable>;

function clinicOf(ctx: CallContext): string {
  return ctx.session!.clinicId;
}

async function todayHere(ctx: CallContext): Promise<string> {
  const clinic = await ctx.clinic();
  return todayIn(clinic?.timezone ?? DEFAULT_TIMEZONE, ctx.clock());
}

function summaryOf(r: Pick<InvoiceRow, 'id' | 'doc_type' | 'status' | 'number' | 'series' | 'issue_date' | 'created_at' | 'patient_id' | 'recipient_name' | 'total_paise' | 'paid_paise' | 'credited_paise' | 'original_id'>): InvoiceSummary {
  const total = Number(r.total_paise);
  const paid = Number(r.paid_paise);
  const credited = Number(r.credited_paise);
  const open = r.status === 'issued' || r.status === 'partially_paid';
  return {
    id: r.id,
    docType: r.doc_type as DocType,
    status: r.status as InvoiceStatusName,
    number: r.number,
    series: r.series,
    issueDate: r.issue_date,
    createdAt: r.created_at,
    patientId: r.patient_id,
    recipientName: r.recipient_name,
    totalPaise: total,
    paidPaise: paid,
    creditedPaise: credited,
    balancePaise: open ? total - credited - paid : 0,
    originalId: r.original_id,
  };
}

function lineOf(l: Selectable<InvoiceLinesTable>, credited: ReadonlySet<string>): InvoiceLine {
  return {
    id: l.id,
    grossPaise: divRound(Number(l.quantity_milli) * Number(l.unit_price_paise), 1000),
    credited: credited.has(l.id),
    creditsLineId: l.credits_line_id,
    position: l.position,
    itemId: l.item_id,
    code: l.code,
    description: l.description,
    sacHsn: l.sac_hsn,
    kind: l.kind as 'service' | 'goods',
    unit: l.unit,
    quantityMilli: Number(l.quantity_milli),
    unitPricePaise: Number(l.unit_price_paise),
    priceIncludesTax: l.price_includes_tax === 1,
    discountPaise: Number(l.discount_paise),
    rateBp: l.rate_bp,
    exempt: l.exempt === 1,
    deliveredToStateCode: l.delivered_to_state_code,
    placeOfSupply: l.place_of_supply,
    taxablePaise: Number(l.taxable_paise),
    cgstPaise: Number(l.cgst_paise),
    sgstPaise: Number(l.sgst_paise),
    igstPaise: Number(l.igst_paise),
    totalPaise: Number(l.total_paise),
  };
}

function paymentOf(p: Selectable<PaymentsTable> & { received_by_name?: string | null }): Payment {
  const tendered = p.tendered_paise === null ? null : Number(p.tendered_paise);
  return {
    id: p.id,
    invoiceId: p.invoice_id,
    patientId: p.patient_id,
    kind: p.kind as Payment['kind'],
    mode: p.mode as PaymentMode,
    amountPaise: Number(p.amount_paise),
    tenderedPaise: tendered,
    changePaise: tendered === null ? null : tendered - Number(p.amount_paise),
    reference: p.reference,
    razorpayPaymentId: p.razorpay_payment_id,
    creditNoteId: p.credit_note_id,
    status: p.status as Payment['status'],
    receivedAt: p.received_at,
    receivedBy: p.received_by,
    receivedByName: p.received_by_name ?? null,
    businessDate: p.business_date,
    deskSeries: p.desk_series,
  };
}

/** What the signed-in role may do with a document now: the invoice machine's answer, event by event. */
function actionsFor(row: InvoiceRow, lineCount: number, role: Role): Invoice['actions'] {
  if (row.doc_type === 'credit_note') return [];
  const status = row.status as InvoiceStatus;
  const who = { role, userId: 'ui' };
  const ctx = invoiceContext(row, lineCount);
  const out: Invoice['actions'] = [];
  if (decideInvoiceTransition(status, ctx, { type: 'invoice.edit', ...who }).ok) out.push('edit');
  if (decideInvoiceTransition(status, ctx, { type: 'invoice.discard', ...who }).ok) out.push('discard');
  if (decideInvoiceTransition(status, ctx, { type: 'invoice.issue', ...who }).ok) out.push('issue');
  const owed = Number(row.total_paise) - Number(row.credited_paise) - Number(row.paid_paise);
  if (owed > 0 && decideInvoiceTransition(status, ctx, { type: 'invoice.recordPayment', amountPaise: owed, ...who }).ok) out.push('pay');
  const creditable = Number(row.total_paise) - Number(row.credited_paise);
  if (creditable > 0 && decideInvoiceTransition(status, ctx, { type: 'invoice.creditNote', amountPaise: creditable, reason: 'check', ...who }).ok) out.push('credit');
  return out;
}

export async function loadInvoiceView(ctx: CallContext, id: string): Promise<Invoice> {
  const db = ctx.db;
  const row = await db.selectFrom('invoices').selectAll().where('id', '=', id).where('clinic_id', '=', clinicOf(ctx)).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('invoice');
  const [lines, payments, creditNotes, original, issuer, approver, patient, profile] = await Promise.all([
    db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', id).where('deleted_at', 'is', null).orderBy('position').execute(),
    db
      .selectFrom('payments as p')
      .leftJoin('staff as s', 's.id', 'p.received_by')
      .selectAll('p')
      .select('s.display_name as received_by_name')
      .where(row.doc_type === 'credit_note' ? 'p.credit_note_id' : 'p.invoice_id', '=', id)
      .where('p.deleted_at', 'is', null)
      .orderBy('p.received_at')
      .execute(),
    db.selectFrom('invoices').select(['id', 'number', 'total_paise', 'issue_date']).where('original_id', '=', id).where('deleted_at', 'is', null).orderBy('created_at').execute(),
    row.original_id ? db.selectFrom('invoices').select(['number', 'issue_date']).where('id', '=', row.original_id).executeTakeFirst() : Promise.resolve(undefined),
    row.issued_by ? db.selectFrom('staff').select('display_name').where('id', '=', row.issued_by).executeTakeFirst() : Promise.resolve(undefined),
    row.discount_approved_by ? db.selectFrom('staff').select('display_name').where('id', '=', row.discount_approved_by).executeTakeFirst() : Promise.resolve(undefined),
    row.patient_id ? db.selectFrom('patients').select('mrn').where('id', '=', row.patient_id).executeTakeFirst() : Promise.resolve(undefined),
    row.supplier ? Promise.resolve(null) : loadBillingProfile(syncedDb(db), clinicOf(ctx)),
  ]);
  // Lines of this bill that credit notes have reversed.
  const creditedLines = new Set<string>();
  if (creditNotes.length > 0) {
    const reversed = await db
      .selectFrom('invoice_lines')
      .select('credits_line_id')
      .where(
        'invoice_id',
        'in',
        creditNotes.map((c) => c.id),
      )
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of reversed) if (r.credits_line_id) creditedLines.add(r.credits_line_id);
  }
  const supplier: Supplier = row.supplier ? (JSON.parse(row.supplier) as Supplier) : profile!.supplier;
  const total = Number(row.total_paise);
  return {
    ...summaryOf(row),
    issuedAt: row.issued_at,
    issuedByName: issuer?.display_name ?? null,
    recipientAddress: row.recipient_address,
    recipientStateCode: row.recipient_state_code,
    recipientGstin: row.recipient_gstin,
    patientMrn: patient?.mrn ?? null,
    appointmentId: row.appointment_id,
    originalNumber: original?.number ?? null,
    originalIssueDate: original?.issue_date ?? null,
    groupId: row.group_id,
    reason: row.reason,
    supplier,
    rounding: row.rounding as Invoice['rounding'],
    taxablePaise: Number(row.taxable_paise),
    exemptPaise: Number(row.exempt_paise),
    cgstPaise: Number(row.cgst_paise),
    sgstPaise: Number(row.sgst_paise),
    igstPaise: Number(row.igst_paise),
    roundOffPaise: Number(row.round_off_paise),
    amountInWords: amountInWords(Math.abs(total)),
    discountApprovedBy: row.discount_approved_by,
    discountApprovedByName: approver?.display_name ?? null,
    lines: lines.map((l) => lineOf(l, creditedLines)),
    payments: payments.map(paymentOf),
    creditNotes: creditNotes.map((c) => ({ id: c.id, number: c.number, totalPaise: Number(c.total_paise), issueDate: c.issue_date })),
    actions: actionsFor(row, lines.length, ctx.session!.role),
    advanceAvailablePaise: row.patient_id ? await advanceBalance(syncedDb(db), row.patient_id) : 0,
  };
}

async function profileView(db: Kysely<LocalDatabase>, clinicId: string): Promise<TaxProfile> {
  const p = await loadBillingProfile(syncedDb(db), clinicId);
  return {
    id: p.row?.id ?? null,
    ...p.supplier,
    rounding: p.rounding,
    discountLimits: p.row ? parseLimits(p.row.discount_limits) : DEFAULT_DISCOUNT_LIMITS,
    savedAt: p.row?.created_at ?? null,
    savedBy: p.row?.updated_by ?? null,
  };
}

async function catalogue(ctx: CallContext, includeInactive: boolean, onlyId?: string): Promise<CatalogueItem[]> {
  let q = ctx.db.selectFrom('catalogue_items').selectAll().where('clinic_id', '=', clinicOf(ctx)).where('deleted_at', 'is', null);
  if (!includeInactive) q = q.where('active', '=', 1);
  if (onlyId) q = q.where('id', '=', onlyId);
  const items = await q.orderBy('name').execute();
  if (items.length === 0) return [];
  const rates = await ctx.db
    .selectFrom('catalogue_rates')
    .select(['item_id', 'rate_bp', 'effective_from'])
    .where(
      'item_id',
      'in',
      items.map((i) => i.id),
    )
    .where('deleted_at', 'is', null)
    .orderBy('effective_from', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  const today = await todayHere(ctx);
  return items.map((i) => {
    const mine = rates.filter((r) => r.item_id === i.id);
    const current = mine.find((r) => r.effective_from <= today) ?? mine[mine.length - 1];
    return {
      id: i.id,
      code: i.code,
      name: i.name,
      kind: i.kind as CatalogueItem['kind'],
      sacHsn: i.sac_hsn,
      unit: i.unit,
      exempt: i.exempt === 1,
      pricePaise: Number(i.price_paise),
      priceIncludesTax: i.price_includes_tax === 1,
      active: i.active === 1,
      rateBp: i.exempt === 1 ? 0 : (current?.rate_bp ?? 0),
      rates: mine.map((r) => ({ rateBp: r.rate_bp, effectiveFrom: r.effective_from })),
    };
  });
}

async function dayClosingView(ctx: CallContext, businessDate: string): Promise<DayClosingView> {
  const series = await deskInvoiceSeries(ctx.db);
  const userId = ctx.session!.userId;
  const clinicId = clinicOf(ctx);
  const [expected, payments, closed] = await Promise.all([
    expectedByMode(syncedDb(ctx.db), clinicId, series, userId, businessDate),
    ctx.db
      .selectFrom('payments as p')
      .leftJoin('staff as s', 's.id', 'p.received_by')
      .selectAll('p')
      .select('s.display_name as received_by_name')
      .where('p.clinic_id', '=', clinicId)
      .where('p.business_date', '=', businessDate)
      .where('p.desk_series', '=', series)
      .where('p.received_by', '=', userId)
      .where('p.deleted_at', 'is', null)
      .orderBy('p.received_at')
      .execute(),
    ctx.db
      .selectFrom('day_closings')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .where('desk_series', '=', series)
      .where('user_id', '=', userId)
      .where('business_date', '=', businessDate)
      .where('deleted_at', 'is', null)
      .executeTakeFirst(),
  ]);
  return {
    businessDate,
    deskSeries: series,
    userId,
    expected,
    payments: payments.map(paymentOf),
    closed: closed
      ? { closedAt: closed.closed_at, counted: { ...EMPTY_BY_MODE, ...(JSON.parse(closed.counted) as object) }, differencePaise: Number(closed.difference_paise), reason: closed.reason }
      : null,
  };
}

/** The month's GST summary from the desk's copy of every document (all desks' documents arrive by sync). */
export async function gstSummary(db: Kysely<LocalDatabase>, month: string): Promise<GstSummary> {
  const from = `${month}-01`;
  const to = `${month}-31`;
  const issued = ['issued', 'partially_paid', 'paid', 'credited'];
  const base = db
    .selectFrom('invoice_lines as l')
    .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .where('i.issue_date', '>=', from)
    .where('i.issue_date', '<=', to)
    .where('i.status', 'in', issued)
    .where('i.deleted_at', 'is', null)
    .where('l.deleted_at', 'is', null);
  const [byRate, hsn, docs, cancelled] = await Promise.all([
    base
      .select([
        'l.exempt',
        'l.rate_bp',
        sql<number>`sum(l.taxable_paise)`.as('taxable'),
        sql<number>`sum(l.cgst_paise)`.as('cgst'),
        sql<number>`sum(l.sgst_paise)`.as('sgst'),
        sql<number>`sum(l.igst_paise)`.as('igst'),
      ])
      .groupBy(['l.exempt', 'l.rate_bp'])
      .orderBy('l.exempt')
      .orderBy('l.rate_bp')
      .execute(),
    base
      .select([
        sql<string>`coalesce(l.sac_hsn, '')`.as('sac_hsn'),
        'l.rate_bp',
        sql<string>`min(l.description)`.as('description'),
        sql<string>`min(l.unit)`.as('unit'),
        sql<number>`sum(l.quantity_milli)`.as('qty'),
        sql<number>`sum(l.taxable_paise)`.as('taxable'),
        sql<number>`sum(l.cgst_paise)`.as('cgst'),
        sql<number>`sum(l.sgst_paise)`.as('sgst'),
        sql<number>`sum(l.igst_paise)`.as('igst'),
      ])
      .groupBy([sql`coalesce(l.sac_hsn, '')`, 'l.rate_bp'])
      .orderBy('sac_hsn')
      .execute(),
    db
      .selectFrom('invoices')
      .select(['series', 'doc_type', sql<string>`min(number)`.as('first'), sql<string>`max(number)`.as('last'), sql<number>`count(*)`.as('n')])
      .where('issue_date', '>=', from)
      .where('issue_date', '<=', to)
      .where('number', 'is not', null)
      .where('deleted_at', 'is', null)
      .groupBy(['series', 'doc_type'])
      .orderBy('series')
      .execute(),
    db.selectFrom('invoices').select(['series', 'doc_type', 'number']).where('issue_date', '>=', from).where('issue_date', '<=', to).where('status', '=', 'credited').where('deleted_at', 'is', null).orderBy('number').execute(),
  ]);
  const rateRows = byRate.filter((r) => r.exempt !== 1).map((r) => ({ rateBp: r.rate_bp, taxablePaise: Number(r.taxable), cgstPaise: Number(r.cgst), sgstPaise: Number(r.sgst), igstPaise: Number(r.igst) }));
  const exempt = byRate.filter((r) => r.exempt === 1).reduce((s, r) => s + Number(r.taxable), 0);
  const sum = (k: 'taxablePaise' | 'cgstPaise' | 'sgstPaise' | 'igstPaise') => rateRows.reduce((s, r) => s + r[k], 0);
  return {
    month,
    byRate: rateRows,
    exemptPaise: exempt,
    totals: { taxablePaise: sum('taxablePaise'), cgstPaise: sum('cgstPaise'), sgstPaise: sum('sgstPaise'), igstPaise: sum('igstPaise'), exemptPaise: exempt, documents: docs.reduce((s, d) => s + Number(d.n), 0) },
    hsn: hsn.map((h) => ({
      sacHsn: h.sac_hsn,
      description: h.description,
      unit: h.unit,
      quantityMilli: Number(h.qty),
      taxablePaise: Number(h.taxable),
      rateBp: h.rate_bp,
      cgstPaise: Number(h.cgst),
      sgstPaise: Number(h.sgst),
      igstPaise: Number(h.igst),
    })),
    documents: docs.map((d) => ({
      series: d.series ?? '',
      docType: d.doc_type as DocType,
      first: d.first,
      last: d.last,
      count: Number(d.n),
      cancelled: cancelled.filter((c) => c.series === d.series && c.doc_type === d.doc_type).map((c) => c.number!),
    })),
  };
}

/** This desk's next number in a series: after every document it holds and every number it has given. */
async function deskNextSequence(trx: Transaction<LocalDatabase>, clinicId: string, series: string, fy: string): Promise<number> {
  const given = await trx.selectFrom('document_counters').select('last').where('series', '=', series).where('financial_year', '=', fy).executeTakeFirst();
  return Math.max(await nextSequence(syncedDb(trx), clinicId, series, fy), (given?.last ?? 0) + 1);
}

/** The consultation line of a visit: the doctor's fee from their profile, an exempt health-care service (SAC 999312). */
async function visitLines(ctx: CallContext, doctorId: string, date: string) {
  const doctor = await ctx.db
    .selectFrom('doctor_profiles as d')
    .innerJoin('staff as s', 's.id', 'd.staff_id')
    .select(['s.display_name', 'd.consultation_fee_paise'])
    .where('d.staff_id', '=', doctorId)
    .where('d.deleted_at', 'is', null)
    .executeTakeFirst();
  // A catalogue item coded CONSULT, when the clinic keeps one, gives the SAC and tax treatment; the fee is the doctor's.
  const item = await ctx.db.selectFrom('catalogue_items').selectAll().where('code', '=', 'CONSULT').where('active', '=', 1).where('deleted_at', 'is', null).executeTakeFirst();
  const rate = item && item.exempt !== 1 ? ((await rateOn(syncedDb(ctx.db), item.id, date)) ?? 0) : 0;
  return [
    {
      id: newId(),
      itemId: item?.id ?? null,
      code: item?.code ?? null,
      description: `Consultation — ${doctor?.display_name ?? 'doctor'}`,
      sacHsn: item?.sac_hsn ?? '999312',
      kind: 'service' as const,
      unit: item?.unit ?? 'visit',
      quantityMilli: 1000,
      unitPricePaise: Number(doctor?.consultation_fee_paise ?? item?.price_paise ?? 0),
      priceIncludesTax: item ? item.price_includes_tax === 1 : false,
      discountPaise: 0,
      rateBp: rate,
      exempt: item ? item.exempt === 1 : true,
      deliveredToStateCode: null,
    },
  ];
}

export const billingHandlers: Pick<
  Handlers,
  | 'billing.taxProfile'
  | 'billing.saveTaxProfile'
  | 'catalogue.list'
  | 'catalogue.save'
  | 'invoices.list'
  | 'invoices.get'
  | 'invoices.draftForVisit'
  | 'invoices.toBill'
  | 'invoices.saveDraft'
  | 'invoices.discard'
  | 'invoices.issue'
  | 'invoices.creditNote'
  | 'invoices.approveDiscount'
  | 'payments.record'
  | 'payments.advance'
  | 'dayClosing.get'
  | 'dayClosing.close'
  | 'gst.summary'
> = {
  async 'billing.taxProfile'(ctx) {
    return profileView(ctx.db, clinicOf(ctx));
  },

  async 'billing.saveTaxProfile'(ctx, input) {
    await runMutation(ctx, 'billing.saveTaxProfile', { ...input, id: newId() });
    return profileView(ctx.db, clinicOf(ctx));
  },

  async 'catalogue.list'(ctx, { includeInactive }) {
    return catalogue(ctx, includeInactive);
  },

  async 'catalogue.save'(ctx, input) {
    const id = input.id ?? newId();
    await runMutation(ctx, 'catalogue.save', { ...input, id, rateId: newId() });
    const [item] = await catalogue(ctx, true, id);
    return item!;
  },

  async 'invoices.list'(ctx, f) {
    let q = ctx.db
      .selectFrom('invoices as i')
      .select(['i.id', 'i.doc_type', 'i.status', 'i.number', 'i.series', 'i.issue_date', 'i.created_at', 'i.patient_id', 'i.recipient_name', 'i.total_paise', 'i.paid_paise', 'i.credited_paise', 'i.original_id'])
      .where('i.clinic_id', '=', clinicOf(ctx))
      .where('i.deleted_at', 'is', null);
    // Dates are the documents' dates (indexed); a draft has none, so a date range lists issued documents only.
    if (f.from) q = q.where('i.issue_date', '>=', f.from);
    if (f.to) q = q.where('i.issue_date', '<=', f.to);
    if (f.status === 'unpaid') q = q.where('i.status', 'in', ['issued', 'partially_paid']);
    else if (f.status) q = q.where('i.status', '=', f.status);
    else q = q.where('i.status', '!=', 'discarded');
    if (f.patientId) q = q.where('i.patient_id', '=', f.patientId);
    if (f.series) q = q.where('i.series', '=', f.series);
    if (f.mode) q = q.where((eb) => eb.exists(eb.selectFrom('payments as p').select('p.id').whereRef('p.invoice_id', '=', 'i.id').where('p.mode', '=', f.mode!)));
    if (f.search) {
      const like = `%${f.search.replace(/[%_]/g, '')}%`;
      q = q.where((eb) => eb.or([eb('i.number', 'like', like), eb('i.recipient_name', 'like', like)]));
    }
    const rows = await q.orderBy('i.created_at', 'desc').limit(f.limit).execute();
    return rows.map(summaryOf);
  },

  async 'invoices.get'(ctx, { id }) {
    return loadInvoiceView(ctx, id);
  },

  async 'invoices.draftForVisit'(ctx, { appointmentId }) {
    const visit = await ctx.db
      .selectFrom('appointments as a')
      .innerJoin('patients as p', 'p.id', 'a.patient_id')
      .select(['a.id', 'a.status', 'a.doctor_id', 'a.date', 'a.patient_id', 'p.full_name', 'p.address_line', 'p.city', 'p.state_code'])
      .where('a.id', '=', appointmentId)
      .where('a.clinic_id', '=', clinicOf(ctx))
      .executeTakeFirst();
    if (!visit) throw notFound('appointment');
    const open = await ctx.db
      .selectFrom('invoices')
      .select(['id', 'status'])
      .where('appointment_id', '=', appointmentId)
      .where('doc_type', '!=', 'credit_note')
      .where('status', '!=', 'discarded')
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .executeTakeFirst();
    if (open) return loadInvoiceView(ctx, open.id);
    if (!['checked_in', 'in_consult', 'completed'].includes(visit.status)) {
      throw new ApiError({ code: 'conflict', reason: 'visit_not_seen', message: 'Only a visit that has been checked in can be billed.' });
    }
    const id = newId();
    await runMutation(ctx, 'invoices.saveDraft', {
      id,
      patientId: visit.patient_id,
      appointmentId,
      recipient: { name: visit.full_name, address: [visit.address_line, visit.city].filter(Boolean).join(', ') || null, stateCode: visit.state_code, gstin: null },
      lines: await visitLines(ctx, visit.doctor_id, visit.date),
      discountApprovedBy: null,
    });
    return loadInvoiceView(ctx, id);
  },

  async 'invoices.toBill'(ctx, { date }) {
    const rows = await ctx.db
      .selectFrom('appointments as a')
      .innerJoin('staff as d', 'd.id', 'a.doctor_id')
      .select(['a.id', 'a.patient_id', 'a.patient_name', 'a.patient_mrn', 'a.status', 'a.checked_in_at', 'd.display_name'])
      .where('a.clinic_id', '=', clinicOf(ctx))
      .where('a.date', '=', date)
      .where('a.status', 'in', ['checked_in', 'in_consult', 'completed'])
      .where('a.deleted_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('invoices as i')
              .select('i.id')
              .whereRef('i.appointment_id', '=', 'a.id')
              .where('i.doc_type', '!=', 'credit_note')
              .where('i.status', 'not in', ['draft', 'discarded']),
          ),
        ),
      )
      .orderBy('a.checked_in_at')
      .execute();
    return rows.map((r) => ({ appointmentId: r.id, patientId: r.patient_id, patientName: r.patient_name ?? 'Patient', patientMrn: r.patient_mrn, doctorName: r.display_name, status: r.status, checkedInAt: r.checked_in_at }));
  },

  async 'invoices.saveDraft'(ctx, input) {
    await runMutation(ctx, 'invoices.saveDraft', input);
    return loadInvoiceView(ctx, input.id);
  },

  async 'invoices.discard'(ctx, { id }) {
    await runMutation(ctx, 'invoices.discard', { id });
    return loadInvoiceView(ctx, id);
  },

  async 'invoices.issue'(ctx, { id }) {
    const series = await deskInvoiceSeries(ctx.db);
    const tz = (await ctx.clinic())?.timezone ?? DEFAULT_TIMEZONE;
    // Inside the command's transaction, at the command's instant: this PC's next number (never one it gave
    // before) and what the bill will print, which the server then issues as it is.
    await runMutation(ctx, 'invoices.issue', async (trx, now) => {
      const date = todayIn(tz, new Date(now));
      return {
        id,
        sequence: await deskNextSequence(trx, clinicOf(ctx), series, financialYear(date)),
        splitId: newId(),
        plan: await planIssue(syncedDb(trx), clinicOf(ctx), id, date),
      };
    });
    return loadInvoiceView(ctx, id);
  },

  async 'invoices.creditNote'(ctx, input) {
    const series = creditNoteSeries(await deskInvoiceSeries(ctx.db));
    const tz = (await ctx.clinic())?.timezone ?? DEFAULT_TIMEZONE;
    const id = newId();
    await runMutation(ctx, 'invoices.creditNote', async (trx, now) => ({
      ...input,
      id,
      sequence: await deskNextSequence(trx, clinicOf(ctx), series, financialYear(todayIn(tz, new Date(now)))),
      refundId: newId(),
    }));
    return loadInvoiceView(ctx, id);
  },

  async 'invoices.approveDiscount'(ctx, { username, password }) {
    const admin = await ctx.db.selectFrom('staff').select(['id', 'display_name', 'role', 'active', 'password_hash']).where('username', '=', username).where('clinic_id', '=', clinicOf(ctx)).executeTakeFirst();
    // One answer whatever was wrong, as at sign-in.
    const refused = new ApiError({ code: 'permission', reason: 'approval_refused', message: 'That is not an administrator’s username and password. Ask an administrator to type theirs.' });
    if (!admin || admin.role !== 'admin' || admin.active !== 1) throw refused;
    if (!(await verifyPassword(password, admin.password_hash))) throw refused;
    return { approverId: admin.id, approverName: admin.display_name };
  },

  async 'payments.record'(ctx, input) {
    await runMutation(ctx, 'payments.record', { ...input, id: newId() });
    return loadInvoiceView(ctx, input.invoiceId);
  },

  async 'payments.advance'(ctx, input) {
    const id = newId();
    await runMutation(ctx, 'payments.advance', { ...input, id });
    const row = await ctx.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return paymentOf(row);
  },

  async 'dayClosing.get'(ctx, { businessDate }) {
    return dayClosingView(ctx, businessDate);
  },

  async 'dayClosing.close'(ctx, input) {
    await runMutation(ctx, 'dayClosing.close', { ...input, id: newId() });
    return dayClosingView(ctx, input.businessDate);
  },

  async 'gst.summary'(ctx, { month }) {
    return gstSummary(ctx.db, month);
  },
};

/**
 * The QR code's image as a data: URL, for the window's CSP (no remote images). Null when it cannot be fetched
 * (the screen then shows where to open it).
 */
async function imageAsDataUrl(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !/^image\/(png|jpeg|gif|svg\+xml)/.test(type)) return null;
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > 1_000_000) return null;
    return `data:${type.split(';')[0]};base64,${bytes.toString('base64')}`;
  } catch {
    return null;
  }
}

/** Online payments: the desk asks the clinic server, which alone holds the Razorpay keys. */
export function onlinePaymentHandlers(sync: SyncManager): Pick<Handlers, 'payments.startOnline' | 'payments.checkOnline' | 'payments.sendRefund'> {
  return {
    async 'payments.sendRefund'(ctx, { creditNoteId }) {
      const note = await ctx.db.selectFrom('invoices').select(['original_id', 'doc_type']).where('id', '=', creditNoteId).where('clinic_id', '=', clinicOf(ctx)).executeTakeFirst();
      if (!note || note.doc_type !== 'credit_note' || !note.original_id) throw notFound('credit note');
      const due = await ctx.db.selectFrom('payments').selectAll().where('credit_note_id', '=', creditNoteId).where('kind', '=', 'refund').where('mode', '=', 'online').executeTakeFirst();
      if (!due || due.status !== 'refund_due') throw new ApiError({ code: 'conflict', reason: 'no_refund_due', message: 'There is no online refund waiting to be sent for this credit note.' });
      const online = await ctx.db
        .selectFrom('payments')
        .select(['razorpay_payment_id', 'amount_paise'])
        .where('invoice_id', '=', note.original_id)
        .where('kind', '=', 'payment')
        .where('mode', '=', 'online')
        .where('status', '=', 'recorded')
        .where('razorpay_payment_id', 'is not', null)
        .orderBy('received_at')
        .execute();
      if (online.length === 0) throw new ApiError({ code: 'conflict', reason: 'online_payment_not_here', message: 'The online payment has not reached this PC yet. Try again in a moment.' });
      // One refund per credit note, from one online payment of the bill that covers it.
      const from = online.find((p) => Number(p.amount_paise) >= Number(due.amount_paise));
      if (!from) throw new ApiError({ code: 'conflict', reason: 'no_online_payment', message: 'No single online payment of this bill covers the refund. Give it back in cash, card or UPI instead.' });
      // The credit note must be on the server first: push and wait a little for it.
      ctx.outboxChanged();
      for (let i = 0; i < 50; i++) {
        const pending = await ctx.db.selectFrom('outbox_rows').select('row_id').where('row_id', '=', creditNoteId).executeTakeFirst();
        if (!pending) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await sync.serverCall(ctx.session!.userId, '/v1/payments/razorpay/refund', { razorpayPaymentId: from.razorpay_payment_id, amountPaise: Number(due.amount_paise), creditNoteId });
      return loadInvoiceView(ctx, note.original_id);
    },

    async 'payments.startOnline'(ctx, { invoiceId, amountPaise, via }) {
      const invoice = await loadInvoiceView(ctx, invoiceId);
      if (!invoice.actions.includes('pay')) throw new ApiError({ code: 'conflict', reason: 'not_payable', message: 'This bill is not waiting for payment.' });
      if (amountPaise > invoice.balancePaise) throw new ApiError({ code: 'validation', reason: 'over_owed', message: 'That is more than is still owed on this bill.', fields: { amountPaise: 'More than is owed.' } });
      const userId = ctx.session!.userId;
      if (via === 'upi_qr') {
        const r = (await sync.serverCall(userId, '/v1/payments/razorpay/qr', { invoiceId, amountPaise })) as { id: string; imageUrl: string; closeBy: string | null };
        return { reference: r.id, via, imageUrl: r.imageUrl, imageDataUrl: await imageAsDataUrl(r.imageUrl), shortUrl: null, expiresAt: r.closeBy ?? null, amountPaise };
      }
      const r = (await sync.serverCall(userId, '/v1/payments/razorpay/link', { invoiceId, amountPaise })) as { id: string; shortUrl: string; expiresAt: string | null };
      return { reference: r.id, via, imageUrl: null, imageDataUrl: null, shortUrl: r.shortUrl, expiresAt: r.expiresAt ?? null, amountPaise };
    },

    async 'payments.checkOnline'(ctx, { reference }) {
      const r = (await sync.serverCall(ctx.session!.userId, '/v1/payments/razorpay/poll', { id: reference })) as {
        payments: Array<{ status: string; amountPaise: number; outcome: string | null }>;
      };
      const settled = (r.payments ?? []).filter((p) => p.outcome === 'recorded' || p.outcome === 'duplicate' || p.outcome === 'refund_due');
      if (settled.length === 0) return { status: 'waiting', amountPaise: 0 };
      const amount = settled.reduce((s, p) => s + p.amountPaise, 0);
      return { status: settled.every((p) => p.outcome === 'refund_due') ? 'refund_due' : 'paid', amountPaise: amount };
    },
  };
}
