import { useState } from 'react';
import { Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { IconCalendarPlus } from '@tabler/icons-react';
import type { Appointment } from '../../../../src-shared/api/types';
import { todayIn } from '../../../../src-shared/dates';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { useAppointment } from '../../api/queries';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { addDays, STATUS_STYLE } from '../../lib/appointments';
import { displayDate } from '../../lib/format';
import { FreeSlotPicker } from '../appointments/FreeSlotPicker';

export interface FollowUp {
  followUpDate: string | null;
  followUpAppointmentId: string | null;
}

function BookFollowUpDialog({ doctorId, doctorName, patientId, date: initial, onClose, onBooked }: { doctorId: string; doctorName: string; patientId: string; date: string | null; onClose: () => void; onBooked: (a: Appointment) => void }) {
  const session = useSession();
  const today = todayIn(session.clinic.timezone);
  const [date, setDate] = useState<string | null>(initial && initial >= today ? initial : addDays(today, 7));
  const [start, setStart] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const book = async () => {
    if (!date || start === null) return setError('Choose a date and one of the free slots.');
    setBusy(true);
    setError(null);
    try {
      // From the consult room the slot is requested: the front desk confirms it with the patient (the appointment machine lets only the desk confirm).
      const a = await api.call('appointments.book', { doctorId, patientId, date, startMinutes: start, type: 'follow_up', mode: 'request' });
      onBooked(a);
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Book follow-up" size="lg">
      <Stack gap="sm">
        <Text size="sm">
          With <b>{doctorName}</b>, as a follow-up visit. The slot is kept for the patient; the front desk confirms it with them.
        </Text>
        <DateInput
          label="Date"
          placeholder="dd-mm-yyyy"
          valueFormat="DD-MM-YYYY"
          w={160}
          minDate={today}
          value={date}
          onChange={(v) => {
            setDate(v);
            setStart(null);
          }}
          popoverProps={{ withinPortal: true }}
        />
        <FreeSlotPicker doctorId={doctorId} date={date} exclude={{ date: '', startMinutes: null }} value={start} onChange={setStart} />
        <ApiErrorAlert message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={() => void book()} loading={busy} disabled={start === null}>
            Book follow-up
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The follow-up date on the note, and a real appointment for it booked from here (kept on the note). */
export function FollowUpPanel({
  value,
  onChange,
  readOnly,
  doctorId,
  doctorName,
  patientId,
  error,
}: {
  value: FollowUp;
  onChange?: (v: FollowUp) => void;
  readOnly?: boolean;
  doctorId: string;
  doctorName: string;
  patientId: string;
  error?: string;
}) {
  const session = useSession();
  const today = todayIn(session.clinic.timezone);
  const [booking, setBooking] = useState(false);
  const booked = useAppointment(value.followUpAppointmentId);
  const a = booked.data;

  const bookedLine = value.followUpAppointmentId ? (
    <Group gap={6} data-testid="follow-up-booked">
      <Text size="sm">
        {a ? `Booked for ${displayDate(a.date)}${a.startMinutes !== null ? ` at ${formatMinutes(a.startMinutes)}` : ''}` : 'Follow-up booked'}
      </Text>
      {a && (
        <Badge size="sm" variant="light" color={STATUS_STYLE[a.status].color}>
          {STATUS_STYLE[a.status].label}
        </Badge>
      )}
    </Group>
  ) : null;

  if (readOnly) {
    return (
      <Stack gap={4}>
        <Text size="sm">{value.followUpDate ? `Follow-up on ${displayDate(value.followUpDate)}` : 'No follow-up set.'}</Text>
        {bookedLine}
      </Stack>
    );
  }

  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <DateInput
          size="xs"
          label="Follow-up date"
          placeholder="dd-mm-yyyy"
          valueFormat="DD-MM-YYYY"
          w={130}
          minDate={today}
          clearable
          value={value.followUpDate}
          error={error}
          onChange={(v) => onChange?.({ ...value, followUpDate: v || null })}
          popoverProps={{ withinPortal: true }}
        />
        {[
          { label: '1 week', days: 7 },
          { label: '2 weeks', days: 14 },
          { label: '1 month', days: 30 },
        ].map((q) => (
          <Button key={q.label} size="compact-xs" variant="subtle" onClick={() => onChange?.({ ...value, followUpDate: addDays(today, q.days) })}>
            {q.label}
          </Button>
        ))}
        {!value.followUpAppointmentId && (
          <Button size="xs" variant="light" leftSection={<IconCalendarPlus size={14} />} onClick={() => setBooking(true)}>
            Book follow-up
          </Button>
        )}
      </Group>
      {bookedLine}
      {booking && (
        <BookFollowUpDialog
          doctorId={doctorId}
          doctorName={doctorName}
          patientId={patientId}
          date={value.followUpDate}
          onClose={() => setBooking(false)}
          onBooked={(appt) => {
            setBooking(false);
            onChange?.({ followUpDate: appt.date, followUpAppointmentId: appt.id });
          }}
        />
      )}
    </Stack>
  );
}
