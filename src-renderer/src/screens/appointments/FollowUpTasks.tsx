import { useState } from 'react';
import { Badge, Box, Button, Center, Group, Loader, Modal, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { IconCalendarPlus, IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FollowUpTask, TaskStatus } from '../../../../src-shared/api/consult';
import type { Appointment } from '../../../../src-shared/api/types';
import { todayIn } from '../../../../src-shared/dates';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { useDoctors } from '../../api/queries';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { addDays } from '../../lib/appointments';
import { displayDate, mobile } from '../../lib/format';
import { useNow } from '../../lib/useNow';
import { FreeSlotPicker } from './FreeSlotPicker';

/**
 * Follow-ups the doctors asked for (a follow-up date on a signed note, not booked from the note): the front desk
 * books each one from here, or closes it as not needed. The core emits 'tasks' after every change (here, on
 * another desk, or when a doctor signs), so LiveUpdates refreshes the list.
 */
export const tasksKey = (status: TaskStatus) => ['tasks', status] as const;

function useTasks(enabled: boolean) {
  return useQuery({ queryKey: tasksKey('open'), queryFn: () => api.call('tasks.list', { status: 'open' }), enabled, staleTime: 5_000 });
}

/** "02-03-2026 at 10:30" */
function when(a: Pick<Appointment, 'date' | 'startMinutes'>): string {
  return a.startMinutes === null ? displayDate(a.date) : `${displayDate(a.date)} at ${formatMinutes(a.startMinutes)}`;
}

/**
 * Books the follow-up (a confirmed follow-up visit in a free slot of the doctor, on or near the due date), then
 * closes the task with that appointment. Two calls: if the second fails, the appointment stands and pressing
 * the button again only closes the task (it never books twice).
 */
function BookTaskDialog({ task, onClose }: { task: FollowUpTask; onClose: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const doctors = useDoctors();
  const today = todayIn(session.clinic.timezone);
  const [doctorId, setDoctorId] = useState<string | null>(task.doctorId);
  const [date, setDate] = useState<string | null>(task.dueDate && task.dueDate >= today ? task.dueDate : today);
  const [start, setStart] = useState<number | null>(null);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const doctorOptions = (doctors.data ?? []).map((d) => ({ value: d.staffId, label: d.displayName }));
  if (task.doctorId && task.doctorName && !doctorOptions.some((o) => o.value === task.doctorId)) doctorOptions.unshift({ value: task.doctorId, label: task.doctorName });

  const moveDate = (d: string | null) => {
    setDate(d);
    setStart(null);
  };

  const done = async (appt: Appointment | null, message: string) => {
    await Promise.all([queryClient.invalidateQueries({ queryKey: ['tasks'] }), queryClient.invalidateQueries({ queryKey: ['appointments'] })]);
    notifications.show({ color: 'teal', title: appt ? 'Follow-up booked' : 'Follow-up', message });
    onClose();
  };

  const book = async () => {
    if (busy) return;
    if (!booked && (!doctorId || !date || start === null)) return setError('Choose the doctor, a date and one of the free slots.');
    setBusy(true);
    setError(null);
    let appt = booked;
    try {
      if (!appt) {
        appt = await api.call('appointments.book', { doctorId: doctorId!, patientId: task.patient.id, date: date!, startMinutes: start!, type: 'follow_up', mode: 'confirm' });
        setBooked(appt);
      }
    } catch (e) {
      setError(errorBody(e).message);
      setBusy(false);
      return;
    }
    try {
      await api.call('tasks.close', { id: task.id, appointmentId: appt.id });
      await done(appt, `${task.patient.fullName} is booked on ${when(appt)}.`);
    } catch (e) {
      const body = errorBody(e);
      if (body.reason === 'task_closed') {
        await done(appt, `${task.patient.fullName} is booked on ${when(appt)}. This follow-up had already been dealt with on another PC.`);
        return;
      }
      setError(`The appointment is booked (${when(appt)}), but this follow-up could not be ticked off: ${body.message} Press “Mark as booked” to try again; it will not book a second time.`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title="Book follow-up" size="lg">
      <Stack gap="sm">
        <Text size="sm">
          <b>{task.patient.fullName}</b> · {task.patient.mrn} · {mobile(task.patient.mobile)}
        </Text>
        <Text size="sm" c="dimmed">
          {task.title}
        </Text>
        {booked ? (
          <Text size="sm" fw={600}>
            Booked on {when(booked)}.
          </Text>
        ) : (
          <>
            <Group gap="xs" align="flex-end" wrap="wrap">
              <Select
                label="Doctor"
                w={220}
                data={doctorOptions}
                value={doctorId}
                onChange={(v) => {
                  setDoctorId(v);
                  setStart(null);
                }}
                allowDeselect={false}
                comboboxProps={{ withinPortal: true }}
              />
              <Button variant="default" aria-label="Day before" disabled={!date || date <= today} onClick={() => date && moveDate(addDays(date, -1))}>
                <IconChevronLeft size={16} />
              </Button>
              <DateInput label="Date" placeholder="dd-mm-yyyy" valueFormat="DD-MM-YYYY" w={140} minDate={today} value={date} onChange={moveDate} popoverProps={{ withinPortal: true }} />
              <Button variant="default" aria-label="Day after" disabled={!date} onClick={() => date && moveDate(addDays(date, 1))}>
                <IconChevronRight size={16} />
              </Button>
            </Group>
            {task.dueDate && (
              <Text size="xs" c="dimmed">
                The doctor asked for {displayDate(task.dueDate)}.
              </Text>
            )}
            {doctorId ? (
              <FreeSlotPicker doctorId={doctorId} date={date} exclude={{ date: '', startMinutes: null }} value={start} onChange={setStart} />
            ) : (
              <Text size="sm">Choose the doctor first.</Text>
            )}
          </>
        )}
        <ApiErrorAlert message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void book()} loading={busy} disabled={!booked && start === null} leftSection={<IconCalendarPlus size={16} />}>
            {booked ? 'Mark as booked' : 'Book follow-up'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Not needed": closes the task without an appointment, after a confirmation. */
function NotNeededDialog({ task, onClose }: { task: FollowUpTask; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('tasks.close', { id: task.id, outcome: 'cancelled' });
    } catch (e) {
      const body = errorBody(e);
      if (body.reason !== 'task_closed') {
        setError(body.message);
        setBusy(false);
        return;
      }
    }
    await queryClient.invalidateQueries({ queryKey: ['tasks'] });
    setBusy(false);
    onClose();
  };
  return (
    <Modal opened onClose={onClose} title="Follow-up not needed?">
      <Stack gap="sm">
        <Text size="sm">
          {task.patient.fullName}’s follow-up{task.dueDate ? ` (due ${displayDate(task.dueDate)})` : ''} will be taken off the list without booking an appointment.
        </Text>
        <ApiErrorAlert message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Keep it
          </Button>
          <Button color="red" loading={busy} onClick={() => void close()}>
            Not needed
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function TaskRow({ task, today, canBook, canClose, onBook, onDrop }: { task: FollowUpTask; today: string; canBook: boolean; canClose: boolean; onBook: () => void; onDrop: () => void }) {
  const overdue = task.dueDate !== null && task.dueDate < today;
  const due = task.dueDate === null ? 'No date given' : overdue ? `Overdue — was due ${displayDate(task.dueDate)}` : task.dueDate === today ? `Due today (${displayDate(task.dueDate)})` : `Due ${displayDate(task.dueDate)}`;
  return (
    <Box component="li" aria-label={task.patient.fullName} py={6} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
      <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
        <Box style={{ flex: '1 1 180px', minWidth: 0 }}>
          <Text size="sm" fw={600} truncate>
            {task.patient.fullName}
          </Text>
          <Text size="xs" c="dimmed">
            {task.patient.mrn} · {mobile(task.patient.mobile)}
          </Text>
          <Text size="xs">{task.title}</Text>
          <Text size="xs" fw={600} c={overdue ? 'red.8' : undefined} data-overdue={overdue || undefined}>
            {due}
          </Text>
        </Box>
        {(canBook || canClose) && (
          <Group gap={4} wrap="nowrap">
            {canBook && (
              <Button size="compact-sm" onClick={onBook}>
                Book
              </Button>
            )}
            {canClose && (
              <Button size="compact-sm" variant="subtle" color="gray" onClick={onDrop}>
                Not needed
              </Button>
            )}
          </Group>
        )}
      </Group>
    </Box>
  );
}

/** "Follow-ups to book": open follow-up tasks, soonest due first, for the front desk, administrators and doctors. */
export function FollowUpTasks() {
  const session = useSession();
  const can = useCan();
  const allowed = can('tasks.list');
  const tasks = useTasks(allowed);
  const now = useNow(60_000);
  const today = todayIn(session.clinic.timezone, new Date(now));
  const [booking, setBooking] = useState<FollowUpTask | null>(null);
  const [dropping, setDropping] = useState<FollowUpTask | null>(null);
  if (!allowed) return null;
  // Booking here confirms the slot, which is the front desk's (or an administrator's) to do.
  const canBook = can('appointments.book') && can('tasks.close') && session.user.role !== 'doctor';
  const canClose = can('tasks.close');
  const count = tasks.data?.length ?? 0;

  let body;
  if (tasks.isPending) {
    body = (
      <Center py="xs">
        <Loader size="sm" aria-label="Loading the follow-ups" />
      </Center>
    );
  } else if (tasks.isError) {
    body = <ApiErrorAlert message={errorBody(tasks.error).message} />;
  } else if (count === 0) {
    body = (
      <Text size="sm" c="dimmed">
        No follow-ups waiting.
      </Text>
    );
  } else {
    body = (
      <Box component="ul" aria-label="Follow-ups" m={0} p={0} style={{ listStyle: 'none', maxHeight: 240, overflowY: 'auto' }}>
        {tasks.data.map((t) => (
          <TaskRow key={t.id} task={t} today={today} canBook={canBook} canClose={canClose} onBook={() => setBooking(t)} onDrop={() => setDropping(t)} />
        ))}
      </Box>
    );
  }

  return (
    <Paper withBorder radius="md" p="xs" component="section" aria-label="Follow-ups to book">
      <Group justify="space-between" wrap="nowrap" mb={4}>
        <Title order={3} fz="md">
          Follow-ups to book
        </Title>
        {count > 0 && (
          <Badge color="blue" variant="light" aria-label={`${count} waiting`}>
            {count}
          </Badge>
        )}
      </Group>
      {body}
      {booking && <BookTaskDialog task={booking} onClose={() => setBooking(null)} />}
      {dropping && <NotNeededDialog task={dropping} onClose={() => setDropping(null)} />}
    </Paper>
  );
}
