import { useState } from 'react';
import { Alert, Badge, Button, Center, CopyButton, Group, Loader, Modal, Paper, Radio, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconCopy, IconKey, IconPlugConnectedX } from '@tabler/icons-react';
import type { EnrolledDeviceInfo, EnrolmentCodeInfo } from '../../../../src-shared/api/types';
import { STATION_ROLES, type StationRole } from '../../../../src-shared/sync/shapes';
import { api, errorBody } from '../../api/client';
import { syncKeys, useDevices, useSyncStatus } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ago, dateTime, STATION_LABELS, SYNC_STATES } from '../../lib/sync';
import { useNow } from '../../lib/useNow';
import { JoinServerForm } from '../JoinServerForm';

/**
 * #/devices — the PCs enrolled with the clinic server (administrators on a PC that has joined one); on a PC
 * working on its own, the way to bring its clinic to a new clinic server.
 */
export function DevicesScreen() {
  const sync = useSyncStatus();
  const queryClient = useQueryClient();
  const joined = !!sync.data && sync.data.state !== 'standalone';
  const devices = useDevices(joined);
  const now = useNow(30_000);
  const [making, setMaking] = useState(false);
  const [revoking, setRevoking] = useState<EnrolledDeviceInfo | null>(null);
  const s = sync.data;
  const look = s ? SYNC_STATES[s.state] : null;

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle="The PCs that sync with this clinic's server. Enrol a new PC with a one-time code; revoke a lost or retired one."
        actions={
          s && joined && s.state !== 'revoked' ? (
            <Button leftSection={<IconKey size={16} />} onClick={() => setMaking(true)}>
              New enrolment code
            </Button>
          ) : undefined
        }
      />
      <Stack>
        <Paper withBorder radius="md" p="md" aria-label="Server connection" component="section">
          <Title order={3} fz="md" mb="xs">
            Server connection
          </Title>
          {!s || !look ? (
            <Loader size="sm" />
          ) : (
            <Group gap="xl" align="flex-start">
              <Stack gap={2}>
                <Text size="xs" c="dimmed">
                  Address
                </Text>
                <Text fw={500} data-testid="server-address">
                  {s.serverUrl ?? 'None — this PC only'}
                </Text>
              </Stack>
              <Stack gap={2}>
                <Text size="xs" c="dimmed">
                  State
                </Text>
                <Badge variant="light" color={look.color}>
                  {look.word}
                </Badge>
              </Stack>
              <Stack gap={2}>
                <Text size="xs" c="dimmed">
                  Last synced
                </Text>
                <Text>{s.lastSyncedAt ? ago(s.lastSyncedAt, now) : 'Not yet'}</Text>
              </Stack>
              {s.stationRole && (
                <Stack gap={2}>
                  <Text size="xs" c="dimmed">
                    This PC's station
                  </Text>
                  <Text>{STATION_LABELS[s.stationRole]}</Text>
                </Stack>
              )}
            </Group>
          )}
        </Paper>

        {!joined ? (
          s && (
            <JoinServerForm
              mode="connect"
              onConnected={(message) => {
                notifications.show({ color: 'teal', title: 'Connected to the clinic server', message, autoClose: 10_000 });
                void queryClient.invalidateQueries({ queryKey: ['sync'] });
              }}
            />
          )
        ) : devices.isPending ? (
          <Center py="xl">
            <Loader aria-label="Loading devices" />
          </Center>
        ) : devices.isError ? (
          <Alert color="orange" icon={<IconPlugConnectedX size={18} />} role="alert" title="The device list is not available right now">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{errorBody(devices.error).message}</Text>
              <Button size="compact-sm" variant="light" onClick={() => void devices.refetch()} loading={devices.isFetching}>
                Try again
              </Button>
            </Stack>
          </Alert>
        ) : (
          <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
            <Table verticalSpacing="sm" highlightOnHover aria-label="Devices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Station</Table.Th>
                  <Table.Th>Series</Table.Th>
                  <Table.Th>Enrolled</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {devices.data.map((d) => (
                  <Table.Tr key={d.id} c={d.revokedAt ? 'dimmed' : undefined}>
                    <Table.Td fw={500}>
                      <Group gap={6} wrap="nowrap">
                        {d.name}
                        {d.thisDevice && (
                          <Badge size="sm" variant="outline" color="clinic">
                            This PC
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{STATION_LABELS[d.stationRole]}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {d.patientSeries} · {d.invoiceSeries}
                      </Text>
                      <Text size="xs" c="dimmed">
                        patients · invoices
                      </Text>
                    </Table.Td>
                    <Table.Td>{dateTime(d.enrolledAt)}</Table.Td>
                    <Table.Td>{d.lastSeenAt ? ago(d.lastSeenAt, now) : 'Never'}</Table.Td>
                    <Table.Td>
                      {d.revokedAt ? (
                        <Tooltip label={`Revoked ${dateTime(d.revokedAt)}`}>
                          <Badge color="red" variant="light">
                            Revoked
                          </Badge>
                        </Tooltip>
                      ) : (
                        <Badge color="teal" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {!d.thisDevice && !d.revokedAt && (
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(d)} aria-label={`Revoke ${d.name}`}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        )}
      </Stack>
      <EnrolmentCodeModal opened={making} serverUrl={s?.serverUrl ?? null} onClose={() => setMaking(false)} />
      {revoking && <RevokeModal device={revoking} onClose={() => setRevoking(null)} />}
    </>
  );
}

function RevokeModal({ device, onClose }: { device: EnrolledDeviceInfo; onClose: () => void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => api.call('devices.revoke', { id: device.id }),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: syncKeys.devices });
      notifications.show({ color: 'teal', message: `${d.name} is revoked: the server refuses it from now on.` });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Revoke ${device.name}?`} centered>
      <Stack>
        <Text size="sm">
          The clinic server will refuse this PC from its very next request: it stops receiving changes and cannot send any. What is already on it stays
          there. To use it with the clinic again, enrol it with a new code.
        </Text>
        <ApiErrorAlert message={revoke.isError ? errorBody(revoke.error).message : null} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep it
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => revoke.mutate()}>
            Revoke this PC
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const EXPIRY_CHOICES = [
  { value: '1', label: '1 hour' },
  { value: '24', label: '24 hours' },
  { value: '168', label: '7 days' },
];

function EnrolmentCodeModal({ opened, serverUrl, onClose }: { opened: boolean; serverUrl: string | null; onClose: () => void }) {
  const [station, setStation] = useState<StationRole>('front_desk');
  const [hours, setHours] = useState('24');
  const [made, setMade] = useState<EnrolmentCodeInfo | null>(null);
  const create = useMutation({
    mutationFn: () => api.call('devices.createEnrolmentCode', { stationRole: station, expiresInHours: Number(hours) }),
    onSuccess: setMade,
  });
  const close = () => {
    setMade(null);
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="New enrolment code" centered size="md">
      {made ? (
        <Stack>
          <Text size="sm">
            On the new PC, choose <b>Join a clinic server</b> and enter this code with the server address{serverUrl ? <> <b>{serverUrl}</b></> : null}. It
            enrols one PC.
          </Text>
          <Group justify="center" gap="sm">
            <Text ff="monospace" fz={28} fw={700} data-testid="enrolment-code" style={{ letterSpacing: 2 }}>
              {made.code}
            </Text>
            <CopyButton value={made.code}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : 'clinic'} leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm" c="dimmed" ta="center">
            {STATION_LABELS[made.stationRole]} station · expires {dateTime(made.expiresAt)}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Radio.Group label="Station" description="Decides which of the clinic's data the new PC receives" value={station} onChange={(v) => setStation(v as StationRole)}>
            <Stack gap={6} mt={6}>
              {STATION_ROLES.map((r) => (
                <Radio key={r} value={r} label={STATION_LABELS[r]} />
              ))}
            </Stack>
          </Radio.Group>
          <Select label="Code expires after" data={EXPIRY_CHOICES} value={hours} onChange={(v) => setHours(v ?? '24')} allowDeselect={false} />
          <ApiErrorAlert message={create.isError ? errorBody(create.error).message : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={create.isPending} onClick={() => create.mutate()}>
              Make code
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
