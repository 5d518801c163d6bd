import type { CatalogueItem, InvoiceLine, LineInputArgs } from '../../../../src-shared/api/billing';
import { newId } from '../../../../src-shared/ids';
import { documentTotals, GstInputError, taxLine, type DocumentTotals, type TaxedLine } from '../../../../src-shared/gst/tax';
import { formatQuantity, parseQuantity, parseRupees, rupeesInput } from '../../lib/billing';

/** A bill's line as the editor holds it: what was typed, kept as typed (an error never loses it). */
export interface EditLine {
  id: string;
  itemId: string | null;
  code: string | null;
  description: string;
  sacHsn: string;
  kind: 'service' | 'goods';
  unit: string;
  quantity: string;
  price: string;
  priceIncludesTax: boolean;
  discount: string;
  rateBp: number;
  exempt: boolean;
  deliveredToStateCode: string | null;
}

export function fromInvoiceLine(l: InvoiceLine): EditLine {
  return {
    id: l.id,
    itemId: l.itemId,
    code: l.code,
    description: l.description,
    sacHsn: l.sacHsn ?? '',
    kind: l.kind,
    unit: l.unit,
    quantity: formatQuantity(l.quantityMilli),
    price: rupeesInput(l.unitPricePaise),
    priceIncludesTax: l.priceIncludesTax,
    discount: l.discountPaise ? rupeesInput(l.discountPaise) : '',
    rateBp: l.rateBp,
    exempt: l.exempt,
    deliveredToStateCode: l.deliveredToStateCode,
  };
}

export function fromCatalogueItem(item: CatalogueItem): EditLine {
  return {
    id: newId(),
    itemId: item.id,
    code: item.code,
    description: item.name,
    sacHsn: item.sacHsn,
    kind: item.kind,
    unit: item.unit,
    quantity: '1',
    price: rupeesInput(item.pricePaise),
    priceIncludesTax: item.priceIncludesTax,
    discount: '',
    rateBp: item.exempt ? 0 : item.rateBp,
    exempt: item.exempt,
    deliveredToStateCode: null,
  };
}

export function freeLine(): EditLine {
  return {
    id: newId(),
    itemId: null,
    code: null,
    description: '',
    sacHsn: '',
    kind: 'service',
    unit: 'nos',
    quantity: '1',
    price: '',
    priceIncludesTax: false,
    discount: '',
    rateBp: 1800,
    exempt: false,
    deliveredToStateCode: null,
  };
}

export type ReadLine = { ok: true; line: LineInputArgs; taxed: TaxedLine } | { ok: false; problem: string; field: 'quantity' | 'price' | 'discount' | 'description' | 'sacHsn' };

/** The typed line as the API takes it, with its tax worked out by the shared GST maths — or what is wrong with it. */
export function readLine(e: EditLine, clinicStateCode: string): ReadLine {
  const quantityMilli = parseQuantity(e.quantity);
  if (quantityMilli === null || quantityMilli === 0) return { ok: false, problem: 'Enter a quantity, like 1 or 2.5.', field: 'quantity' };
  const unitPricePaise = parseRupees(e.price);
  if (unitPricePaise === null) return { ok: false, problem: 'Enter the price in rupees, like 500 or 118.50.', field: 'price' };
  const discountPaise = e.discount.trim() === '' ? 0 : parseRupees(e.discount);
  if (discountPaise === null) return { ok: false, problem: 'Enter the discount in rupees, or leave it empty.', field: 'discount' };
  if (e.description.trim() === '') return { ok: false, problem: 'Describe what is billed.', field: 'description' };
  const sac = e.sacHsn.trim();
  if (sac !== '' && !/^\d{4,8}$/.test(sac)) return { ok: false, problem: 'A SAC or HSN code is 4 to 8 digits.', field: 'sacHsn' };
  if (!e.exempt && sac === '') return { ok: false, problem: 'A taxable line needs its SAC or HSN code.', field: 'sacHsn' };
  const line: LineInputArgs = {
    id: e.id,
    itemId: e.itemId,
    code: e.code,
    description: e.description.trim(),
    sacHsn: sac === '' ? null : sac,
    kind: e.kind,
    unit: e.unit.trim() || 'nos',
    quantityMilli,
    unitPricePaise,
    priceIncludesTax: e.priceIncludesTax,
    discountPaise,
    rateBp: e.exempt ? 0 : e.rateBp,
    exempt: e.exempt,
    deliveredToStateCode: e.deliveredToStateCode,
  };
  try {
    return { ok: true, line, taxed: taxLine(line, clinicStateCode) };
  } catch (err) {
    if (err instanceof GstInputError) return { ok: false, problem: err.message, field: 'discount' };
    throw err;
  }
}

export interface Preview {
  read: ReadLine[];
  lines: LineInputArgs[];
  taxed: TaxedLine[];
  totals: DocumentTotals;
  problems: number;
}

export function preview(lines: EditLine[], clinicStateCode: string, rounding: 'nearest_rupee' | 'none'): Preview {
  const read = lines.map((l) => readLine(l, clinicStateCode));
  const ok = read.filter((r): r is Extract<ReadLine, { ok: true }> => r.ok);
  const taxed = ok.map((r) => r.taxed);
  return { read, lines: ok.map((r) => r.line), taxed, totals: documentTotals(taxed, rounding), problems: read.length - ok.length };
}
