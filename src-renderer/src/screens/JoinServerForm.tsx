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

const FIELDS = ['serverUrl', 'code', 'deviceName'] as const;

/** The same form for both ways to a clinic server; only the words and the call differ. */
const MODES = {
  join: {
    method: 'sync.join',
    title: 'Join a clinic server',
    intro: (
      <>
        Your administrator gives you the server's address and a one-time enrolment code (from the Devices screen of an administrator's PC, or the
        server's <code>enrol-code</code> command). The clinic's details and staff then come from the server.
      </>
    ),
    codeLabel: 'Enrolment code',
    codeHelp: 'Single use; it expires after the time the administrator chose',
    deviceName: 'Front desk PC',
    busy: "Joining… waiting for the clinic's details and staff list to arrive from the server. This can take up to a minute.",
    submit: 'Join clinic',
  },
  connect: {
    method: 'sync.connect',
    title: 'Connect to a clinic server',
    intro: (
      <>
        For a clinic whose server is new: a server that holds no clinic yet prints a set-up code when it starts. This PC then sends it the clinic's
        details, staff and everything recorded here, once, and becomes the clinic's first PC on the server. Other PCs join afterwards with enrolment
        codes made here.
      </>
    ),
    codeLabel: 'Set-up code',
    codeHelp: 'Printed by the server when it started; it works once',
    deviceName: 'Reception PC',
    busy: "Connecting… sending this PC's clinic to the server. With many patients this takes a few minutes; keep this PC on.",
    submit: 'Connect and send',
  },
} as const;

/**
 * This PC and a clinic server: joining one that has the clinic (first run, with an enrolment code; the
 * clinic and its staff then arrive and the next screen is sign-in), or bringing this PC's clinic to a
 * new server (an administrator, from Devices, with the server's set-up code).
 */
export function JoinServerForm({ mode = 'join', onConnected }: { mode?: keyof typeof MODES; onConnected?: (message: string) => void }) {
  const words = MODES[mode];
  const { joined } = useAuth();
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<JoinValues>({
    initialValues: { serverUrl: '', code: '', deviceName: words.deviceName },
    validate: (v) => {
      const parsed = clinicApi[words.method].input.safeParse(v);
      return parsed.success ? {} : zodFieldErrors(parsed.error);
    },
    validateInputOnBlur: true,
    // The refusal stays until the person changes something.
    onValuesChange: () => setError(null),
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'connect') {
        const result = await api.call('sync.connect', values);
        onConnected?.(`${result.clinicName} is on the clinic server now, with this PC as its first, administrator, station. Make enrolment codes here for the other PCs.`);
      } else {
        const result = await api.call('sync.join', values);
        await joined(
          `This PC has joined ${result.clinicName} as a ${STATION_LABELS[result.stationRole].toLowerCase()} station. Sign in with your usual ClinicDesk username and password.`,
        );
      }
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
    <form onSubmit={submit} noValidate aria-label={words.title}>
      <Stack maw={560}>
        <Paper withBorder p="lg" radius="md">
          <Title order={2} fz="lg" mb={4}>
            {words.title}
          </Title>
          <Text size="sm" c="dimmed" mb="md">
            {words.intro}
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
              label={words.codeLabel}
              {...REQUIRED}
              autoComplete="off"
              spellCheck={false}
              description={words.codeHelp}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: 1 } }}
              {...form.getInputProps('code')}
            />
            <TextInput label="Name of this PC" {...REQUIRED} autoComplete="off" description="How this PC appears in the clinic's device list, e.g. Reception 2 or Dr Rao's room" {...form.getInputProps('deviceName')} />
          </Stack>
        </Paper>
        {busy && (
          <Alert color="blue" variant="light" icon={<IconPlugConnected size={18} />}>
            {words.busy}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" size="md" loading={busy} leftSection={<IconPlugConnected size={18} />}>
            {words.submit}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
