import { isStateCode } from './states';

const CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** 2-digit state code, 10-character PAN, entity number, 'Z', check character. */
const GSTIN_SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/** The GSTIN check character over the first 14 characters (mod-36 weighted sum, weights 1,2,1,2…). */
export function gstinCheckChar(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = CHARS.indexOf(first14[i] ?? '');
    if (value < 0) throw new Error('not a GSTIN character');
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return CHARS[(36 - (sum % 36)) % 36]!;
}

export type GstinProblem = 'format' | 'state' | 'state_mismatch' | 'check';

/**
 * Checks a GSTIN completely: shape, a real state code, the check character, and (when given)
 * that it belongs to the clinic's state. Returns null when it is valid.
 */
export function gstinProblem(raw: string, expectedStateCode?: string): GstinProblem | null {
  const gstin = raw.trim().toUpperCase();
  if (!GSTIN_SHAPE.test(gstin)) return 'format';
  if (!isStateCode(gstin.slice(0, 2))) return 'state';
  if (gstinCheckChar(gstin.slice(0, 14)) !== gstin[14]) return 'check';
  if (expectedStateCode && gstin.slice(0, 2) !== expectedStateCode) return 'state_mismatch';
  return null;
}

export const GSTIN_MESSAGES: Record<GstinProblem, string> = {
  format: 'A GSTIN has 15 characters, like 27ABCDE1234F1Z5. Please check it.',
  state: 'The first two digits of this GSTIN are not an Indian state code.',
  state_mismatch: "This GSTIN's state code does not match the clinic's state.",
  check: 'This GSTIN has a typing mistake (its last character does not match). Please check it.',
};
