import { useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay, IconCheck, IconStethoscope } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import type { AppointmentSummary } from '../../../../src-shared/api/types';
import { api, errorBody } from '../../api/client';
import { useDoctors, useQueue } from '../../api/queries';
import { useSession } from '../../app/auth';
import { PageHeader } from '../../components/PageHeader';
import { minutesSince, slotTime, TYPE_LABELS } from '../../lib/appointments';
import { useNow } from '../../lib/useNow';
import { AppointmentDialog } from './AppointmentDialog';
import { BillVisitButton } from '../billing/BillVisitButton';

function QueueList({ doctorId, isDoctor }: { doctorId: string | null; isDoctor: boolean }) {
  const queue = useQueue(doctorId);
  const navigate = useNavigate();
  const now = useNow(30_000);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  if (queue.isPending)
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  if (queue.isError) return <Alert color="red">{errorBody(queue.error).message}</Alert>;
  const list = queue.data;
  const inConsult = list.filter((a) => a.status === 'in_consult');
  const waiting = list.filter((a) => a.status === 'checked_in').sort((a, b) => (a.token ?? 0) - (b.token ?? 0));
  const next = waiting[0];
  const send = async (a: AppointmentSummary, event: 'appointment.startConsult' | 'appointment.complete') => {
    setBusy(true);
    setError(null);
    try {
      await api.call('appointments.transition', { id: a.id, event });
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  const canCallNext = inConsult.length === 0 && next?.allowedEvents.includes('appointment.startConsult');
  /** The doctor calls the next patient in and goes straight to the consult screen. */
  const callAndOpen = async (a: AppointmentSummary) => {
    setBusy(true);
    setError(null);
    try {
      if (a.allowedEvents.includes('appointment.startConsult')) await api.call('appointments.transition', { id: a.id, event: 'appointment.startConsult' });
      void navigate(`/consult/${a.id}`);
    } catch (e) {
      setError(errorBody(e).message);
      setBusy(false);
    }
  };

  return (
    <Stack gap="md" maw={760}>
      {error && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setError(null)} closeButtonLabel="Dismiss">
          {error}
        </Alert>
      )}
      <Paper withBorder radius="md" p="md" role="region" aria-label="In consultation" bg={inConsult.length ? 'grape.0' : undefined}>
        <Title order={3} fz="md" mb="xs">
          In consultation
        </Title>
        {inConsult.length === 0 ? (
          <Group justify="space-between">
            <Text c="dimmed">Nobody is with the doctor.</Text>
            {canCallNext && next && isDoctor && (
              <Button size="md" color="grape" loading={busy} leftSection={<IconPlayerPlay size={18} />} onClick={() => void callAndOpen(next)} aria-label={`Call next patient (Token ${next.token})`}>
                Call next patient
              </Button>
            )}
            {canCallNext && next && !isDoctor && (
              <Button size="md" color="grape" loading={busy} leftSection={<IconPlayerPlay size={18} />} onClick={() => void send(next, 'appointment.startConsult')}>
                Call next (Token {next.token})
              </Button>
            )}
          </Group>
        ) : (
          inConsult.map((a) => (
            <Group key={a.id} justify="space-between" wrap="nowrap">
              <div>
                <Text fw={700} fz="xl" style={{ cursor: 'pointer' }} onClick={() => setOpen(a.id)}>
                  {a.token !== null ? `Token ${a.token} · ` : ''}
                  {a.patientName}
                </Text>
                <Text size="sm" c="dimmed">
                  {a.patientMrn} · {TYPE_LABELS[a.type]} · {slotTime(a)}
                </Text>
              </div>
              <Group gap="xs" wrap="nowrap">
              {isDoctor && (
                <Button size="md" color="grape" leftSection={<IconStethoscope size={18} />} onClick={() => void navigate(`/consult/${a.id}`)}>
                  Open consult
                </Button>
              )}
              <BillVisitButton appointmentId={a.id} status={a.status} patientName={a.patientName} size="md" />
              {a.allowedEvents.includes('appointment.complete') && (
                <Button size="md" color="teal" loading={busy} leftSection={<IconCheck size={18} />} onClick={() => void send(a, 'appointment.complete')}>
                  Complete
                </Button>
              )}
              </Group>
            </Group>
          ))
        )}
      </Paper>
      <Paper withBorder radius="md" p="md" role="region" aria-label="Waiting">
        <Title order={3} fz="md" mb="xs">
          Waiting ({waiting.length})
        </Title>
        <Stack gap={6}>
          {waiting.length === 0 && <Text c="dimmed">Nobody is waiting.</Text>}
          {waiting.map((a, i) => (
            <Group key={a.id} justify="space-between" wrap="nowrap" p={6} style={{ borderRadius: 4, background: i === 0 ? 'var(--mantine-color-teal-0)' : undefined, cursor: 'pointer' }} onClick={() => setOpen(a.id)}>
              <Group gap="sm" wrap="nowrap">
                <Badge size="lg" color="teal" variant="filled" miw={96} style={{ overflow: 'visible' }}>
                  Token {a.token}
                </Badge>
                <div>
                  <Text fw={600}>{a.patientName}</Text>
                  <Text size="xs" c="dimmed">
                    {a.patientMrn} · {TYPE_LABELS[a.type]} · {a.kind === 'walk_in' ? 'Walk-in' : slotTime(a)}
                  </Text>
                </div>
              </Group>
              <Group gap="sm" wrap="nowrap">
                <BillVisitButton appointmentId={a.id} status={a.status} patientName={a.patientName} size="xs" />
                <Text size="sm" fw={500}>
                  waiting {a.checkedInAt ? minutesSince(a.checkedInAt, now) : 0} min
                </Text>
              </Group>
            </Group>
          ))}
        </Stack>
      </Paper>
      {open && <AppointmentDialog id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

/** #/queue — the doctor's queue: who is in consultation, then the checked-in patients by token. */
export function QueueScreen() {
  const session = useSession();
  const isDoctor = session.user.role === 'doctor';
  const doctors = useDoctors();
  const [picked, setPicked] = useState<string | null>(null);
  const doctorId = isDoctor ? null : (picked ?? doctors.data?.[0]?.staffId ?? null);
  return (
    <>
      <PageHeader
        title={isDoctor ? 'My queue' : 'Doctor queue'}
        subtitle="Today's checked-in patients in token order"
        actions={
          !isDoctor && (
            <Select
              aria-label="Doctor"
              placeholder="Choose a doctor"
              w={240}
              data={(doctors.data ?? []).map((d) => ({ value: d.staffId, label: d.displayName }))}
              value={doctorId}
              onChange={setPicked}
              allowDeselect={false}
            />
          )
        }
      />
      {isDoctor || doctorId ? <QueueList key={doctorId ?? 'me'} doctorId={doctorId} isDoctor={isDoctor} /> : <Text c="dimmed">No doctors yet.</Text>}
    </>
  );
}
