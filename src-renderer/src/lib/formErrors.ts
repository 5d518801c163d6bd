import type { z } from 'zod';

/** A zod failure as one message per form field path ("mobile", "clinic.gstin"…), first message wins. */
export function zodFieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (!(path in out)) out[path] = issue.message;
  }
  return out;
}

/**
 * The API's per-field messages (keyed like "patient.mobile") mapped onto form paths: the prefix is
 * stripped, and anything that matches no field of the form is returned separately for an alert.
 */
export function mapApiFieldErrors(
  fields: Record<string, string> | undefined,
  prefix: string | null,
  formPaths: readonly string[],
): { errors: Record<string, string>; unmatched: string[] } {
  const errors: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const [key, message] of Object.entries(fields ?? {})) {
    const path = prefix && key.startsWith(prefix + '.') ? key.slice(prefix.length + 1) : key;
    if (formPaths.includes(path)) errors[path] = message;
    else unmatched.push(message);
  }
  return { errors, unmatched };
}

/**
 * After a refused submit: bring the first field with an error into view and put the cursor in it — within the
 * form when it is given (else an open dialog, else the page). The field messages are set as React state just
 * before this is called, so it waits for the frame that shows them (a few frames at most) rather than looking
 * before they are there. Anything but an element as the argument (mantine passes its errors) means no form.
 */
export function focusFirstError(within?: unknown): void {
  const form = within instanceof Element ? within : null;
  const find = () =>
    form
      ? form.querySelector<HTMLElement>('[aria-invalid="true"]')
      : (document.querySelector<HTMLElement>('[role="dialog"] [aria-invalid="true"]') ?? document.querySelector<HTMLElement>('[aria-invalid="true"]'));
  const attempt = (framesLeft: number) =>
    requestAnimationFrame(() => {
      const el = find();
      if (el) {
        el.scrollIntoView({ block: 'center' });
        el.focus({ preventScroll: true });
      } else if (framesLeft > 0) attempt(framesLeft - 1);
    });
  attempt(10);
}
