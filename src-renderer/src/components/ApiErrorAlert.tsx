import { Alert, List } from '@mantine/core';
import { IconAlertCircle, IconInfoCircle } from '@tabler/icons-react';

/** A form-level message from the ClinicApi, with any field messages that match no input listed below it. */
export function ApiErrorAlert({ message, extra, tone = 'error', onClose }: { message: string | null; extra?: string[]; tone?: 'error' | 'info'; onClose?: () => void }) {
  if (!message) return null;
  return (
    <Alert
      color={tone === 'error' ? 'red' : 'blue'}
      icon={tone === 'error' ? <IconAlertCircle size={18} /> : <IconInfoCircle size={18} />}
      role="alert"
      withCloseButton={!!onClose}
      onClose={onClose}
      closeButtonLabel="Dismiss"
    >
      {message}
      {extra && extra.length > 0 && (
        <List size="sm" mt={4}>
          {extra.map((m) => (
            <List.Item key={m}>{m}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
