import { useState } from 'react';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconStethoscope } from '@tabler/icons-react';
import { api, errorBody } from '../api/client';
import { useAuth } from '../app/auth';
import { ApiErrorAlert } from '../components/ApiErrorAlert';

export function SignInScreen({ clinicName, notice }: { clinicName: string | null; notice?: string }) {
  const { signedIn } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (v.trim() ? null : 'Enter your username.'),
      password: (v) => (v ? null : 'Enter your password.'),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      signedIn(await api.call('auth.signIn', { username: values.username, password: values.password }));
    } catch (e) {
      setError(errorBody(e).message);
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  });

  return (
    <Center mih="100vh" bg="gray.0">
      <Box w={400}>
        <Stack align="center" gap={4} mb="lg">
          <ThemeIcon size={48} radius="xl">
            <IconStethoscope size={28} />
          </ThemeIcon>
          <Title order={1} fz={24} ta="center">
            {clinicName ?? 'ClinicDesk'}
          </Title>
          <Text c="dimmed" size="sm">
            ClinicDesk · Sign in to continue
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <form onSubmit={submit} noValidate>
            <Stack>
              {notice && !error && (
                <Alert color="blue" variant="light">
                  {notice}
                </Alert>
              )}
              <ApiErrorAlert message={error} />
              <TextInput label="Username" autoComplete="username" autoFocus data-autofocus {...form.getInputProps('username')} />
              <PasswordInput label="Password" autoComplete="current-password" {...form.getInputProps('password')} />
              <Button type="submit" fullWidth loading={busy}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
