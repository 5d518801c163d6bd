import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import type { Appointment, AppointmentStatusName, AppointmentTransition } from '../../../../src-shared/api/types';
import { APPOINTMENT_EVENTS } from '../../../../src-shared/api/contract';
import { formatDisplayInstant, todayIn } from '../../../../src-shared/dates';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { useAppointment } from '../../api/queries';
import { useSession } from '../../app/auth';
import { displayDate } from '../../lib/format';
import { EVENT_BUTTONS, slotTime, STATUS_STYLE, TYPE_LABELS } from '../../lib/appointments';
import { FreeSlotPicker } from './FreeSlotPicker';
import { BillVisitButton } from '../billing/BillVisitButton';

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
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [moving, setMoving] = useState(false);
  const [newDate, setNewDate] = useState<string | null>(appt.date);
  const [newStart, setNewStart] = useState<number | null>(null);

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
    if (!newDate || newStart === null) return setError('Choose the new date, then one of the free slots.');
    setBusy('reschedule');
    setError(null);
    try {
      await api.call('appointments.reschedule', { id: appt.id, date: newDate, startMinutes: newStart, reason: reason.trim() === '' ? null : reason });
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
        <Paper withBorder p="sm" radius="sm" component="section" aria-label="Reschedule">
          <Stack gap="xs">
            <Group align="flex-end" gap="xs">
              <DateInput
                label="New date"
                valueFormat="DD-MM-YYYY"
                w={140}
                value={newDate}
                onChange={(d) => {
                  setNewDate(d);
                  setNewStart(null);
                }}
                minDate={todayIn(session.clinic.timezone)}
                popoverProps={{ withinPortal: true }}
                data-autofocus
              />
              <TextInput label="Reason (optional)" style={{ flex: 1 }} maw={320} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            </Group>
            <FreeSlotPicker doctorId={appt.doctorId} date={newDate} exclude={appt} value={newStart} onChange={setNewStart} />
            <Group gap="xs" justify="flex-end">
              <Button variant="subtle" color="gray" onClick={() => setMoving(false)}>
                Back
              </Button>
              <Button loading={busy === 'reschedule'} onClick={() => void reschedule()}>
                {newStart === null || !newDate ? 'Move appointment' : `Move to ${displayDate(newDate)} ${formatMinutes(newStart)}`}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}

/** "11:00 on 03-03-2026" from a reschedule's details ({date, start}); null when they are missing. */
function whenText(v: unknown): string | null {
  const o = v as { date?: unknown; start?: unknown } | null | undefined;
  if (!o || typeof o.date !== 'string') return null;
  return typeof o.start === 'string' ? `${o.start} on ${displayDate(o.date)}` : displayDate(o.date);
}

/** "Booked → Checked in", or for a reschedule "Rescheduled from 11:00 on 03-03-2026 to 11:30 on 03-03-2026 (Booked)". */
function changeText(t: AppointmentTransition): string {
  const to = STATUS_STYLE[t.toStatus].label;
  if (t.event !== 'appointment.reschedule') return t.fromStatus ? `${STATUS_STYLE[t.fromStatus].label} → ${to}` : to;
  const status = t.fromStatus && t.fromStatus !== t.toStatus ? `${STATUS_STYLE[t.fromStatus].label} → ${to}` : to;
  const before = whenText(t.details?.from);
  const after = whenText(t.details?.to);
  return `Rescheduled${before && after ? ` from ${before} to ${after}` : ''} (${status})`;
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
              <Table.Td>{changeText(t)}</Table.Td>
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
              <Group gap="xs">
                <BillVisitButton appointmentId={a.id} status={a.status} size="xs" />
                <StatusBadge status={a.status} />
              </Group>
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
