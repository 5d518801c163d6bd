import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import type { AppointmentType, PatientSummary } from '../../../../src-shared/api/types';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { displayDate } from '../../lib/format';
import { TYPE_LABELS } from '../../lib/appointments';
import { PatientPicker } from './PatientPicker';

const TYPE_DATA = (Object.keys(TYPE_LABELS) as AppointmentType[]).map((value) => ({ value, label: TYPE_LABELS[value] }));

function messageOf(e: unknown): string {
  const body = errorBody(e);
  return [body.message, ...Object.values(body.fields ?? {})].join(' ');
}

/** While a patient is being registered inside the dialog: room for the form, and Esc or a stray click outside do not close it (nothing typed is lost). */
function roomFor(registering: boolean, size: string) {
  return registering ? { size: '95%', closeOnEscape: false, closeOnClickOutside: false } : { size };
}

export interface BookTarget {
  doctorId: string;
  doctorName: string;
  date: string;
  startMinutes: number;
  endMinutes: number;
}

/** Book a free slot: confirm now, or hold it while the patient pays. Ctrl+Enter confirms. */
export function BookDialog({ target, onClose }: { target: BookTarget; onClose: () => void }) {
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [type, setType] = useState<AppointmentType>('new');
  const [notes, setNotes] = useState('');
  const [holdMinutes, setHoldMinutes] = useState<number | string>(15);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'confirm' | 'hold' | 'request' | null>(null);
  const [registering, setRegistering] = useState(false);

  const book = async (mode: 'confirm' | 'hold' | 'request') => {
    if (busy) return;
    if (!patient) return setError('Pick the patient first: type a name, mobile number or MRN and choose from the list.');
    setBusy(mode);
    setError(null);
    try {
      await api.call('appointments.book', {
        doctorId: target.doctorId,
        patientId: patient.id,
        date: target.date,
        startMinutes: target.startMinutes,
        type,
        deskNotes: notes.trim() === '' ? null : notes,
        mode,
        holdMinutes: Number(holdMinutes) || 15,
      });
      onClose();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal opened onClose={onClose} title="Book appointment" {...roomFor(registering, 'lg')}>
      <Stack
        gap="sm"
        onKeyDown={(e) => {
          if (!registering && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void book('confirm');
          }
        }}
      >
        <Text size="sm">
          <b>{target.doctorName}</b> · {displayDate(target.date)} · {formatMinutes(target.startMinutes)}–{formatMinutes(target.endMinutes)}
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <PatientPicker value={patient} onChange={setPatient} onSubmitShortcut={() => void book('confirm')} onRegisteringChange={setRegistering} />
        {!registering && (
          <>
            <div>
              <Text size="sm" fw={500} mb={4}>
                Type
              </Text>
              <SegmentedControl aria-label="Type" value={type} onChange={(v) => setType(v as AppointmentType)} data={TYPE_DATA} />
            </div>
            <Textarea label="Notes for the desk" autosize minRows={2} maxLength={500} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} />
            <Group justify="space-between" align="flex-end">
              <Group align="flex-end" gap="xs">
                <NumberInput label="Hold minutes" w={110} min={1} max={1440} allowDecimal={false} value={holdMinutes} onChange={setHoldMinutes} />
                <Button variant="light" color="yellow" loading={busy === 'hold'} onClick={() => void book('hold')}>
                  Hold for payment
                </Button>
              </Group>
              <Group gap="xs">
                <Button variant="default" onClick={onClose}>
                  Close
                </Button>
                <Button variant="light" color="indigo" loading={busy === 'request'} onClick={() => void book('request')}>
                  Save as request
                </Button>
                <Button loading={busy === 'confirm'} onClick={() => void book('confirm')}>
                  Confirm booking
                </Button>
              </Group>
            </Group>
            <Text size="xs" c="dimmed">
              Ctrl+Enter confirms the booking.
            </Text>
          </>
        )}
      </Stack>
    </Modal>
  );
}

/** A walk-in: the patient gets the doctor's next token. */
export function WalkInDialog({ doctorId, doctorName, onClose }: { doctorId: string; doctorName: string; onClose: () => void }) {
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  const [type, setType] = useState<AppointmentType>('new');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [token, setToken] = useState<{ n: number | null; name: string } | null>(null);
  const [registering, setRegistering] = useState(false);

  const add = async () => {
    if (busy) return;
    if (!patient) return setError('Pick the patient first.');
    setBusy(true);
    setError(null);
    try {
      const appt = await api.call('appointments.walkIn', { doctorId, patientId: patient.id, type });
      setToken({ n: appt.token, name: appt.patientName });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={`Walk-in — ${doctorName}`} {...roomFor(registering, 'md')}>
      {token ? (
        <Stack gap="sm" align="center">
          <Text size="sm">{token.name} is checked in.</Text>
          <Text fz={40} fw={700} c="teal.8" data-testid="walk-in-token">
            Token {token.n}
          </Text>
          <Button data-autofocus onClick={onClose}>
            Done
          </Button>
        </Stack>
      ) : (
        <Stack
          gap="sm"
          onKeyDown={(e) => {
            if (!registering && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void add();
            }
          }}
        >
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <PatientPicker value={patient} onChange={setPatient} onSubmitShortcut={() => void add()} onRegisteringChange={setRegistering} />
          {!registering && (
            <>
              <SegmentedControl aria-label="Type" value={type} onChange={(v) => setType(v as AppointmentType)} data={TYPE_DATA} />
              <Group justify="flex-end">
                <Button variant="default" onClick={onClose}>
                  Close
                </Button>
                <Button loading={busy} onClick={() => void add()}>
                  Add walk-in
                </Button>
              </Group>
            </>
          )}
        </Stack>
      )}
    </Modal>
  );
}
