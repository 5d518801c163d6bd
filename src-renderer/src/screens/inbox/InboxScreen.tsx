import { useId, useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Center, Collapse, Group, Loader, Modal, Paper, Stack, Table, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconAlertTriangle, IconChevronDown, IconChevronRight, IconCircleCheck, IconPlugConnectedX } from '@tabler/icons-react';
import type { InboxAction, InboxItem } from '../../../../src-shared/api/types';
import { api, errorBody } from '../../api/client';
import { useInbox } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { INBOX_ACTIONS, INBOX_RESOLUTIONS } from '../../lib/inbox';
import { agoAndAt } from '../../lib/sync';
import { useNow } from '../../lib/useNow';

/**
 * #/inbox — "Needs attention": changes made on this PC that the clinic server refused (e.g. a slot booked
 * from another desk while this PC was offline). Each shows what it was, why, who made it and what was typed,
 * with the ways the core offers to deal with it; resolved ones stay below as history.
 */
export function InboxScreen() {
  const inbox = useInbox();
  const now = useNow(30_000);
  const open = inbox.data?.filter((i) => !i.resolvedAt) ?? [];
  const resolved = inbox.data?.filter((i) => i.resolvedAt) ?? [];

  return (
    <>
      <PageHeader
        title="Needs attention"
        subtitle="Changes made on this PC that the clinic server could not accept. Nothing typed is lost: choose what to do with each one."
      />
      {inbox.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading what needs attention" />
        </Center>
      ) : inbox.isError ? (
        <Alert color="red" icon={<IconPlugConnectedX size={18} />} role="alert" title="This list could not be shown">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{errorBody(inbox.error).message}</Text>
            <Button size="compact-sm" variant="light" onClick={() => void inbox.refetch()} loading={inbox.isFetching}>
              Try again
            </Button>
          </Stack>
        </Alert>
      ) : (
        <Stack gap="xl" maw={900}>
          <Section title="To deal with" count={open.length} color="red">
            {open.length === 0 ? (
              <Paper withBorder radius="md" p="lg">
                <Group gap="sm">
                  <ThemeIcon color="teal" variant="light" radius="xl" size="lg">
                    <IconCircleCheck size={20} />
                  </ThemeIcon>
                  <div>
                    <Text fw={600}>Nothing needs attention.</Text>
                    <Text size="sm" c="dimmed">
                      Every change made on this PC has been accepted by the clinic server or is waiting to be sent.
                    </Text>
                  </div>
                </Group>
              </Paper>
            ) : (
              open.map((item) => <OpenItem key={item.id} item={item} now={now} />)
            )}
          </Section>
          <Section title="Resolved" count={resolved.length} color="gray">
            {resolved.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing resolved yet. Once an item is dealt with, it stays here with who resolved it, how and when.
              </Text>
            ) : (
              resolved.map((item) => <ResolvedItem key={item.id} item={item} now={now} />)
            )}
          </Section>
        </Stack>
      )}
    </>
  );
}

function Section({ title, count, color, children }: { title: string; count: number; color: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <Group gap="xs" mb="sm">
        <Title order={3} fz="lg" id={id}>
          {title}
        </Title>
        <Badge color={count > 0 ? color : 'gray'} variant={count > 0 && color === 'red' ? 'filled' : 'light'} aria-hidden>
          {count}
        </Badge>
      </Group>
      <Stack gap="md">{children}</Stack>
    </section>
  );
}

/** Who made the change and when, and when the server's refusal came back. */
function MadeLine({ item, now }: { item: InboxItem; now: number }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        Made by <b>{item.madeBy}</b> on this PC, {agoAndAt(item.madeAt, now)}.
      </Text>
      <Text size="sm" c="dimmed">
        Refused by the clinic server {agoAndAt(item.receivedAt, now)}.
      </Text>
    </Stack>
  );
}

/** What was typed, field by field: hidden until asked for, so the list stays short. */
function TypedValues({ item }: { item: InboxItem }) {
  const [shown, setShown] = useState(false);
  const id = useId();
  if (item.typed.length === 0) return null;
  return (
    <div>
      <UnstyledButton onClick={() => setShown((s) => !s)} aria-expanded={shown} aria-controls={id} c="clinic.8" fz="sm" fw={500}>
        <Group gap={4} wrap="nowrap">
          {shown ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          What was typed
        </Group>
      </UnstyledButton>
      <Collapse in={shown} id={id}>
        <Table withTableBorder withColumnBorders={false} verticalSpacing={4} fz="sm" mt={6} maw={560} aria-label="What was typed">
          <Table.Tbody>
            {item.typed.map((t) => (
              <Table.Tr key={t.label}>
                <Table.Th w={180} fw={500} c="dimmed">
                  {t.label}
                </Table.Th>
                <Table.Td>{t.value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Collapse>
    </div>
  );
}

/** The notification showing the last item's outcome. */
let lastNote: string | null = null;

function OpenItem({ item, now }: { item: InboxItem; now: number }) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const resolve = useMutation({
    mutationFn: (action: InboxAction) => api.call('inbox.resolve', { id: item.id, action }),
    onSuccess: (done) => {
      setConfirmDiscard(false);
      const look = done.resolution ? INBOX_RESOLUTIONS[done.resolution] : null;
      // One at a time: the latest outcome replaces the one before (each stays in the Resolved list).
      if (lastNote) notifications.hide(lastNote);
      lastNote = notifications.show({ color: look?.color ?? 'teal', title: look?.title ?? 'Done', message: done.resolutionNote ?? done.title, autoClose: 10_000 });
      // The core's change events refresh these too; asking at once keeps this screen from lagging behind.
      for (const entity of ['inbox', 'sync', ...(done.resolution === 'rebooked' ? ['appointments'] : [])]) void queryClient.invalidateQueries({ queryKey: [entity] });
    },
  });
  const act = (action: InboxAction) => {
    if (resolve.isPending) return;
    if (action === 'discard' && !confirmDiscard) return setConfirmDiscard(true);
    resolve.mutate(action);
  };
  const failure = resolve.isError ? errorBody(resolve.error).message : null;

  return (
    <Paper component="article" aria-labelledby={titleId} withBorder radius="md" p="md" style={{ borderLeft: '4px solid var(--mantine-color-red-6)' }}>
      <Stack gap="sm">
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <IconAlertTriangle size={20} color="var(--mantine-color-red-7)" style={{ flexShrink: 0, marginTop: 2 }} aria-hidden />
          <Title order={4} fz="md" id={titleId}>
            {item.title}
          </Title>
        </Group>
        <Text size="sm">{item.explanation}</Text>
        <MadeLine item={item} now={now} />
        <TypedValues item={item} />
        {!confirmDiscard && <ApiErrorAlert message={failure} onClose={() => resolve.reset()} />}
        {item.actions.length > 0 && (
          <Group gap="sm" role="group" aria-label="What to do">
            {item.actions.map((a) => {
              const look = INBOX_ACTIONS[a];
              return (
                <Button
                  key={a}
                  color={look.color}
                  variant={look.variant}
                  loading={resolve.isPending && resolve.variables === a}
                  disabled={resolve.isPending && resolve.variables !== a}
                  onClick={() => act(a)}
                >
                  {look.label}
                </Button>
              );
            })}
          </Group>
        )}
      </Stack>
      <Modal
        opened={confirmDiscard}
        onClose={() => {
          if (resolve.isPending) return;
          setConfirmDiscard(false);
          resolve.reset();
        }}
        title="Discard this change?"
        centered
      >
        <Stack>
          <Text size="sm" fw={500}>
            {item.title}
          </Text>
          <Text size="sm">
            The change will not be made, and this cannot be undone. What was typed stays in the Resolved list on this screen.
          </Text>
          <ApiErrorAlert message={failure} />
          <Group justify="flex-end">
            <Button
              variant="default"
              disabled={resolve.isPending}
              onClick={() => {
                setConfirmDiscard(false);
                resolve.reset();
              }}
            >
              Go back
            </Button>
            <Button color="red" loading={resolve.isPending} onClick={() => resolve.mutate('discard')}>
              Discard change
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function ResolvedItem({ item, now }: { item: InboxItem; now: number }) {
  const titleId = useId();
  const look = item.resolution ? INBOX_RESOLUTIONS[item.resolution] : null;
  return (
    <Paper component="article" aria-labelledby={titleId} withBorder radius="md" p="md" bg="gray.0">
      <Stack gap={6}>
        <Group gap="xs" justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={4} fz="sm" id={titleId}>
            {item.title}
          </Title>
          {look && (
            <Badge color={look.color} variant="light" style={{ flexShrink: 0 }}>
              {look.word}
            </Badge>
          )}
        </Group>
        {item.resolutionNote && (
          <Text size="sm" fw={500}>
            {item.resolutionNote}
          </Text>
        )}
        <Text size="sm">
          {look ? look.word : 'Resolved'} by <b>{item.resolvedBy ?? 'someone'}</b>
          {item.resolvedAt ? `, ${agoAndAt(item.resolvedAt, now)}` : ''}.
        </Text>
        <Text size="sm" c="dimmed">
          Why it needed attention: {item.explanation}
        </Text>
        <MadeLine item={item} now={now} />
        <TypedValues item={item} />
      </Stack>
    </Paper>
  );
}
