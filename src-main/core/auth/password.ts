import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { DEFAULT_SCRYPT, SCRYPT_KEY_LENGTH, formatVerifier, normalisePassword, parseVerifier, scryptOptions, type ScryptParams } from '../../../src-shared/passwords';

export { DEFAULT_SCRYPT, type ScryptParams } from '../../../src-shared/passwords';

/** The scrypt key for a password (format and parameters: src-shared/passwords.ts). */
export function derivePasswordKey(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(normalisePassword(password), salt, SCRYPT_KEY_LENGTH, scryptOptions(params), (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derivePasswordKey(password, salt, params);
  return formatVerifier(params, salt.toString('base64'), key.toString('base64'));
}

export async function verifyPassword(password: string, verifier: string): Promise<boolean> {
  const parsed = parseVerifier(verifier);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.keyBase64, 'base64');
  const actual = await derivePasswordKey(password, Buffer.from(parsed.saltBase64, 'base64'), parsed.params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spends the same time as a real check, so an unknown username cannot be told from a wrong password. */
let dummyVerifier: Promise<string> | null = null;
export async function burnPasswordCheck(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
  dummyVerifier ??= hashPassword('not-a-real-password', params);
  await verifyPassword(password, await dummyVerifier);
}
