import { Alert, Button, Center, Group, Loader, NumberInput, Paper, Stack, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { clinicApi } from '../../../../src-shared/api/contract';
import type { ClinicInfo } from '../../../../src-shared/api/types';
import { api, ApiError, errorBody } from '../../api/client';
import { keys, useClinic } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { ClinicFields, CLINIC_PATHS, clinicInput, gstinHint, type ClinicFormValues } from '../../components/ClinicFields';
import { PageHeader } from '../../components/PageHeader';
import { useLeaveGuard } from '../../components/LeaveGuard';
import { zodFieldErrors } from '../../lib/formErrors';
import { fieldsFor, useFormSubmit } from '../../lib/useFormSubmit';

type SettingsValues = ClinicFormValues & { idleLockMinutes: number | string; noShowGraceMinutes: number | string };

const schema = clinicApi['clinic.update'].input;

function toValues(c: ClinicInfo): SettingsValues {
  return {
    legalName: c.legalName,
    tradeName: c.tradeName ?? '',
    addressLine: c.addressLine,
    city: c.city,
    stateCode: c.stateCode,
    pincode: c.pincode,
    phone: c.phone ?? '',
    gstin: c.gstin ?? '',
    timezone: c.timezone,
    idleLockMinutes: c.idleLockMinutes,
    noShowGraceMinutes: c.noShowGraceMinutes,
  };
}

function toInput(v: SettingsValues) {
  return { ...clinicInput(v), idleLockMinutes: v.idleLockMinutes === '' ? Number.NaN : Number(v.idleLockMinutes),
    noShowGraceMinutes: v.noShowGraceMinutes === '' ? Number.NaN : Number(v.noShowGraceMinutes),
  };
}

function SettingsForm({ clinic }: { clinic: ClinicInfo }) {
  const queryClient = useQueryClient();
  const form = useForm<SettingsValues>({
    initialValues: toValues(clinic),
    validateInputOnBlur: true,
    validate: (v) => {
      const parsed = schema.safeParse(toInput(v));
      const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
      const g = gstinHint(v.gstin, v.stateCode);
      if (g && !errors.gstin) errors.gstin = g;
      return errors;
    },
  });
  const leave = useLeaveGuard(form.isDirty());

  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, fieldsFor(null, [...CLINIC_PATHS, 'idleLockMinutes', 'noShowGraceMinutes']));
  const submit = onSubmit(async (v) => {
    let saved: ClinicInfo;
    try {
      saved = await api.call('clinic.update', toInput(v));
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'conflict' && e.reason === 'no_change')) throw e;
      return setRefusal({ text: 'Nothing was changed.', extra: [], tone: 'info' });
    }
    queryClient.setQueryData(keys.clinic, saved);
    form.setInitialValues(toValues(saved));
    form.setValues(toValues(saved));
    form.resetDirty(toValues(saved));
    notifications.show({ color: 'teal', title: 'Saved', message: 'Clinic settings were updated.' });
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} tone={refusal?.tone} onClose={() => setRefusal(null)} />
        <Paper withBorder radius="md" p="lg">
          <Title order={3} fz="md" mb="sm">
            Clinic
          </Title>
          <ClinicFields form={form} prefix="" />
        </Paper>
        <Paper withBorder radius="md" p="lg">
          <Title order={3} fz="md" mb="sm">
            Security
          </Title>
          <NumberInput
            label="Idle lock (minutes)"
            description="Lock the screen after this many minutes without mouse or keyboard use (1–240)"
            allowDecimal={false}
            allowNegative={false}
            min={1}
            max={240}
            clampBehavior="none"
            maw={320}
            {...form.getInputProps('idleLockMinutes')}
          />
        </Paper>
        <Paper withBorder radius="md" p="lg">
          <Title order={3} fz="md" mb="sm">
            Appointments
          </Title>
          <NumberInput
            label="No-show grace (minutes)"
            description="How long after a slot starts the desk may mark the patient as a no-show (0–240)"
            allowDecimal={false}
            allowNegative={false}
            min={0}
            max={240}
            clampBehavior="none"
            maw={320}
            {...form.getInputProps('noShowGraceMinutes')}
          />
        </Paper>
        <Group justify="flex-end" className="sticky-actions">
          <Button variant="default" onClick={() => form.reset()} disabled={!form.isDirty()}>
            Undo changes
          </Button>
          <Button type="submit" loading={busy} leftSection={<IconDeviceFloppy size={16} />}>
            Save changes
          </Button>
        </Group>
      </Stack>
      {leave.modal}
    </form>
  );
}

/** #/settings — the clinic's details and the idle lock (administrators only). */
export function ClinicSettingsScreen() {
  const clinic = useClinic();
  return (
    <>
      <PageHeader title="Clinic settings" subtitle="These details appear on bills and prescriptions" />
      {clinic.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : clinic.isError ? (
        <Alert color="red">{errorBody(clinic.error).message}</Alert>
      ) : (
        <SettingsForm clinic={clinic.data} />
      )}
    </>
  );
}
