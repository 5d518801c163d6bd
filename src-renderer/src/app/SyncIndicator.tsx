import { useRef, useState } from 'react';
import { useWindowEvent } from '@mantine/hooks';
import { Anchor, Badge, Divider, Group, Loader, Popover, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconCloud, IconCloudCheck, IconCloudOff, IconCloudX, IconDeviceDesktop, IconRefresh } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { SyncState, SyncStatus } from '../../../src-shared/api/types';
import { useSyncStatus } from '../api/queries';
import { ago, attentionText, dateTime, pendingText, shapeLabel, STATION_LABELS, SYNC_STATES } from '../lib/sync';
import { useNow } from '../lib/useNow';

const ICONS: Record<SyncState, typeof IconCloud> = {
  online: IconCloudCheck,
  syncing: IconRefresh,
  offline: IconCloudOff,
  standalone: IconDeviceDesktop,
  revoked: IconCloudX,
};

function syncedText(s: SyncStatus, now: number): string {
  if (s.state === 'standalone') return 'Saved on this PC';
  // Offline or revoked, the time is when it last worked, not a promise that it still does.
  const synced = s.state === 'online' || s.state === 'syncing' ? 'Synced' : 'Last synced';
  return s.lastSyncedAt ? `${synced} ${ago(s.lastSyncedAt, now)}` : 'Not synced yet';
}

function tableState(state: SyncState, upToDate: boolean): string {
  if (state === 'revoked') return 'Stopped';
  if (upToDate) return 'Up to date';
  return state === 'syncing' ? 'Catching up' : 'Waiting for the server';
}

/** The red count of changes the server refused, beside the sync state: it opens the "Needs attention" screen. */
function AttentionBadge({ count }: { count: number }) {
  const words = attentionText(count);
  return (
    <Tooltip label={`${words}. Open Needs attention.`} withArrow>
      <Badge
        component={Link}
        to="/inbox"
        aria-label={`${words}. Open Needs attention.`}
        color="red"
        variant="filled"
        size="lg"
        leftSection={<IconAlertTriangle size={14} />}
        style={{ cursor: 'pointer' }}
        data-testid="attention-badge"
      >
        {count}
      </Badge>
    </Tooltip>
  );
}

/**
 * The header's sync state: a word, an icon and a colour, the changes still waiting to be sent, and a red
 * badge when something needs attention; hover or click the state for the details.
 */
export function SyncIndicator() {
  const status = useSyncStatus();
  const now = useNow(15_000);
  const [pinned, setPinned] = useState(false);
  const [hovered, setHovered] = useState(false);
  const leaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const close = () => {
    setPinned(false);
    setHovered(false);
  };
  // Escape closes the details wherever the focus is (Mantine only listens inside the dropdown).
  useWindowEvent('keydown', (e) => {
    if (e.key === 'Escape' && (pinned || hovered)) close();
  });
  const s = status.data;
  if (!s) return status.isPending ? <Loader size="xs" aria-label="Checking the sync state" /> : null;

  const look = SYNC_STATES[s.state];
  const Icon = ICONS[s.state];
  const synced = syncedText(s, now);
  const opened = pinned || hovered;
  const hover = (on: boolean) => {
    if (leaveTimer.current) clearTimeout(leaveTimer.current);
    leaveTimer.current = null;
    if (on) setHovered(true);
    else leaveTimer.current = setTimeout(() => setHovered(false), 200);
  };

  return (
    <Group gap={8} wrap="nowrap">
      {s.needsAttention > 0 && <AttentionBadge count={s.needsAttention} />}
      <Popover
        opened={opened}
        onChange={(o) => {
          if (!o) close();
        }}
        onDismiss={close}
        width={420}
        position="bottom-end"
        shadow="md"
        withArrow
      >
        <Popover.Target>
          <UnstyledButton
            onClick={() => setPinned((p) => !p)}
            onMouseEnter={() => hover(true)}
            onMouseLeave={() => hover(false)}
            aria-label={`Sync status: ${look.word}. ${synced}. ${pendingText(s.pendingMutations)}.`}
            aria-expanded={opened}
            data-testid="sync-indicator"
            data-state={s.state}
            px={8}
            py={4}
            style={{ borderRadius: 'var(--mantine-radius-md)', border: `1px solid var(--mantine-color-${look.color}-3)` }}
          >
            <Group gap={8} wrap="nowrap">
              <Badge variant="light" color={look.color} leftSection={<Icon size={12} />}>
                {look.word}
              </Badge>
              <Stack gap={0}>
                <Text size="xs" c="dimmed" lh={1.2}>
                  {synced}
                </Text>
                {s.pendingMutations > 0 && (
                  <Text size="xs" fw={600} c="orange.8" lh={1.2} data-testid="pending-changes">
                    {pendingText(s.pendingMutations)}
                  </Text>
                )}
              </Stack>
            </Group>
          </UnstyledButton>
        </Popover.Target>
        <Popover.Dropdown onMouseEnter={() => hover(true)} onMouseLeave={() => hover(false)} mah="calc(100vh - 72px)" style={{ overflowY: 'auto' }}>
          <Stack gap="xs">
            <Group gap="xs">
              <Badge variant="filled" color={look.color} leftSection={<Icon size={12} />}>
                {look.word}
              </Badge>
              <Text size="sm" fw={600}>
                {synced}
              </Text>
            </Group>
            <Text size="sm">{look.explain}</Text>
            <Divider />
            <Table withRowBorders={false} verticalSpacing={2} fz="sm">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={150}>Server</Table.Th>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{s.serverUrl ?? 'None (this PC only)'}</Table.Td>
                </Table.Tr>
                {s.stationRole && (
                  <Table.Tr>
                    <Table.Th>This PC receives</Table.Th>
                    <Table.Td>{STATION_LABELS[s.stationRole]} data</Table.Td>
                  </Table.Tr>
                )}
                {s.lastSyncedAt && (
                  <Table.Tr>
                    <Table.Th>Last synced</Table.Th>
                    <Table.Td>{dateTime(s.lastSyncedAt)}</Table.Td>
                  </Table.Tr>
                )}
                <Table.Tr>
                  <Table.Th>Waiting to send</Table.Th>
                  <Table.Td>{pendingText(s.pendingMutations)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>Needs attention</Table.Th>
                  <Table.Td>
                    {s.needsAttention > 0 ? (
                      <Anchor component={Link} to="/inbox" onClick={close} c="red.8" fw={600}>
                        {attentionText(s.needsAttention)}
                      </Anchor>
                    ) : (
                      attentionText(0)
                    )}
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            {s.shapes.length > 0 && (
              <>
                <Divider label="Tables" labelPosition="left" />
                <Table verticalSpacing={1} fz="xs" aria-label="Tables synced">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Table</Table.Th>
                      <Table.Th ta="right">Rows received</Table.Th>
                      <Table.Th>State</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.shapes.map((shape) => (
                      <Table.Tr key={shape.name}>
                        <Table.Td>{shapeLabel(shape.name)}</Table.Td>
                        <Table.Td ta="right">{shape.rows.toLocaleString('en-IN')}</Table.Td>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>
                          <Text span size="xs" c={shape.upToDate && s.state !== 'revoked' ? 'teal.8' : 'orange.8'} fw={500}>
                            {tableState(s.state, shape.upToDate)}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </>
            )}
          </Stack>
        </Popover.Dropdown>
      </Popover>
    </Group>
  );
}
