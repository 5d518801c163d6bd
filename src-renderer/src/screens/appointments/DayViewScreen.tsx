import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Box, Button, SegmentedControl, Center, Group, Loader, Paper, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { IconChevronLeft, IconChevronRight, IconUserPlus } from '@tabler/icons-react';
import type { AppointmentSummary, DaySlot, DoctorDay } from '../../../../src-shared/api/types';
import { formatMinutes, localClock } from '../../../../src-shared/domain/schedule';
import { todayIn } from '../../../../src-shared/dates';
import { errorBody } from '../../api/client';
import { useDayView } from '../../api/queries';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { PageHeader } from '../../components/PageHeader';
import { displayDate } from '../../lib/format';
import { addDays, freePlaces, minutesSince, STATUS_STYLE } from '../../lib/appointments';
import { useNow } from '../../lib/useNow';
import { AppointmentDialog } from './AppointmentDialog';
import { BookDialog, WalkInDialog, type BookTarget } from './BookingDialogs';
import { FollowUpTasks } from './FollowUpTasks';
import { WeekView } from './WeekView';

export function Legend() {
  return (
    <Group gap={6} aria-label="Legend" role="list">
      <Badge role="listitem" variant="outline" color="green">
        Free
      </Badge>
      {Object.entries(STATUS_STYLE).map(([k, s]) => (
        <Badge role="listitem" key={k} color={s.color} variant="light">
          {s.label}
        </Badge>
      ))}
    </Group>
  );
}

function detail(a: AppointmentSummary, now: number): string {
  if (a.status === 'tentative' && a.holdExpiresAt) {
    const seconds = (Date.parse(a.holdExpiresAt) - Math.max(now, Date.now())) / 1000;
    return seconds < 60 ? 'Held · under 1 min left' : `Held · ${Math.floor(seconds / 60)} min left`;
  }
  if (a.status === 'checked_in') return `Checked in · Token ${a.token ?? '—'}`;
  if (a.status === 'in_consult' && a.token !== null) return `In consult · Token ${a.token}`;
  return STATUS_STYLE[a.status].label;
}

function AppointmentChip({ a, now, onOpen }: { a: AppointmentSummary; now: number; onOpen: (id: string) => void }) {
  const s = STATUS_STYLE[a.status];
  const faded = a.status === 'cancelled' || a.status === 'completed' || a.status === 'no_show';
  return (
    <UnstyledButton
      onClick={() => onOpen(a.id)}
      data-status={a.status}
      px={6}
      py={2}
      style={{
        display: 'block',
        width: '100%',
        borderRadius: 4,
        borderLeft: `4px solid var(--mantine-color-${s.color}-6)`,
        background: `var(--mantine-color-${s.color}-${faded ? 0 : 1})`,
      }}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="sm" fw={600} truncate td={a.status === 'cancelled' ? 'line-through' : undefined}>
          {a.patientName}
        </Text>
        <Text size="xs" fw={600} c={`${s.color}.9`} style={{ whiteSpace: 'nowrap' }}>
          {detail(a, now)}
        </Text>
      </Group>
    </UnstyledButton>
  );
}

function SlotRow({ slot, doctor, now, isCurrent, canBook, onBook, onOpen }: { slot: DaySlot; doctor: DoctorDay; now: number; isCurrent: boolean; canBook: boolean; onBook: (s: DaySlot) => void; onOpen: (id: string) => void }) {
  const free = freePlaces(slot);
  const time = formatMinutes(slot.startMinutes);
  return (
    <Group gap={6} wrap="nowrap" align="flex-start" py={3} data-slot={time} data-current={isCurrent || undefined} style={{ borderTop: '1px solid var(--mantine-color-gray-2)', background: isCurrent ? 'var(--mantine-color-yellow-0)' : undefined }}>
      <Text size="sm" fw={600} w={44} pt={2} c={isCurrent ? 'yellow.9' : 'dark.4'}>
        {time}
      </Text>
      <Stack gap={3} style={{ flex: 1, minWidth: 0 }}>
        {slot.appointments.map((a) => (
          <AppointmentChip key={a.id} a={a} now={now} onOpen={onOpen} />
        ))}
        {free > 0 &&
          (canBook ? (
            <UnstyledButton
              aria-label={`Book ${doctor.doctor.displayName} at ${time}`}
              onClick={() => onBook(slot)}
              px={6}
              py={2}
              style={{ borderRadius: 4, border: '1px dashed var(--mantine-color-green-5)', color: 'var(--mantine-color-green-9)' }}
            >
              <Text size="sm">Free{slot.capacity > 1 ? ` (${free} of ${slot.capacity})` : ''}</Text>
            </UnstyledButton>
          ) : (
            <Text size="sm" c="green.9" px={6}>
              Free
            </Text>
          ))}
      </Stack>
    </Group>
  );
}

function DoctorColumn({ day, date, now, nowMinutes, isToday, canBook, onBook, onWalkIn, onOpen }: { day: DoctorDay; date: string; now: number; nowMinutes: number; isToday: boolean; canBook: boolean; onBook: (t: BookTarget) => void; onWalkIn: () => void; onOpen: (id: string) => void }) {
  const scroller = useRef<HTMLDivElement>(null);
  const scrolledFor = useRef<string | null>(null);
  useEffect(() => {
    if (!scroller.current || scrolledFor.current === date || day.slots.length === 0) return;
    scrolledFor.current = date;
    const el = scroller.current.querySelector<HTMLElement>(isToday ? '[data-current]' : '[data-slot]');
    if (el) scroller.current.scrollTop = Math.max(0, el.offsetTop - 34);
  }, [date, isToday, day.slots.length]);
  const currentStart = isToday ? day.slots.find((s) => s.startMinutes <= nowMinutes && nowMinutes < s.endMinutes)?.startMinutes : undefined;
  return (
    <Paper withBorder radius="md" p="xs" style={{ flex: '1 1 260px', minWidth: 260, display: 'flex', flexDirection: 'column', minHeight: 0 }} role="region" aria-label={day.doctor.displayName}>
      <Group justify="space-between" wrap="nowrap" mb={4}>
        <div style={{ minWidth: 0 }}>
          <Text fw={700} truncate>
            {day.doctor.displayName}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {[day.doctor.specialty, day.doctor.room ? `Room ${day.doctor.room}` : null].filter(Boolean).join(' · ') || ' '}
          </Text>
        </div>
        {canBook && isToday && (
          <Button size="xs" variant="light" leftSection={<IconUserPlus size={14} />} onClick={onWalkIn}>
            Walk-in
          </Button>
        )}
      </Group>
      {day.unslotted.length > 0 && (
        <Stack gap={3} mb={4} style={{ maxHeight: 150, overflowY: 'auto', flexShrink: 0 }}>
          <Text size="xs" fw={600} c="dimmed">
            Walk-ins and other
          </Text>
          {day.unslotted.map((a) => (
            <AppointmentChip key={a.id} a={a} now={now} onOpen={onOpen} />
          ))}
        </Stack>
      )}
      <div ref={scroller} style={{ overflowY: 'auto', flex: 1, minHeight: 0, position: 'relative' }} data-testid="slots">
        {day.slots.length === 0 ? (
          <Text size="sm" c="dimmed" p="sm">
            No slots on this day.
          </Text>
        ) : (
          day.slots.map((s) => (
            <SlotRow
              key={s.startMinutes}
              slot={s}
              doctor={day}
              now={now}
              isCurrent={s.startMinutes === currentStart}
              canBook={canBook}
              onOpen={onOpen}
              onBook={(slot) => onBook({ doctorId: day.doctor.staffId, doctorName: day.doctor.displayName, date, startMinutes: slot.startMinutes, endMinutes: slot.endMinutes })}
            />
          ))
        )}
      </div>
    </Paper>
  );
}

export function WaitingRoom({ waiting, doctors, onOpen }: { waiting: AppointmentSummary[]; doctors: DoctorDay[]; onOpen: (id: string) => void }) {
  const now = useNow(30_000);
  const names = new Map(doctors.map((d) => [d.doctor.staffId, d.doctor.displayName]));
  return (
    <Paper withBorder radius="md" p="xs" w={250} style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }} role="region" aria-label="Waiting room">
      <Title order={3} fz="md" mb={6}>
        Waiting room ({waiting.length})
      </Title>
      <Stack gap={4} style={{ overflowY: 'auto', flex: 1, minHeight: 0 }}>
        {waiting.length === 0 && (
          <Text size="sm" c="dimmed">
            Nobody is waiting.
          </Text>
        )}
        {waiting.map((a) => (
          <UnstyledButton key={a.id} onClick={() => onOpen(a.id)} p={6} style={{ borderRadius: 4, background: 'var(--mantine-color-teal-0)', borderLeft: '4px solid var(--mantine-color-teal-6)' }}>
            <Group gap={8} wrap="nowrap" align="flex-start">
              <Text fw={700} fz="lg" c="teal.8" w={34} ta="center" aria-label={`Token ${a.token}`}>
                {a.token}
              </Text>
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={600} truncate>
                  {a.patientName}
                </Text>
                <Text size="xs" c="dimmed" truncate>
                  {names.get(a.doctorId) ?? ''}
                </Text>
                <Text size="xs" fw={500}>
                  waiting {a.checkedInAt ? minutesSince(a.checkedInAt, now) : 0} min
                </Text>
              </div>
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
    </Paper>
  );
}

/** #/appointments — the front desk's day: one column of slots per doctor, and the waiting room. */
export function DayViewScreen() {
  const session = useSession();
  const can = useCan();
  const tz = session.clinic.timezone;
  const today = todayIn(tz);
  const [date, setDate] = useState(today);
  const day = useDayView(date);
  const now = useNow(5_000);
  const nowMinutes = localClock(new Date(now), tz).nowMinutes;
  const [book, setBook] = useState<BookTarget | null>(null);
  const [walkIn, setWalkIn] = useState<{ id: string; name: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // Doctors may book only to request a follow-up slot, from the consult screen (the desk confirms bookings).
  const canBook = can('appointments.book') && session.user.role !== 'doctor';
  const isToday = date === today;
  const [mode, setMode] = useState<'day' | 'week'>('day');

  return (
    <>
      <PageHeader
        title="Appointments"
        subtitle={`${displayDate(date)}${isToday ? ' (today)' : ''}${day.data?.isHoliday ? ` — clinic holiday: ${day.data.holidayName ?? ''}` : ''}`}
        actions={
          <Group gap="xs" wrap="nowrap">
            <SegmentedControl aria-label="View" value={mode} onChange={(v) => setMode(v as 'day' | 'week')} data={[{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }]} />
{mode === 'day' && (
              <>
            <Button variant="default" aria-label="Previous day" onClick={() => setDate(addDays(date, -1))}>
              <IconChevronLeft size={16} />
            </Button>
            <Button variant={isToday ? 'filled' : 'default'} onClick={() => setDate(today)}>
              Today
            </Button>
            <Button variant="default" aria-label="Next day" onClick={() => setDate(addDays(date, 1))}>
              <IconChevronRight size={16} />
            </Button>
            <DateInput aria-label="Date" valueFormat="DD-MM-YYYY" w={130} value={date} onChange={(v) => v && setDate(v)} popoverProps={{ withinPortal: true }} />
              </>
            )}
          </Group>
        }
      />
      <Box mb={6}>
        <Legend />
      </Box>
      {mode === 'week' ? (
        <WeekView
          date={date}
          today={today}
          onOpen={setOpen}
          onPickDay={(d) => {
            setDate(d);
            setMode('day');
          }}
        />
      ) : day.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : day.isError ? (
        <Alert color="red">{errorBody(day.error).message}</Alert>
      ) : (
        <Group align="stretch" gap="sm" wrap="nowrap" style={{ overflowX: 'auto', height: 'calc(100vh - 200px)', minHeight: 320 }}>
          {day.data.doctors.length === 0 && <Alert color="blue" style={{ flex: 1 }}>No doctors yet. An administrator adds doctors on the Staff screen and their hours on the Schedules screen.</Alert>}
          {day.data.doctors.map((d) => (
            <DoctorColumn
              key={d.doctor.staffId}
              day={d}
              date={date}
              now={now}
              nowMinutes={nowMinutes}
              isToday={isToday}
              canBook={canBook}
              onBook={setBook}
              onOpen={setOpen}
              onWalkIn={() => setWalkIn({ id: d.doctor.staffId, name: d.doctor.displayName })}
            />
          ))}
          <Stack gap="sm" w={250} style={{ flex: '0 0 250px', minHeight: 0 }}>
            <FollowUpTasks />
            {isToday && <WaitingRoom waiting={day.data.waiting} doctors={day.data.doctors} onOpen={setOpen} />}
          </Stack>
        </Group>
      )}
      {book && <BookDialog target={book} onClose={() => setBook(null)} />}
      {walkIn && <WalkInDialog doctorId={walkIn.id} doctorName={walkIn.name} onClose={() => setWalkIn(null)} />}
      {open && <AppointmentDialog id={open} onClose={() => setOpen(null)} />}
    </>
  );
}
