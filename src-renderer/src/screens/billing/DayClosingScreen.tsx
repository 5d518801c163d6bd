import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { PAYMENT_MODE_LABELS, type DayClosingView } from '../../../../src-shared/api/billing';
import { formatDisplayInstant, todayIn } from '../../../../src-shared/dates';
import { api, errorBody } from '../../api/client';
import { billingKeys, useDayClosing } from '../../api/billing';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { displayDate } from '../../lib/format';
import { money, parseNetRupees } from '../../lib/billing';

const MODES = ['cash', 'card', 'upi', 'online'] as const;
type Mode = (typeof MODES)[number];
const COUNTED_LABELS: Record<Mode, string> = { cash: 'Cash counted (₹)', card: 'Card slips total (₹)', upi: 'UPI received (₹)', online: 'Online received (₹)' };

function PaymentsOfDay({ day, timeZone }: { day: DayClosingView; timeZone: string }) {
  if (day.payments.length === 0) return <Text size="sm" c="dimmed">No money taken or paid out by you at this PC on this day.</Text>;
  return (
    <Table fz="sm" aria-label="Payments of the day">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Mode</Table.Th>
          <Table.Th ta="right">Amount</Table.Th>
          <Table.Th>Reference</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {day.payments.map((p) => (
          <Table.Tr key={p.id}>
            <Table.Td>{formatDisplayInstant(p.receivedAt, timeZone)}</Table.Td>
            <Table.Td>{p.kind === 'refund' ? 'Refund' : p.kind === 'advance' ? 'Advance' : 'Payment'}</Table.Td>
            <Table.Td>{PAYMENT_MODE_LABELS[p.mode]}</Table.Td>
            <Table.Td ta="right">{money(p.kind === 'refund' ? -p.amountPaise : p.amountPaise)}</Table.Td>
            <Table.Td>{p.reference ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Closed({ day }: { day: DayClosingView }) {
  const session = useSession();
  const c = day.closed!;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Closed day">
      <Group gap="xs" mb="sm">
        <IconLock size={18} />
        <Title order={3} fz="md">
          Closed {formatDisplayInstant(c.closedAt, session.clinic.timezone)}
        </Title>
        <Badge color="gray">Locked</Badge>
      </Group>
      <Table fz="sm" aria-label="Closing" maw={640}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Mode</Table.Th>
            <Table.Th ta="right">Expected</Table.Th>
            <Table.Th ta="right">Counted</Table.Th>
            <Table.Th ta="right">Difference</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {MODES.map((m) => (
            <Table.Tr key={m}>
              <Table.Td>{PAYMENT_MODE_LABELS[m]}</Table.Td>
              <Table.Td ta="right">{money(day.expected[m])}</Table.Td>
              <Table.Td ta="right">{money(c.counted[m])}</Table.Td>
              <Table.Td ta="right">{money(c.counted[m] - day.expected[m])}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text mt="sm" fw={600} data-testid="closing-difference">
        {c.differencePaise === 0 ? 'No difference: the count matched the bills.' : `Difference ${money(c.differencePaise)}`}
      </Text>
      {c.reason && <Text size="sm">Reason: {c.reason}</Text>}
    </Paper>
  );
}

function OpenDay({ day }: { day: DayClosingView }) {
  const queryClient = useQueryClient();
  const [counted, setCounted] = useState<Record<Mode, string>>({ cash: '', card: '', upi: '', online: '' });
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = Object.fromEntries(MODES.map((m) => [m, counted[m].trim() === '' ? 0 : parseNetRupees(counted[m])])) as Record<Mode, number | null>;
  const bad = MODES.filter((m) => parsed[m] === null);
  const difference = bad.length ? null : MODES.reduce((s, m) => s + (parsed[m]! - day.expected[m]), 0);

  const close = async () => {
    if (bad.length) return setError({ message: 'Enter each count in rupees (leave a mode empty for nothing; a minus sign when more went back than came in).', fields: {} });
    setBusy(true);
    setError(null);
    try {
      const closed = await api.call('dayClosing.close', {
        businessDate: day.businessDate,
        counted: { cash: parsed.cash!, card: parsed.card!, upi: parsed.upi!, online: parsed.online! },
        reason,
      });
      queryClient.setQueryData(billingKeys.day(day.businessDate), closed);
      notifications.show({ color: 'teal', title: 'Day closed', message: `${displayDate(day.businessDate)} is closed for you at this PC.` });
    } catch (e) {
      const body = errorBody(e);
      setError({ message: body.message, fields: body.fields ?? {} });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Count">
      <ApiErrorAlert message={error?.message ?? null} onClose={() => setError(null)} />
      <Table fz="sm" aria-label="Expected and counted" maw={720} mt="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Mode</Table.Th>
            <Table.Th ta="right">Expected from bills</Table.Th>
            <Table.Th>Counted</Table.Th>
            <Table.Th ta="right">Difference</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {MODES.map((m) => {
            const d = parsed[m] === null ? null : parsed[m]! - day.expected[m];
            return (
              <Table.Tr key={m}>
                <Table.Td>{PAYMENT_MODE_LABELS[m]}</Table.Td>
                <Table.Td ta="right" data-testid={`expected-${m}`}>
                  {money(day.expected[m])}
                </Table.Td>
                <Table.Td>
                  <TextInput size="xs" w={140} aria-label={COUNTED_LABELS[m]} placeholder="0" inputMode="decimal" value={counted[m]} onChange={(e) => setCounted({ ...counted, [m]: e.currentTarget.value })} error={parsed[m] === null ? 'Not an amount' : undefined} />
                </Table.Td>
                <Table.Td ta="right" c={d ? 'red' : undefined}>
                  {d === null ? '—' : money(d)}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {MODES.some((m) => day.expected[m] < 0) && (
        <Text size="sm" c="orange.8" mt="xs">
          More went out than came in by one mode today (refunds): count it against the drawer's opening float.
        </Text>
      )}
      <Text mt="sm" fw={600} data-testid="open-difference">
        {difference === null ? '' : difference === 0 ? 'The count matches the bills.' : `Difference ${money(difference)}: write down why.`}
      </Text>
      <Textarea
        label="Reason for the difference"
        description={difference ? 'Required when the count differs from the bills' : 'Only needed when the count differs'}
        autosize
        minRows={2}
        maw={720}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        error={error?.fields.reason}
        mt="xs"
      />
      <Group justify="flex-end" maw={720} mt="sm">
        <Button leftSection={<IconLock size={16} />} loading={busy} disabled={difference === null || (difference !== 0 && reason.trim().length < 1)} onClick={() => void close()}>
          Close the day
        </Button>
      </Group>
    </Paper>
  );
}

/** #/day-closing — the day's money by mode for the signed-in user at this PC, counted against the bills, then locked. */
export function DayClosingScreen() {
  const session = useSession();
  const today = todayIn(session.clinic.timezone);
  const [date, setDate] = useState(today);
  const day = useDayClosing(date);
  return (
    <>
      <PageHeader
        title="Day closing"
        subtitle={`${displayDate(date)}${date === today ? ' (today)' : ''} · your takings at this PC`}
        actions={<DateInput aria-label="Business date" valueFormat="DD-MM-YYYY" w={140} maxDate={today} value={date} onChange={(v) => v && setDate(v)} popoverProps={{ withinPortal: true }} />}
      />
      {day.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : day.isError ? (
        <Alert color="red">{errorBody(day.error).message}</Alert>
      ) : (
        <Stack gap="md">
          {day.data.closed ? <Closed day={day.data} /> : <OpenDay key={date} day={day.data} />}
          <Paper withBorder radius="md" p="md">
            <Title order={3} fz="md" mb="xs">
              Money in and out (desk {day.data.deskSeries})
            </Title>
            <PaymentsOfDay day={day.data} timeZone={session.clinic.timezone} />
          </Paper>
        </Stack>
      )}
    </>
  );
}
