import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import type { Appointment, AppointmentStatusName } from '../../../../src-shared/api/types';
import { APPOINTMENT_EVENTS } from '../../../../src-shared/api/contract';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { api, errorBody } from '../../api/client';
import { useAppointment } from '../../api/queries';
import { useSession } from '../../app/auth';
import { displayDate } from '../../lib/format';
import { EVENT_BUTTONS, parseTime, slotTime, STATUS_STYLE, TYPE_LABELS } from '../../lib/appointments';

type TransitionEvent = (typeof APPOINTMENT_EVENTS)[number];

export function StatusBadge({ status }: { status: AppointmentStatusName }) {
  const s = STATUS_STYLE[status];
  return (
    <Badge color={s.color} variant="filled" data-testid="status-badge">
      {s.label}
    </Badge>
  );
}

function messageOf(e: unknown): string {
  const body = errorBody(e);
  return [body.message, ...Object.values(body.fields ?? {})].join(' ');
}

function Actions({ appt }: { appt: Appointment }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [moving, setMoving] = useState(false);
  const [newDate, setNewDate] = useState<string | null>(appt.date);
  const [newTime, setNewTime] = useState('');

  const send = async (event: string, why?: string) => {
    setBusy(event);
    setError(null);
    try {
      await api.call('appointments.transition', { id: appt.id, event: event as TransitionEvent, reason: why ?? null });
      setAsking(null);
      setReason('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };
  const reschedule = async () => {
    const m = parseTime(newTime);
    if (!newDate || m === null) return setError('Choose the new date and type the slot time as HH:mm.');
    setBusy('reschedule');
    setError(null);
    try {
      await api.call('appointments.reschedule', { id: appt.id, date: newDate, startMinutes: m, reason: reason.trim() === '' ? null : reason });
      setMoving(false);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  const events = appt.allowedEvents.filter((e) => e !== 'appointment.reschedule');
  const canMove = appt.allowedEvents.includes('appointment.reschedule');
  const asked = asking ? EVENT_BUTTONS[asking] : null;
  return (
    <Stack gap="xs">
      {error && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setError(null)} closeButtonLabel="Dismiss">
          {error}
        </Alert>
      )}
      {(events.length > 0 || canMove) && (
        <Group gap="xs" aria-label="Actions" role="group">
          {events.map((ev) => {
            const b = EVENT_BUTTONS[ev] ?? { label: ev, color: 'gray' };
            return (
              <Button
                key={ev}
                color={b.color}
                variant={b.needsReason ? 'light' : 'filled'}
                loading={busy === ev}
                onClick={() => (b.needsReason ? (setAsking(ev), setMoving(false)) : void send(ev))}
              >
                {b.label}
              </Button>
            );
          })}
          {canMove && (
            <Button variant="default" onClick={() => (setMoving(true), setAsking(null))}>
              Reschedule
            </Button>
          )}
        </Group>
      )}
      {asking && asked && (
        <Paper withBorder p="sm" radius="sm">
          <Group align="flex-end" gap="xs">
            <TextInput
              label="Reason"
              description="At least 3 characters; it is kept in the timeline"
              style={{ flex: 1 }}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              data-autofocus
              autoFocus
              onKeyDown={(e) => {
                if (e.key === 'Enter') void send(asking, reason);
              }}
            />
            <Button color={asked.color} loading={busy === asking} onClick={() => void send(asking, reason)}>
              {asked.label} with this reason
            </Button>
            <Button variant="subtle" color="gray" onClick={() => setAsking(null)}>
              Back
            </Button>
          </Group>
        </Paper>
      )}
      {moving && (
        <Paper withBorder p="sm" radius="sm">
          <Group align="flex-end" gap="xs">
            <DateInput label="New date" valueFormat="DD-MM-YYYY" w={140} value={newDate} onChange={setNewDate} popoverProps={{ withinPortal: true }} />
            <TextInput label="New slot time" placeholder="HH:mm" w={110} value={newTime} onChange={(e) => setNewTime(e.currentTarget.value)} />
            <TextInput label="Reason (optional)" w={180} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Button loading={busy === 'reschedule'} onClick={() => void reschedule()}>
              Move appointment
            </Button>
            <Button variant="subtle" color="gray" onClick={() => setMoving(false)}>
              Back
            </Button>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

function Timeline({ appt, timeZone }: { appt: Appointment; timeZone: string }) {
  return (
    <div>
      <Title order={4} fz="sm" mb={4}>
        Timeline
      </Title>
      <Table fz="sm" striped aria-label="Timeline" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Who</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {appt.timeline.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDisplayInstant(t.at, timeZone)}</Table.Td>
              <Table.Td>{t.userName}</Table.Td>
              <Table.Td>
                {t.fromStatus ? `${STATUS_STYLE[t.fromStatus].label} → ` : ''}
                {STATUS_STYLE[t.toStatus].label}
              </Table.Td>
              <Table.Td>{t.reason ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** One appointment: who, when, its status, exactly the actions allowed now, and its timeline. */
export function AppointmentDialog({ id, onClose }: { id: string; onClose: () => void }) {
  const appt = useAppointment(id);
  const session = useSession();
  const a = appt.data;
  return (
    <Modal opened onClose={onClose} title="Appointment" size="xl">
      {appt.isPending ? (
        <Center py="lg">
          <Loader />
        </Center>
      ) : appt.isError || !a ? (
        <Alert color="red">{errorBody(appt.error).message}</Alert>
      ) : (
        <Stack gap="sm">
          <Group justify="space-between" align="flex-start">
            <div>
              <Text fw={700} fz="lg" data-testid="appointment-patient">
                {a.patientName}
              </Text>
              <Text size="sm" c="dimmed">
                {a.patientMrn} · {TYPE_LABELS[a.type]}
              </Text>
            </div>
            <Stack gap={4} align="flex-end">
              <StatusBadge status={a.status} />
              {a.token !== null && (
                <Text fw={700} c="teal.8">
                  Token {a.token}
                </Text>
              )}
            </Stack>
          </Group>
          <Text size="sm">
            {displayDate(a.date)} · {slotTime(a)}
            {a.holdExpiresAt && a.status === 'tentative' ? ` · hold ends ${formatDisplayInstant(a.holdExpiresAt, session.clinic.timezone)}` : ''}
          </Text>
          {a.deskNotes && (
            <Text size="sm">
              <b>Notes for the desk:</b> {a.deskNotes}
            </Text>
          )}
          {a.cancelReason && a.status === 'cancelled' && (
            <Text size="sm">
              <b>Cancelled:</b> {a.cancelReason}
            </Text>
          )}
          <Actions key={`${a.status}-${a.updatedAt}`} appt={a} />
          <Timeline appt={a} timeZone={session.clinic.timezone} />
        </Stack>
      )}
    </Modal>
  );
}
