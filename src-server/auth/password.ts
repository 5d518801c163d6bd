import { randomBytes, scrypt } from 'node:crypto';
import { DEFAULT_SCRYPT, SCRYPT_KEY_LENGTH, formatVerifier, normalisePassword, scryptOptions, type ScryptParams } from '../../src-shared/passwords';

export { DEFAULT_SCRYPT, type ScryptParams } from '../../src-shared/passwords';

/**
 * Password verifiers for staff created on the server (init-clinic), in the one format every desk checks
 * offline (src-shared/passwords.ts). Only the scrypt call itself is here: it needs node:crypto.
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await new Promise<Buffer>((resolve, reject) => {
    scrypt(normalisePassword(password), salt, SCRYPT_KEY_LENGTH, scryptOptions(params), (err, k) => (err ? reject(err) : resolve(k)));
  });
  return formatVerifier(params, salt.toString('base64'), key.toString('base64'));
}
