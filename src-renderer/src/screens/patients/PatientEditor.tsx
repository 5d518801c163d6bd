import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { Patient } from '../../../../src-shared/api/types';
import { api, ApiError } from '../../api/client';
import { keys } from '../../api/queries';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useEscape, useLeaveGuard } from '../../components/LeaveGuard';
import { fieldsFor, useFormSubmit } from '../../lib/useFormSubmit';
import { PatientFormFields } from './PatientFormFields';
import { parsePatientForm, PATIENT_FORM_PATHS, patientChangesFrom, patientToForm, validatePatientForm, type PatientFormState } from './patientForm';

/** The patient's details as a form; Save sends only what changed. */
export function PatientEditor({ patient, onDone }: { patient: Patient; onDone: () => void }) {
  const session = useSession();
  const tz = session.clinic.timezone;
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const form = useForm<PatientFormState>({
    initialValues: patientToForm(patient, tz),
    validate: validatePatientForm,
    validateInputOnBlur: true,
  });
  const dirty = form.isDirty();
  const leave = useLeaveGuard(dirty);

  const cancel = () => {
    if (form.isDirty()) setConfirmCancel(true);
    else onDone();
  };
  useEscape(cancel, !confirmCancel);

  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, fieldsFor('changes', PATIENT_FORM_PATHS));
  const submit = onSubmit(async (values) => {
    const parsed = parsePatientForm(values);
    if (!parsed) return;
    const changes = patientChangesFrom(patient, parsed, values.dobMode, tz);
    if (Object.keys(changes).length === 0) {
      notifications.show({ color: 'blue', message: 'Nothing was changed.' });
      return onDone();
    }
    try {
      const updated = await api.call('patients.update', { id: patient.id, changes });
      queryClient.setQueryData(keys.patient(patient.id), updated);
      void queryClient.invalidateQueries({ queryKey: ['patients'] });
      notifications.show({ color: 'teal', title: 'Saved', message: `${updated.fullName}'s details were updated.` });
      onDone();
    } catch (e) {
      // Someone else saved first: fetch their version; what was typed here stays in the form.
      if (e instanceof ApiError && e.code === 'conflict') void queryClient.invalidateQueries({ queryKey: keys.patient(patient.id) });
      throw e;
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} tone={refusal?.tone} onClose={() => setRefusal(null)} />
        <PatientFormFields form={form} autoFocus />
        <Group justify="flex-end" className="sticky-actions">
          <Button variant="default" onClick={cancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} leftSection={<IconDeviceFloppy size={16} />}>
            Save changes
          </Button>
        </Group>
      </Stack>
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title="Discard your changes?" centered>
        <Text size="sm">The changes you typed have not been saved.</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setConfirmCancel(false)} data-autofocus>
            Keep editing
          </Button>
          <Button
            color="red"
            onClick={() => {
              setConfirmCancel(false);
              onDone();
            }}
          >
            Discard changes
          </Button>
        </Group>
      </Modal>
      {leave.modal}
    </form>
  );
}
