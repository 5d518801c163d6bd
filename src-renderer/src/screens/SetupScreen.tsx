import { useState } from 'react';
import { Box, Button, Container, Grid, Group, Paper, PasswordInput, Stack, Tabs, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconBuildingHospital, IconPlugConnected, IconSquarePlus } from '@tabler/icons-react';
import { clinicApi } from '../../../src-shared/api/contract';
import { api, errorBody } from '../api/client';
import { useAuth } from '../app/auth';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { ClinicFields, clinicInput, emptyClinic, gstinHint, type ClinicFormValues } from '../components/ClinicFields';
import { zodFieldErrors, focusFirstError } from '../lib/formErrors';
import { REQUIRED } from '../lib/required';
import { JoinServerForm } from './JoinServerForm';

interface SetupValues {
  clinic: ClinicFormValues;
  admin: { displayName: string; username: string; password: string; confirm: string };
}

const schema = clinicApi['setup.createClinic'].input;

function toInput(v: SetupValues) {
  return { clinic: clinicInput(v.clinic), admin: { displayName: v.admin.displayName, username: v.admin.username, password: v.admin.password } };
}

function validate(v: SetupValues): Record<string, string> {
  const parsed = schema.safeParse(toInput(v));
  const errors = parsed.success ? {} : zodFieldErrors(parsed.error);
  const gstin = gstinHint(v.clinic.gstin, v.clinic.stateCode);
  if (gstin && !errors['clinic.gstin']) errors['clinic.gstin'] = gstin;
  if (v.admin.confirm !== v.admin.password) errors['admin.confirm'] = 'The two passwords are not the same.';
  return errors;
}

/**
 * First run: either the clinic and its first administrator, in one step, on this PC; or join the clinic's
 * server with an enrolment code. Both forms stay mounted, so switching between them loses nothing typed.
 */
export function SetupScreen() {
  const { signedIn } = useAuth();
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm<SetupValues>({
    initialValues: { clinic: emptyClinic, admin: { displayName: '', username: '', password: '', confirm: '' } },
    validate,
    validateInputOnBlur: true,
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.call('setup.createClinic', toInput(values)));
    } catch (e) {
      const body = errorBody(e);
      if (body.fields) form.setErrors(body.fields);
      focusFirstError();
      setError({ message: body.message, extra: [] });
    } finally {
      setBusy(false);
    }
  }, focusFirstError);

  return (
    <Box mih="100vh" py="xl" bg="gray.0">
      <Container size={1100}>
        <Group gap="sm" mb="lg">
          <ThemeIcon size={40} radius="md">
            <IconBuildingHospital size={24} />
          </ThemeIcon>
          <Box>
            <Title order={1} fz={24}>
              Set up ClinicDesk
            </Title>
            <Text c="dimmed" size="sm">
              Set up a new clinic on this PC, or join this PC to your clinic's server.
            </Text>
          </Box>
        </Group>
        <Tabs defaultValue="new" keepMounted variant="pills" mb="lg">
          <Tabs.List mb="lg">
            <Tabs.Tab value="new" leftSection={<IconSquarePlus size={16} />}>
              Set up a new clinic on this PC
            </Tabs.Tab>
            <Tabs.Tab value="join" leftSection={<IconPlugConnected size={16} />}>
              Join a clinic server
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="new">
            <Text c="dimmed" size="sm" mb="md">
              Enter your clinic's details and create the first administrator. You can change the clinic's details later in Clinic settings.
            </Text>
            <form onSubmit={submit} noValidate>
              <Stack>
                <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} />
                <Grid gutter="lg">
                  <Grid.Col span={{ base: 12, md: 8 }}>
                    <Paper withBorder p="lg" radius="md" h="100%">
                      <Title order={2} fz="lg" mb="sm">
                        Clinic
                      </Title>
                      <ClinicFields form={form} prefix="clinic." />
                    </Paper>
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 4 }}>
                    <Paper withBorder p="lg" radius="md" h="100%">
                      <Title order={2} fz="lg" mb="sm">
                        First administrator
                      </Title>
                      <Stack gap="sm">
                        <TextInput label="Full name" {...REQUIRED} autoComplete="off" {...form.getInputProps('admin.displayName')} />
                        <TextInput label="Username" {...REQUIRED} autoComplete="off" description="Letters, digits, dots or underscores" {...form.getInputProps('admin.username')} />
                        <PasswordInput label="Password" {...REQUIRED} autoComplete="new-password" description="At least 8 characters" {...form.getInputProps('admin.password')} />
                        <PasswordInput label="Confirm password" {...REQUIRED} autoComplete="new-password" {...form.getInputProps('admin.confirm')} />
                      </Stack>
                    </Paper>
                  </Grid.Col>
                </Grid>
                <Group justify="flex-end">
                  <Button type="submit" size="md" loading={busy}>
                    Create clinic
                  </Button>
                </Group>
              </Stack>
            </form>
          </Tabs.Panel>
          <Tabs.Panel value="join">
            <JoinServerForm />
          </Tabs.Panel>
        </Tabs>
      </Container>
    </Box>
  );
}
