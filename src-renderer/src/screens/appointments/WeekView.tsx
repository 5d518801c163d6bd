import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Paper, Select, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { errorBody } from '../../api/client';
import { useDoctors, useWeekView } from '../../api/queries';
import { displayDate } from '../../lib/format';
import { addDays, STATUS_STYLE, takenPlaces, WEEKDAYS, weekStartOf } from '../../lib/appointments';

/** One doctor's week: seven columns with each day's appointments and free places. */
export function WeekView({ date, today, onPickDay, onOpen }: { date: string; today: string; onPickDay: (date: string) => void; onOpen: (id: string) => void }) {
  const doctors = useDoctors();
  const [picked, setPicked] = useState<string | null>(null);
  const [weekStart, setWeekStart] = useState(() => weekStartOf(date));
  const doctorId = picked ?? doctors.data?.[0]?.staffId ?? null;
  const doctorName = doctors.data?.find((d) => d.staffId === doctorId)?.displayName ?? '';
  const week = useWeekView(doctorId, weekStart);
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Select aria-label="Doctor" w={220} data={(doctors.data ?? []).map((d) => ({ value: d.staffId, label: d.displayName }))} value={doctorId} onChange={setPicked} allowDeselect={false} />
        <Button variant="default" aria-label="Previous week" onClick={() => setWeekStart(addDays(weekStart, -7))}>
          <IconChevronLeft size={16} />
        </Button>
        <Text fw={500}>
          Week of {displayDate(weekStart)} – {displayDate(addDays(weekStart, 6))}
        </Text>
        <Button variant="default" aria-label="Next week" onClick={() => setWeekStart(addDays(weekStart, 7))}>
          <IconChevronRight size={16} />
        </Button>
      </Group>
      {!doctorId ? (
        <Text c="dimmed">No doctors yet.</Text>
      ) : week.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : week.isError ? (
        <Alert color="red">{errorBody(week.error).message}</Alert>
      ) : (
        <SimpleGrid cols={7} spacing={6} role="list" aria-label={`Week — ${doctorName}`}>
          {week.data.map((d, i) => {
            const doc = d.doctors[0];
            const slots = doc?.slots ?? [];
            const capacity = slots.reduce((n, s) => n + s.capacity, 0);
            const appts = [...slots.flatMap((s) => s.appointments), ...(doc?.unslotted ?? [])];
            const taken = slots.reduce((n, s) => n + takenPlaces(s), 0);
            return (
              <Paper key={d.date} role="listitem" aria-label={`${WEEKDAYS[i]} ${displayDate(d.date)}`} withBorder radius="sm" p={6} bg={d.date === today ? 'yellow.0' : undefined} style={{ minWidth: 0 }}>
                <UnstyledButton onClick={() => onPickDay(d.date)} w="100%">
                  <Text size="sm" fw={700}>
                    {WEEKDAYS[i]?.slice(0, 3)} {displayDate(d.date).slice(0, 5)}
                  </Text>
                  <Text size="xs" c={d.isHoliday ? 'red.8' : 'dimmed'}>
                    {d.isHoliday ? `Holiday: ${d.holidayName ?? ''}` : slots.length === 0 ? 'No slots' : `${capacity - taken} free of ${capacity}`}
                  </Text>
                </UnstyledButton>
                <Stack gap={2} mt={4} style={{ maxHeight: 'calc(100vh - 330px)', overflowY: 'auto' }}>
                  {appts.map((a) => (
                    <UnstyledButton key={a.id} onClick={() => onOpen(a.id)} px={4} style={{ borderRadius: 3, borderLeft: `3px solid var(--mantine-color-${STATUS_STYLE[a.status].color}-6)`, background: `var(--mantine-color-${STATUS_STYLE[a.status].color}-0)` }}>
                      <Text size="xs" truncate>
                        {a.startMinutes !== null ? formatMinutes(a.startMinutes) : 'Walk-in'} {a.patientName}
                      </Text>
                      <Text size="xs" fw={600} c={`${STATUS_STYLE[a.status].color}.9`}>
                        {STATUS_STYLE[a.status].label}
                      </Text>
                    </UnstyledButton>
                  ))}
                </Stack>
              </Paper>
            );
          })}
        </SimpleGrid>
      )}
    </Stack>
  );
}
