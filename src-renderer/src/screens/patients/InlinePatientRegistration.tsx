import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import type { PatientSummary } from '../../../../src-shared/api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { DuplicatesModal } from './DuplicatesModal';
import { PatientFormFields } from './PatientFormFields';
import type { PatientFormState } from './patientForm';
import { usePatientRegistration } from './usePatientRegistration';

/** What was typed in a patient search, as a start for the registration form: digits are a mobile number, anything else a name. */
function prefillFrom(typed: string): Partial<PatientFormState> {
  const t = typed.trim();
  if (t === '') return {};
  if (/^[+\d\s-]+$/.test(t)) return { mobile: t };
  if (/^[\p{L}\s.'-]+$/u.test(t)) return { fullName: t };
  return {};
}

/**
 * The registry's patient form inside another dialog (e.g. booking): the same fields, validation and
 * duplicate check as the Patients screen. On success (or when the desk picks an existing record from the
 * duplicates warning) the patient is handed back, and the dialog carries on with them.
 */
export function InlinePatientRegistration({ typed, onDone, onCancel }: { typed: string; onDone: (patient: PatientSummary) => void; onCancel: () => void }) {
  const reg = usePatientRegistration({ initialValues: prefillFrom(typed), onRegistered: onDone });
  return (
    <Paper withBorder radius="md" p="sm" bg="gray.0" component="section" aria-labelledby="inline-register-title">
      <form onSubmit={reg.submit} noValidate>
        <Stack gap="sm">
          <div>
            <Title order={3} fz="md" id="inline-register-title">
              Register new patient
            </Title>
            <Text size="xs" c="dimmed">
              Fields marked * are required. Give the date of birth, or the age in years if the date is not known.
            </Text>
          </div>
          <ApiErrorAlert message={reg.error?.message ?? null} extra={reg.error?.extra} onClose={reg.clearError} />
          <PatientFormFields form={reg.form} autoFocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Back to search
            </Button>
            <Button type="submit" loading={reg.busy} leftSection={<IconUserPlus size={16} />}>
              Register patient
            </Button>
          </Group>
        </Stack>
      </form>
      <DuplicatesModal duplicates={reg.duplicates} busy={reg.busy} onClose={reg.closeDuplicates} openLabel="Use this patient" onOpen={onDone} onRegisterAnyway={reg.registerAnyway} />
    </Paper>
  );
}
