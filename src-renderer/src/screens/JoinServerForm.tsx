import { useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlugConnected } from '@tabler/icons-react';
import { clinicApi } from '../../../src-shared/api/contract';
import { api, errorBody } from '../api/client';
import { useAuth } from '../app/auth';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { focusFirstError, mapApiFieldErrors, zodFieldErrors } from '../lib/formErrors';
import { REQUIRED } from '../lib/required';
import { STATION_LABELS } from '../lib/sync';

interface JoinValues {
  serverUrl: string;
  code: string;
  deviceName: string;
}

const schema = clinicApi['sync.join'].input;
const FIELDS = ['serverUrl', 'code', 'deviceName'] as const;

function validate(v: JoinValues): Record<string, string> {
  const parsed = schema.safeParse(v);
  return parsed.success ? {} : zodFieldErrors(parsed.error);
}

/**
 * First run, second path: this PC joins the clinic's server with an enrolment code from an administrator.
 * The clinic and its staff then arrive from the server, and the next screen is sign-in.
 */
export function JoinServerForm() {
  const { joined } = useAuth();
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<JoinValues>({
    initialValues: { serverUrl: '', code: '', deviceName: 'Front desk PC' },
    validate,
    validateInputOnBlur: true,
    // The refusal stays until the person changes something.
    onValuesChange: () => setError(null),
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.call('sync.join', values);
      await joined(
        `This PC has joined ${result.clinicName} as a ${STATION_LABELS[result.stationRole].toLowerCase()} station. Sign in with your usual ClinicDesk username and password.`,
      );
    } catch (e) {
      // Nothing typed is cleared: fix the one field and try again.
      const body = errorBody(e);
      const { errors, unmatched } = mapApiFieldErrors(body.fields, null, FIELDS);
      form.setErrors(errors);
      focusFirstError();
      setError({ message: body.message, extra: unmatched.filter((m) => m !== body.message) });
    } finally {
      setBusy(false);
    }
  }, focusFirstError);

  return (
    <form onSubmit={submit} noValidate aria-label="Join a clinic server">
      <Stack maw={560}>
        <Paper withBorder p="lg" radius="md">
          <Title order={2} fz="lg" mb={4}>
            Join a clinic server
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            Your administrator gives you the server's address and a one-time enrolment code (from the Devices screen of an administrator's PC, or the
            server's <code>enrol-code</code> command). The clinic's details and staff then come from the server.
          </Text>
          <Stack gap="sm">
            <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} />
            <TextInput
              label="Server address"
              {...REQUIRED}
              placeholder="192.168.1.10:8787"
              description="As your administrator wrote it, e.g. 192.168.1.10:8787 or http://clinic-server:8787"
              autoComplete="off"
              spellCheck={false}
              {...form.getInputProps('serverUrl')}
            />
            <TextInput
              label="Enrolment code"
              {...REQUIRED}
              autoComplete="off"
              spellCheck={false}
              description="Single use; it expires after the time the administrator chose"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: 1 } }}
              {...form.getInputProps('code')}
            />
            <TextInput label="Name of this PC" {...REQUIRED} autoComplete="off" description="How this PC appears in the clinic's device list, e.g. Reception 2 or Dr Rao's room" {...form.getInputProps('deviceName')} />
          </Stack>
        </Paper>
        {busy && (
          <Alert color="blue" variant="light" icon={<IconPlugConnected size={18} />}>
            Joining… waiting for the clinic's details and staff list to arrive from the server. This can take up to a minute.
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" size="md" loading={busy} leftSection={<IconPlugConnected size={18} />}>
            Join clinic
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
