import { z } from 'zod';
import { gstinProblem, GSTIN_MESSAGES } from '../validation/gstin';
import { normalizeIndianMobile } from '../validation/phone';
import { normalizeAbhaNumber } from '../validation/abha';
import { isStateCode } from '../validation/states';
import { isIsoDate, isValidTimeZone } from '../dates';
import { isUuid } from '../ids';

/**
 * Friendly fallbacks for every issue a schema did not word itself (the global error map of zod).
 * Messages never include the input value.
 */
z.config({
  customError: (iss) => {
    switch (iss.code) {
      case 'invalid_type':
        return iss.input === undefined ? 'This field is required.' : 'This value is of the wrong kind.';
      case 'too_big':
        return 'This value is too large or too long.';
      case 'too_small':
        return 'This value is too small or too short.';
      case 'unrecognized_keys':
        return 'The form sent a field this screen does not know. Please reload and try again.';
      case 'invalid_value':
        return 'Choose one of the offered values.';
      default:
        return 'This value is not valid.';
    }
  },
});

/**
 * Field schemas shared by every form and every ClinicApi method. Messages are for the desk:
 * what is wrong and how to fix it, never echoing the value typed.
 */
const required = (what: string) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined || iss.input === null ? `${what} is required.` : `${what} is not valid.`),
});

export const text = (what: string, min: number, max: number) =>
  z
    .string(required(what))
    .trim()
    .min(min, min <= 1 ? `${what} is required.` : `${what} needs at least ${min} characters.`)
    .max(max, `${what} can be at most ${max} characters.`);

export const optionalText = (what: string, max: number) =>
  z
    .string(required(what))
    .trim()
    .max(max, `${what} can be at most ${max} characters.`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null);

export const idField = (what: string) =>
  z.string(required(what)).refine(isUuid, `${what} is not valid.`);

export const personName = (what: string) =>
  text(what, 2, 120).regex(/^[\p{L}\p{M}][\p{L}\p{M} .'-]*$/u, `${what} may only contain letters, spaces, dots, hyphens and apostrophes.`);

export const indianMobile = (what = 'Mobile number') =>
  z
    .string(required(what))
    .transform((v, ctx) => {
      const n = normalizeIndianMobile(v);
      if (!n) {
        ctx.addIssue({ code: 'custom', message: `${what} must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9.` });
        return z.NEVER;
      }
      return n;
    });

export const optionalIndianMobile = (what: string) =>
  z
    .string(required(what))
    .transform((v, ctx) => {
      if (v.trim() === '') return null;
      const n = normalizeIndianMobile(v);
      if (!n) {
        ctx.addIssue({ code: 'custom', message: `${what} must be a 10-digit Indian mobile number starting with 6, 7, 8 or 9.` });
        return z.NEVER;
      }
      return n;
    })
    .nullable()
    .optional()
    .transform((v) => v ?? null);

export const optionalEmail = z
  .string(required('E-mail'))
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    if (!z.email().safeParse(v).success || v.length > 254) {
      ctx.addIssue({ code: 'custom', message: 'E-mail address is not valid (it should look like name@example.com).' });
      return z.NEVER;
    }
    return v.toLowerCase();
  })
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const stateCode = z.string(required('State')).refine(isStateCode, 'Choose a state from the list.');

export const pincode = z
  .string(required('PIN code'))
  .trim()
  .regex(/^[1-9][0-9]{5}$/, 'PIN code must be 6 digits and cannot start with 0.');

export const optionalPincode = z
  .string(required('PIN code'))
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    if (!/^[1-9][0-9]{5}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'PIN code must be 6 digits and cannot start with 0.' });
      return z.NEVER;
    }
    return v;
  })
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const isoDate = (what: string) => z.string(required(what)).refine(isIsoDate, `${what} is not a real date.`);

export const optionalAbha = z
  .string(required('ABHA number'))
  .transform((v, ctx) => {
    if (v.trim() === '') return null;
    const n = normalizeAbhaNumber(v);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: 'ABHA number must have exactly 14 digits (like 12-3456-7890-1234).' });
      return z.NEVER;
    }
    return n;
  })
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** GSTIN is optional; when present it is checked fully, including its check character. */
export const optionalGstin = z
  .string(required('GSTIN'))
  .transform((v, ctx) => {
    const g = v.trim().toUpperCase();
    if (g === '') return null;
    const problem = gstinProblem(g);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: GSTIN_MESSAGES[problem] });
      return z.NEVER;
    }
    return g;
  })
  .nullable()
  .optional()
  .transform((v) => v ?? null);

export const timezone = z
  .string(required('Time zone'))
  .refine(isValidTimeZone, 'Choose a time zone from the list.');

export const username = z
  .string(required('Username'))
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9._]{2,31}$/, 'Username must be 3–32 characters: letters, digits, dots or underscores, starting with a letter.');

export const newPassword = z
  .string(required('Password'))
  .min(8, 'Password needs at least 8 characters.')
  .max(128, 'Password can be at most 128 characters.');

export const password = z.string(required('Password')).min(1, 'Enter your password.').max(128, 'Password can be at most 128 characters.');
