import { useState } from 'react';
import { Button, Group, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { PatientSummary } from '../../../../src-shared/api/types';
import { api, errorBody } from '../../api/client';
import { keys } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useEscape, useLeaveGuard } from '../../components/LeaveGuard';
import { mapApiFieldErrors, focusFirstError } from '../../lib/formErrors';
import { DuplicatesModal } from './DuplicatesModal';
import { PatientFormFields } from './PatientFormFields';
import { emptyPatientForm, formToInput, parsePatientForm, PATIENT_FORM_PATHS, validatePatientForm, type PatientFormState } from './patientForm';

function duplicatesFrom(details: unknown): PatientSummary[] | null {
  const list = (details as { duplicates?: unknown } | undefined)?.duplicates;
  return Array.isArray(list) ? (list as PatientSummary[]) : null;
}

/** #/patients/new — register a patient, checking for probable duplicates first. */
export function RegisterPatientScreen() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [duplicates, setDuplicates] = useState<PatientSummary[] | null>(null);
  const form = useForm<PatientFormState>({
    initialValues: emptyPatientForm,
    validate: validatePatientForm,
    validateInputOnBlur: true,
  });
  const leave = useLeaveGuard(form.isDirty());
  useEscape(() => void navigate('/patients'));

  const register = async (values: PatientFormState, confirmNotDuplicate: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const patient = await api.call('patients.register', { patient: formToInput(values), confirmNotDuplicate });
      setDuplicates(null);
      void queryClient.invalidateQueries({ queryKey: ['patients'] });
      queryClient.setQueryData(keys.patient(patient.id), patient);
      notifications.show({ color: 'teal', title: 'Patient registered', message: `Registered — MRN ${patient.mrn}` });
      leave.allowLeave();
      void navigate(`/patients/${patient.id}`, { replace: true });
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

  const submit = form.onSubmit(async (values) => {
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

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <PageHeader
          title="Register patient"
          subtitle="Fields marked * are required. Give the date of birth, or the age in years if the date is not known."
        />
        <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} onClose={() => setError(null)} />
        <PatientFormFields form={form} autoFocus />
        <Group justify="flex-end" className="sticky-actions">
          <Button variant="default" onClick={() => void navigate('/patients')}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} leftSection={<IconUserPlus size={16} />}>
            Register patient
          </Button>
        </Group>
      </Stack>
      <DuplicatesModal
        duplicates={duplicates}
        busy={busy}
        onClose={() => setDuplicates(null)}
        onOpen={(id) => {
          leave.allowLeave();
          void navigate(`/patients/${id}`);
        }}
        onRegisterAnyway={() => void register(form.getValues(), true)}
      />
      {leave.modal}
    </form>
  );
}
