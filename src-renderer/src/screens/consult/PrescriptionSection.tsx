import { Fragment, type ReactNode } from 'react';
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconEdit, IconSignature } from '@tabler/icons-react';
import type { ConsultVisit, PrescriptionKind, PrescriptionRecord } from '../../../../src-shared/api/consult';
import { api } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import type { Autosave, SaveState } from './ConsultAutosave';
import { ConsultSaveStatus } from './ConsultSaveStatus';
import { versionsOf } from './PrescriptionDraft';
import { useVisitAction } from './useVisitAction';

const NAMES: Record<PrescriptionKind, { title: string; lower: string }> = {
  medication: { title: 'Prescription', lower: 'prescription' },
  diet: { title: 'Diet plan', lower: 'diet plan' },
};

/** An editor's first line: "Draft · version n" and how its autosave stands. */
export function DraftStatus({ kind, record, state, children }: { kind: PrescriptionKind; record: PrescriptionRecord | null; state: SaveState; children?: ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap">
      <Group gap="xs" wrap="nowrap">
        {record && (
          <Badge size="sm" color="yellow" variant="light">
            Draft{record.version > 1 ? ` · version ${record.version}` : ''}
          </Badge>
        )}
        <ConsultSaveStatus state={state} label={`${NAMES[kind].title} save status`} />
      </Group>
      {children}
    </Group>
  );
}

/**
 * "Sign prescription" once the note is signed (a draft made after it, or a new version): saves what is typed
 * first, and signs only if that was saved. Before the note is signed the draft is signed with it.
 */
export function SignAlone({ kind, visit, record, autosave, noteSigned }: { kind: PrescriptionKind; visit: ConsultVisit; record: PrescriptionRecord | null; autosave: Autosave; noteSigned: boolean }) {
  const { busy, error, setError, run } = useVisitAction(visit);
  if (!noteSigned) {
    return (
      <Text size="xs" c="dimmed">
        Signed together with the note.
      </Text>
    );
  }
  if (!record?.allowed.includes('note.sign')) return null;
  const sign = () =>
    run(async () => {
      const saved = await autosave.flush();
      if (!saved.ok) return `Not signed: ${saved.message}`;
      await api.call('prescriptions.sign', { prescriptionId: record.id });
    });
  return (
    <Stack gap="xs">
      <ApiErrorAlert message={error} onClose={() => setError(null)} />
      <Group justify="flex-end">
        <Button size="sm" leftSection={<IconSignature size={16} />} loading={busy} onClick={() => void sign()}>
          Sign {NAMES[kind].lower}
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * The visit's prescription or diet plan: the draft editor while it may be written, else the newest version as
 * signed with "Change …" (a new draft version referencing it), and the earlier versions named.
 */
export function PrescriptionSection({
  kind,
  visit,
  editor,
  view,
  empty,
}: {
  kind: PrescriptionKind;
  visit: ConsultVisit;
  editor: (current: PrescriptionRecord | null, noteSigned: boolean) => ReactNode;
  view: (record: PrescriptionRecord) => ReactNode;
  /** Shown when there is none and none may be written; nothing at all when absent. */
  empty?: string;
}) {
  const { current, earlier } = versionsOf(visit, kind);
  const { busy, error, setError, run } = useVisitAction(visit);
  const editable = visit.canWrite && (current === null || (current.status === 'draft' && current.allowed.includes('note.save')));
  if (!editable && !current && !empty) return null;
  const { title, lower } = NAMES[kind];
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label={title}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} fz="sm">
            {title}
            {current && current.version > 1 ? ` (version ${current.version})` : ''}
          </Title>
          {current?.status === 'signed' && visit.canWrite && current.allowed.includes('note.addendum') && (
            <Button size="compact-sm" variant="light" leftSection={<IconEdit size={14} />} loading={busy} onClick={() => void run(async () => void (await api.call('prescriptions.revise', { prescriptionId: current.id })))}>
              Change {lower}
            </Button>
          )}
        </Group>
        <ApiErrorAlert message={error} onClose={() => setError(null)} />
        {editable ? (
          <Fragment key={`${current?.version ?? 1}-${current?.status ?? 'draft'}`}>{editor(current, visit.note?.status === 'signed')}</Fragment>
        ) : current ? (
          view(current)
        ) : (
          <Text size="sm" c="dimmed">
            {empty}
          </Text>
        )}
        {earlier.length > 0 && (
          <Text size="xs" c="dimmed">
            Earlier versions: {earlier.map((p) => `version ${p.version} (${p.status}${p.signedByName ? `, ${p.signedByName}` : ''})`).join('; ')}. They stay on record as they were signed.
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
