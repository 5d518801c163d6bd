import { useState } from 'react';
import { Autocomplete, Badge, Button, CloseButton, Group, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { ALLERGY_SEVERITIES, type Allergy, type AllergySeverity, type ConsultVisit } from '../../../../src-shared/api/consult';
import { api, errorBody } from '../../api/client';
import { consultKeys } from '../../api/consult';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { mapApiFieldErrors } from '../../lib/formErrors';
import { REQUIRED } from '../../lib/required';

const COMMON = ['Penicillin', 'Sulfa drugs', 'NSAIDs', 'Aspirin', 'Cephalosporins', 'Fluoroquinolones', 'Codeine', 'Iodine contrast', 'Latex', 'Peanuts', 'Egg', 'Shellfish'];
const SEVERITY_LABELS: Record<AllergySeverity, string> = { mild: 'Mild', moderate: 'Moderate', severe: 'Severe', unknown: 'Not known' };

function AddAllergyDialog({ patientId, appointmentId, onClose }: { patientId: string; appointmentId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [substance, setSubstance] = useState('');
  const [reaction, setReaction] = useState('');
  const [severity, setSeverity] = useState<AllergySeverity>('unknown');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; extra: string[]; fields: Record<string, string> } | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const allergies = await api.call('allergies.save', { patientId, substance, reaction, severity });
      queryClient.setQueryData<ConsultVisit>(consultKeys.visit(appointmentId), (v) => (v ? { ...v, allergies } : v));
      onClose();
    } catch (e) {
      const body = errorBody(e);
      const { errors, unmatched } = mapApiFieldErrors(body.fields, null, ['substance', 'reaction', 'severity']);
      setError({ message: body.message, extra: unmatched, fields: errors });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title="Add allergy">
      <Stack
        gap="sm"
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Autocomplete label="Allergy (drug or substance)" {...REQUIRED} data={COMMON} value={substance} onChange={setSubstance} error={error?.fields.substance} data-autofocus comboboxProps={{ withinPortal: true }} />
        <TextInput label="Reaction" placeholder="e.g. rash, breathlessness" value={reaction} onChange={(e) => setReaction(e.currentTarget.value)} error={error?.fields.reaction} />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="allergy-severity">
            Severity
          </Text>
          <SegmentedControl aria-labelledby="allergy-severity" data={ALLERGY_SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))} value={severity} onChange={(v) => setSeverity(v as AllergySeverity)} />
        </Stack>
        <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={busy}>
            Save allergy
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The patient's recorded allergies as red badges (what a doctor must see first), with add and remove. */
export function AllergyBadges({ visit }: { visit: ConsultVisit }) {
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Allergy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const remove = async (a: Allergy) => {
    setError(null);
    setRemoving(null);
    try {
      const allergies = await api.call('allergies.remove', { id: a.id });
      queryClient.setQueryData<ConsultVisit>(consultKeys.visit(visit.appointment.id), (v) => (v ? { ...v, allergies } : v));
    } catch (e) {
      setError(errorBody(e).message);
    }
  };
  return (
    <Stack gap={4}>
      <Group gap={6} role="list" aria-label="Allergies">
        <IconAlertTriangle size={16} color={visit.allergies.length ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-gray-5)'} aria-hidden />
        {visit.allergies.length === 0 && (
          <Text size="sm" c="dimmed" role="listitem">
            No allergies recorded
          </Text>
        )}
        {visit.allergies.map((a) => (
          <Badge
            key={a.id}
            role="listitem"
            color="red"
            variant="filled"
            size="lg"
            tt="none"
            title={a.reaction ? `Reaction: ${a.reaction}` : undefined}
            rightSection={visit.canWrite ? <CloseButton size="xs" variant="transparent" c="white" aria-label={`Remove allergy ${a.substance}`} onClick={() => setRemoving(a)} /> : undefined}
          >
            {a.substance}
            {a.severity !== 'unknown' ? ` · ${SEVERITY_LABELS[a.severity].toLowerCase()}` : ''}
          </Badge>
        ))}
        {visit.canWrite && (
          <Button size="compact-xs" variant="subtle" color="red" leftSection={<IconPlus size={12} />} onClick={() => setAdding(true)}>
            Add allergy
          </Button>
        )}
      </Group>
      <ApiErrorAlert message={error} onClose={() => setError(null)} />
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title="Remove allergy?">
        <Text size="sm">Remove the recorded allergy to {removing?.substance}? Do this only if it was recorded by mistake.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setRemoving(null)} data-autofocus>
            Keep it
          </Button>
          <Button color="red" onClick={() => removing && void remove(removing)}>
            Remove allergy
          </Button>
        </Group>
      </Modal>
      {adding && <AddAllergyDialog patientId={visit.patient.id} appointmentId={visit.appointment.id} onClose={() => setAdding(false)} />}
    </Stack>
  );
}
