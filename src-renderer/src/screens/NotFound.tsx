import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

function Message({ title, text }: { title: string; text: string }) {
  return (
    <Center py={80}>
      <Stack align="center" gap="xs">
        <Title order={2} fz="xl">
          {title}
        </Title>
        <Text c="dimmed">{text}</Text>
        <Button component={Link} to="/patients" variant="light" mt="sm">
          Go to Patients
        </Button>
      </Stack>
    </Center>
  );
}

export function NotFound() {
  return <Message title="Page not found" text="This page does not exist in ClinicDesk." />;
}

export function NotAllowed() {
  return <Message title="Not available for your role" text="Ask an administrator if you need this." />;
}
