import { useMemo, useState, type ReactNode } from 'react';
import { Alert, Anchor, Badge, Center, Chip, Group, Loader, Paper, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconFileInvoice, IconFlask, IconPaperclip, IconPill, IconSalad, IconSearch, IconStethoscope } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from '../../../../src-shared/api/consult';
import { api, errorBody } from '../../api/client';
import { useCan } from '../../app/Guard';
import { displayDate } from '../../lib/format';
import { money, STATUS_COLORS as BILL_STATUS_COLORS, STATUS_LABELS as BILL_STATUS_LABELS } from '../../lib/billing';
import { STATUS_STYLE } from '../../lib/appointments';

/**
 * The patient's history (issue 7): visits, prescriptions, diet plans, lab results, attached documents and bills, newest first,
 * grouped by day. It shows what the server sends for the signed-in role and nothing more: clinical lines only
 * reach doctors and administrators, bill amounts only accounts and administrators (src-shared/api/consult.ts).
 */

/** Under 'consult': the core's 'consult' change events (notes, prescriptions, labs) refresh it. */
export const historyKey = (patientId: string, kinds: readonly TimelineKind[] | null, search: string) => ['consult', 'history', patientId, kinds, search] as const;

const KIND_LABELS: Record<TimelineKind, string> = {
  visit: 'Visits',
  prescription: 'Prescriptions',
  diet: 'Diet plans',
  lab: 'Labs',
  document: 'Documents',
  invoice: 'Bills',
};

const KIND_ICONS: Record<TimelineKind, { icon: ReactNode; color: string }> = {
  visit: { icon: <IconStethoscope size={15} />, color: 'blue' },
  prescription: { icon: <IconPill size={15} />, color: 'grape' },
  diet: { icon: <IconSalad size={15} />, color: 'lime' },
  lab: { icon: <IconFlask size={15} />, color: 'cyan' },
  document: { icon: <IconPaperclip size={15} />, color: 'indigo' },
  invoice: { icon: <IconFileInvoice size={15} />, color: 'orange' },
};

/** Kinds a role never receives (the server leaves them out) are not offered as filters either. */
const CLINICAL_KINDS: ReadonlySet<TimelineKind> = new Set<TimelineKind>(['prescription', 'diet', 'lab', 'document']);

function statusBadge(e: TimelineEntry): { label: string; color: string } | null {
  if (!e.status) return null;
  const s = e.status;
  if (e.kind === 'invoice') {
    const key = s as keyof typeof BILL_STATUS_COLORS;
    return { label: BILL_STATUS_LABELS[key] ?? s, color: BILL_STATUS_COLORS[key] ?? 'gray' };
  }
  if (e.kind === 'visit') {
    const appt = STATUS_STYLE[s as keyof typeof STATUS_STYLE];
    if (appt) return appt;
    if (s === 'note signed') return { label: 'Note signed', color: 'teal' };
    if (s === 'note in draft') return { label: 'Note in draft', color: 'yellow' };
    if (s === 'no note') return { label: 'No note', color: 'gray' };
  }
  if (e.kind === 'lab') {
    if (s === 'ordered') return { label: 'Awaiting result', color: 'yellow' };
    if (s === 'resulted') return null;
    if (s === 'cancelled') return { label: 'Cancelled', color: 'gray' };
  }
  if (s === 'signed') return { label: 'Signed', color: 'teal' };
  if (s === 'draft') return { label: 'Draft', color: 'yellow' };
  return { label: s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' '), color: 'gray' };
}

function EntryLink({ entry, patientId, children }: { entry: TimelineEntry; patientId: string; children: ReactNode }) {
  const can = useCan();
  let to: string | null = null;
  if ((entry.kind === 'visit' || entry.kind === 'document') && entry.appointmentId && can('consult.visit')) to = `/consult/${entry.appointmentId}`;
  else if ((entry.kind === 'prescription' || entry.kind === 'diet') && can('prescriptions.print')) to = `/print/prescription/${entry.id}`;
  else if (entry.kind === 'lab' && can('labs.list')) to = `/labs/${patientId}`;
  else if (entry.kind === 'invoice' && can('invoices.get')) to = `/billing/${entry.id}`;
  if (!to) return <>{children}</>;
  return (
    <Anchor component={Link} to={to} inherit c="inherit" underline="hover">
      {children}
    </Anchor>
  );
}

function Entry({ entry, patientId }: { entry: TimelineEntry; patientId: string }) {
  const badge = statusBadge(entry);
  const look = KIND_ICONS[entry.kind];
  return (
    <Group align="flex-start" gap="sm" wrap="nowrap" data-testid="timeline-entry" data-kind={entry.kind} role="listitem" aria-label={entry.title}>
      <ThemeIcon variant="light" color={entry.abnormal ? 'red' : look.color} radius="xl" size={28} aria-hidden>
        {look.icon}
      </ThemeIcon>
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={600}>
            <EntryLink entry={entry} patientId={patientId}>
              {entry.title}
            </EntryLink>
          </Text>
          {badge && (
            <Badge size="sm" variant="light" color={badge.color} tt="none">
              {badge.label}
            </Badge>
          )}
          {entry.abnormal && (
            <Badge size="sm" color="red" variant="filled" leftSection={<IconAlertTriangle size={11} />} tt="none">
              Abnormal
            </Badge>
          )}
          {entry.amountPaise !== undefined && (
            <Text size="sm" fw={600} ml="auto" data-testid="timeline-amount">
              {money(entry.amountPaise)}
            </Text>
          )}
        </Group>
        {entry.doctorName && entry.kind !== 'visit' && (
          <Text size="xs" c="dimmed">
            {entry.doctorName}
          </Text>
        )}
        {entry.details?.map((line, i) => (
          <Text key={i} size="sm" c={entry.abnormal ? 'red.8' : undefined} fw={entry.abnormal ? 600 : undefined}>
            {line}
          </Text>
        ))}
      </Stack>
    </Group>
  );
}

/** Entries by day, newest day first (the server's order kept within a day); undated ones last. */
function byDay(entries: TimelineEntry[]): Array<{ date: string; entries: TimelineEntry[] }> {
  const groups: Array<{ date: string; entries: TimelineEntry[] }> = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    if (last && last.date === e.date) last.entries.push(e);
    else groups.push({ date: e.date, entries: [e] });
  }
  return groups;
}

/** The patient's history timeline, with filters by kind and a search box. */
export function HistoryTimeline({ patientId }: { patientId: string }) {
  const can = useCan();
  const offered = useMemo(() => TIMELINE_KINDS.filter((k) => can('labs.list') || !CLINICAL_KINDS.has(k)), [can]);
  const [chosen, setChosen] = useState<string[]>(() => [...offered]);
  const [searchText, setSearchText] = useState('');
  const [search] = useDebouncedValue(searchText.trim(), 300);
  const kinds = offered.filter((k) => chosen.includes(k));
  const allKinds = kinds.length === offered.length;
  const history = useQuery({
    queryKey: historyKey(patientId, allKinds ? null : kinds, search),
    queryFn: () => api.call('consult.history', { patientId, ...(allKinds ? {} : { kinds }), ...(search ? { search } : {}) }),
    enabled: kinds.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  let body: ReactNode;
  if (kinds.length === 0) {
    body = (
      <Text c="dimmed" size="sm">
        Choose at least one kind of record to show.
      </Text>
    );
  } else if (history.isPending) {
    body = (
      <Center py="md">
        <Loader size="sm" aria-label="Loading the history" />
      </Center>
    );
  } else if (history.isError) {
    body = <Alert color="red">{errorBody(history.error).message}</Alert>;
  } else if (history.data.length === 0) {
    body = (
      <Text c="dimmed" size="sm">
        {search ? `Nothing in the history matches “${search}”.` : 'Nothing recorded yet.'}
      </Text>
    );
  } else {
    body = (
      <Stack gap="md" data-testid="history-timeline" style={{ opacity: history.isPlaceholderData ? 0.6 : 1 }}>
        {byDay(history.data).map((g) => (
          <section key={g.date || 'undated'} aria-label={g.date ? displayDate(g.date) : 'Date not recorded'}>
            <Text size="xs" fw={700} c="dimmed" tt="uppercase" lts={0.3} mb={6}>
              {g.date ? displayDate(g.date) : 'Date not recorded'}
            </Text>
            <Stack gap={10} role="list" pl={4} style={{ borderLeft: '2px solid var(--mantine-color-gray-3)', paddingLeft: 12 }}>
              {g.entries.map((e) => (
                <Entry key={`${e.kind}-${e.id}`} entry={e} patientId={patientId} />
              ))}
            </Stack>
          </section>
        ))}
      </Stack>
    );
  }

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Patient history">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" gap="sm">
          <Title order={3} fz="md">
            Medical and visit history
          </Title>
          <TextInput
            aria-label="Search the history"
            placeholder={can('labs.list') ? 'Search: diagnosis, drug, test…' : 'Search the history'}
            leftSection={<IconSearch size={15} />}
            size="xs"
            w={260}
            value={searchText}
            onChange={(e) => setSearchText(e.currentTarget.value)}
            maxLength={80}
          />
        </Group>
        <Chip.Group multiple value={chosen} onChange={setChosen}>
          <Group gap={6} role="group" aria-label="Show">
            {offered.map((k) => (
              <Chip key={k} value={k} size="xs" variant="light">
                {KIND_LABELS[k]}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        {body}
      </Stack>
    </Paper>
  );
}
