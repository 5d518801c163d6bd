import { applyRate, divRound, type RateBp } from './money';

/**
 * GST on a clinic's documents (DESIGN.md §6; issue 6), pure and exact in paise:
 *  - each line: quantity × unit price, less its discount, is the line's value; with a tax-inclusive price
 *    the taxable value is taken back out of it. Tax is worked out per line and rounded to the paisa: CGST and
 *    SGST at half the rate each when the place of supply is the clinic's state, IGST at the full rate
 *    otherwise; exempt lines (healthcare services by a clinical establishment) carry none;
 *  - place of supply per line, as the IGST Act has it for a clinic: services (health care, cosmetic
 *    procedures included) are supplied where performed — the clinic; goods sold over the counter at the
 *    clinic; goods dispatched to the recipient, where the movement ends;
 *  - the document's totals are the sums of its lines, and a separate round-off brings the total to the rupee
 *    (or not, as the clinic chooses);
 *  - which document: only exempt lines → bill of supply (Rule 49); only taxable → tax invoice (Rule 46);
 *    both, for an unregistered recipient → one invoice-cum-bill of supply (Rule 46A); both, for a registered
 *    recipient → two documents, a tax invoice and a bill of supply.
 */

export type SupplyKind = 'service' | 'goods';

export interface LineInput {
  kind: SupplyKind;
  /** Quantity in thousandths (1 = 1000), so 2.5 ml or half a strip are exact. */
  quantityMilli: number;
  /** Price of one unit in paise, as the catalogue has it. */
  unitPricePaise: number;
  /** Whether the unit price already includes GST. */
  priceIncludesTax: boolean;
  /** Discount on the line, in paise (never more than its value). */
  discountPaise: number;
  /** GST rate in basis points; ignored (no tax) when exempt. */
  rateBp: RateBp;
  exempt: boolean;
  /** Goods sent to the recipient (not handed over at the clinic): the state where delivery ends. */
  deliveredToStateCode?: string | null;
}

export interface TaxedLine {
  /** Quantity × unit price, before discount (tax-inclusive when the price is). */
  grossPaise: number;
  discountPaise: number;
  taxablePaise: number;
  rateBp: RateBp;
  exempt: boolean;
  placeOfSupply: string;
  interState: boolean;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  /** Taxable value + tax: what the line adds to the document. */
  totalPaise: number;
}

export class GstInputError extends Error {}

/** Where a line is supplied (a state code), for a clinic in `clinicStateCode`. */
export function placeOfSupply(line: Pick<LineInput, 'kind' | 'deliveredToStateCode'>, clinicStateCode: string): string {
  if (line.kind === 'goods' && line.deliveredToStateCode) return line.deliveredToStateCode;
  return clinicStateCode;
}

export function taxLine(line: LineInput, clinicStateCode: string): TaxedLine {
  for (const [name, v] of [
    ['quantity', line.quantityMilli],
    ['unit price', line.unitPricePaise],
    ['discount', line.discountPaise],
    ['rate', line.rateBp],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new GstInputError(`The ${name} must be a whole, non-negative number.`);
  }
  if (line.rateBp > 10_000) throw new GstInputError('A GST rate cannot be over 100 %.');
  const gross = divRound(line.quantityMilli * line.unitPricePaise, 1000);
  if (line.discountPaise > gross) throw new GstInputError('The discount is more than the line is worth.');
  const value = gross - line.discountPaise;
  const pos = placeOfSupply(line, clinicStateCode);
  const interState = pos !== clinicStateCode;
  const rate = line.exempt ? 0 : line.rateBp;
  let taxable: number;
  let cgst = 0;
  let sgst = 0;
  let igst = 0;
  if (!line.priceIncludesTax) {
    taxable = value;
    if (interState) igst = applyRate(taxable, rate);
    else {
      // Half the rate each (0.25 % → 0.125 %: worked out over 20,000, not by halving the basis points).
      cgst = divRound(taxable * rate, 20_000);
      sgst = cgst;
    }
  } else {
    // Inclusive: the taxable value is what, taxed, makes the price; the tax is the rest, so the line still
    // totals exactly what the price said.
    taxable = divRound(value * 10_000, 10_000 + rate);
    const tax = value - taxable;
    if (interState) igst = tax;
    else {
      cgst = divRound(tax, 2);
      sgst = tax - cgst;
    }
  }
  return {
    grossPaise: gross,
    discountPaise: line.discountPaise,
    taxablePaise: taxable,
    rateBp: rate,
    exempt: line.exempt,
    placeOfSupply: pos,
    interState,
    cgstPaise: cgst,
    sgstPaise: sgst,
    igstPaise: igst,
    totalPaise: taxable + cgst + sgst + igst,
  };
}

/** How the total is rounded: to the nearest rupee (the usual), or left in paise. */
export type RoundingRule = 'nearest_rupee' | 'none';

export interface DocumentTotals {
  taxablePaise: number;
  exemptPaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
  /** Sum of the lines, before rounding off. */
  beforeRoundOffPaise: number;
  /** The round-off line (−49 … +50 paise), 0 without rounding. */
  roundOffPaise: number;
  totalPaise: number;
}

export function roundOff(paise: number, rule: RoundingRule): number {
  if (rule === 'none') return 0;
  return divRound(paise, 100) * 100 - paise;
}

export function documentTotals(lines: readonly TaxedLine[], rule: RoundingRule): DocumentTotals {
  const t = { taxablePaise: 0, exemptPaise: 0, cgstPaise: 0, sgstPaise: 0, igstPaise: 0, beforeRoundOffPaise: 0 };
  for (const l of lines) {
    if (l.exempt) t.exemptPaise += l.taxablePaise;
    else t.taxablePaise += l.taxablePaise;
    t.cgstPaise += l.cgstPaise;
    t.sgstPaise += l.sgstPaise;
    t.igstPaise += l.igstPaise;
    t.beforeRoundOffPaise += l.totalPaise;
  }
  const r = roundOff(t.beforeRoundOffPaise, rule);
  return { ...t, roundOffPaise: r, totalPaise: t.beforeRoundOffPaise + r };
}

export type DocumentKind = 'tax_invoice' | 'bill_of_supply' | 'invoice_cum_bill_of_supply';

/**
 * The documents a set of lines makes for a recipient: one, or — taxable and exempt lines for a registered
 * recipient — two (the taxable lines on a tax invoice, the exempt ones on a bill of supply). Lines are given
 * by their index.
 */
export function documentsFor(lines: readonly Pick<TaxedLine, 'exempt'>[], recipientRegistered: boolean): Array<{ kind: DocumentKind; lines: number[] }> {
  const taxable = lines.flatMap((l, i) => (l.exempt ? [] : [i]));
  const exempt = lines.flatMap((l, i) => (l.exempt ? [i] : []));
  if (lines.length === 0) throw new GstInputError('A document needs at least one line.');
  if (exempt.length === 0) return [{ kind: 'tax_invoice', lines: taxable }];
  if (taxable.length === 0) return [{ kind: 'bill_of_supply', lines: exempt }];
  if (!recipientRegistered) return [{ kind: 'invoice_cum_bill_of_supply', lines: lines.map((_, i) => i) }];
  return [
    { kind: 'tax_invoice', lines: taxable },
    { kind: 'bill_of_supply', lines: exempt },
  ];
}

/** A credit note for a whole document: every figure of every line, negated (the original is never edited). */
export function reverseLine(line: TaxedLine): TaxedLine {
  const neg = (n: number) => (n === 0 ? 0 : -n);
  return {
    ...line,
    grossPaise: neg(line.grossPaise),
    discountPaise: neg(line.discountPaise),
    taxablePaise: neg(line.taxablePaise),
    cgstPaise: neg(line.cgstPaise),
    sgstPaise: neg(line.sgstPaise),
    igstPaise: neg(line.igstPaise),
    totalPaise: neg(line.totalPaise),
  };
}

/** The GST financial year of a clinic-local date (April–March), as invoice numbers write it: "2627" for 2026-27. */
export function financialYear(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(isoDate);
  if (!m) throw new GstInputError('A date is written YYYY-MM-DD.');
  const year = Number(m[1]);
  const start = Number(m[2]) >= 4 ? year : year - 1;
  return `${String(start % 100).padStart(2, '0')}${String((start + 1) % 100).padStart(2, '0')}`;
}

/** Letters, digits, hyphen and slash, at most 16 characters (Rule 46(b)). */
export const DOCUMENT_NUMBER_RE = /^[A-Za-z0-9/-]{1,16}$/;

/** "FD1/2627/00042": the device's series, the financial year, the number within them. */
export function documentNumber(series: string, isoDate: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new GstInputError('A document number starts at 1.');
  const number = `${series}/${financialYear(isoDate)}/${String(sequence).padStart(5, '0')}`;
  if (!DOCUMENT_NUMBER_RE.test(number)) throw new GstInputError(`${number} is not a valid document number (letters, digits, - and /, at most 16).`);
  return number;
}
