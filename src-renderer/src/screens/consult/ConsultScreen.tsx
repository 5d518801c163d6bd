import { useState } from 'react';
import { Alert, Badge, Button, Center, Grid, Group, Loader, Modal, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconCheck, IconFileText, IconFlask, IconPill, IconPlayerPlay, IconPlus, IconPrinter, IconSignature } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import type { AppointmentStatusName } from '../../../../src-shared/api/types';
import type { ConsultVisit, MedicationItem, NoteRecord } from '../../../../src-shared/api/consult';
import { formatMinutes } from '../../../../src-shared/domain/schedule';
import { api, errorBody } from '../../api/client';
import { consultKeys, useConsultVisit } from '../../api/consult';
import { apptKeys, useAppointment } from '../../api/queries';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { STATUS_STYLE, TYPE_LABELS } from '../../lib/appointments';
import { sexAgeLong } from '../../lib/format';
import { AllergyBadges } from './AllergyBadges';
import { createFlushRegistry, draftBackup, FlushContext, type FlushRegistry } from './ConsultAutosave';
import { ConsultLabsPanel } from './ConsultLabsPanel';
import { DietPlanPanel } from './DietPlanPanel';
import { HistoryTimeline } from './HistoryTimeline';
import { DocumentsPanel } from './DocumentsPanel';
import { NoteEditor } from './NoteEditor';
import { PrescriptionPanel } from './PrescriptionPanel';
import { versionsOf } from './PrescriptionDraft';

/** The newer of what the editor last saved and what the screen last read. */
function newer(a: NoteRecord | null, b: NoteRecord | null): NoteRecord | null {
  if (!a) return b;
  if (!b) return a;
  if (a.id !== b.id) return b;
  return a.updatedAt > b.updatedAt ? a : b;
}

/**
 * "Sign note?" — saves everything typed first (note, prescription, diet plan), then signs: the note (or addendum)
 * is locked, and with the note the visit's draft prescription and diet plan.
 */
function SignDialog({ kind, noteId, appointmentId, registry, onClose }: { kind: 'note' | 'addendum'; noteId: string; appointmentId: string; registry: FlushRegistry; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sign = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await registry.flushAll();
      if (!saved.ok) {
        setError(`Not signed yet: ${saved.message}`);
        return;
      }
      const visit = await api.call('notes.sign', { noteId });
      queryClient.setQueryData(consultKeys.visit(appointmentId), visit);
      for (const part of kind === 'note' ? ['note', 'medication', 'diet'] : ['addendum']) draftBackup.clear(appointmentId, part);
      notifications.show({ color: 'teal', title: kind === 'note' ? 'Note signed' : 'Addendum signed', message: kind === 'note' ? 'The note and the visit’s prescription are locked.' : 'The addendum is locked.' });
      onClose();
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={kind === 'note' ? 'Sign this note?' : 'Sign this addendum?'} centered>
      <Stack gap="sm">
        <Text size="sm">
          {kind === 'note' ? "Signing locks the note and the visit's prescription. Changes later need an addendum." : 'Signing locks the addendum. Later changes need another addendum.'}
        </Text>
        <ApiErrorAlert message={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Keep editing
          </Button>
          <Button leftSection={<IconSignature size={16} />} loading={busy} onClick={() => void sign()}>
            {kind === 'note' ? 'Sign note' : 'Sign addendum'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function PatientHeader({ visit, note, onSign, registry }: { visit: ConsultVisit; note: NoteRecord | null; onSign: () => void; registry: FlushRegistry }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const appointment = useAppointment(visit.appointment.id);
  const allowedEvents = appointment.data?.allowedEvents ?? [];
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const a = visit.appointment;
  const p = visit.patient;
  const status = STATUS_STYLE[(appointment.data?.status ?? a.status) as AppointmentStatusName] ?? { label: a.status, color: 'gray' };
  const rx = versionsOf(visit, 'medication').current;
  const diet = versionsOf(visit, 'diet').current;
  const signed = note?.status === 'signed';

  const transition = async (event: 'appointment.startConsult' | 'appointment.complete') => {
    setBusy(event);
    setError(null);
    try {
      if (event === 'appointment.complete') {
        const saved = await registry.flushAll();
        if (!saved.ok) return setError(saved.message);
      }
      await api.call('appointments.transition', { id: a.id, event });
      await queryClient.invalidateQueries({ queryKey: apptKeys.one(a.id) });
      await queryClient.invalidateQueries({ queryKey: consultKeys.visit(a.id) });
      if (event === 'appointment.complete') {
        notifications.show({ color: 'teal', title: 'Visit completed', message: `${p.fullName}’s visit is done.` });
        void navigate('/queue');
      }
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(null);
    }
  };

  const print = async (id: string, a5: boolean) => {
    await registry.flushAll();
    // Screen notices ("Note signed") stay behind: they are not part of the page that prints.
    notifications.clean();
    void navigate(`/print/prescription/${id}?${a5 ? 'size=a5&' : ''}print=1`);
  };

  return (
    <Paper withBorder radius="md" p="sm" mb="sm" component="section" aria-label="Patient">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Title order={2} fz={20} lineClamp={1}>
              {p.fullName}
            </Title>
            <Badge color={status.color} variant="light" data-testid="visit-status">
              {status.label}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {p.mrn} · {sexAgeLong({ sex: p.sex as 'female' | 'male' | 'other', dateOfBirth: p.dateOfBirth }, session.clinic.timezone)}
            {p.dobEstimated ? ' (estimated)' : ''} · {a.token !== null ? `Token ${a.token} · ` : ''}
            {a.startMinutes !== null ? formatMinutes(a.startMinutes) : 'Walk-in'} · {TYPE_LABELS[a.type as keyof typeof TYPE_LABELS] ?? a.type} · {a.doctorName}
          </Text>
          <AllergyBadges visit={visit} />
        </Stack>
        <Stack gap={6} align="flex-end">
          <Group gap="xs" wrap="nowrap">
            <Button component={Link} to="/queue" variant="subtle" size="xs" leftSection={<IconArrowLeft size={14} />}>
              Queue
            </Button>
            {allowedEvents.includes('appointment.startConsult') && (
              <Button size="xs" color="grape" leftSection={<IconPlayerPlay size={14} />} loading={busy === 'appointment.startConsult'} onClick={() => void transition('appointment.startConsult')}>
                Start consultation
              </Button>
            )}
            {note && note.status === 'draft' && note.allowed.includes('note.sign') && (
              <Button size="xs" leftSection={<IconSignature size={14} />} onClick={onSign}>
                Sign note
              </Button>
            )}
            {signed && allowedEvents.includes('appointment.complete') && (
              <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} loading={busy === 'appointment.complete'} onClick={() => void transition('appointment.complete')}>
                Complete visit
              </Button>
            )}
          </Group>
          {((rx && rx.status === 'signed') || (diet && diet.status === 'signed')) && (
            <Group gap="xs" wrap="nowrap">
              {rx?.status === 'signed' && (
                <>
                  <Button size="xs" variant="default" leftSection={<IconPrinter size={14} />} onClick={() => void print(rx.id, false)}>
                    Print prescription
                  </Button>
                  <Button size="xs" variant="default" onClick={() => void print(rx.id, true)}>
                    Print A5
                  </Button>
                </>
              )}
              {diet?.status === 'signed' && (
                <Button size="xs" variant="default" leftSection={<IconPrinter size={14} />} onClick={() => void print(diet.id, false)}>
                  Print diet plan
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </Group>
      <ApiErrorAlert message={error} onClose={() => setError(null)} />
    </Paper>
  );
}

function NoteTab({ visit, note, onRecord, registry }: { visit: ConsultVisit; note: NoteRecord | null; onRecord: (r: NoteRecord) => void; registry: FlushRegistry }) {
  // An addendum typed here and not saved yet (the window was closed) opens again with its text.
  const [adding, setAdding] = useState(() => draftBackup.read(visit.appointment.id, 'addendum') !== undefined);
  const [addendum, setAddendum] = useState<NoteRecord | null>(null);
  const [signing, setSigning] = useState<string | null>(null);
  const serverNote = visit.note;
  const noteReadOnly = !visit.canWrite || (serverNote !== null && (serverNote.status !== 'draft' || !serverNote.allowed.includes('note.save')));
  const draftAddendum = newer(addendum, visit.addenda.find((x) => x.status === 'draft') ?? null);
  const signedAddenda = visit.addenda.filter((x) => x.status === 'signed');
  // Text typed into a note another PC signed meanwhile waits in the addendum's backup: its editor opens for it.
  const showAddendumEditor = visit.canWrite && serverNote?.status === 'signed' && (adding || draftAddendum !== null || draftBackup.read(visit.appointment.id, 'addendum') !== undefined);

  if (!serverNote && !visit.canWrite) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        No note has been written for this visit.
      </Text>
    );
  }

  return (
    <Stack gap="sm">
      <NoteEditor key={serverNote?.status === 'signed' ? 'note-signed' : 'note-draft'} visit={visit} record={note} kind="note" readOnly={noteReadOnly} onRecord={onRecord} />
      {signedAddenda.map((x, i) => (
        <NoteEditor key={x.id} visit={visit} record={x} kind="addendum" readOnly title={`Addendum ${i + 1}`} />
      ))}
      {showAddendumEditor && (
        <Stack gap={6}>
          <NoteEditor
            key="addendum-draft"
            visit={visit}
            record={draftAddendum}
            kind="addendum"
            parentId={serverNote.id}
            readOnly={draftAddendum !== null && !draftAddendum.allowed.includes('note.save')}
            onRecord={setAddendum}
            title={`Addendum ${signedAddenda.length + 1} (draft)`}
          />
          {draftAddendum?.allowed.includes('note.sign') && (
            <Group justify="flex-end">
              <Button size="sm" leftSection={<IconSignature size={16} />} onClick={() => setSigning(draftAddendum.id)}>
                Sign addendum
              </Button>
            </Group>
          )}
        </Stack>
      )}
      {serverNote?.status === 'signed' && !showAddendumEditor && serverNote.allowed.includes('note.addendum') && (
        <Group>
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add addendum
          </Button>
        </Group>
      )}
      {signing && (
        <SignDialog
          kind="addendum"
          noteId={signing}
          appointmentId={visit.appointment.id}
          registry={registry}
          onClose={() => {
            setSigning(null);
            setAdding(false);
            setAddendum(null);
          }}
        />
      )}
    </Stack>
  );
}

function ConsultWorkspace({ visit }: { visit: ConsultVisit }) {
  const [registry] = useState(createFlushRegistry);
  const [liveNote, setLiveNote] = useState<NoteRecord | null>(null);
  const [signing, setSigning] = useState(false);
  const [tab, setTab] = useState<string | null>('note');
  const note = newer(liveNote, visit.note);
  const rx = versionsOf(visit, 'medication').current;
  const drugs = rx ? (rx.items as MedicationItem[]).length : 0;
  const warnings = rx?.allergyWarnings.length ?? 0;
  const resulted = visit.labs.filter((l) => l.status === 'resulted').length;
  const abnormal = visit.labs.filter((l) => l.abnormal === 'high' || l.abnormal === 'low').length;

  return (
    <FlushContext.Provider value={registry}>
      <PatientHeader visit={visit} note={note} registry={registry} onSign={() => setSigning(true)} />
      <Grid gutter="sm">
        <Grid.Col span={8}>
          <Tabs value={tab} onChange={setTab} keepMounted>
            <Tabs.List mb="xs">
              <Tabs.Tab value="note" leftSection={<IconFileText size={16} />}>
                Note
              </Tabs.Tab>
              <Tabs.Tab
                value="prescription"
                leftSection={<IconPill size={16} />}
                rightSection={
                  drugs > 0 ? (
                    <Badge size="xs" circle color={warnings ? 'red' : 'blue'} aria-label={warnings ? `${drugs} drugs, allergy warning` : `${drugs} drugs`}>
                      {drugs}
                    </Badge>
                  ) : undefined
                }
              >
                Prescription
              </Tabs.Tab>
              <Tabs.Tab
                value="labs"
                leftSection={<IconFlask size={16} />}
                rightSection={
                  visit.labs.length > 0 ? (
                    <Badge size="xs" circle color={abnormal ? 'red' : 'gray'} aria-label={`${resulted} of ${visit.labs.length} resulted`}>
                      {visit.labs.length}
                    </Badge>
                  ) : undefined
                }
              >
                Labs
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="note">
              <NoteTab visit={visit} note={note} onRecord={setLiveNote} registry={registry} />
            </Tabs.Panel>
            <Tabs.Panel value="prescription">
              <Stack gap="sm">
                <PrescriptionPanel visit={visit} />
                <DietPlanPanel visit={visit} />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="labs">
              <ConsultLabsPanel visit={visit} />
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={4}>
          <Stack gap="sm">
            <DocumentsPanel patientId={visit.patient.id} appointmentId={visit.appointment.id} canAttach={visit.canWrite} />
            <HistoryTimeline patientId={visit.patient.id} />
          </Stack>
        </Grid.Col>
      </Grid>
      {signing && note && <SignDialog kind="note" noteId={note.id} appointmentId={visit.appointment.id} registry={registry} onClose={() => setSigning(false)} />}
    </FlushContext.Provider>
  );
}

/** #/consult/:appointmentId — the doctor's workstation for one visit. */
export function ConsultScreen() {
  const { appointmentId = '' } = useParams();
  const visit = useConsultVisit(appointmentId);
  // A failed refresh keeps the screen (and everything typed) as it was.
  if (visit.data) return <ConsultWorkspace key={appointmentId} visit={visit.data} />;
  if (visit.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading the visit" />
      </Center>
    );
  }
  return (
      <Stack gap="sm" maw={640}>
        <Alert color="red" role="alert" title="This visit cannot be opened">
          {errorBody(visit.error).message}
        </Alert>
        <Group>
          <Button component={Link} to="/queue" variant="light" leftSection={<IconArrowLeft size={16} />}>
            Back to the queue
          </Button>
        </Group>
      </Stack>
  );
}
