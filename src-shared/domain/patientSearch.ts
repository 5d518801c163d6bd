import { compactMrn } from '../mrn';
import { mobileSearchPrefix } from '../validation/phone';

/**
 * How a search box text is read: digits are a mobile-number prefix (+91/0 allowed), a token that
 * mixes letters and digits is an MRN, anything else is name words (each a prefix, any order).
 */
export type PatientQuery =
  | { kind: 'empty' }
  | { kind: 'mobile'; prefix: string }
  | { kind: 'mrn'; compact: string }
  | { kind: 'name'; tokens: string[] };

export function classifyPatientQuery(raw: string): PatientQuery {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  const mobile = mobileSearchPrefix(text);
  if (mobile !== null) return { kind: 'mobile', prefix: mobile };
  if (/\d/.test(text) && /[a-z]/i.test(text) && /^[0-9a-z\s-]+$/i.test(text)) {
    const compact = compactMrn(text);
    if (compact) return { kind: 'mrn', compact };
  }
  const tokens = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 6);
  if (tokens.length === 0) return { kind: 'empty' };
  return { kind: 'name', tokens };
}

/** The FTS5 MATCH expression for a query (columns: full_name, mobile, mrn). Tokens are quoted: no FTS syntax gets through. */
export function patientFtsMatch(q: PatientQuery): string | null {
  switch (q.kind) {
    case 'empty':
      return null;
    case 'mobile':
      return `mobile : "${q.prefix}"*`;
    case 'mrn':
      return `mrn : "${q.compact.toLowerCase()}"*`;
    case 'name':
      return q.tokens.map((t) => `full_name : "${t.replace(/"/g, '')}"*`).join(' AND ');
  }
}
