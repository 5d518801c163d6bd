import { Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { AuthProvider, useAuth } from './auth';
import { LiveUpdates } from './LiveUpdates';
import { SetupScreen } from '../screens/SetupScreen';
import { SignInScreen } from '../screens/SignInScreen';
import { SignedInApp } from './SignedInApp';

function Phases() {
  const { phase, retry } = useAuth();
  switch (phase.kind) {
    case 'starting':
      return (
        <Center h="100vh">
          <Loader aria-label="Starting ClinicDesk" />
        </Center>
      );
    case 'unreachable':
      return (
        <Center h="100vh" bg="gray.0">
          <Paper withBorder p="xl" maw={440} shadow="sm">
            <Stack>
              <Title order={3}>ClinicDesk could not start</Title>
              <Text>{phase.message}</Text>
              <Button onClick={retry}>Try again</Button>
            </Stack>
          </Paper>
        </Center>
      );
    case 'setup':
      return <SetupScreen />;
    case 'signIn':
      return <SignInScreen clinicName={phase.clinicName} notice={phase.notice} />;
    case 'app':
      return <SignedInApp key={phase.session.user.id} />;
  }
}

export function App() {
  return (
    <AuthProvider>
      <LiveUpdates />
      <Phases />
    </AuthProvider>
  );
}
