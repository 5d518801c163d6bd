import { useEffect, useRef, useState } from 'react';
import { Avatar, Button, FocusTrap, Group, Paper, PasswordInput, Portal, Stack, Text, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { ROLE_LABELS } from '../../../src-shared/roles';
import type { SessionInfo } from '../../../src-shared/api/types';
import { api, errorBody } from '../api/client';
import { useAuth } from './auth';

/**
 * The lock screen: drawn over the app, which stays mounted underneath (nothing typed is lost) but is
 * hidden and inert until the password is entered again.
 */
export function LockOverlay({ session }: { session: SessionInfo }) {
  const { unlocked, signOut } = useAuth();
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    const before = previousFocus.current;
    return () => {
      // Back where the person was typing.
      if (before instanceof HTMLElement) setTimeout(() => before.focus(), 0);
    };
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const next = await api.call('auth.unlock', { password });
      unlocked(next);
      void queryClient.invalidateQueries();
    } catch (err) {
      const body = errorBody(err);
      setPassword('');
      if (body.code === 'unauthenticated' && body.reason !== 'wrong_password') {
        await signOut('Your session has ended. Please sign in again.');
        return;
      }
      setError(body.message);
    } finally {
      setBusy(false);
    }
  };

  const initials = session.user.displayName
    .split(/\s+/)
    .map((w) => w[0])
    .slice(0, 2)
    .join('')
    .toUpperCase();

  return (
    <Portal>
      <div className="lock-backdrop">
        <FocusTrap active>
          <Paper role="dialog" aria-modal="true" aria-labelledby="lock-title" shadow="xl" radius="md" p="xl" w={380} withBorder>
            <form onSubmit={submit} noValidate>
              <Stack gap="md">
                <Group gap="sm">
                  <Avatar color="clinic" radius="xl">
                    {initials}
                  </Avatar>
                  <div>
                    <Text fw={600}>{session.user.displayName}</Text>
                    <Text size="xs" c="dimmed">
                      {ROLE_LABELS[session.user.role]} · {session.clinic.tradeName ?? session.clinic.legalName}
                    </Text>
                  </div>
                </Group>
                <Group gap={8}>
                  <IconLock size={20} />
                  <Title order={2} fz="lg" id="lock-title">
                    Screen locked
                  </Title>
                </Group>
                <Text size="sm" c="dimmed">
                  Enter your password to continue where you left off.
                </Text>
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  data-autofocus
                  value={password}
                  onChange={(e) => {
                    setPassword(e.currentTarget.value);
                    setError(null);
                  }}
                  error={error}
                />
                <Group justify="space-between">
                  <Button variant="subtle" color="gray" onClick={() => void signOut()}>
                    Sign out
                  </Button>
                  <Button type="submit" loading={busy} leftSection={<IconLock size={16} />}>
                    Unlock
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </FocusTrap>
      </div>
    </Portal>
  );
}
