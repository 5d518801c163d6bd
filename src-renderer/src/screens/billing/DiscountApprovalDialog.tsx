import { useState } from 'react';
import { Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { REQUIRED } from '../../lib/required';

/**
 * A discount above the biller's limit: an administrator types their username and password here, on this PC
 * (invoices.approveDiscount); the bill is then saved with their approval. The password is never kept.
 */
export function DiscountApprovalDialog({ message, onApproved, onClose }: { message: string; onApproved: (a: { approverId: string; approverName: string }) => void; onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const approval = await api.call('invoices.approveDiscount', { username, password });
      setPassword('');
      onApproved(approval);
    } catch (e) {
      setPassword('');
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Discount needs an administrator’s approval" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Text size="sm">{message}</Text>
          <Text size="sm" c="dimmed">
            An administrator types their username and password to approve it. Nothing typed on the bill is lost.
          </Text>
          <ApiErrorAlert message={error} onClose={() => setError(null)} />
          <TextInput label="Administrator’s username" {...REQUIRED} autoComplete="off" value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus />
          <PasswordInput label="Administrator’s password" {...REQUIRED} autoComplete="off" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Back to the bill
            </Button>
            <Button type="submit" loading={busy}>
              Approve discount
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
