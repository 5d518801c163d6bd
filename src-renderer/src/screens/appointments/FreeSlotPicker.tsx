import { Alert, Center, Group, Loader, Radio, ScrollArea, SimpleGrid, Text } from '@mantine/core';
import { formatMinutes, localClock } from '../../../../src-shared/domain/schedule';
import { errorBody } from '../../api/client';
import { useDoctorDay } from '../../api/queries';
import { useSession } from '../../app/auth';
import { freePlaces } from '../../lib/appointments';
import { displayDate } from '../../lib/format';
import { useNow } from '../../lib/useNow';

/**
 * A doctor's free slots on a date, as radio buttons (Tab into the group, arrow keys to move, the
 * choice follows). A slot is free while its capacity is more than its booked, not cancelled, places;
 * slots already over today, and the appointment's own slot, are left out. The core still checks the
 * slot when the move is sent — this list only saves typing.
 */
export function FreeSlotPicker({
  doctorId,
  date,
  exclude,
  value,
  onChange,
}: {
  doctorId: string;
  date: string | null;
  /** The appointment's current slot (date and start), which is not "another" slot. */
  exclude: { date: string; startMinutes: number | null };
  value: number | null;
  onChange: (startMinutes: number | null) => void;
}) {
  const session = useSession();
  const day = useDoctorDay(date, doctorId);
  const now = useNow(30_000);
  const clock = localClock(new Date(now), session.clinic.timezone);
  if (!date) return <Text size="sm">Choose the new date first.</Text>;
  if (day.isPending) {
    return (
      <Center py="xs">
        <Loader size="sm" aria-label="Loading free slots" />
      </Center>
    );
  }
  if (day.isError) return <Alert color="red">{errorBody(day.error).message}</Alert>;
  if (day.data.isHoliday) return <Text size="sm">The clinic is closed on {displayDate(date)}{day.data.holidayName ? ` (${day.data.holidayName})` : ''}. Choose another date.</Text>;
  const doctor = day.data.doctors[0];
  const slots = (doctor?.slots ?? []).filter(
    (s) => freePlaces(s) > 0 && !(date === exclude.date && s.startMinutes === exclude.startMinutes) && !(date === clock.today && s.endMinutes <= clock.nowMinutes),
  );
  if (slots.length === 0) {
    return (
      <Text size="sm">
        {doctor?.doctor.displayName ?? 'The doctor'} has no free slots on {displayDate(date)}. Choose another date.
      </Text>
    );
  }
  return (
    <Radio.Group label={`Free slots on ${displayDate(date)}`} value={value === null ? null : String(value)} onChange={(v) => onChange(v === '' ? null : Number(v))}>
      <ScrollArea.Autosize mah={180} mt={4} type="auto">
        <SimpleGrid cols={{ base: 4, sm: 6, md: 8 }} spacing={6} verticalSpacing={6} p={2}>
          {slots.map((s) => {
            const free = freePlaces(s);
            return (
              <Radio
                key={s.startMinutes}
                value={String(s.startMinutes)}
                label={
                  <Group gap={4} wrap="nowrap">
                    <span>{formatMinutes(s.startMinutes)}</span>
                    {s.capacity > 1 && (
                      <Text span size="xs" c="dimmed">
                        ({free} of {s.capacity} free)
                      </Text>
                    )}
                  </Group>
                }
              />
            );
          })}
        </SimpleGrid>
      </ScrollArea.Autosize>
    </Radio.Group>
  );
}
