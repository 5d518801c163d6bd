import type { z } from 'zod';
import { ApiError } from '../errors';

/** Turns a zod failure into the typed validation error every screen understands. */
export function validationError(error: z.ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (!(path in fields)) fields[path] = issue.message;
  }
  const messages = Object.values(fields);
  const message =
    messages.length === 1
      ? messages[0]!
      : `Please correct ${messages.length} fields: ${messages.slice(0, 3).join(' ')}${messages.length > 3 ? ' …' : ''}`;
  return new ApiError({ code: 'validation', message, fields });
}
