import type { InvoiceStatusName, InvoiceSummary } from '../../../src-shared/api/billing';
import { DOC_TYPE_LABELS } from '../../../src-shared/api/billing';
import { formatRupees } from '../../../src-shared/gst/money';
import { stateByCode } from '../../../src-shared/validation/states';

/**
 * Display and input helpers for billing screens. Money is integer paise everywhere; these only turn it into
 * text and back (the GST maths itself is src-shared/gst, never redone here).
 */

export { formatRupees };

/** "₹1,234.50", or "—" for nothing. */
export const money = (paise: number | null | undefined): string => (paise === null || paise === undefined ? '—' : formatRupees(paise));

/** What a person types as an amount ("1,234.5", "₹ 500") in paise; null when it is not an amount. */
/** A net amount that may be below zero ("-120.50"): what a day's count is when more went back than came in. */
export function parseNetRupees(text: string): number | null {
  const t = text.replace(/[₹,\s]/g, '').replace(/^[−–]/, '-');
  const negative = t.startsWith('-');
  const paise = parseRupees(negative ? t.slice(1) : t);
  return paise === null ? null : negative ? -paise : paise;
}

export function parseRupees(text: string): number | null {
  const t = text.replace(/[₹,\s]/g, '');
  if (t === '') return null;
  if (!/^\d+(\.\d{0,2})?$/.test(t)) return null;
  const [r, p = ''] = t.split('.');
  return Number(r) * 100 + Number(p.padEnd(2, '0'));
}

/** Paise as the text an amount field starts with: "500", "118.50". */
export function rupeesInput(paise: number): string {
  if (paise % 100 === 0) return String(paise / 100);
  return (paise / 100).toFixed(2);
}

/** A typed quantity ("2", "2.5", "0.125") in thousandths; null when it is not one. */
export function parseQuantity(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d{0,3})?$/.test(t)) return null;
  const [w, f = ''] = t.split('.');
  return Number(w) * 1000 + Number(f.padEnd(3, '0'));
}

/** Thousandths as a quantity: 1000 → "1", 2500 → "2.5", −1000 → "−1". */
export function formatQuantity(milli: number): string {
  const neg = milli < 0;
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / 1000);
  const frac = String(abs % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${neg ? '−' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Basis points as a rate: 1800 → "18 %", 25 → "0.25 %". */
export function rateLabel(bp: number): string {
  return `${(bp / 100).toLocaleString('en-IN', { maximumFractionDigits: 2 })} %`;
}

/** Half a rate, for CGST/SGST columns: 1800 → "9 %". */
export const halfRateLabel = (bp: number): string => rateLabel(bp / 2);

/** The GST rates a clinic uses most (any other is typed on the catalogue item). */
export const COMMON_RATES = [0, 500, 1200, 1800, 2800];

/** "Maharashtra (27)" — place of supply as the rules want it: state name and code. */
export function stateWithCode(code: string | null | undefined): string {
  if (!code) return '—';
  const s = stateByCode(code);
  return s ? `${s.name} (${s.code})` : code;
}

export const STATUS_LABELS: Record<InvoiceStatusName | 'unpaid', string> = {
  draft: 'Draft',
  issued: 'Unpaid',
  partially_paid: 'Part paid',
  paid: 'Paid',
  credited: 'Credited',
  discarded: 'Discarded',
  unpaid: 'Unpaid or part paid',
};

export const STATUS_COLORS: Record<InvoiceStatusName, string> = {
  draft: 'gray',
  issued: 'orange',
  partially_paid: 'yellow',
  paid: 'teal',
  credited: 'grape',
  discarded: 'gray',
};

/** The kind of document, as a title: "Tax invoice", "Credit note". */
export function docLabel(i: Pick<InvoiceSummary, 'docType' | 'status'>): string {
  return DOC_TYPE_LABELS[i.docType];
}

/** Turns rows into CSV text (quotes where needed, CRLF line ends as spreadsheets expect). */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    // Text that a spreadsheet would run as a formula (=, +, -, @ first) is kept as text; numbers stay numbers.
    const s = typeof v === 'string' && /^[=+\-@\t\r]/.test(v) && !/^-?\d+(\.\d+)?$/.test(v) ? `'${v}` : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Paise as a plain decimal for CSV ("1234.50"): spreadsheets read it as a number. */
export const csvAmount = (paise: number): string => (paise / 100).toFixed(2);

/** Saves text as a file through the browser (a Blob and a temporary link: no server round trip). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const blob = new Blob(['\ufeff', text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
