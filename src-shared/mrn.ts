/**
 * Medical record numbers (MRN) that stay unique when several desks register patients offline:
 * each desk issues from its own series (a prefix allotted to the device) with its own sequence,
 * and a check character catches typing mistakes.  Example: "K7M-00042-R".
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
const N = ALPHABET.length;

/** Luhn mod N check character over an alphanumeric string (catches single errors and swaps). */
export function checkChar(input: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = input.length - 1; i >= 0; i--) {
    const codePoint = ALPHABET.indexOf(input[i]!);
    if (codePoint < 0) throw new Error('MRN may only hold Crockford base32 characters');
    let addend = factor * codePoint;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
  }
  return ALPHABET[(N - (sum % N)) % N]!;
}

export const SERIES_RE = /^[A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z]{1,3}$/;

export function isValidSeriesPrefix(prefix: string): boolean {
  return SERIES_RE.test(prefix);
}

/** A fresh random series prefix for a desk that has not been given one by a server (starts with a letter). */
export function randomSeriesPrefix(randomInts: (count: number) => number[]): string {
  const [a = 0, b = 0, c = 0] = randomInts(3);
  const letters = ALPHABET.slice(10);
  return letters[a % letters.length]! + ALPHABET[b % N]! + ALPHABET[c % N]!;
}

export function formatMrn(prefix: string, sequence: number): string {
  if (!isValidSeriesPrefix(prefix)) throw new Error('invalid MRN series prefix');
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error('invalid MRN sequence');
  const seq = String(sequence).padStart(5, '0');
  return `${prefix}-${seq}-${checkChar(prefix + seq)}`;
}

/** Upper-case letters and digits only: the form MRNs are indexed and searched in. */
export function compactMrn(raw: string): string {
  return raw.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function isValidMrn(raw: string): boolean {
  const m = /^([0-9A-Z]{2,4})-(\d{5,})-([0-9A-Z])$/.exec(raw.trim().toUpperCase());
  if (!m || !isValidSeriesPrefix(m[1]!)) return false;
  return checkChar(m[1]! + m[2]!) === m[3];
}
