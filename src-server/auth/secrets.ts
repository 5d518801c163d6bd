import { createHash, randomBytes, randomInt } from 'node:crypto';

/**
 * Device credentials and enrolment codes. Both are random; only their SHA-256 hashes are stored, so a
 * copy of the database does not let anyone act as a device or enrol one.
 */
const CREDENTIAL_PREFIX = 'cdd_';

/** A new device credential: 256 random bits, URL-safe, recognisable by its prefix. */
export function newDeviceCredential(): string {
  return CREDENTIAL_PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeDeviceCredential(value: string): boolean {
  return value.startsWith(CREDENTIAL_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(CREDENTIAL_PREFIX.length));
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

// Enrolment codes are typed by a person from a screen or a phone call: Crockford base32 (no I, L, O, U),
// 12 characters in groups of four (60 random bits; wrong guesses are throttled per address).
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The canonical form of a typed code (case, spaces and dashes ignored; O→0, I/L→1), or null if it cannot be one. */
export function normalizeEnrolmentCode(raw: string): string | null {
  const compact = raw
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== CODE_LENGTH) return null;
  for (const ch of compact) if (!ALPHABET.includes(ch)) return null;
  return compact;
}
