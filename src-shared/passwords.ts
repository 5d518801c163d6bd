/**
 * Staff password verifiers, one format for the desk and the server (staff rows sync to every desk, which
 * checks passwords offline): "scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>" over the NFKC-normalised
 * password — never the password itself. The scrypt call needs node:crypto, so each side derives the key
 * with these parameters; everything else about the format lives here.
 */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 1 };
export const SCRYPT_KEY_LENGTH = 32;

/** Options for node:crypto's scrypt with these parameters (maxmem sized to fit them). */
export function scryptOptions(params: ScryptParams): { N: number; r: number; p: number; maxmem: number } {
  const N = 2 ** params.log2N;
  return { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
}

/** The text scrypt is run over: the same characters typed on any keyboard give the same key. */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

export function formatVerifier(params: ScryptParams, saltBase64: string, keyBase64: string): string {
  return ['scrypt', params.log2N, params.r, params.p, saltBase64, keyBase64].join('$');
}

/** Reads a verifier; null if it is not one this version understands (or asks for absurd work). */
export function parseVerifier(verifier: string): { params: ScryptParams; saltBase64: string; keyBase64: string } | null {
  const parts = verifier.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const params: ScryptParams = { log2N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  if (![params.log2N, params.r, params.p].every((n) => Number.isInteger(n) && n > 0) || params.log2N > 20) return null;
  return { params, saltBase64: parts[4]!, keyBase64: parts[5]! };
}
