import { useState } from 'react';
import type { UseFormReturnType } from '@mantine/form';
import { errorBody } from '../api/client';
import { focusFirstError, mapApiFieldErrors } from './formErrors';

/** What the form's alert shows after a refused save: the core's message and the field messages no input took. */
export interface Refusal {
  text: string;
  extra: string[];
  tone?: 'error' | 'info';
}

/** The core's field messages → the form's fields, and the rest. */
export type FieldsOf = (apiFields: Record<string, string>) => { errors: Record<string, string>; unmatched: string[] };

/**
 * The usual mapping: a key the form names differently renamed first ("pricePaise" → "price"), then an optional
 * prefix stripped ("patient.mobile" → "mobile"); kept if the form has that field, else left for the alert.
 */
export const fieldsFor =
  (prefix: string | null, formPaths: readonly string[], rename: Readonly<Record<string, string>> = {}): FieldsOf =>
  (apiFields) =>
    mapApiFieldErrors(Object.fromEntries(Object.entries(apiFields).map(([k, m]) => [rename[k] ?? k, m])), prefix, formPaths);

/**
 * Sending a mantine form to the core. `busy` while it runs. A refusal puts each message the form has a field for on
 * that field, with the cursor in the first, and the rest in `refusal` for the form's alert. A form the browser-side
 * check stops has its cursor put in the first wrong field the same way. What was typed stays in the form either way.
 */
export function useFormSubmit<V>(form: UseFormReturnType<V>, fieldsOf: FieldsOf) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const onSubmit = (send: (values: V) => Promise<void>) =>
    form.onSubmit(
      async (values, event) => {
        // Taken now: React clears currentTarget once the event has been handled.
        const formElement = event?.currentTarget ?? null;
        setBusy(true);
        setRefusal(null);
        try {
          await send(values as V);
        } catch (e) {
          const body = errorBody(e);
          const { errors, unmatched } = fieldsOf(body.fields ?? {});
          form.setErrors(errors);
          if (Object.keys(errors).length > 0) focusFirstError(formElement);
          setRefusal({ text: body.message, extra: unmatched.filter((m) => m !== body.message) });
        } finally {
          setBusy(false);
        }
      },
      (_errors, _values, event) => focusFirstError(event?.currentTarget),
    );
  return { busy, refusal, setRefusal, onSubmit };
}
