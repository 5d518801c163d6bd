import { Group, Loader, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconPencil } from '@tabler/icons-react';
import { useSession } from '../../app/auth';
import { clockTime, type SaveState } from './ConsultAutosave';

/** "Saved 10:42:07" / "Saving…" / "Not saved — reason", announced politely to screen readers. */
export function ConsultSaveStatus({ state, label }: { state: SaveState; label: string }) {
  const session = useSession();
  const tz = session.clinic.timezone;
  let body;
  switch (state.kind) {
    case 'idle':
      body = null;
      break;
    case 'pending':
      body = (
        <>
          <IconPencil size={14} />
          <Text size="xs" c="dimmed">
            Changes not saved yet
          </Text>
        </>
      );
      break;
    case 'saving':
      body = (
        <>
          <Loader size={12} />
          <Text size="xs" c="dimmed">
            Saving…
          </Text>
        </>
      );
      break;
    case 'saved':
      body = (
        <>
          <IconCheck size={14} color="var(--mantine-color-teal-7)" />
          <Text size="xs" c="teal.8">
            Saved {clockTime(state.at, tz)}
          </Text>
          {state.held && (
            <Text size="xs" c="orange.8">
              · {state.held}
            </Text>
          )}
        </>
      );
      break;
    case 'error':
      body = (
        <>
          <IconAlertTriangle size={14} color="var(--mantine-color-red-7)" />
          <Tooltip label="What you typed is still here and kept on this PC; it is saved as soon as this is put right." multiline w={260}>
            <Text size="xs" c="red.8" fw={500}>
              Not saved — {state.message}
            </Text>
          </Tooltip>
        </>
      );
      break;
  }
  return (
    <Group gap={4} wrap="nowrap" role="status" aria-label={label} aria-live="polite" mih={18}>
      {body}
    </Group>
  );
}
