import { Button, Group, Stack } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useEscape, useLeaveGuard } from '../../components/LeaveGuard';
import { DuplicatesModal } from './DuplicatesModal';
import { PatientFormFields } from './PatientFormFields';
import { usePatientRegistration } from './usePatientRegistration';

/** #/patients/new — register a patient, checking for probable duplicates first. */
export function RegisterPatientScreen() {
  const navigate = useNavigate();
  const reg = usePatientRegistration({
    onRegistered: (patient) => {
      leave.allowLeave();
      void navigate(`/patients/${patient.id}`, { replace: true });
    },
  });
  const leave = useLeaveGuard(reg.form.isDirty());
  useEscape(() => void navigate('/patients'));

  return (
    <form onSubmit={reg.submit} noValidate>
      <Stack gap="md">
        <PageHeader
          title="Register patient"
          subtitle="Fields marked * are required. Give the date of birth, or the age in years if the date is not known."
        />
        <ApiErrorAlert message={reg.error?.message ?? null} extra={reg.error?.extra} onClose={reg.clearError} />
        <PatientFormFields form={reg.form} autoFocus />
        <Group justify="flex-end" className="sticky-actions">
          <Button variant="default" onClick={() => void navigate('/patients')}>
            Cancel
          </Button>
          <Button type="submit" loading={reg.busy} leftSection={<IconUserPlus size={16} />}>
            Register patient
          </Button>
        </Group>
      </Stack>
      <DuplicatesModal
        duplicates={reg.duplicates}
        busy={reg.busy}
        onClose={reg.closeDuplicates}
        onOpen={(p) => {
          leave.allowLeave();
          void navigate(`/patients/${p.id}`);
        }}
        onRegisterAnyway={reg.registerAnyway}
      />
      {leave.modal}
    </form>
  );
}
