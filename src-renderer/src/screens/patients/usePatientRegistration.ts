import { useState, type FormEvent } from 'react';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import type { Patient, PatientSummary } from '../../../../src-shared/api/types';
import { api, errorBody } from '../../api/client';
import { keys } from '../../api/queries';
import { mapApiFieldErrors, focusFirstError } from '../../lib/formErrors';
import { emptyPatientForm, formToInput, parsePatientForm, PATIENT_FORM_PATHS, validatePatientForm, type PatientFormState } from './patientForm';

function duplicatesFrom(details: unknown): PatientSummary[] | null {
  const list = (details as { duplicates?: unknown } | undefined)?.duplicates;
  return Array.isArray(list) ? (list as PatientSummary[]) : null;
}

/**
 * Registering a patient, wherever the form is shown (the Patients screen, or inline while booking):
 * the form with the same validation as the core, a check for probable duplicates before registering,
 * the core's own duplicate warning, and its field errors put back on the fields — nothing typed is lost.
 */
export function usePatientRegistration({ initialValues, onRegistered }: { initialValues?: Partial<PatientFormState>; onRegistered: (patient: Patient) => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [duplicates, setDuplicates] = useState<PatientSummary[] | null>(null);
  const form = useForm<PatientFormState>({
    initialValues: { ...emptyPatientForm, ...initialValues },
    validate: validatePatientForm,
    validateInputOnBlur: true,
  });

  const register = async (values: PatientFormState, confirmNotDuplicate: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const patient = await api.call('patients.register', { patient: formToInput(values), confirmNotDuplicate });
      setDuplicates(null);
      void queryClient.invalidateQueries({ queryKey: ['patients'] });
      queryClient.setQueryData(keys.patient(patient.id), patient);
      notifications.show({ color: 'teal', title: 'Patient registered', message: `Registered — MRN ${patient.mrn}` });
      onRegistered(patient);
    } catch (e) {
      const body = errorBody(e);
      const dups = body.code === 'conflict' && body.reason === 'possible_duplicate' ? duplicatesFrom(body.details) : null;
      if (dups) {
        setDuplicates(dups);
      } else {
        setDuplicates(null);
        const mapped = mapApiFieldErrors(body.fields, 'patient', PATIENT_FORM_PATHS);
        if (values.dobMode === 'age' && mapped.errors.dateOfBirth) {
          mapped.errors.ageYears = mapped.errors.dateOfBirth;
          delete mapped.errors.dateOfBirth;
        }
        form.setErrors(mapped.errors);
        focusFirstError();
        setError({ message: body.message, extra: mapped.unmatched });
      }
    } finally {
      setBusy(false);
    }
  };

  const submit: (event?: FormEvent<HTMLFormElement>) => void = form.onSubmit(async (values) => {
    const parsed = parsePatientForm(values);
    if (!parsed) return;
    setBusy(true);
    let found: PatientSummary[] = [];
    try {
      found = await api.call('patients.findDuplicates', { fullName: parsed.fullName, mobile: parsed.mobile });
    } catch {
      // The register call checks again on the core's side.
    } finally {
      setBusy(false);
    }
    if (found.length > 0) setDuplicates(found);
    else await register(values, false);
  }, focusFirstError);

  return {
    form,
    busy,
    error,
    clearError: () => setError(null),
    duplicates,
    closeDuplicates: () => setDuplicates(null),
    /** "Register as new patient" from the duplicates warning. */
    registerAnyway: () => void register(form.getValues(), true),
    submit,
  };
}
