import { useState } from 'react';
import { ActionIcon, Autocomplete, Button, Group, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { dietItemInput, type ConsultVisit, type DietItem, type PrescriptionRecord } from '../../../../src-shared/api/consult';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { SignatureLine } from './NoteEditor';
import { lineErrors, lineKey, usePrescriptionAutosave, type PrescriptionPayload } from './PrescriptionDraft';
import { DraftStatus, PrescriptionSection, SignAlone } from './PrescriptionSection';

interface DietLine {
  key: string;
  meal: string;
  advice: string;
}

interface DietDraft {
  lines: DietLine[];
  advice: string;
}

const MEALS = ['Early morning', 'Breakfast', 'Mid-morning', 'Lunch', 'Evening snack', 'Dinner', 'Bedtime', 'Throughout the day', 'Avoid'];

const isBlank = (l: DietLine) => l.meal.trim() === '' && l.advice.trim() === '';

function payloadOf(d: DietDraft): PrescriptionPayload<DietItem> {
  const items: DietItem[] = [];
  const sentKeys: string[] = [];
  const held: string[] = [];
  d.lines.forEach((l, i) => {
    if (isBlank(l)) return;
    const parsed = dietItemInput.safeParse({ meal: l.meal, advice: l.advice });
    if (parsed.success) {
      items.push(parsed.data);
      sentKeys.push(l.key);
    } else held.push(`line ${i + 1} (${parsed.error.issues[0]?.message ?? 'not complete'})`);
  });
  return { items, sentKeys, advice: d.advice, printHindi: false, held: held.length ? `Not saved yet: ${held.join(', ')}` : null };
}

const linesOf = (r: PrescriptionRecord | null): DietLine[] => ((r?.items ?? []) as DietItem[]).map((i) => ({ key: lineKey(), meal: i.meal, advice: i.advice }));

function DietEditor({ visit, record: initial, noteSigned }: { visit: ConsultVisit; record: PrescriptionRecord | null; noteSigned: boolean }) {
  const [record, setRecord] = useState(initial);
  const [saved] = useState<DietDraft>(() => {
    const lines = linesOf(initial);
    return { lines: lines.length ? lines : [{ key: lineKey(), meal: '', advice: '' }], advice: initial?.advice ?? '' };
  });
  const [draft, setDraft] = useState<DietDraft>(saved);
  const { autosave, sentKeys } = usePrescriptionAutosave<DietDraft, DietItem>({
    kind: 'diet',
    visit,
    record: initial,
    value: draft,
    savedValue: saved,
    readOnly: false,
    payloadOf,
    onRecord: setRecord,
    adopt: (theirs, ours) => {
      const merged = { ...ours, lines: [...linesOf(theirs), ...ours.lines.filter((l) => !isBlank(l))] };
      setDraft(merged);
      return merged;
    },
  });
  const errs = autosave.state.kind === 'error' ? lineErrors(autosave.state.fields, sentKeys.current ?? []) : { byLine: {}, other: [] };
  const setLine = (key: string, patch: Partial<DietLine>) => setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));

  return (
    <Stack gap="xs">
      <DraftStatus kind="diet" record={record} state={autosave.state} />
      {errs.other.length > 0 && <ApiErrorAlert message="Some of the diet plan could not be saved." extra={errs.other} />}
      <Table aria-label="Diet plan lines" verticalSpacing={4} horizontalSpacing={4} withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>Meal or time</Table.Th>
            <Table.Th>Advice</Table.Th>
            <Table.Th w={30} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {draft.lines.map((l, i) => (
            <Table.Tr key={l.key} aria-label={`Diet line ${i + 1}`}>
              <Table.Td valign="top">
                <Autocomplete size="xs" aria-label="Meal or time" placeholder="e.g. Breakfast" data={MEALS} value={l.meal} error={errs.byLine[l.key]?.meal} onChange={(v) => setLine(l.key, { meal: v })} comboboxProps={{ withinPortal: true }} />
              </Table.Td>
              <Table.Td valign="top">
                <TextInput size="xs" aria-label="Advice" placeholder="e.g. 2 phulkas, 1 bowl dal, salad; no sugar" value={l.advice} error={errs.byLine[l.key]?.advice} onChange={(e) => setLine(l.key, { advice: e.currentTarget.value })} onBlur={() => void autosave.flush()} />
              </Table.Td>
              <Table.Td valign="top">
                <ActionIcon variant="subtle" color="red" aria-label={`Remove diet line ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, lines: d.lines.filter((x) => x.key !== l.key) }))}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setDraft((d) => ({ ...d, lines: [...d.lines, { key: lineKey(), meal: '', advice: '' }] }))}>
          Add diet line
        </Button>
      </Group>
      <Textarea size="xs" label="General diet advice" autosize minRows={1} maxRows={4} value={draft.advice} onChange={(e) => setDraft((d) => ({ ...d, advice: e.currentTarget.value }))} onBlur={() => void autosave.flush()} />
      <SignAlone kind="diet" visit={visit} record={record} autosave={autosave} noteSigned={noteSigned} />
    </Stack>
  );
}

function DietView({ record }: { record: PrescriptionRecord }) {
  const items = record.items as DietItem[];
  return (
    <Stack gap={4}>
      {record.status === 'signed' && <SignatureLine record={record} what="diet-plan" />}
      {items.map((i, n) => (
        <Text key={n} size="sm">
          <b>{i.meal}:</b> {i.advice}
        </Text>
      ))}
      {record.advice && <Text size="sm">{record.advice}</Text>}
    </Stack>
  );
}

/** The visit's diet plan: meal lines and advice, autosaved like the prescription and signed with the note. */
export function DietPlanPanel({ visit }: { visit: ConsultVisit }) {
  return <PrescriptionSection kind="diet" visit={visit} editor={(current, noteSigned) => <DietEditor visit={visit} record={current} noteSigned={noteSigned} />} view={(r) => <DietView record={r} />} />;
}
