import { sql } from 'kysely';
import { z } from 'zod';
import { ApiError, notFound } from '../errors';
import {
  advanceInput,
  closeDayInput,
  creditNoteInput,
  DEFAULT_DISCOUNT_LIMITS,
  recordPaymentInput,
  saveDraftInput,
  taxProfileInput,
  catalogueItemInput,
  type DiscountLimits,
  type Supplier,
} from '../api/billing';
import { idField } from '../api/fields';
import { divRound } from '../gst/money';
import { localClock } from '../domain/schedule';
import { documentNumber, documentsFor, documentTotals, financialYear, GstInputError, reverseLine, taxLine, type RoundingRule, type TaxedLine } from '../gst/tax';
import { decideInvoiceTransition, INVOICE_MACHINE_VERSION, type InvoiceContext, type InvoiceEvent, type InvoiceStatus } from '../machines/invoice';
import type { ShapeRow } from '../sync/shapes';
import { newConventions, touched, type CommandEnv, type CommandOutput, type NewRow } from './env';

/**
 * Billing's writes (issue 6), run on the desk and again on the server (DESIGN.md §3, §4). Every figure of a
 * document is worked out here, from its lines, by the GST maths (src-shared/gst); every status change goes
 * through the invoice machine; once issued, nothing on a document changes again — money comes back only by a
 * credit note that references it.
 *
 * Numbering: each desk issues from its own series (allotted by the server at enrolment; FD1 for a desk on its
 * own), consecutive within the series and the financial year. The desk takes the next number inside the
 * command's transaction and sends it with the mutation; the server keeps it (a desk's series is its own, so
 * two desks never collide, and the server's unique keys refuse a number used twice). Credit notes have their
 * own series beside it (CN1 for FD1).
 */

type Db = CommandEnv['db'];

/** The credit-note series of a desk's invoice series: FD12 → CN12. */
export function creditNoteSeries(series: string): string {
  return series.startsWith('FD') ? `CN${series.slice(2)}` : `C${series}`.slice(0, 5);
}

/** The clinic-local date of the command's instant (the document date of anything it issues). */
export function businessDate(env: Pick<CommandEnv, 'now' | 'clinic'>): string {
  return localClock(new Date(env.now), env.clinic.timezone).today;
}

// ---------------------------------------------------------------- tax profile

export async function currentTaxProfileRow(db: Db, clinicId: string): Promise<ShapeRow<'tax_profiles'> | undefined> {
  return db.selectFrom('tax_profiles').selectAll().where('clinic_id', '=', clinicId).where('deleted_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export interface BillingProfile {
  supplier: Supplier;
  rounding: RoundingRule;
  discountLimits: DiscountLimits;
}

/** The tax profile in force; before an administrator has saved one, the clinic's own particulars. */
export async function loadBillingProfile(db: Db, clinicId: string): Promise<BillingProfile & { row: ShapeRow<'tax_profiles'> | null }> {
  const row = await currentTaxProfileRow(db, clinicId);
  if (row) {
    return {
      row,
      supplier: {
        legalName: row.legal_name,
        tradeName: row.trade_name,
        addressLine: row.address_line,
        city: row.city,
        stateCode: row.state_code,
        pincode: row.pincode,
        gstin: row.gstin,
        signatory: row.signatory,
        footerText: row.footer_text,
      },
      rounding: row.rounding as RoundingRule,
      discountLimits: parseLimits(row.discount_limits),
    };
  }
  const clinic = await db.selectFrom('clinics').selectAll().where('id', '=', clinicId).executeTakeFirst();
  if (!clinic) throw notFound('clinic');
  return {
    row: null,
    supplier: {
      legalName: clinic.legal_name,
      tradeName: clinic.trade_name,
      addressLine: clinic.address_line,
      city: clinic.city,
      stateCode: clinic.state_code,
      pincode: clinic.pincode,
      gstin: clinic.gstin,
      signatory: clinic.legal_name,
      footerText: null,
    },
    rounding: 'nearest_rupee',
    discountLimits: DEFAULT_DISCOUNT_LIMITS,
  };
}

export function billingProfile(env: CommandEnv): Promise<BillingProfile> {
  return env.cached('billing-profile', ['tax_profiles', 'clinics'], () => loadBillingProfile(env.db, env.who.clinicId));
}

export function parseLimits(text: string): DiscountLimits {
  try {
    const v = JSON.parse(text) as Partial<DiscountLimits>;
    return { front_desk: Number(v.front_desk ?? DEFAULT_DISCOUNT_LIMITS.front_desk), accounts: Number(v.accounts ?? DEFAULT_DISCOUNT_LIMITS.accounts) };
  } catch {
    return DEFAULT_DISCOUNT_LIMITS;
  }
}

export const saveTaxProfileArgs = taxProfileInput.extend({ id: idField('Tax profile') });

export async function saveTaxProfile(env: CommandEnv, args: z.output<typeof saveTaxProfileArgs>): Promise<CommandOutput> {
  // A change is a new row: the history of the profile is kept, and every issued document keeps its own copy.
  await env.write.insert('tax_profiles', {
    id: args.id,
    legal_name: args.legalName,
    trade_name: args.tradeName,
    address_line: args.addressLine,
    city: args.city,
    state_code: args.stateCode,
    pincode: args.pincode,
    gstin: args.gstin,
    rounding: args.rounding,
    footer_text: args.footerText,
    signatory: args.signatory,
    discount_limits: JSON.stringify(args.discountLimits),
    ...newConventions(env),
  });
  if (args.gstin && args.gstin.slice(0, 2) !== args.stateCode) {
    throw new ApiError({ code: 'validation', reason: 'gstin_state', message: 'The GSTIN belongs to another state than the address. Check both.', fields: { gstin: 'This GSTIN is for another state.' } });
  }
  return { result: { id: args.id }, audit: [{ action: 'billing.taxProfile', entityType: 'tax_profile', entityId: args.id, changes: [] }], entities: ['billing'] };
}

// ---------------------------------------------------------------- catalogue

export const saveItemArgs = catalogueItemInput.extend({ id: idField('Item'), rateId: idField('Rate') });

/** The GST rate of a catalogue item on a date: its newest rate from on or before that day. */
export async function rateOn(db: Db, itemId: string, date: string): Promise<number | null> {
  const r = await db
    .selectFrom('catalogue_rates')
    .select('rate_bp')
    .where('item_id', '=', itemId)
    .where('effective_from', '<=', date)
    .where('deleted_at', 'is', null)
    .orderBy('effective_from', 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r ? Number(r.rate_bp) : null;
}

export async function saveCatalogueItem(env: CommandEnv, args: z.output<typeof saveItemArgs>): Promise<CommandOutput> {
  const existing = await env.db.selectFrom('catalogue_items').select(['id']).where('id', '=', args.id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  const clash = await env.db
    .selectFrom('catalogue_items')
    .select('id')
    .where('clinic_id', '=', env.who.clinicId)
    .where('code', '=', args.code)
    .where('id', '!=', args.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (clash) throw new ApiError({ code: 'conflict', reason: 'code_taken', message: `Another item already has the code ${args.code}.`, fields: { code: 'This code is taken.' } });
  const values = {
    code: args.code,
    name: args.name,
    kind: args.kind,
    sac_hsn: args.sacHsn,
    unit: args.unit,
    exempt: args.exempt ? 1 : 0,
    price_paise: args.pricePaise,
    price_includes_tax: args.priceIncludesTax ? 1 : 0,
    active: args.active ? 1 : 0,
  };
  if (existing) await env.write.update('catalogue_items', args.id, { ...values, ...touched(env) });
  else await env.write.insert('catalogue_items', { id: args.id, ...values, ...newConventions(env) });
  // A rate is data with a date: a new rate (or date) is a new row; the old one stays for earlier bills.
  const same = await env.db
    .selectFrom('catalogue_rates')
    .select('id')
    .where('item_id', '=', args.id)
    .where('effective_from', '=', args.rateEffectiveFrom)
    .where('rate_bp', '=', args.rateBp)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!same) await env.write.insert('catalogue_rates', { id: args.rateId, item_id: args.id, rate_bp: args.rateBp, effective_from: args.rateEffectiveFrom, ...newConventions(env) });
  return { result: { id: args.id }, audit: [{ action: existing ? 'catalogue.update' : 'catalogue.create', entityType: 'catalogue_item', entityId: args.id, changes: [] }], entities: ['billing'] };
}

// ---------------------------------------------------------------- documents

export async function loadInvoice(env: CommandEnv, id: string): Promise<ShapeRow<'invoices'>> {
  const row = await env.db.selectFrom('invoices').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  if (!row || row.deleted_at !== null) throw notFound('invoice');
  return row;
}

async function loadLines(env: CommandEnv, invoiceId: string): Promise<ShapeRow<'invoice_lines'>[]> {
  return env.db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).where('deleted_at', 'is', null).orderBy('position').execute();
}

export function invoiceContext(row: Pick<ShapeRow<'invoices'>, 'total_paise' | 'paid_paise' | 'credited_paise'>, lineCount: number): InvoiceContext {
  return { totalPaise: Number(row.total_paise), paidPaise: Number(row.paid_paise), creditedPaise: Number(row.credited_paise), lineCount };
}

function decide(status: string, context: InvoiceContext, event: InvoiceEvent): InvoiceStatus {
  const d = decideInvoiceTransition(status as InvoiceStatus, context, event);
  if (!d.ok) throw new ApiError({ code: 'conflict', reason: 'transition_refused', message: d.message });
  return d.status;
}

const actor = (env: CommandEnv) => ({ role: env.who.role, userId: env.who.userId });

/** A line's input as the GST maths takes it. */
function taxInput(l: Pick<ShapeRow<'invoice_lines'>, 'kind' | 'quantity_milli' | 'unit_price_paise' | 'price_includes_tax' | 'discount_paise' | 'rate_bp' | 'exempt' | 'delivered_to_state_code'>) {
  return {
    kind: l.kind as 'service' | 'goods',
    quantityMilli: Number(l.quantity_milli),
    unitPricePaise: Number(l.unit_price_paise),
    priceIncludesTax: l.price_includes_tax === 1,
    discountPaise: Number(l.discount_paise),
    rateBp: Number(l.rate_bp),
    exempt: l.exempt === 1,
    deliveredToStateCode: l.delivered_to_state_code,
  };
}

function figures(t: TaxedLine) {
  return {
    place_of_supply: t.placeOfSupply,
    taxable_paise: t.taxablePaise,
    cgst_paise: t.cgstPaise,
    sgst_paise: t.sgstPaise,
    igst_paise: t.igstPaise,
    total_paise: t.totalPaise,
  };
}

/** The GST maths' refusals (a discount above the line's value, say) as the API's, in the same words. */
function taxed(fn: () => TaxedLine): TaxedLine {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GstInputError) throw new ApiError({ code: 'validation', reason: 'gst_input', message: e.message });
    throw e;
  }
}

/** A stored line's figures as the GST maths wrote them when its document was issued. */
function storedTaxedLine(l: ShapeRow<'invoice_lines'>): TaxedLine {
  const gross = lineGross({ quantityMilli: Number(l.quantity_milli), unitPricePaise: Number(l.unit_price_paise) });
  return {
    grossPaise: gross,
    discountPaise: Number(l.discount_paise),
    taxablePaise: Number(l.taxable_paise),
    rateBp: Number(l.rate_bp),
    exempt: l.exempt === 1,
    placeOfSupply: l.place_of_supply,
    interState: Number(l.igst_paise) !== 0,
    cgstPaise: Number(l.cgst_paise),
    sgstPaise: Number(l.sgst_paise),
    igstPaise: Number(l.igst_paise),
    totalPaise: Number(l.total_paise),
  };
}

/** The document-level figures of a set of taxed lines. */
function totalsColumns(lines: TaxedLine[], rounding: RoundingRule) {
  const t = documentTotals(lines, rounding);
  return {
    taxable_paise: t.taxablePaise,
    exempt_paise: t.exemptPaise,
    cgst_paise: t.cgstPaise,
    sgst_paise: t.sgstPaise,
    igst_paise: t.igstPaise,
    round_off_paise: t.roundOffPaise,
    total_paise: t.totalPaise,
  };
}

function lineGross(l: { quantityMilli: number; unitPricePaise: number }): number {
  return divRound(l.quantityMilli * l.unitPricePaise, 1000);
}

export const saveDraftArgs = saveDraftInput;

/** Creates or replaces a draft: its recipient and its lines, with a live tax preview's figures stored on each. */
export async function saveDraft(env: CommandEnv, args: z.output<typeof saveDraftArgs>): Promise<CommandOutput> {
  const profile = await billingProfile(env);
  const existing = await env.db.selectFrom('invoices').selectAll().where('id', '=', args.id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  if (existing) decide(existing.status, invoiceContext(existing, args.lines.length), { type: 'invoice.edit', ...actor(env) });
  else if (!['admin', 'accounts', 'front_desk'].includes(env.who.role)) throw new ApiError({ code: 'permission', reason: 'not_billing', message: 'Only billing staff can make a bill.' });

  if (args.patientId) {
    const p = await env.db.selectFrom('patients').select('id').where('id', '=', args.patientId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!p) throw notFound('patient');
  }
  if (args.appointmentId) {
    // (A walk-in made in the same batch is not stored yet on the server: look there first.)
    const a = env.unstored('appointments', args.appointmentId) ?? (await env.db.selectFrom('appointments').select(['id', 'patient_id']).where('id', '=', args.appointmentId).where('clinic_id', '=', env.who.clinicId).executeTakeFirst());
    if (!a) throw notFound('appointment');
    if (args.patientId && a.patient_id !== args.patientId) throw new ApiError({ code: 'validation', reason: 'visit_patient', message: 'This visit is another patient’s.' });
    const billed = await env.db
      .selectFrom('invoices')
      .select('number')
      .where('appointment_id', '=', args.appointmentId)
      .where('id', '!=', args.id)
      .where('status', '!=', 'discarded')
      .where('doc_type', '!=', 'credit_note')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (billed) throw new ApiError({ code: 'conflict', reason: 'visit_billed', message: billed.number ? `This visit is already billed on ${billed.number}.` : 'This visit already has a draft bill. Open that one.' });
  }

  // Discounts beyond the role's limit need an administrator's approval, recorded on the bill.
  const limitBp = env.who.role === 'admin' || env.who.role === 'system' ? 10_000 : (profile.discountLimits[env.who.role as keyof DiscountLimits] ?? 0);
  const over = args.lines.find((l) => l.discountPaise * 10_000 > lineGross(l) * limitBp);
  if (over && !args.discountApprovedBy) {
    throw new ApiError({
      code: 'permission',
      reason: 'discount_limit',
      message: `The discount on “${over.description}” is more than ${limitBp / 100} % of the line, the most you may give. An administrator must approve it.`,
    });
  }
  if (args.discountApprovedBy) {
    const admin = await env.db.selectFrom('staff').select(['role', 'active']).where('id', '=', args.discountApprovedBy).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
    if (!admin || admin.role !== 'admin' || admin.active !== 1) throw new ApiError({ code: 'permission', reason: 'approver', message: 'Only an active administrator can approve a discount.' });
  }

  const taxedLines = args.lines.map((l) => taxed(() => taxLine(l, profile.supplier.stateCode)));
  const header = {
    doc_type: 'draft',
    status: 'draft',
    machine_version: INVOICE_MACHINE_VERSION,
    patient_id: args.patientId,
    appointment_id: args.appointmentId,
    recipient_name: args.recipient.name,
    recipient_address: args.recipient.address,
    recipient_state_code: args.recipient.stateCode,
    recipient_gstin: args.recipient.gstin,
    rounding: profile.rounding,
    discount_approved_by: over ? args.discountApprovedBy : null,
    ...totalsColumns(taxedLines, profile.rounding),
  };
  if (existing) await env.write.update('invoices', args.id, { ...header, ...touched(env) });
  else {
    await env.write.insert('invoices', {
      id: args.id,
      series: null,
      financial_year: null,
      sequence: null,
      number: null,
      issue_date: null,
      issued_at: null,
      issued_by: null,
      original_id: null,
      group_id: null,
      reason: null,
      supplier: null,
      paid_paise: 0,
      credited_paise: 0,
      ...header,
      ...newConventions(env),
    });
  }
  const before = existing ? await loadLines(env, args.id) : [];
  const kept = new Set(args.lines.map((l) => l.id));
  for (const old of before) if (!kept.has(old.id)) await env.write.update('invoice_lines', old.id, { deleted_at: env.now, ...touched(env) });
  const beforeIds = new Set(before.map((l) => l.id));
  for (const [i, l] of args.lines.entries()) {
    const values = {
      invoice_id: args.id,
      position: i + 1,
      item_id: l.itemId,
      code: l.code,
      description: l.description,
      sac_hsn: l.sacHsn,
      kind: l.kind,
      unit: l.unit,
      quantity_milli: l.quantityMilli,
      unit_price_paise: l.unitPricePaise,
      price_includes_tax: l.priceIncludesTax ? 1 : 0,
      discount_paise: l.discountPaise,
      rate_bp: l.exempt ? 0 : l.rateBp,
      exempt: l.exempt ? 1 : 0,
      delivered_to_state_code: l.deliveredToStateCode,
      credits_line_id: null,
      ...figures(taxedLines[i]!),
    };
    if (beforeIds.has(l.id)) await env.write.update('invoice_lines', l.id, { ...values, ...touched(env) });
    else {
      const clash = await env.db.selectFrom('invoice_lines').select('id').where('id', '=', l.id).executeTakeFirst();
      if (clash) throw new ApiError({ code: 'conflict', reason: 'line_id', message: 'A line of this bill belongs to another bill.' });
      await env.write.insert('invoice_lines', { id: l.id, ...values, ...newConventions(env) });
    }
  }
  return { result: { id: args.id }, audit: [{ action: existing ? 'invoice.edit' : 'invoice.draft', entityType: 'invoice', entityId: args.id, changes: [] }], entities: ['billing'] };
}

export const discardArgs = z.object({ id: idField('Invoice') });
export async function discardDraft(env: CommandEnv, args: z.output<typeof discardArgs>): Promise<CommandOutput> {
  const row = await loadInvoice(env, args.id);
  const status = decide(row.status, invoiceContext(row, 0), { type: 'invoice.discard', ...actor(env) });
  await env.write.update('invoices', args.id, { status, ...touched(env) });
  return { result: { id: args.id }, audit: [{ action: 'invoice.discard', entityType: 'invoice', entityId: args.id, changes: [] }], entities: ['billing'] };
}

/** The next number of a series in a financial year (1 for the first). */
export async function nextSequence(db: Db, clinicId: string, series: string, fy: string): Promise<number> {
  const r = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.max('sequence').as('n'))
    .where('clinic_id', '=', clinicId)
    .where('series', '=', series)
    .where('financial_year', '=', fy)
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

/**
 * Issue takes the desk's next number(s) with it: `sequence` (and, when a registered recipient's bill splits into
 * a tax invoice and a bill of supply, `splitId` for the second document, numbered sequence + 1).
 */
export const issuePlan = z.object({
  /** The GST rate of each line, as the desk applied it (the catalogue's rate in force on the day of issue). */
  rates: z.record(z.string(), z.number().int().min(0).max(10_000)),
  /** The supplier's particulars and the rounding rule printed on the document (the tax profile then in force). */
  supplier: z.string().max(4000),
  rounding: z.enum(['nearest_rupee', 'none']),
  /** The total(s) the desk printed, all documents together. */
  totalPaise: z.number().int(),
});
export type IssuePlan = z.output<typeof issuePlan>;

export const issueArgs = z.object({
  id: idField('Invoice'),
  sequence: z.number().int().min(1),
  splitId: idField('Bill of supply').nullable().default(null),
  /**
   * What the desk issued: the server issues exactly that (not its own catalogue's or tax profile's state, which
   * may have moved while the desk was offline) after checking it, or refuses. Absent only from older desks.
   */
  plan: issuePlan.nullable().default(null),
});

/** What issuing a draft today would print: the rates in force, the tax profile, the total. The desk sends it with the issue. */
export async function planIssue(db: Db, clinicId: string, invoiceId: string, date: string): Promise<IssuePlan> {
  const lines = await db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', invoiceId).where('deleted_at', 'is', null).orderBy('position').execute();
  const profile = await loadBillingProfile(db, clinicId);
  const rates: Record<string, number> = {};
  const taxedLines: TaxedLine[] = [];
  for (const l of lines) {
    let rate = Number(l.rate_bp);
    if (l.item_id && l.exempt !== 1) rate = (await rateOn(db, l.item_id, date)) ?? rate;
    rates[l.id] = l.exempt === 1 ? 0 : rate;
    taxedLines.push(taxed(() => taxLine(taxInput({ ...l, rate_bp: rates[l.id]! }), profile.supplier.stateCode)));
  }
  const row = await db.selectFrom('invoices').select('recipient_gstin').where('id', '=', invoiceId).executeTakeFirst();
  const docs = taxedLines.length ? documentsFor(taxedLines, (row?.recipient_gstin ?? null) !== null) : [];
  const totalPaise = docs.reduce((sum, d) => sum + totalsColumns(d.lines.map((i) => taxedLines[i]!), profile.rounding).total_paise, 0);
  return { rates, supplier: JSON.stringify(profile.supplier), rounding: profile.rounding, totalPaise };
}

async function takeNumber(env: CommandEnv, series: string, date: string, sequence: number): Promise<{ series: string; financial_year: string; sequence: number; number: string }> {
  const fy = financialYear(date);
  const number = documentNumber(series, date, sequence);
  // A number is never used twice: it must come after every number of its series. (The desk takes the next one,
  // so numbers run on without gaps; a document the server refuses keeps its number used on the desk — printed,
  // perhaps — and the series goes on after it, the refusal shown in Needs attention.)
  const next = await nextSequence(env.db, env.who.clinicId, series, fy);
  if (sequence < next) throw new ApiError({ code: 'conflict', reason: 'number_used', message: `Document number ${number} has already been used.` });
  return { series, financial_year: fy, sequence, number };
}

export async function issueInvoice(env: CommandEnv, args: z.output<typeof issueArgs>): Promise<CommandOutput> {
  const row = await loadInvoice(env, args.id);
  if (row.doc_type === 'credit_note') throw new ApiError({ code: 'conflict', reason: 'credit_note', message: 'A credit note is issued when it is raised.' });
  const lines = await loadLines(env, args.id);
  // A bill without lines is the machine's refusal, in its words.
  if (lines.length === 0) decide(row.status, invoiceContext(row, 0), { type: 'invoice.issue', ...actor(env) });
  const date = businessDate(env);
  // What the desk printed (or, from an older desk, today's catalogue and profile as this side has them).
  const plan = args.plan ?? (await planIssue(env.db, env.who.clinicId, args.id, date));
  let supplierState: string;
  try {
    supplierState = String((JSON.parse(plan.supplier) as { stateCode?: unknown }).stateCode ?? '');
  } catch {
    supplierState = '';
  }
  if (!/^\d{2}$/.test(supplierState)) throw new ApiError({ code: 'validation', reason: 'bad_plan', message: 'The bill’s supplier details could not be read.' });
  const taxedLines: TaxedLine[] = [];
  const lineRows: ShapeRow<'invoice_lines'>[] = [];
  for (const l of lines) {
    const rate = l.exempt === 1 ? 0 : plan.rates[l.id];
    if (rate === undefined) throw new ApiError({ code: 'conflict', reason: 'bill_changed', message: 'This bill was changed at another desk before it was issued here, so it was not issued. Open it again and issue it.' });
    // A catalogue item's rate must be one the catalogue has had in force by the day of issue.
    if (l.item_id && l.exempt !== 1 && rate !== Number(l.rate_bp)) {
      const known = await env.db.selectFrom('catalogue_rates').select('id').where('item_id', '=', l.item_id).where('rate_bp', '=', rate).where('effective_from', '<=', date).where('deleted_at', 'is', null).executeTakeFirst();
      if (!known) throw new ApiError({ code: 'conflict', reason: 'rate_unknown', message: `The GST rate used for “${l.description}” is not one the catalogue has for it.` });
    }
    const updated = { ...l, rate_bp: rate };
    lineRows.push(updated);
    taxedLines.push(taxed(() => taxLine(taxInput(updated), supplierState)));
  }
  const profile = { rounding: plan.rounding as RoundingRule };
  const docs = documentsFor(
    taxedLines.map((t) => ({ exempt: t.exempt })),
    row.recipient_gstin !== null,
  );
  const rounding = profile.rounding;
  const firstLines = docs[0]!.lines;
  const firstTotals = totalsColumns(
    firstLines.map((i) => taxedLines[i]!),
    rounding,
  );
  const status = decide(row.status, { ...invoiceContext({ ...row, total_paise: firstTotals.total_paise }, lines.length), paidPaise: 0, creditedPaise: 0 }, { type: 'invoice.issue', ...actor(env) });
  if (docs.length > 1 && !args.splitId) throw new ApiError({ code: 'validation', reason: 'split', message: 'This bill becomes two documents; ask again from the bill screen.' });
  const series = env.device.invoiceSeries;
  const supplier = plan.supplier;
  const split = docs.length > 1 ? { doc: docs[1]!, id: args.splitId! } : null;
  const issued = { issue_date: date, issued_at: env.now, issued_by: env.who.userId, supplier, rounding, group_id: split ? args.id : null, machine_version: INVOICE_MACHINE_VERSION };
  const splitTotals = split ? totalsColumns(split.doc.lines.map((i) => taxedLines[i]!), rounding) : null;
  if (firstTotals.total_paise + (splitTotals?.total_paise ?? 0) !== plan.totalPaise) {
    throw new ApiError({ code: 'conflict', reason: 'bill_changed', message: 'This bill was changed at another desk before it was issued here, so it was not issued. Open it again and issue it.' });
  }
  if (split) {
    // A registered recipient with taxable and exempt lines: a tax invoice and a bill of supply, numbered in
    // turn. The second document is made as a draft, its lines moved to it, and both issued.
    await env.write.insert('invoices', {
      id: split.id,
      doc_type: 'draft',
      status: 'draft',
      machine_version: INVOICE_MACHINE_VERSION,
      series: null,
      financial_year: null,
      sequence: null,
      number: null,
      issue_date: null,
      issued_at: null,
      issued_by: null,
      patient_id: row.patient_id,
      recipient_name: row.recipient_name,
      recipient_address: row.recipient_address,
      recipient_state_code: row.recipient_state_code,
      recipient_gstin: row.recipient_gstin,
      appointment_id: row.appointment_id,
      original_id: null,
      group_id: null,
      reason: null,
      supplier: null,
      rounding,
      paid_paise: 0,
      credited_paise: 0,
      discount_approved_by: row.discount_approved_by,
      ...splitTotals!,
      ...newConventions(env),
    });
  }
  // Lines first, while the documents are drafts (the server's lock allows line changes only then).
  for (const [i, l] of lineRows.entries()) {
    const moves = split !== null && split.doc.lines.includes(i);
    await env.write.update('invoice_lines', l.id, { rate_bp: l.rate_bp, ...figures(taxedLines[i]!), ...(moves ? { invoice_id: split.id } : {}), ...touched(env) });
  }
  const n1 = await takeNumber(env, series, date, args.sequence);
  await env.write.update('invoices', args.id, { doc_type: docs[0]!.kind, status, ...n1, ...issued, ...firstTotals, ...touched(env) });
  if (split) {
    const n2 = await takeNumber(env, series, date, args.sequence + 1);
    await env.write.update('invoices', split.id, { doc_type: split.doc.kind, status: splitTotals!.total_paise === 0 ? 'paid' : 'issued', ...n2, ...issued, ...touched(env) });
  }
  return {
    result: { id: args.id, number: n1.number, splitId: docs.length > 1 ? args.splitId : null },
    audit: [{ action: 'invoice.issue', entityType: 'invoice', entityId: args.id, changes: [{ field: 'number', before: null, after: n1.number }] }],
    entities: ['billing'],
  };
}

// ---------------------------------------------------------------- payments

/**
 * Money in or out as a synced row: taken now, by the signed-in user, at this PC, on the clinic's day, recorded —
 * unless the caller says otherwise.
 */
function paymentRow(
  env: CommandEnv,
  p: Pick<NewRow<'payments'>, 'id' | 'invoice_id' | 'patient_id' | 'kind' | 'mode' | 'amount_paise' | 'reference'> & Partial<NewRow<'payments'>>,
): NewRow<'payments'> {
  return {
    tendered_paise: null,
    razorpay_payment_id: null,
    credit_note_id: null,
    status: 'recorded',
    received_at: env.now,
    received_by: env.who.userId,
    business_date: businessDate(env),
    desk_series: env.device.invoiceSeries,
    ...newConventions(env),
    ...p,
  };
}

export const recordPaymentArgs = recordPaymentInput.extend({ id: idField('Payment') });

/** The patient's advance not yet used: advances paid in, less what paid bills from it. */
export async function advanceBalance(db: Db, patientId: string): Promise<number> {
  const rows = await db
    .selectFrom('payments')
    .select(['kind', 'mode', 'amount_paise', 'status'])
    .where('patient_id', '=', patientId)
    .where('deleted_at', 'is', null)
    // Written as the partial index payments_advance is, so both databases read only this patient's advances.
    .where(sql<boolean>`(kind = 'advance' OR mode = 'advance')`)
    .execute();
  let balance = 0;
  for (const r of rows) {
    if (r.kind === 'advance') balance += Number(r.amount_paise);
    else if (r.kind === 'payment') balance -= Number(r.amount_paise);
    else if (r.kind === 'refund') balance += Number(r.amount_paise);
  }
  return balance;
}

async function refuseIfClosed(env: CommandEnv, date: string): Promise<void> {
  const closed = await env.db
    .selectFrom('day_closings')
    .select('id')
    .where('clinic_id', '=', env.who.clinicId)
    .where('desk_series', '=', env.device.invoiceSeries)
    .where('user_id', '=', env.who.userId)
    .where('business_date', '=', date)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (closed) throw new ApiError({ code: 'conflict', reason: 'day_closed', message: 'You have already closed today’s cash at this PC. Ask a colleague to take this payment, or an administrator to reopen the day.' });
}

export async function recordPayment(env: CommandEnv, args: z.output<typeof recordPaymentArgs>): Promise<CommandOutput> {
  const row = await loadInvoice(env, args.invoiceId);
  if (row.doc_type === 'credit_note') throw new ApiError({ code: 'validation', reason: 'credit_note', message: 'A credit note is not paid; money goes back as a refund.' });
  const date = businessDate(env);
  await refuseIfClosed(env, date);
  if (args.mode === 'cash' && args.tenderedPaise !== null && args.tenderedPaise < args.amountPaise) {
    throw new ApiError({ code: 'validation', reason: 'tendered', message: 'The cash handed over is less than the amount. Enter what the patient gave.', fields: { tenderedPaise: 'Less than the amount.' } });
  }
  if (args.mode === 'advance') {
    if (!row.patient_id) throw new ApiError({ code: 'validation', reason: 'advance', message: 'Only a registered patient’s bill can be paid from an advance.' });
    const available = await advanceBalance(env.db, row.patient_id);
    if (available < args.amountPaise) throw new ApiError({ code: 'validation', reason: 'advance', message: `The patient has only ₹${(available / 100).toFixed(2)} of advance left.` });
  }
  const status = decide(row.status, invoiceContext(row, 1), { type: 'invoice.recordPayment', amountPaise: args.amountPaise, ...actor(env) });
  await env.write.insert(
    'payments',
    paymentRow(env, { id: args.id, invoice_id: row.id, patient_id: row.patient_id, kind: 'payment', mode: args.mode, amount_paise: args.amountPaise, reference: args.reference, tendered_paise: args.mode === 'cash' ? args.tenderedPaise : null }),
  );
  await env.write.update('invoices', row.id, { status, paid_paise: Number(row.paid_paise) + args.amountPaise, ...touched(env) });
  return { result: { id: args.id, status }, audit: [{ action: 'payment.record', entityType: 'invoice', entityId: row.id, changes: [] }], entities: ['billing'] };
}

export const advanceArgs = advanceInput.extend({ id: idField('Payment') });
export async function recordAdvance(env: CommandEnv, args: z.output<typeof advanceArgs>): Promise<CommandOutput> {
  if (!['admin', 'accounts', 'front_desk'].includes(env.who.role)) throw new ApiError({ code: 'permission', reason: 'not_billing', message: 'Only billing staff can take money.' });
  const date = businessDate(env);
  await refuseIfClosed(env, date);
  const p = await env.db.selectFrom('patients').select('id').where('id', '=', args.patientId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!p) throw notFound('patient');
  await env.write.insert('payments', paymentRow(env, { id: args.id, invoice_id: null, patient_id: args.patientId, kind: 'advance', mode: args.mode, amount_paise: args.amountPaise, reference: args.reference }));
  return { result: { id: args.id }, audit: [{ action: 'payment.advance', entityType: 'patient', entityId: args.patientId, changes: [] }], entities: ['billing'] };
}

/**
 * A payment Razorpay has confirmed (the server's own mutation, once per Razorpay payment id): applied to the
 * invoice when it is still owed; flagged `refund_due` when the bill was settled meanwhile (paid in cash, say).
 */
export const onlinePaymentArgs = z.object({
  id: idField('Payment'),
  invoiceId: idField('Invoice'),
  amountPaise: z.number().int().min(1),
  razorpayPaymentId: z.string().min(1).max(64),
  method: z.string().max(30).default('online'),
  paidAt: z.string(),
});
export async function recordOnlinePayment(env: CommandEnv, args: z.output<typeof onlinePaymentArgs>): Promise<CommandOutput> {
  const seen = await env.db
    .selectFrom('payments')
    .select(['id', 'status'])
    .where('clinic_id', '=', env.who.clinicId)
    .where('razorpay_payment_id', '=', args.razorpayPaymentId)
    .where('kind', '!=', 'refund')
    .executeTakeFirst();
  if (seen) return { result: { outcome: 'duplicate', paymentId: seen.id }, audit: [], entities: [] };
  const row = await loadInvoice(env, args.invoiceId);
  const owed = Number(row.total_paise) - Number(row.credited_paise) - Number(row.paid_paise);
  const applies = ['issued', 'partially_paid'].includes(row.status) && args.amountPaise <= owed;
  const date = localClock(new Date(args.paidAt), env.clinic.timezone).today;
  await env.write.insert(
    'payments',
    paymentRow(env, {
      id: args.id,
      invoice_id: row.id,
      patient_id: row.patient_id,
      kind: 'payment',
      mode: 'online',
      amount_paise: args.amountPaise,
      reference: args.method,
      razorpay_payment_id: args.razorpayPaymentId,
      status: applies ? 'recorded' : 'refund_due',
      received_at: args.paidAt,
      business_date: date,
      desk_series: 'ONLINE',
    }),
  );
  if (applies) {
    const status = decide(row.status, invoiceContext(row, 1), { type: 'invoice.recordPayment', amountPaise: args.amountPaise, role: 'admin', userId: env.who.userId });
    await env.write.update('invoices', row.id, { status, paid_paise: Number(row.paid_paise) + args.amountPaise, ...touched(env) });
  }
  return { result: { outcome: applies ? 'recorded' : 'refund_due', paymentId: args.id }, audit: [{ action: 'payment.online', entityType: 'invoice', entityId: row.id, changes: [] }], entities: ['billing'] };
}

/**
 * Razorpay has taken a refund of an online payment (the server's own mutation, after its refunds API said
 * yes): the credit note's refund, due until now, is recorded as paid out, with Razorpay's refund id.
 */
export const refundSentArgs = z.object({
  creditNoteId: idField('Credit note'),
  razorpayPaymentId: z.string().min(1).max(64),
  razorpayRefundId: z.string().min(1).max(64),
  amountPaise: z.number().int().min(1),
});
export async function recordRefundSent(env: CommandEnv, args: z.output<typeof refundSentArgs>): Promise<CommandOutput> {
  const due = await env.db
    .selectFrom('payments')
    .selectAll()
    .where('clinic_id', '=', env.who.clinicId)
    .where('credit_note_id', '=', args.creditNoteId)
    .where('kind', '=', 'refund')
    .where('mode', '=', 'online')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!due) throw notFound('refund');
  const refs = new Set((due.reference ?? '').split(' ').filter(Boolean));
  if (due.status === 'recorded' && refs.has(args.razorpayRefundId)) return { result: { id: due.id }, audit: [], entities: [] };
  refs.add(args.razorpayRefundId);
  // (The Razorpay payment id stays on the payment it refunds: one payment row per Razorpay payment and kind.)
  await env.write.update('payments', due.id, { status: 'recorded', reference: [...refs].join(' ').slice(0, 200), ...touched(env) });
  return { result: { id: due.id }, audit: [{ action: 'payment.refundSent', entityType: 'payment', entityId: due.id, changes: [] }], entities: ['billing'] };
}

// ---------------------------------------------------------------- credit notes

export const creditNoteArgs = creditNoteInput.extend({ id: idField('Credit note'), sequence: z.number().int().min(1), refundId: idField('Refund').nullable().default(null) });

export async function raiseCreditNote(env: CommandEnv, args: z.output<typeof creditNoteArgs>): Promise<CommandOutput> {
  const original = await loadInvoice(env, args.invoiceId);
  if (original.doc_type === 'credit_note') throw new ApiError({ code: 'validation', reason: 'credit_note', message: 'A credit note cannot itself be credited.' });
  const lines = await loadLines(env, original.id);
  const whole = args.lineIds === null;
  const chosen = whole ? lines : lines.filter((l) => args.lineIds!.includes(l.id));
  if (!whole && chosen.length !== args.lineIds!.length) throw notFound('line');
  // A line is credited once: a credit note's lines name the lines they reverse.
  const earlier = await env.db
    .selectFrom('invoice_lines as l')
    .innerJoin('invoices as c', 'c.id', 'l.invoice_id')
    .select('l.credits_line_id')
    .where('c.original_id', '=', original.id)
    .where('c.doc_type', '=', 'credit_note')
    .where('l.deleted_at', 'is', null)
    .execute();
  const creditedLines = new Set(earlier.map((r) => r.credits_line_id));
  if (chosen.some((l) => creditedLines.has(l.id))) throw new ApiError({ code: 'conflict', reason: 'line_credited', message: 'A chosen line has already been credited.' });
  // Every figure reversed exactly; a whole credit reverses the round-off too, so it nets the original to zero.
  const reversed = chosen.map((l) => reverseLine(storedTaxedLine(l)));
  const rounding = original.rounding as RoundingRule;
  const totals = totalsColumns(reversed, rounding);
  // The note that credits the last of the lines takes exactly what is left, so the credits net the document to
  // zero to the paisa (its own round-off absorbs the difference).
  if (lines.every((l) => creditedLines.has(l.id) || chosen.includes(l))) {
    const linesSum = reversed.reduce((sum, r) => sum + r.totalPaise, 0);
    totals.total_paise = -(Number(original.total_paise) - Number(original.credited_paise));
    totals.round_off_paise = totals.total_paise - linesSum;
  }
  const amount = -totals.total_paise;
  if (Number(original.credited_paise) + amount > Number(original.total_paise)) throw new ApiError({ code: 'conflict', reason: 'over_credit', message: 'This would credit more than the document was for.' });
  const status = decide(original.status, invoiceContext(original, lines.length), { type: 'invoice.creditNote', amountPaise: amount, reason: args.reason, ...actor(env) });

  const date = businessDate(env);
  const series = creditNoteSeries(env.device.invoiceSeries);
  const n = await takeNumber(env, series, date, args.sequence);
  await env.write.insert('invoices', {
    id: args.id,
    doc_type: 'credit_note',
    status: 'draft',
    machine_version: INVOICE_MACHINE_VERSION,
    series: null,
    financial_year: null,
    sequence: null,
    number: null,
    issue_date: null,
    issued_at: null,
    issued_by: null,
    patient_id: original.patient_id,
    recipient_name: original.recipient_name,
    recipient_address: original.recipient_address,
    recipient_state_code: original.recipient_state_code,
    recipient_gstin: original.recipient_gstin,
    appointment_id: original.appointment_id,
    original_id: original.id,
    group_id: null,
    reason: args.reason,
    supplier: original.supplier,
    rounding,
    paid_paise: 0,
    credited_paise: 0,
    discount_approved_by: null,
    ...totals,
    ...newConventions(env),
  });
  for (const [i, l] of chosen.entries()) {
    const r = reversed[i]!;
    await env.write.insert('invoice_lines', {
      id: env.newId(),
      invoice_id: args.id,
      position: i + 1,
      item_id: l.item_id,
      credits_line_id: l.id,
      code: l.code,
      description: l.description,
      sac_hsn: l.sac_hsn,
      kind: l.kind,
      unit: l.unit,
      quantity_milli: -Number(l.quantity_milli),
      unit_price_paise: Number(l.unit_price_paise),
      price_includes_tax: l.price_includes_tax,
      discount_paise: r.discountPaise,
      rate_bp: Number(l.rate_bp),
      exempt: l.exempt,
      delivered_to_state_code: l.delivered_to_state_code,
      ...figures(r),
      ...newConventions(env),
    } as NewRow<'invoice_lines'>);
  }
  await env.write.update('invoices', args.id, { status: 'issued', ...n, issue_date: date, issued_at: env.now, issued_by: env.who.userId, ...touched(env) });

  // Money already paid beyond what is now owed goes back: a refund, recorded against the credit note.
  const paid = Number(original.paid_paise);
  const owedAfter = Number(original.total_paise) - Number(original.credited_paise) - amount;
  const refund = Math.max(0, paid - owedAfter);
  let paidAfter = paid;
  if (refund > 0) {
    if (args.refundMode !== 'online') await refuseIfClosed(env, date);
    if (!args.refundMode || !args.refundId) throw new ApiError({ code: 'validation', reason: 'refund_mode', message: `₹${(refund / 100).toFixed(2)} was paid and must go back. Choose how it is refunded.`, fields: { refundMode: 'Choose how the money goes back.' } });
    await env.write.insert(
      'payments',
      paymentRow(env, {
        id: args.refundId,
        invoice_id: original.id,
        patient_id: original.patient_id,
        kind: 'refund',
        mode: args.refundMode,
        amount_paise: refund,
        reference: args.refundReference,
        credit_note_id: args.id,
        // Money paid online goes back through Razorpay (the server's refunds); until then it is a refund due.
        status: args.refundMode === 'online' ? 'refund_due' : 'recorded',
      }),
    );
    paidAfter = paid - refund;
  }
  await env.write.update('invoices', original.id, { status, credited_paise: Number(original.credited_paise) + amount, paid_paise: paidAfter, ...touched(env) });
  return {
    result: { id: args.id, number: n.number, refundPaise: refund },
    audit: [{ action: 'invoice.creditNote', entityType: 'invoice', entityId: original.id, changes: [{ field: 'credit_note', before: null, after: n.number }] }],
    entities: ['billing'],
  };
}

// ---------------------------------------------------------------- day closing

export const EMPTY_BY_MODE = { cash: 0, card: 0, upi: 0, online: 0 };
export type ByMode = typeof EMPTY_BY_MODE;

/** Money taken at one PC by one user on one day, by mode: payments and advances in, refunds out. */
export async function expectedByMode(db: Db, clinicId: string, deskSeries: string, userId: string, date: string): Promise<ByMode> {
  const rows = await db
    .selectFrom('payments')
    .select(['kind', 'mode', 'amount_paise'])
    .where('clinic_id', '=', clinicId)
    .where('status', '=', 'recorded')
    .where('business_date', '=', date)
    .where('desk_series', '=', deskSeries)
    .where('received_by', '=', userId)
    .where('deleted_at', 'is', null)
    .execute();
  const out = { ...EMPTY_BY_MODE };
  for (const r of rows) {
    // No money changes hands for an advance used; online money goes through Razorpay, not this drawer or terminal.
    if (r.mode === 'advance' || r.mode === 'online') continue;
    const mode = r.mode as keyof ByMode;
    out[mode] += (r.kind === 'refund' ? -1 : 1) * Number(r.amount_paise);
  }
  return out;
}

export const closeDayArgs = closeDayInput.extend({ id: idField('Closing') });
export async function closeDay(env: CommandEnv, args: z.output<typeof closeDayArgs>): Promise<CommandOutput> {
  const already = await env.db
    .selectFrom('day_closings')
    .select('id')
    .where('clinic_id', '=', env.who.clinicId)
    .where('desk_series', '=', env.device.invoiceSeries)
    .where('user_id', '=', env.who.userId)
    .where('business_date', '=', args.businessDate)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (already) throw new ApiError({ code: 'conflict', reason: 'day_closed', message: 'This day is already closed for you at this PC. A closed day is locked.' });
  if (args.businessDate > businessDate(env)) throw new ApiError({ code: 'validation', reason: 'future', message: 'A day can be closed only once it has begun.' });
  const expected = await expectedByMode(env.db, env.who.clinicId, env.device.invoiceSeries, env.who.userId, args.businessDate);
  const modes = Object.keys(EMPTY_BY_MODE) as Array<keyof ByMode>;
  const difference = modes.reduce((s, m) => s + (args.counted[m] - expected[m]), 0);
  // Each mode on its own: cash short and card over do not cancel out.
  if (modes.some((m) => args.counted[m] !== expected[m]) && !args.reason) {
    throw new ApiError({ code: 'validation', reason: 'difference', message: 'What you counted differs from what the bills say. Write down why before closing.', fields: { reason: 'Say why the amounts differ.' } });
  }
  await env.write.insert('day_closings', {
    id: args.id,
    desk_series: env.device.invoiceSeries,
    user_id: env.who.userId,
    business_date: args.businessDate,
    expected: JSON.stringify(expected),
    counted: JSON.stringify(args.counted),
    difference_paise: difference,
    reason: args.reason,
    closed_at: env.now,
    ...newConventions(env),
  });
  return { result: { id: args.id, differencePaise: difference }, audit: [{ action: 'day.close', entityType: 'day_closing', entityId: args.id, changes: [] }], entities: ['billing'] };
}
