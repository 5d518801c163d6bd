/**
 * Indian mobile numbers: 10 digits starting 6–9, stored as the 10 digits alone.
 * Accepts what people type: spaces, hyphens, a leading 0, 91 or +91.
 */
export function normalizeIndianMobile(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[+\d\s\-()]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  if (digits.length === 12 && digits.startsWith('91')) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith('0')) digits = digits.slice(1);
  if (!/^[6-9][0-9]{9}$/.test(digits)) return null;
  return digits;
}

/** "+91 98765 43210" */
export function formatIndianMobile(digits: string): string {
  if (!/^\d{10}$/.test(digits)) return digits;
  return `+91 ${digits.slice(0, 5)} ${digits.slice(5)}`;
}

/**
 * For search as you type: the digits someone has typed so far of a mobile number,
 * without +91 / 0 in front. Null when the text is not a phone-number fragment.
 */
export function mobileSearchPrefix(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) {
    if (!digits.startsWith('91')) return null;
    digits = digits.slice(2);
  } else if (digits.length > 10 && digits.startsWith('91')) {
    digits = digits.slice(2);
  } else if (digits.startsWith('0')) {
    digits = digits.replace(/^0+/, '');
  }
  return digits.length > 0 ? digits.slice(0, 10) : null;
}
