import { z } from 'zod';
import { isStateCode } from '../validation/states';
import { idField, isoDate, optionalGstin, optionalText, pincode, stateCode, text } from './fields';

/**
 * The billing part of the ClinicApi (issue 6): inputs as zod schemas (the contract's), results as types.
 * Money is integer paise, rates basis points (1800 = 18 %), quantities thousandths (1000 = 1).
 */

const paise = (what: string) =>
  z
    .number({ error: `${what} must be an amount in rupees and paise.` })
    .int(`${what} must be whole paise.`)
    .min(0, `${what} cannot be negative.`)
    .max(100_000_000_00, `${what} is more than ₹10 crore: check the amount.`);
const positivePaise = (what: string) => paise(what).min(1, `${what} must be more than ₹0.`);
const rateBp = z
  .number({ error: 'Choose a GST rate.' })
  .int('A GST rate is a whole number of basis points.')
  .min(0, 'A GST rate cannot be negative.')
  .max(10_000, 'A GST rate cannot be over 100 %.');

export const ROUNDING_RULES = ['nearest_rupee', 'none'] as const;
export const SUPPLY_KINDS = ['service', 'goods'] as const;
export const PAYMENT_MODES = ['cash', 'card', 'upi', 'online', 'advance'] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];
/** Modes a desk records itself (online payments are recorded by the server once Razorpay confirms them). */
export const DESK_PAYMENT_MODES = ['cash', 'card', 'upi', 'advance'] as const;
export const DOC_TYPES = ['draft', 'tax_invoice', 'bill_of_supply', 'invoice_cum_bill_of_supply', 'credit_note'] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const DOC_TYPE_LABELS: Record<DocType, string> = {
  draft: 'Draft',
  tax_invoice: 'Tax invoice',
  bill_of_supply: 'Bill of supply',
  invoice_cum_bill_of_supply: 'Invoice-cum-bill of supply',
  credit_note: 'Credit note',
};

export const PAYMENT_MODE_LABELS: Record<PaymentMode, string> = { cash: 'Cash', card: 'Card', upi: 'UPI', online: 'Online (Razorpay)', advance: 'From advance' };

/** Discount a role may give on a line without an administrator's approval, in basis points of the line's value. */
export const discountLimits = z.object({
  front_desk: rateBp,
  accounts: rateBp,
});
export type DiscountLimits = z.output<typeof discountLimits>;
export const DEFAULT_DISCOUNT_LIMITS: DiscountLimits = { front_desk: 1000, accounts: 2000 };

export const taxProfileInput = z.object({
  legalName: text('Legal name', 2, 200),
  tradeName: optionalText('Trade name', 200),
  addressLine: text('Address', 3, 300),
  city: text('City', 2, 100),
  stateCode,
  pincode,
  gstin: optionalGstin,
  rounding: z.enum(ROUNDING_RULES, { error: 'Choose how totals are rounded.' }).default('nearest_rupee'),
  footerText: optionalText('Invoice footer', 500),
  signatory: text('Authorised signatory', 2, 120),
  discountLimits: discountLimits.default(DEFAULT_DISCOUNT_LIMITS),
});

export const catalogueItemInput = z.object({
  id: idField('Item').optional(),
  code: z
    .string({ error: 'Code is required.' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{1,20}$/, 'A code is 1–20 letters, digits or hyphens.'),
  name: text('Name', 2, 200),
  kind: z.enum(SUPPLY_KINDS, { error: 'Choose service or goods.' }),
  sacHsn: z
    .string({ error: 'SAC or HSN code is required.' })
    .trim()
    .regex(/^\d{4,8}$/, 'A SAC or HSN code is 4 to 8 digits.'),
  unit: text('Unit', 1, 20),
  exempt: z.boolean().default(false),
  pricePaise: paise('Price'),
  priceIncludesTax: z.boolean().default(false),
  active: z.boolean().default(true),
  rateBp,
  /** From which day the rate applies (a new rate with a later date keeps the old one for earlier bills). */
  rateEffectiveFrom: isoDate('Rate effective from'),
});

export const lineInput = z
  .object({
    id: idField('Line'),
    itemId: idField('Item').nullable().default(null),
    code: z.string().max(20).nullable().default(null),
    description: text('Description', 1, 300),
    sacHsn: z
      .string()
      .trim()
      .regex(/^\d{4,8}$/, 'A SAC or HSN code is 4 to 8 digits.')
      .nullable()
      .default(null),
    kind: z.enum(SUPPLY_KINDS).default('service'),
    unit: text('Unit', 1, 20).default('nos'),
    quantityMilli: z.number().int('Quantity is a number of units.').min(1, 'Quantity must be more than 0.').max(1_000_000_000, 'Quantity is too large.'),
    unitPricePaise: paise('Price'),
    priceIncludesTax: z.boolean().default(false),
    discountPaise: paise('Discount').default(0),
    rateBp: rateBp.default(0),
    exempt: z.boolean().default(false),
    deliveredToStateCode: z.string().refine(isStateCode, 'Choose a state from the list.').nullable().default(null),
  })
  .refine((l) => l.exempt || l.sacHsn !== null, { error: 'A taxable line needs its SAC or HSN code.', path: ['sacHsn'] });
export type LineInputArgs = z.output<typeof lineInput>;

export const recipientInput = z.object({
  name: text('Name', 1, 200),
  address: optionalText('Address', 300),
  stateCode: z.string().refine(isStateCode, 'Choose a state from the list.').nullable().default(null),
  gstin: optionalGstin,
});

export const saveDraftInput = z.object({
  id: idField('Invoice'),
  patientId: idField('Patient').nullable().default(null),
  appointmentId: idField('Appointment').nullable().default(null),
  recipient: recipientInput,
  lines: z.array(lineInput).max(200, 'A bill can have at most 200 lines.'),
  /** The administrator who approved discounts above the biller's limit (checked with their password on the desk). */
  discountApprovedBy: idField('Approver').nullable().default(null),
});

export const recordPaymentInput = z.object({
  invoiceId: idField('Invoice'),
  mode: z.enum(DESK_PAYMENT_MODES, { error: 'Choose how the money was paid.' }),
  amountPaise: positivePaise('Amount'),
  /** Cash handed over (change = tendered − amount). */
  tenderedPaise: paise('Cash tendered').nullable().default(null),
  reference: optionalText('Reference', 100),
});

export const advanceInput = z.object({
  patientId: idField('Patient'),
  mode: z.enum(['cash', 'card', 'upi'], { error: 'Choose how the money was paid.' }),
  amountPaise: positivePaise('Amount'),
  reference: optionalText('Reference', 100),
});

export const creditNoteInput = z.object({
  invoiceId: idField('Invoice'),
  /** The lines credited (each in full); null credits the whole document. */
  lineIds: z.array(idField('Line')).min(1).nullable().default(null),
  reason: text('Reason', 3, 300),
  /** How money already paid is given back (cash, card, UPI); online payments are refunded through Razorpay. */
  refundMode: z.enum(['cash', 'card', 'upi', 'online']).nullable().default(null),
  refundReference: optionalText('Refund reference', 100),
});

/**
 * Today's net takings by mode as counted (money in less refunds paid out, the drawer's opening float not
 * included): below zero when more went back than came in.
 */
const netPaise = (what: string) =>
  z
    .number({ error: `${what} must be an amount in rupees and paise.` })
    .int(`${what} must be whole paise.`)
    .min(-100_000_000_00, `${what} is more than ₹10 crore: check the amount.`)
    .max(100_000_000_00, `${what} is more than ₹10 crore: check the amount.`);
export const countedInput = z.object({ cash: netPaise('Cash counted'), card: netPaise('Card total'), upi: netPaise('UPI total'), online: netPaise('Online total') });
export const closeDayInput = z.object({
  businessDate: isoDate('Date'),
  counted: countedInput,
  reason: optionalText('Reason for the difference', 300),
});

export const invoiceListInput = z.object({
  from: isoDate('From').nullable().default(null),
  to: isoDate('To').nullable().default(null),
  status: z.enum(['draft', 'issued', 'partially_paid', 'paid', 'credited', 'discarded', 'unpaid']).nullable().default(null),
  patientId: idField('Patient').nullable().default(null),
  series: z.string().max(8).nullable().default(null),
  mode: z.enum(PAYMENT_MODES).nullable().default(null),
  search: z.string().trim().max(100).default(''),
  limit: z.number().int().min(1).max(500).default(100),
});

/** Online payment through the clinic server's Razorpay: a single-use UPI QR code or a payment link to send. */
export const startOnlineInput = z.object({
  invoiceId: idField('Invoice'),
  amountPaise: positivePaise('Amount'),
  via: z.enum(['upi_qr', 'link'], { error: 'Choose a UPI QR code or a payment link.' }),
});
export const checkOnlineInput = z.object({ invoiceId: idField('Invoice'), reference: z.string().regex(/^(qr|plink|order)_[A-Za-z0-9]+$/, 'That is not a Razorpay reference.') });

export interface OnlineRequest {
  reference: string;
  via: 'upi_qr' | 'link';
  imageUrl: string | null;
  /** The QR image itself, fetched by the desk (the window may show only its own or data: images). */
  imageDataUrl: string | null;
  shortUrl: string | null;
  expiresAt: string | null;
  amountPaise: number;
}
export interface OnlineCheck {
  /** waiting: nothing paid yet; paid: Razorpay has the money and the server recorded it (the bill updates as it syncs). */
  status: 'waiting' | 'paid' | 'refund_due';
  amountPaise: number;
}

export const sendRefundInput = z.object({ creditNoteId: idField('Credit note') });

/** Visits of a day that are checked in or seen and have no bill yet (for accounts, who do not see the day view). */
export const toBillInput = z.object({ date: isoDate('Date') });
export interface VisitToBill {
  appointmentId: string;
  patientId: string;
  patientName: string;
  patientMrn: string | null;
  doctorName: string;
  status: string;
  checkedInAt: string | null;
}

export const gstMonthInput = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Choose a month.') });

// ---- results ----

export interface TaxProfile {
  id: string | null;
  legalName: string;
  tradeName: string | null;
  addressLine: string;
  city: string;
  stateCode: string;
  pincode: string;
  gstin: string | null;
  rounding: (typeof ROUNDING_RULES)[number];
  footerText: string | null;
  signatory: string;
  discountLimits: DiscountLimits;
  savedAt: string | null;
  savedBy: string | null;
}

export interface CatalogueItem {
  id: string;
  code: string;
  name: string;
  kind: 'service' | 'goods';
  sacHsn: string;
  unit: string;
  exempt: boolean;
  pricePaise: number;
  priceIncludesTax: boolean;
  active: boolean;
  /** The rate in force today, and every rate with its date (newest first). */
  rateBp: number;
  rates: Array<{ rateBp: number; effectiveFrom: string }>;
}

export interface InvoiceLine {
  id: string;
  /** Quantity × unit price, before discount (as the GST maths rounds it). */
  grossPaise: number;
  /** On a bill: whether a credit note has reversed this line. On a credit note: the line it reverses. */
  credited: boolean;
  creditsLineId: string | null;
  position: number;
  itemId: string | null;
  code: string | null;
  description: string;
  sacHsn: string | null;
  kind: 'service' | 'goods';
  unit: string;
  quantityMilli: number;
  unitPricePaise: number;
  priceIncludesTax: boolean;
  discountPaise: number;
  rateBp: number;
  exempt: boolean;
  deliveredToStateCode: string | null;
  placeOfSupply: string;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  totalPaise: number;
}

export interface Supplier {
  legalName: string;
  tradeName: string | null;
  addressLine: string;
  city: string;
  stateCode: string;
  pincode: string;
  gstin: string | null;
  signatory: string;
  footerText: string | null;
}

export interface Payment {
  id: string;
  invoiceId: string | null;
  patientId: string | null;
  kind: 'payment' | 'advance' | 'refund';
  mode: PaymentMode;
  amountPaise: number;
  tenderedPaise: number | null;
  changePaise: number | null;
  reference: string | null;
  razorpayPaymentId: string | null;
  creditNoteId: string | null;
  status: 'recorded' | 'refund_due';
  receivedAt: string;
  receivedBy: string;
  receivedByName: string | null;
  businessDate: string;
  deskSeries: string;
}

export type InvoiceStatusName = 'draft' | 'issued' | 'partially_paid' | 'paid' | 'credited' | 'discarded';

export interface InvoiceSummary {
  id: string;
  docType: DocType;
  status: InvoiceStatusName;
  number: string | null;
  series: string | null;
  issueDate: string | null;
  createdAt: string;
  patientId: string | null;
  recipientName: string;
  totalPaise: number;
  paidPaise: number;
  creditedPaise: number;
  balancePaise: number;
  originalId: string | null;
}

export interface Invoice extends InvoiceSummary {
  issuedAt: string | null;
  issuedByName: string | null;
  recipientAddress: string | null;
  recipientStateCode: string | null;
  recipientGstin: string | null;
  patientMrn: string | null;
  appointmentId: string | null;
  originalNumber: string | null;
  /** The date of the document a credit note reverses. */
  originalIssueDate: string | null;
  groupId: string | null;
  reason: string | null;
  /** The supplier as it stood when the document was issued (the tax profile then); today's for a draft. */
  supplier: Supplier;
  rounding: (typeof ROUNDING_RULES)[number];
  taxablePaise: number;
  exemptPaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  roundOffPaise: number;
  amountInWords: string;
  discountApprovedBy: string | null;
  discountApprovedByName: string | null;
  lines: InvoiceLine[];
  payments: Payment[];
  /** Credit notes raised against this document. */
  creditNotes: Array<{ id: string; number: string | null; totalPaise: number; issueDate: string | null }>;
  /** What the signed-in role may do with it now (from the invoice machine). */
  actions: Array<'edit' | 'discard' | 'issue' | 'pay' | 'credit'>;
  /** The patient's unused advance, for paying from it. */
  advanceAvailablePaise: number;
}

export interface DayClosingView {
  businessDate: string;
  deskSeries: string;
  userId: string;
  /** Money taken (less refunds paid out) by mode, by this user at this PC on this day. */
  expected: { cash: number; card: number; upi: number; online: number };
  payments: Payment[];
  closed: null | { closedAt: string; counted: { cash: number; card: number; upi: number; online: number }; differencePaise: number; reason: string | null };
}

export interface GstRateRow {
  rateBp: number;
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
}
export interface HsnRow {
  sacHsn: string;
  description: string;
  unit: string;
  quantityMilli: number;
  taxablePaise: number;
  rateBp: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
}
export interface DocumentRange {
  series: string;
  docType: DocType;
  first: string;
  last: string;
  count: number;
  cancelled: string[];
}
export interface GstSummary {
  month: string;
  byRate: GstRateRow[];
  exemptPaise: number;
  totals: { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; exemptPaise: number; documents: number };
  hsn: HsnRow[];
  documents: DocumentRange[];
}
