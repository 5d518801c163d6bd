import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { PatientSummary } from '../../../../src-shared/api/types';
import { useSession } from '../../app/auth';
import { mobile, sexAge } from '../../lib/format';

/** Probable duplicates of a patient being registered: open (or use) one of them, or register anyway. */
export function DuplicatesModal({
  duplicates,
  busy,
  onOpen,
  openLabel = 'Open existing record',
  onRegisterAnyway,
  onClose,
}: {
  duplicates: PatientSummary[] | null;
  busy: boolean;
  onOpen: (patient: PatientSummary) => void;
  /** What choosing an existing patient does, e.g. "Use this patient" when booking. */
  openLabel?: string;
  onRegisterAnyway: () => void;
  onClose: () => void;
}) {
  const session = useSession();
  const list = duplicates ?? [];
  return (
    <Modal opened={duplicates !== null} onClose={onClose} title="This patient may already be registered" size="xl" centered>
      <Stack>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          {list.length === 1 ? 'A patient' : `${list.length} patients`} with this mobile number and a similar name {list.length === 1 ? 'is' : 'are'} already
          registered. Open the existing record if it is the same person.
        </Alert>
        <Table verticalSpacing="xs" aria-label="Possible duplicates">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>MRN</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Sex / age</Table.Th>
              <Table.Th>Mobile</Table.Th>
              <Table.Th>City</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td ff="monospace">{p.mrn}</Table.Td>
                <Table.Td fw={500}>{p.fullName}</Table.Td>
                <Table.Td>{sexAge(p, session.clinic.timezone)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{mobile(p.mobile)}</Table.Td>
                <Table.Td>{p.city ?? '—'}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => onOpen(p)}>
                    {openLabel}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          Family members often share a mobile number. Register a new record only if this is a different person.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Back to the form
          </Button>
          <Button color="orange" loading={busy} onClick={onRegisterAnyway}>
            Register as new patient
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
