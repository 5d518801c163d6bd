/**
 * Money as integer paise (DESIGN.md §3), with the two operations tax needs done exactly: a rate applied
 * to an amount, and a division, each rounded to the paisa half away from zero — in integers (BigInt where
 * the product could pass 2^53), never in floating point.
 */

/** A GST rate in basis points: 1800 = 18 %, 25 = 0.25 %. Rates are data (the catalogue's), never literals. */
export type RateBp = number;

/** n / d rounded to the nearest integer, halves away from zero. d > 0. */
export function divRound(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0) throw new RangeError('divRound needs safe integers and a positive divisor');
  const N = BigInt(n);
  const D = BigInt(d);
  const q = N / D;
  const r = N % D;
  const twice = (r < 0n ? -r : r) * 2n;
  const away = twice >= D ? (N < 0n ? -1n : 1n) : 0n;
  return Number(q + away);
}

/** amount × rate, in paise, rounded to the paisa. */
export function applyRate(paise: number, rateBp: RateBp): number {
  const product = paise * rateBp;
  if (!Number.isSafeInteger(product)) throw new RangeError('amount × rate is beyond exact arithmetic');
  return divRound(product, 10_000);
}

/** "₹1,23,456.78": Indian digit grouping, always two decimals. */
export function formatRupees(paise: number): string {
  const negative = paise < 0;
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100);
  const p = String(abs % 100).padStart(2, '0');
  const digits = String(rupees);
  const last3 = digits.slice(-3);
  const rest = digits.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${negative ? '−' : ''}₹${rest ? `${rest},${last3}` : last3}.${p}`;
}

const ONES = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve', 'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen'];
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety'];

function belowHundred(n: number): string {
  if (n < 20) return ONES[n]!;
  const t = TENS[Math.floor(n / 10)]!;
  return n % 10 ? `${t}-${ONES[n % 10]}` : t;
}

function belowThousand(n: number): string {
  const h = Math.floor(n / 100);
  const rest = n % 100;
  return [h ? `${ONES[h]} Hundred` : '', rest ? belowHundred(rest) : ''].filter(Boolean).join(' ');
}

/** A whole number in words, Indian numbering: crore, lakh, thousand, hundred ("One Crore Two Lakh …"). */
export function indianNumberWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('indianNumberWords needs a whole number ≥ 0');
  if (n === 0) return 'Zero';
  const crore = Math.floor(n / 10_000_000);
  const lakh = Math.floor((n % 10_000_000) / 100_000);
  const thousand = Math.floor((n % 100_000) / 1_000);
  const rest = n % 1_000;
  return [crore ? `${indianNumberWords(crore)} Crore` : '', lakh ? `${belowHundred(lakh)} Lakh` : '', thousand ? `${belowHundred(thousand)} Thousand` : '', rest ? belowThousand(rest) : '']
    .filter(Boolean)
    .join(' ');
}

/** "Rupees One Thousand Two Hundred Thirty-Four and Fifty Paise Only" (the total's line on an invoice). */
export function amountInWords(paise: number): string {
  if (!Number.isSafeInteger(paise)) throw new RangeError('amountInWords needs whole paise');
  const minus = paise < 0 ? 'Minus ' : '';
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100);
  const p = abs % 100;
  const words = p ? `Rupees ${indianNumberWords(rupees)} and ${belowHundred(p)} Paise Only` : `Rupees ${indianNumberWords(rupees)} Only`;
  return minus + words;
}
