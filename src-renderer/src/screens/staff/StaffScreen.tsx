import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Paper, Table, Text } from '@mantine/core';
import { IconKey, IconPencil, IconPlayerPlay, IconUserOff, IconUserPlus } from '@tabler/icons-react';
import type { StaffMember } from '../../../../src-shared/api/types';
import { ROLE_LABELS } from '../../../../src-shared/roles';
import { useStaff } from '../../api/queries';
import { errorBody } from '../../api/client';
import { useSession } from '../../app/auth';
import { PageHeader } from '../../components/PageHeader';
import { AddStaffModal, EditStaffModal, ResetPasswordModal, SetActiveModal } from './StaffModals';

type Dialog = { kind: 'edit' | 'active' | 'password'; member: StaffMember } | null;

/** #/staff — who can sign in at this clinic, and as what (administrators only). */
export function StaffScreen() {
  const session = useSession();
  const staff = useStaff();
  const [adding, setAdding] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);

  return (
    <>
      <PageHeader
        title="Staff"
        subtitle="People who can sign in at this clinic and what their role lets them do"
        actions={
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setAdding(true)}>
            Add staff
          </Button>
        }
      />
      {staff.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : staff.isError ? (
        <Alert color="red">{errorBody(staff.error).message}</Alert>
      ) : (
        <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
          <Table verticalSpacing="sm" highlightOnHover aria-label="Staff">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Username</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {staff.data.map((m) => (
                <Table.Tr key={m.id} c={m.active ? undefined : 'dimmed'}>
                  <Table.Td fw={500}>
                    {m.displayName}
                    {m.id === session.user.id && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        (you)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ff="monospace">{m.username}</Table.Td>
                  <Table.Td>{ROLE_LABELS[m.role]}</Table.Td>
                  <Table.Td>
                    <Badge color={m.active ? 'teal' : 'gray'} variant="light">
                      {m.active ? 'Active' : 'Inactive'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => setDialog({ kind: 'edit', member: m })}>
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" leftSection={<IconKey size={14} />} onClick={() => setDialog({ kind: 'password', member: m })}>
                        Reset password
                      </Button>
                      {m.id !== session.user.id && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color={m.active ? 'red' : 'teal'}
                          leftSection={m.active ? <IconUserOff size={14} /> : <IconPlayerPlay size={14} />}
                          onClick={() => setDialog({ kind: 'active', member: m })}
                        >
                          {m.active ? 'Deactivate' : 'Activate'}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <AddStaffModal opened={adding} onClose={() => setAdding(false)} />
      {dialog?.kind === 'edit' && <EditStaffModal member={dialog.member} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'active' && <SetActiveModal member={dialog.member} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'password' && <ResetPasswordModal member={dialog.member} onClose={() => setDialog(null)} />}
    </>
  );
}
