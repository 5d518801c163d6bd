/**
 * ABHA number (Ayushman Bharat Health Account): 14 digits, usually written 12-3456-7890-1234.
 * No public check-digit rule is documented for it, so we check its length and digits only.
 */
export function normalizeAbhaNumber(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[\d\s-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return /^\d{14}$/.test(digits) ? digits : null;
}

export function formatAbhaNumber(digits: string): string {
  if (!/^\d{14}$/.test(digits)) return digits;
  return `${digits.slice(0, 2)}-${digits.slice(2, 6)}-${digits.slice(6, 10)}-${digits.slice(10)}`;
}
