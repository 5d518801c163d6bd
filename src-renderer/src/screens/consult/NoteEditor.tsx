import { useRef, useState } from 'react';
import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConsultVisit, Diagnosis, NoteRecord, SaveNoteInput } from '../../../../src-shared/api/consult';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { api, ApiError } from '../../api/client';
import { consultKeys } from '../../api/consult';
import { useSession } from '../../app/auth';
import { draftBackup, useAutosave, useRegisterFlush } from './ConsultAutosave';
import { ConsultSaveStatus } from './ConsultSaveStatus';
import { DiagnosisPicker } from './DiagnosisPicker';
import { FollowUpPanel } from './FollowUpPanel';
import { NoteTemplatePicker, SOAP_FIELDS, SOAP_LABELS, type SoapField } from './NoteTemplatePicker';
import { EMPTY_VITALS, VitalsPanel, vitalsFormOf, vitalsOfForm, type VitalsForm } from './VitalsPanel';

/** The note as the editor holds it: text as typed ('' for empty), vitals as typed. */
export interface NoteDraft {
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  vitals: VitalsForm;
  diagnoses: Diagnosis[];
  followUpDate: string | null;
  followUpAppointmentId: string | null;
}

export function draftOf(r: NoteRecord | null): NoteDraft {
  return {
    subjective: r?.subjective ?? '',
    objective: r?.objective ?? '',
    assessment: r?.assessment ?? '',
    plan: r?.plan ?? '',
    vitals: r ? vitalsFormOf(r.vitals) : { ...EMPTY_VITALS },
    diagnoses: r?.diagnoses ?? [],
    followUpDate: r?.followUpDate ?? null,
    followUpAppointmentId: r?.followUpAppointmentId ?? null,
  };
}

function isEmpty(d: NoteDraft): boolean {
  return SOAP_FIELDS.every((f) => d[f].trim() === '') && vitalsOfForm(d.vitals) === null && d.diagnoses.length === 0 && !d.followUpDate && !d.followUpAppointmentId;
}

/** Another PC's draft and ours, put together so that nothing either side typed is lost. */
function mergeDrafts(theirs: NoteDraft, ours: NoteDraft): NoteDraft {
  const text = (a: string, b: string) => (a.trim() === '' ? b : b.trim() === '' || a.trim() === b.trim() ? a : `${a}\n${b}`);
  const vitals = { ...theirs.vitals };
  for (const [k, v] of Object.entries(ours.vitals) as Array<[keyof VitalsForm, number | string]>) if (v !== '') vitals[k] = v;
  const seen = new Set(theirs.diagnoses.map((d) => `${d.code ?? ''}|${d.title.toLowerCase()}`));
  return {
    subjective: text(theirs.subjective, ours.subjective),
    objective: text(theirs.objective, ours.objective),
    assessment: text(theirs.assessment, ours.assessment),
    plan: text(theirs.plan, ours.plan),
    vitals,
    diagnoses: [...theirs.diagnoses, ...ours.diagnoses.filter((d) => !seen.has(`${d.code ?? ''}|${d.title.toLowerCase()}`))],
    followUpDate: ours.followUpDate ?? theirs.followUpDate,
    followUpAppointmentId: ours.followUpAppointmentId ?? theirs.followUpAppointmentId,
  };
}

/** "sha256:3f9a1c2b4d5e…": enough of the signature's content hash to compare by eye. */
export function shortHash(hash: string): string {
  const [alg, hex] = hash.includes(':') ? hash.split(':', 2) : ['', hash];
  return `${alg ? `${alg}:` : ''}${hex!.slice(0, 12)}…`;
}

export const drName = (name: string) => (/^dr\.?\s/i.test(name) ? name : `Dr ${name}`);

/** "Signed by Dr Meera Iyer at 02-03-2026 10:45 · hash 3f9a1c2b" */
export function SignatureLine({ record, what }: { record: Pick<NoteRecord, 'signedByName' | 'signedAt' | 'contentHash'>; what: string }) {
  const session = useSession();
  if (!record.signedAt) return null;
  return (
    <Group gap={6} data-testid={`${what}-signature`}>
      <IconLock size={14} color="var(--mantine-color-teal-8)" />
      <Text size="sm" c="teal.9" fw={500}>
        Signed by {drName(record.signedByName ?? 'Unknown')} at {formatDisplayInstant(record.signedAt, session.clinic.timezone)}
      </Text>
      {record.contentHash && (
        <Text size="xs" c="dimmed" ff="monospace" title={`Content hash ${record.contentHash}`}>
          {shortHash(record.contentHash)}
        </Text>
      )}
    </Group>
  );
}

/**
 * The SOAP note of a visit (or an addendum to it): the four fields with templates and quick phrases, and for the
 * note itself vitals, diagnoses and the follow-up. Autosaved while it is a draft the user may write in;
 * read-only otherwise (signed, or someone else's).
 */
export function NoteEditor({
  visit,
  record,
  kind,
  parentId,
  readOnly,
  onRecord,
  title,
}: {
  visit: ConsultVisit;
  record: NoteRecord | null;
  kind: 'note' | 'addendum';
  parentId?: string;
  readOnly: boolean;
  /** Told of each save's answer (the draft's id and what the user may do with it now). */
  onRecord?: (r: NoteRecord) => void;
  title?: string;
}) {
  const queryClient = useQueryClient();
  const appointmentId = visit.appointment.id;
  const part = kind === 'note' ? 'note' : 'addendum';
  const serverDraft = draftOf(record);
  const [restored] = useState(() => {
    if (readOnly) return null;
    const b = draftBackup.read<NoteDraft>(appointmentId, part);
    return b && JSON.stringify(b) !== JSON.stringify(serverDraft) ? b : null;
  });
  const [draft, setDraft] = useState<NoteDraft>(() => restored ?? serverDraft);
  const [showRestored, setShowRestored] = useState(restored !== null);
  const noteId = useRef<string | null>(record?.id ?? null);
  const onRecordRef = useRef(onRecord);
  onRecordRef.current = onRecord;

  const inputOf = (d: NoteDraft): SaveNoteInput => ({
    appointmentId,
    ...(noteId.current ? { noteId: noteId.current } : {}),
    ...(parentId && !noteId.current ? { parentId } : {}),
    subjective: d.subjective,
    objective: d.objective,
    assessment: d.assessment,
    plan: d.plan,
    vitals: kind === 'note' ? vitalsOfForm(d.vitals) : null,
    diagnoses: kind === 'note' ? d.diagnoses : [],
    followUpDate: kind === 'note' ? d.followUpDate : null,
    followUpAppointmentId: kind === 'note' ? d.followUpAppointmentId : null,
  });

  const took = (r: NoteRecord) => {
    noteId.current = r.id;
    onRecordRef.current?.(r);
  };

  const autosave = useAutosave<NoteDraft>({
    name: kind === 'note' ? 'The note' : 'The addendum',
    value: draft,
    savedValue: serverDraft,
    enabled: !readOnly,
    backup: { appointmentId, part },
    save: async (d) => {
      // Nothing written yet and nothing on the server: no empty draft is made.
      if (!noteId.current && isEmpty(d)) return;
      try {
        took(await api.call('notes.save', inputOf(d)));
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'note_exists' && kind === 'note')) throw e;
        // Another PC started this visit's note: continue that one, with what was typed here added to it.
        const fresh = await queryClient.fetchQuery({ queryKey: consultKeys.visit(appointmentId), queryFn: () => api.call('consult.visit', { appointmentId }), staleTime: 0 });
        const theirs = fresh.note;
        if (!theirs || theirs.status !== 'draft') {
          // The note is locked now: what was typed here moves to a new addendum's draft (the screen opens it).
          draftBackup.write(appointmentId, 'addendum', d);
          draftBackup.clear(appointmentId, 'note');
          throw new ApiError({ code: 'conflict', message: 'This visit’s note was signed on another PC. What you typed has been moved into a new addendum below: check it and sign the addendum.' });
        }
        noteId.current = theirs.id;
        const merged = mergeDrafts(draftOf(theirs), d);
        setDraft(merged);
        took(await api.call('notes.save', inputOf(merged)));
      }
    },
  });
  useRegisterFlush(part, autosave, !readOnly);

  const errors = autosave.state.kind === 'error' ? autosave.state.fields : {};
  const flushSoon = () => void autosave.flush();

  // Where the cursor was in each SOAP field, for quick phrases.
  const lastField = useRef<SoapField>('subjective');
  const cursor = useRef<Record<SoapField, { start: number; end: number } | null>>({ subjective: null, objective: null, assessment: null, plan: null });
  const remember = (f: SoapField, el: HTMLTextAreaElement) => {
    lastField.current = f;
    cursor.current[f] = { start: el.selectionStart, end: el.selectionEnd };
  };
  const insertPhrase = (text: string) => {
    const f = lastField.current;
    setDraft((d) => {
      const cur = d[f];
      const at = cursor.current[f] ?? { start: cur.length, end: cur.length };
      const before = cur.slice(0, at.start);
      const after = cur.slice(at.end);
      const sep = before && !/\s$/.test(before) ? ' ' : '';
      cursor.current[f] = { start: at.start + sep.length + text.length, end: at.start + sep.length + text.length };
      return { ...d, [f]: `${before}${sep}${text}${after}` };
    });
  };

  const session = useSession();
  const statusLabel = kind === 'note' ? 'Note save status' : 'Addendum save status';

  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label={title ?? (kind === 'note' ? 'SOAP note' : 'Addendum')}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Title order={3} fz="sm">
              {title ?? (kind === 'note' ? 'SOAP note' : 'Addendum')}
            </Title>
            {record?.status === 'signed' ? (
              <Badge size="sm" color="teal" variant="light" leftSection={<IconLock size={10} />}>
                Signed
              </Badge>
            ) : record ? (
              <Badge size="sm" color="yellow" variant="light">
                Draft
              </Badge>
            ) : null}
            {!readOnly && <ConsultSaveStatus state={autosave.state} label={statusLabel} />}
          </Group>
          {!readOnly && (
            <NoteTemplatePicker
              enabled={session.user.role === 'doctor'}
              onTemplate={(t) =>
                setDraft((d) => ({
                  ...d,
                  subjective: d.subjective.trim() ? d.subjective : (t.body.subjective ?? ''),
                  objective: d.objective.trim() ? d.objective : (t.body.objective ?? ''),
                  assessment: d.assessment.trim() ? d.assessment : (t.body.assessment ?? ''),
                  plan: d.plan.trim() ? d.plan : (t.body.plan ?? ''),
                }))
              }
              onPhrase={(p) => insertPhrase(p.body.text)}
            />
          )}
        </Group>
        {showRestored && (
          <Alert color="blue" variant="light" withCloseButton onClose={() => setShowRestored(false)} closeButtonLabel="Dismiss" p="xs">
            <Text size="sm">Text typed on this PC that had not reached the record was put back. It is being saved now.</Text>
          </Alert>
        )}
        {record?.status === 'signed' && <SignatureLine record={record} what={kind} />}
        {readOnly && record && record.status === 'draft' && (
          <Text size="xs" c="dimmed">
            Draft by {record.authorName}, not signed yet.
          </Text>
        )}
        <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
          {SOAP_FIELDS.map((f) => (
            <Textarea
              key={f}
              size="sm"
              label={SOAP_LABELS[f]}
              autosize
              minRows={kind === 'note' ? 3 : 2}
              maxRows={10}
              readOnly={readOnly}
              variant={readOnly ? 'filled' : 'default'}
              value={draft[f]}
              error={errors[f]}
              onChange={(e) => {
                const v = e.currentTarget.value;
                remember(f, e.currentTarget);
                setDraft((d) => ({ ...d, [f]: v }));
              }}
              onSelect={(e) => remember(f, e.currentTarget)}
              onFocus={(e) => remember(f, e.currentTarget)}
              onBlur={(e) => {
                remember(f, e.currentTarget);
                if (!readOnly) flushSoon();
              }}
            />
          ))}
        </SimpleGrid>
        {kind === 'note' && (
          <>
            <Stack gap={4} component="section" aria-label="Vitals">
              <Text size="sm" fw={600}>
                Vitals
              </Text>
              <VitalsPanel value={draft.vitals} readOnly={readOnly} errors={errors} onChange={(vitals) => setDraft((d) => ({ ...d, vitals }))} onBlur={flushSoon} />
            </Stack>
            <SimpleGrid cols={2} spacing="md">
              <Stack gap={4} component="section" aria-label="Diagnosis">
                <Text size="sm" fw={600}>
                  Diagnosis
                </Text>
                <DiagnosisPicker
                  value={draft.diagnoses}
                  readOnly={readOnly}
                  error={Object.entries(errors).find(([k]) => k.startsWith('diagnoses'))?.[1]}
                  onChange={(diagnoses) => setDraft((d) => ({ ...d, diagnoses }))}
                />
              </Stack>
              <Stack gap={4} component="section" aria-label="Follow-up">
                <Text size="sm" fw={600}>
                  Follow-up
                </Text>
                <FollowUpPanel
                  value={{ followUpDate: draft.followUpDate, followUpAppointmentId: draft.followUpAppointmentId }}
                  readOnly={readOnly}
                  error={errors.followUpDate}
                  doctorId={visit.appointment.doctorId}
                  doctorName={visit.appointment.doctorName}
                  patientId={visit.patient.id}
                  onChange={(f) => {
                    setDraft((d) => ({ ...d, ...f }));
                    // A booked follow-up is kept on the note straight away.
                    if (f.followUpAppointmentId) setTimeout(flushSoon, 0);
                  }}
                />
              </Stack>
            </SimpleGrid>
          </>
        )}
      </Stack>
    </Paper>
  );
}
