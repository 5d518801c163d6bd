import { useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Center, Checkbox, Group, Loader, Modal, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconPencil, IconPlus, IconTrash, IconUserEdit } from '@tabler/icons-react';
import { weeklySessionFields } from '../../../../src-shared/api/contract';
import type { DoctorProfile, WeeklySessionInfo } from '../../../../src-shared/api/types';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { useDoctors, useHolidays, useSchedule } from '../../api/queries';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { displayDate } from '../../lib/format';
import { formatRupees, parseTime, WEEKDAYS } from '../../lib/appointments';

type Session = Omit<WeeklySessionInfo, 'id'>;

function ProfileModal({ doctor, onClose }: { doctor: DoctorProfile; onClose: () => void }) {
  const [specialty, setSpecialty] = useState(doctor.specialty ?? '');
  const [reg, setReg] = useState(doctor.registrationNumber ?? '');
  const [fee, setFee] = useState<number | string>(doctor.consultationFeePaise === null ? '' : doctor.consultationFeePaise / 100);
  const [room, setRoom] = useState(doctor.room ?? '');
  const [error, setError] = useState<{ text: string; extra: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('doctors.saveProfile', {
        staffId: doctor.staffId,
        specialty,
        registrationNumber: reg,
        consultationFeePaise: fee === '' ? Number.NaN : Math.round(Number(fee) * 100),
        room: room.trim() === '' ? null : room,
      });
      notifications.show({ color: 'teal', title: 'Saved', message: `${doctor.displayName}'s profile was saved.` });
      onClose();
    } catch (e) {
      const body = errorBody(e);
      setError({ text: body.message, extra: Object.values(body.fields ?? {}).flat() });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Doctor profile — ${doctor.displayName}`}>
      <Stack gap="sm">
        <ApiErrorAlert message={error?.text ?? null} extra={error?.extra} />
        <TextInput label="Specialty" value={specialty} onChange={(e) => setSpecialty(e.currentTarget.value)} data-autofocus />
        <TextInput label="Registration number" value={reg} onChange={(e) => setReg(e.currentTarget.value)} />
        <NumberInput label="Consultation fee (₹)" value={fee} onChange={setFee} min={0} decimalScale={2} allowNegative={false} thousandSeparator="," />
        <TextInput label="Room" value={room} onChange={(e) => setRoom(e.currentTarget.value)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button loading={busy} onClick={() => void save()} leftSection={<IconDeviceFloppy size={16} />}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

const dayName = (weekday: number) => WEEKDAYS[weekday - 1] ?? 'That day';

/** The times and sizes as typed in the add or edit form. */
interface SessionDraft {
  start: string;
  end: string;
  slot: number | string;
  capacity: number | string;
}

/**
 * A weekly session from what was typed, checked as the core will check it (the shared schema), plus
 * no overlap with the doctor's other sessions that weekday. Messages are for the front desk.
 */
function sessionFrom(draft: SessionDraft, weekday: number, others: Session[]): { session: Session } | { error: string } {
  const startMinutes = parseTime(draft.start);
  const endMinutes = parseTime(draft.end);
  if (startMinutes === null || endMinutes === null) return { error: 'Type times as HH:mm, for example 09:30 (24:00 for midnight).' };
  const parsed = weeklySessionFields.safeParse({ weekday, startMinutes, endMinutes, slotMinutes: draft.slot === '' ? undefined : Number(draft.slot), capacity: draft.capacity === '' ? undefined : Number(draft.capacity) });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? 'Check the session times.' };
  const session = parsed.data;
  const clash = others.find((o) => o.weekday === weekday && o.startMinutes < session.endMinutes && session.startMinutes < o.endMinutes);
  if (clash) return { error: `That overlaps the ${dayName(weekday)} ${formatMinutes(clash.startMinutes)}–${formatMinutes(clash.endMinutes)} session.` };
  return { session };
}

function sortSessions(rows: Session[]): Session[] {
  return [...rows].sort((a, b) => a.weekday - b.weekday || a.startMinutes - b.startMinutes);
}

/** Start, end, slot length and capacity, as used by both the add form and the edit dialog. */
function SessionFields({ draft, onChange }: { draft: SessionDraft; onChange: (d: SessionDraft) => void }) {
  return (
    <>
      <TextInput label="Start" placeholder="HH:mm" w={90} value={draft.start} onChange={(e) => onChange({ ...draft, start: e.currentTarget.value })} />
      <TextInput label="End" placeholder="HH:mm" w={90} value={draft.end} onChange={(e) => onChange({ ...draft, end: e.currentTarget.value })} />
      <NumberInput label="Slot length (min)" w={130} value={draft.slot} onChange={(v) => onChange({ ...draft, slot: v })} min={5} max={240} allowDecimal={false} />
      <NumberInput label="Capacity" w={90} value={draft.capacity} onChange={(v) => onChange({ ...draft, capacity: v })} min={1} max={50} allowDecimal={false} />
    </>
  );
}

const draftOf = (s: Session): SessionDraft => ({ start: formatMinutes(s.startMinutes), end: formatMinutes(s.endMinutes), slot: s.slotMinutes, capacity: s.capacity });

/** Changes one session of the template in place (it is stored with the rest on "Save weekly schedule"). */
function EditSessionModal({ session, others, onApply, onClose }: { session: Session; others: Session[]; onApply: (s: Session) => void; onClose: () => void }) {
  const [draft, setDraft] = useState<SessionDraft>(() => draftOf(session));
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    const result = sessionFrom(draft, session.weekday, others);
    if ('error' in result) return setError(result.error);
    onApply(result.session);
  };
  return (
    <Modal opened onClose={onClose} title={`Edit ${dayName(session.weekday)} ${formatMinutes(session.startMinutes)} session`}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <Stack gap="sm">
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group align="flex-end" gap="sm">
            <SessionFields draft={draft} onChange={setDraft} />
          </Group>
          <Text size="xs" c="dimmed">
            The change is kept when you press Save weekly schedule.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Update session</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function WeeklyEditor({ doctorId, initial }: { doctorId: string; initial: Session[] }) {
  const [rows, setRows] = useState<Session[]>(initial);
  const [days, setDays] = useState<string[]>(['1', '2', '3', '4', '5', '6']);
  const [draft, setDraft] = useState<SessionDraft>({ start: '09:00', end: '13:00', slot: 15, capacity: 1 });
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dirty = JSON.stringify(rows) !== JSON.stringify(initial);

  const add = () => {
    if (days.length === 0) return setError('Tick at least one weekday.');
    const added: Session[] = [];
    for (const d of days) {
      const result = sessionFrom(draft, Number(d), [...rows, ...added]);
      if ('error' in result) return setError(result.error);
      added.push(result.session);
    }
    setError(null);
    setRows(sortSessions([...rows, ...added]));
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('schedules.setWeekly', { doctorId, sessions: rows });
      notifications.show({ color: 'teal', title: 'Saved', message: 'The weekly schedule was saved.' });
    } catch (e) {
      const body = errorBody(e);
      setError([body.message, ...Object.values(body.fields ?? {}).flat()].join(' '));
    } finally {
      setBusy(false);
    }
  };

  const edited = editing === null ? undefined : rows[editing];
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="xs">
        <Title order={3} fz="md">
          Weekly schedule
        </Title>
        <Group gap="sm">
          {dirty && (
            <Text size="sm" c="orange.9">
              Changes not saved yet
            </Text>
          )}
          <Button size="sm" onClick={() => void save()} loading={busy} disabled={!dirty} leftSection={<IconDeviceFloppy size={16} />}>
            Save weekly schedule
          </Button>
        </Group>
      </Group>
      {error && (
        <Alert color="red" role="alert" mb="xs">
          {error}
        </Alert>
      )}
      <Table striped aria-label="Weekly sessions" fz="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Weekday</Table.Th>
            <Table.Th>Start</Table.Th>
            <Table.Th>End</Table.Th>
            <Table.Th>Slot length (min)</Table.Th>
            <Table.Th>Capacity</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={6}>
                <Text c="dimmed" size="sm">
                  No sessions yet: this doctor has no slots.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {rows.map((r, i) => {
            const name = `${dayName(r.weekday)} ${formatMinutes(r.startMinutes)} session`;
            return (
              <Table.Tr key={`${r.weekday}-${r.startMinutes}-${i}`}>
                <Table.Td>{dayName(r.weekday)}</Table.Td>
                <Table.Td>{formatMinutes(r.startMinutes)}</Table.Td>
                <Table.Td>{formatMinutes(r.endMinutes)}</Table.Td>
                <Table.Td>{r.slotMinutes}</Table.Td>
                <Table.Td>{r.capacity}</Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <ActionIcon variant="subtle" aria-label={`Edit ${name}`} onClick={() => setEditing(i)}>
                      <IconPencil size={16} />
                    </ActionIcon>
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove ${name}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Paper bg="gray.0" p="sm" mt="sm" radius="sm">
        <Text size="sm" fw={600} mb={4}>
          Add a session
        </Text>
        <Checkbox.Group value={days} onChange={setDays} label="Weekdays">
          <Group gap="sm" mt={4}>
            {WEEKDAYS.map((d, i) => (
              <Checkbox key={d} value={String(i + 1)} label={d.slice(0, 3)} aria-label={d} />
            ))}
          </Group>
        </Checkbox.Group>
        <Group align="flex-end" mt="xs" gap="sm">
          <SessionFields draft={draft} onChange={setDraft} />
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={add}>
            Add session
          </Button>
        </Group>
      </Paper>
      {edited && editing !== null && (
        <EditSessionModal
          session={edited}
          others={rows.filter((_, j) => j !== editing)}
          onClose={() => setEditing(null)}
          onApply={(s) => {
            setRows(sortSessions(rows.map((r, j) => (j === editing ? s : r))));
            setEditing(null);
            setError(null);
          }}
        />
      )}
    </Paper>
  );
}

function ExceptionsPanel({ doctorId }: { doctorId: string }) {
  const schedule = useSchedule(doctorId);
  const [kind, setKind] = useState<'leave' | 'extra'>('leave');
  const [date, setDate] = useState<string | null>(null);
  const [wholeDay, setWholeDay] = useState(true);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [slot, setSlot] = useState<number | string>(15);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setError(null);
    const timed = kind === 'extra' || !wholeDay;
    const s = timed ? parseTime(from) : null;
    const e = timed ? parseTime(to) : null;
    if (timed && (s === null || e === null)) return setError('Type the times as HH:mm.');
    if (!date) return setError('Choose the date.');
    try {
      await api.call('schedules.addException', {
        doctorId,
        date,
        kind,
        startMinutes: s,
        endMinutes: e,
        slotMinutes: kind === 'extra' ? Number(slot) : null,
        capacity: kind === 'extra' ? 1 : null,
        reason: reason.trim() === '' ? null : reason,
      });
      setReason('');
    } catch (err) {
      const body = errorBody(err);
      setError([body.message, ...Object.values(body.fields ?? {}).flat()].join(' '));
    }
  };
  const remove = async (id: string) => {
    try {
      await api.call('schedules.removeException', { id });
    } catch (err) {
      setError(errorBody(err).message);
    }
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} fz="md" mb="xs">
        Leave and extra sessions
      </Title>
      {error && (
        <Alert color="red" role="alert" mb="xs">
          {error}
        </Alert>
      )}
      <Stack gap={4} mb="sm">
        {(schedule.data?.exceptions ?? []).length === 0 && (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        )}
        {schedule.data?.exceptions.map((x) => (
          <Group key={x.id} gap="sm">
            <Badge color={x.kind === 'leave' ? 'orange' : 'teal'} variant="light">
              {x.kind === 'leave' ? 'Leave' : 'Extra session'}
            </Badge>
            <Text size="sm">
              {displayDate(x.date)} {x.startMinutes === null ? '(whole day)' : `${formatMinutes(x.startMinutes)}–${formatMinutes(x.endMinutes ?? 1440)}`} {x.reason ? `— ${x.reason}` : ''}
            </Text>
            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${x.kind} on ${displayDate(x.date)}`} onClick={() => void remove(x.id)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
      </Stack>
      <Group align="flex-end" gap="sm">
        <SegmentedControl value={kind} onChange={(v) => setKind(v as 'leave' | 'extra')} data={[{ value: 'leave', label: 'Leave' }, { value: 'extra', label: 'Extra session' }]} />
        <DateInput label="Date" placeholder="dd-mm-yyyy" valueFormat="DD-MM-YYYY" w={140} value={date} onChange={setDate} popoverProps={{ withinPortal: true }} />
        {kind === 'leave' && <Checkbox label="Whole day" checked={wholeDay} onChange={(e) => setWholeDay(e.currentTarget.checked)} mb={8} />}
        {(kind === 'extra' || !wholeDay) && (
          <>
            <TextInput label="From" placeholder="HH:mm" w={80} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput label="To" placeholder="HH:mm" w={80} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
          </>
        )}
        {kind === 'extra' && <NumberInput label="Slot (min)" w={90} value={slot} onChange={setSlot} min={5} max={240} allowDecimal={false} />}
        <TextInput label="Reason" w={200} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <Button variant="light" onClick={() => void add()}>
          {kind === 'leave' ? 'Add leave' : 'Add extra session'}
        </Button>
      </Group>
    </Paper>
  );
}

function HolidaysPanel() {
  const holidays = useHolidays();
  const [date, setDate] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setError(null);
    if (!date) return setError('Choose the date.');
    try {
      await api.call('holidays.add', { date, name });
      setName('');
      setDate(null);
    } catch (e) {
      const body = errorBody(e);
      setError([body.message, ...Object.values(body.fields ?? {}).flat()].join(' '));
    }
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} fz="md" mb="xs">
        Clinic holidays
      </Title>
      {error && (
        <Alert color="red" role="alert" mb="xs">
          {error}
        </Alert>
      )}
      <Stack gap={4} mb="sm">
        {(holidays.data ?? []).length === 0 && (
          <Text size="sm" c="dimmed">
            No holidays.
          </Text>
        )}
        {holidays.data?.map((h) => (
          <Group key={h.id} gap="sm">
            <Text size="sm" w={90}>
              {displayDate(h.date)}
            </Text>
            <Text size="sm">{h.name}</Text>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`Remove holiday ${h.name}`}
              onClick={() => void api.call('holidays.remove', { id: h.id }).catch((e: unknown) => setError(errorBody(e).message))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
      </Stack>
      <Group align="flex-end" gap="sm">
        <DateInput label="Holiday date" placeholder="dd-mm-yyyy" valueFormat="DD-MM-YYYY" w={140} value={date} onChange={setDate} popoverProps={{ withinPortal: true }} />
        <TextInput label="Holiday name" w={220} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button variant="light" onClick={() => void add()}>
          Add holiday
        </Button>
      </Group>
    </Paper>
  );
}

function DoctorSchedulePanel({ doctorId }: { doctorId: string }) {
  const schedule = useSchedule(doctorId);
  if (schedule.isPending) return <Loader />;
  if (schedule.isError) return <Alert color="red">{errorBody(schedule.error).message}</Alert>;
  const initial = schedule.data.weekly.map(({ weekday, startMinutes, endMinutes, slotMinutes, capacity }) => ({ weekday, startMinutes, endMinutes, slotMinutes, capacity }));
  return (
    <Stack gap="md">
      <WeeklyEditor key={JSON.stringify(initial)} doctorId={doctorId} initial={initial} />
      <ExceptionsPanel doctorId={doctorId} />
    </Stack>
  );
}

/** #/schedules — doctors' profiles, weekly templates, leave, and the clinic's holidays (administrators). */
export function SchedulesScreen() {
  const doctors = useDoctors();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<DoctorProfile | null>(null);
  const list = doctors.data ?? [];
  const current = selected ?? list[0]?.staffId ?? null;
  return (
    <>
      <PageHeader title="Schedules" subtitle="Doctors' consultation hours, leave and clinic holidays" />
      {doctors.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : doctors.isError ? (
        <Alert color="red">{errorBody(doctors.error).message}</Alert>
      ) : (
        <Stack gap="md">
          {list.length === 0 && <Alert color="blue">No doctors yet. Add a staff member with the Doctor role on the Staff screen.</Alert>}
          {list.length > 0 && (
            <Paper withBorder radius="md">
              <Table highlightOnHover aria-label="Doctors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Doctor</Table.Th>
                    <Table.Th>Specialty</Table.Th>
                    <Table.Th>Registration number</Table.Th>
                    <Table.Th>Fee</Table.Th>
                    <Table.Th>Room</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((d) => (
                    <Table.Tr key={d.staffId} bg={d.staffId === current ? 'var(--mantine-color-clinic-0, #e6fcf5)' : undefined} style={{ cursor: 'pointer' }} onClick={() => setSelected(d.staffId)}>
                      <Table.Td fw={600}>{d.displayName}</Table.Td>
                      <Table.Td>{d.specialty ?? <Text c="dimmed" size="sm">Profile not filled in</Text>}</Table.Td>
                      <Table.Td>{d.registrationNumber ?? '—'}</Table.Td>
                      <Table.Td>{formatRupees(d.consultationFeePaise)}</Table.Td>
                      <Table.Td>{d.room ?? '—'}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button size="xs" variant={d.staffId === current ? 'filled' : 'light'} onClick={() => setSelected(d.staffId)}>
                            {d.staffId === current ? 'Showing schedule' : 'Schedule'}
                          </Button>
                          <Button size="xs" variant="default" leftSection={<IconUserEdit size={14} />} onClick={(e) => { e.stopPropagation(); setEditing(d); }}>
                            Edit profile
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
          <SimpleGrid cols={1}>{current && <DoctorSchedulePanel key={current} doctorId={current} />}</SimpleGrid>
          <HolidaysPanel />
        </Stack>
      )}
      {editing && <ProfileModal doctor={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
