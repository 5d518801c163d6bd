import { useState } from 'react';
import { ActionIcon, Alert, Button, Checkbox, Group, NumberInput, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCopy, IconPlus, IconTrash } from '@tabler/icons-react';
import { medicationItemInput, type Allergy, type ConsultVisit, type MedicationItem, type PrescriptionRecord } from '../../../../src-shared/api/consult';
import { allergyWarnings } from '../../../../src-shared/clinical/allergy';
import {
  DOSE_FORM_LABELS,
  DOSE_FORMS,
  DURATION_UNIT_LABELS,
  DURATION_UNITS,
  durationInWords,
  durationToDays,
  FOOD_TIMING_LABELS,
  FOOD_TIMINGS,
  frequencyInWords,
  parseFrequency,
  ROUTE_LABELS,
  ROUTES,
  suggestQuantity,
  type DurationUnit,
  type FoodTiming,
} from '../../../../src-shared/clinical/dosage';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { SignatureLine } from './NoteEditor';
import { lineErrors, lineKey, usePrescriptionAutosave, type PrescriptionPayload } from './PrescriptionDraft';
import { DraftStatus, PrescriptionSection, SignAlone } from './PrescriptionSection';

export interface DrugLine {
  key: string;
  generic: string;
  brand: string;
  strength: string;
  form: string;
  dose: string;
  frequency: string;
  route: string;
  durationValue: number | string;
  durationUnit: DurationUnit;
  quantity: number | string;
  /** True once the doctor typed a quantity (it then no longer follows the suggestion). */
  quantityEdited: boolean;
  timing: FoodTiming;
  instructions: string;
}

interface MedicationDraft {
  lines: DrugLine[];
  advice: string;
  printHindi: boolean;
}

const blankLine = (): DrugLine => ({
  key: lineKey(),
  generic: '',
  brand: '',
  strength: '',
  form: 'tablet',
  dose: '1',
  frequency: '',
  route: 'oral',
  durationValue: 5,
  durationUnit: 'days',
  quantity: '',
  quantityEdited: false,
  timing: 'after_food',
  instructions: '',
});

const lineOf = (i: MedicationItem): DrugLine => ({
  key: lineKey(),
  generic: i.generic,
  brand: i.brand ?? '',
  strength: i.strength ?? '',
  form: i.form ?? '',
  dose: i.dose,
  frequency: i.frequency,
  route: i.route,
  durationValue: i.durationValue ?? '',
  durationUnit: i.durationUnit,
  quantity: i.quantity ?? '',
  quantityEdited: true,
  timing: i.timing,
  instructions: i.instructions ?? '',
});

const num = (v: number | string): number | null => (typeof v === 'number' ? v : v.trim() === '' ? null : Number.isFinite(Number(v)) ? Number(v) : null);

/** A line is blank until the drug's name is typed (the dose and form defaults do not count). */
const isBlank = (l: DrugLine) => l.generic.trim() === '' && l.brand.trim() === '' && l.strength.trim() === '' && l.frequency.trim() === '' && l.instructions.trim() === '';

const itemOf = (l: DrugLine) => ({
  generic: l.generic,
  brand: l.brand,
  strength: l.strength,
  form: l.form,
  dose: l.dose,
  frequency: l.frequency,
  route: l.route,
  durationValue: num(l.durationValue),
  durationUnit: l.durationUnit,
  quantity: num(l.quantity),
  timing: l.timing,
  instructions: l.instructions,
});

/** The quantity for the frequency and duration (rounded up), when it can be worked out. */
function suggestion(l: Pick<DrugLine, 'frequency' | 'durationValue' | 'durationUnit'>): number | null {
  const n = num(l.durationValue);
  const days = n === null ? null : durationToDays(n, l.durationUnit);
  return days === null ? null : suggestQuantity({ frequency: l.frequency, durationDays: days });
}

function payloadOf(d: MedicationDraft): PrescriptionPayload<MedicationItem> {
  const items: MedicationItem[] = [];
  const sentKeys: string[] = [];
  const held: string[] = [];
  d.lines.forEach((l, i) => {
    if (isBlank(l)) return;
    const parsed = medicationItemInput.safeParse(itemOf(l));
    if (parsed.success) {
      items.push(parsed.data);
      sentKeys.push(l.key);
    } else held.push(`drug ${i + 1} (${parsed.error.issues[0]?.message ?? 'not complete'})`);
  });
  return { items, sentKeys, advice: d.advice, printHindi: d.printHindi, held: held.length ? `Not saved yet: ${held.join(', ')}` : null };
}

const FORM_DATA = DOSE_FORMS.map((f) => ({ value: f, label: DOSE_FORM_LABELS[f].en }));
const ROUTE_DATA = ROUTES.map((r) => ({ value: r, label: ROUTE_LABELS[r].abbr }));
const routeOption = ({ option }: { option: { value: string; label: string } }) => (
  <Text size="xs">
    <b>{option.label}</b> — {ROUTE_LABELS[option.value as keyof typeof ROUTE_LABELS]?.en}
  </Text>
);
const TIMING_DATA = FOOD_TIMINGS.map((t) => ({ value: t, label: FOOD_TIMING_LABELS[t].en }));
const UNIT_DATA = DURATION_UNITS.map((u) => ({ value: u, label: DURATION_UNIT_LABELS[u].en.many }));

function AllergyAlert({ warnings }: { warnings: Array<{ substance: string; severity: string; drug: string }> }) {
  if (warnings.length === 0) return null;
  return (
    <Alert color="red" variant="filled" p={6} icon={<IconAlertTriangle size={16} />} role="alert" aria-label="Allergy warning">
      <Text size="xs" fw={600}>
        Allergy: {warnings.map((w) => `${w.drug} matches the recorded allergy to ${w.substance}${w.severity !== 'unknown' ? ` (${w.severity})` : ''}`).join('; ')}. Check before prescribing.
      </Text>
    </Alert>
  );
}

function DrugRow({
  n,
  line,
  allergies,
  printHindi,
  errors,
  hint,
  onChange,
  onRemove,
  onLeave,
}: {
  n: number;
  line: DrugLine;
  allergies: Allergy[];
  printHindi: boolean;
  errors: Record<string, string>;
  hint: string | null;
  onChange: (l: DrugLine) => void;
  onRemove: () => void;
  onLeave: () => void;
}) {
  const set = (patch: Partial<DrugLine>) => {
    const next = { ...line, ...patch };
    if (!next.quantityEdited) next.quantity = suggestion(next) ?? '';
    onChange(next);
  };
  const freq = line.frequency.trim() ? parseFrequency(line.frequency) : null;
  const suggested = suggestion(line);
  const warnings = line.generic.trim() ? allergyWarnings([{ generic: line.generic, brand: line.brand || null }], allergies) : [];
  const name = line.generic.trim() || 'new drug';
  return (
    <Table.Tbody
      aria-label={`Drug ${n}: ${name}`}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onLeave();
      }}
      style={{ borderBottom: '2px solid var(--mantine-color-gray-3)' }}
    >
      <Table.Tr style={{ borderBottom: 'none' }}>
        <Table.Td w={24} valign="top" pt={10}>
          <Text size="sm" fw={600}>
            {n}
          </Text>
        </Table.Td>
        <Table.Td valign="top">
          <Stack gap={4}>
            <TextInput size="xs" aria-label="Generic name" placeholder="Generic name" value={line.generic} error={errors.generic} onChange={(e) => set({ generic: e.currentTarget.value })} />
            <TextInput size="xs" aria-label="Brand" placeholder="Brand (optional)" value={line.brand} error={errors.brand} onChange={(e) => set({ brand: e.currentTarget.value })} />
          </Stack>
        </Table.Td>
        <Table.Td valign="top" w={112}>
          <Stack gap={4}>
            <TextInput size="xs" aria-label="Strength" placeholder="e.g. 500 mg" value={line.strength} error={errors.strength} onChange={(e) => set({ strength: e.currentTarget.value })} />
            <Select size="xs" aria-label="Form" placeholder="Form" data={FORM_DATA} value={line.form || null} onChange={(v) => set({ form: v ?? '' })} clearable comboboxProps={{ withinPortal: true }} />
          </Stack>
        </Table.Td>
        <Table.Td valign="top" w={104}>
          <Stack gap={4}>
            <TextInput size="xs" aria-label="Dose" placeholder="e.g. 1 tab" value={line.dose} error={errors.dose} onChange={(e) => set({ dose: e.currentTarget.value })} />
            <TextInput size="xs" aria-label="Frequency" placeholder="1-0-1" value={line.frequency} error={errors.frequency} onChange={(e) => set({ frequency: e.currentTarget.value })} />
          </Stack>
        </Table.Td>
        <Table.Td valign="top" w={128}>
          <Stack gap={4}>
            <Select size="xs" aria-label="Route" title={ROUTE_LABELS[line.route as keyof typeof ROUTE_LABELS]?.en} data={ROUTE_DATA} renderOption={routeOption} value={line.route} onChange={(v) => v && set({ route: v })} allowDeselect={false} comboboxProps={{ withinPortal: true, width: 260 }} />
            <Select size="xs" aria-label="Food timing" data={TIMING_DATA} value={line.timing} onChange={(v) => v && set({ timing: v as FoodTiming })} allowDeselect={false} comboboxProps={{ withinPortal: true, width: 200 }} />
          </Stack>
        </Table.Td>
        <Table.Td valign="top" w={132}>
          <Stack gap={4}>
            <Group gap={4} wrap="nowrap">
              <NumberInput size="xs" w={48} aria-label="Duration" hideControls allowDecimal={false} min={1} value={line.durationValue} error={errors.durationValue} onChange={(v) => set({ durationValue: v })} />
              <Select size="xs" w={80} aria-label="Duration unit" data={UNIT_DATA} value={line.durationUnit} onChange={(v) => v && set({ durationUnit: v as DurationUnit })} allowDeselect={false} comboboxProps={{ withinPortal: true }} />
            </Group>
            <NumberInput
              size="xs"
              aria-label="Quantity"
              placeholder="Qty"
              hideControls
              allowDecimal={false}
              min={1}
              value={line.quantity}
              error={errors.quantity}
              onChange={(v) => onChange({ ...line, quantity: v, quantityEdited: v !== '' })}
              rightSection={
                line.quantityEdited && suggested !== null && num(line.quantity) !== suggested ? (
                  <Text size="xs" c="dimmed" pr={4} title="Suggested for the frequency and duration" style={{ cursor: 'pointer' }} onClick={() => onChange({ ...line, quantity: suggested, quantityEdited: false })}>
                    ({suggested})
                  </Text>
                ) : null
              }
              rightSectionWidth={36}
            />
          </Stack>
        </Table.Td>
        <Table.Td valign="top" w={30}>
          <ActionIcon variant="subtle" color="red" mt={4} aria-label={`Remove drug ${n}`} onClick={onRemove}>
            <IconTrash size={16} />
          </ActionIcon>
        </Table.Td>
      </Table.Tr>
      <Table.Tr>
        <Table.Td />
        <Table.Td colSpan={6} pt={0}>
          <Stack gap={4}>
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <TextInput size="xs" style={{ flex: 1 }} aria-label="Instructions" placeholder="Instructions (optional), e.g. finish the course" value={line.instructions} error={errors.instructions} onChange={(e) => set({ instructions: e.currentTarget.value })} />
              <Text size="xs" c={freq && !freq.ok ? 'orange.8' : 'dimmed'} maw={300} data-testid="frequency-words" pt={4}>
                {freq === null
                  ? ''
                  : freq.ok
                    ? `${frequencyInWords(line.frequency, 'en')}${num(line.durationValue) ? ` · ${durationInWords(num(line.durationValue)!, line.durationUnit, 'en')}` : ''} · ${FOOD_TIMING_LABELS[line.timing].en}`
                    : freq.message}
              </Text>
            </Group>
            {printHindi && freq?.ok && (
              <Text size="xs" c="dimmed" lang="hi">
                {frequencyInWords(line.frequency, 'hi')}
                {num(line.durationValue) ? ` · ${durationInWords(num(line.durationValue)!, line.durationUnit, 'hi')}` : ''} · {FOOD_TIMING_LABELS[line.timing].hi}
              </Text>
            )}
            {hint && (
              <Text size="xs" c="orange.8">
                Not saved yet: {hint}
              </Text>
            )}
            <AllergyAlert warnings={warnings} />
          </Stack>
        </Table.Td>
      </Table.Tr>
    </Table.Tbody>
  );
}

function MedicationEditor({ visit, record: initial, noteSigned }: { visit: ConsultVisit; record: PrescriptionRecord | null; noteSigned: boolean }) {
  const [record, setRecord] = useState(initial);
  const [saved] = useState<MedicationDraft>(() => ({
    lines: initial && (initial.items as MedicationItem[]).length ? (initial.items as MedicationItem[]).map(lineOf) : [blankLine()],
    advice: initial?.advice ?? '',
    printHindi: initial?.printHindi ?? false,
  }));
  const [draft, setDraft] = useState<MedicationDraft>(saved);
  const [left, setLeft] = useState<Set<string>>(() => new Set());
  const [repeating, setRepeating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const { autosave, sentKeys } = usePrescriptionAutosave<MedicationDraft, MedicationItem>({
    kind: 'medication',
    visit,
    record: initial,
    value: draft,
    savedValue: saved,
    readOnly: false,
    payloadOf,
    onRecord: setRecord,
    adopt: (theirs, ours) => {
      const have = new Set((theirs.items as MedicationItem[]).map((i) => i.generic.toLowerCase()));
      const merged = { ...ours, lines: [...(theirs.items as MedicationItem[]).map(lineOf), ...ours.lines.filter((l) => !isBlank(l) && !have.has(l.generic.trim().toLowerCase()))] };
      setDraft(merged);
      return merged;
    },
  });
  const fieldErrors = autosave.state.kind === 'error' ? lineErrors(autosave.state.fields, sentKeys.current ?? []) : { byLine: {}, other: [] };
  const setLine = (key: string, l: DrugLine) => setDraft((d) => ({ ...d, lines: d.lines.map((x) => (x.key === key ? l : x)) }));

  const repeatLast = async () => {
    setRepeating(true);
    setError(null);
    try {
      const { prescription } = await api.call('prescriptions.last', { patientId: visit.patient.id, kind: 'medication' });
      const items = (prescription?.items ?? []) as MedicationItem[];
      if (items.length === 0) {
        notifications.show({ color: 'gray', title: 'Nothing to repeat', message: 'This patient has no earlier signed prescription.' });
        return;
      }
      setDraft((d) => ({ ...d, lines: [...d.lines.filter((l) => !isBlank(l)), ...items.map(lineOf)], advice: d.advice || (prescription?.advice ?? '') }));
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setRepeating(false);
    }
  };

  return (
    <Stack gap="xs">
      <DraftStatus kind="medication" record={record} state={autosave.state}>
        <Group gap="xs" wrap="nowrap">
          <Checkbox size="xs" label="Print in Hindi too" checked={draft.printHindi} onChange={(e) => setDraft((d) => ({ ...d, printHindi: e.currentTarget.checked }))} />
          <Button size="compact-sm" variant="light" leftSection={<IconCopy size={14} />} loading={repeating} onClick={() => void repeatLast()}>
            Repeat last prescription
          </Button>
        </Group>
      </DraftStatus>
      <ApiErrorAlert message={error} onClose={() => setError(null)} />
      {fieldErrors.other.length > 0 && <ApiErrorAlert message="Some of the prescription could not be saved." extra={fieldErrors.other} />}
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Drugs" verticalSpacing={4} horizontalSpacing={4} withRowBorders={false}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Drug / brand</Table.Th>
              <Table.Th>Strength / form</Table.Th>
              <Table.Th>Dose / frequency</Table.Th>
              <Table.Th>Route / food</Table.Th>
              <Table.Th>Duration / qty</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          {draft.lines.map((l, i) => {
            let hint: string | null = null;
            if (left.has(l.key) && !isBlank(l)) {
              const parsed = medicationItemInput.safeParse(itemOf(l));
              if (!parsed.success) hint = parsed.error.issues[0]?.message ?? null;
            }
            return (
              <DrugRow
                key={l.key}
                n={i + 1}
                line={l}
                allergies={visit.allergies}
                printHindi={draft.printHindi}
                errors={fieldErrors.byLine[l.key] ?? {}}
                hint={hint}
                onChange={(x) => setLine(l.key, x)}
                onRemove={() => setDraft((d) => ({ ...d, lines: d.lines.filter((x) => x.key !== l.key) }))}
                onLeave={() => {
                  setLeft((s) => (s.has(l.key) ? s : new Set(s).add(l.key)));
                  void autosave.flush();
                }}
              />
            );
          })}
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => {
            setDraft((d) => ({ ...d, lines: [...d.lines, blankLine()] }));
            setTimeout(() => {
              const boxes = document.querySelectorAll<HTMLInputElement>('table[aria-label="Drugs"] input[aria-label="Generic name"]');
              boxes[boxes.length - 1]?.focus();
            }, 0);
          }}
        >
          Add drug
        </Button>
        <Text size="xs" c="dimmed">
          The allergy check is a reminder, not a guarantee.
        </Text>
      </Group>
      <Textarea size="xs" label="Advice" placeholder="General advice printed under the drugs (optional)" autosize minRows={1} maxRows={4} value={draft.advice} onChange={(e) => setDraft((d) => ({ ...d, advice: e.currentTarget.value }))} onBlur={() => void autosave.flush()} />
      <SignAlone kind="medication" visit={visit} record={record} autosave={autosave} noteSigned={noteSigned} />
    </Stack>
  );
}

/** A signed (or not writable) prescription, as it will print. */
export function MedicationView({ record }: { record: PrescriptionRecord }) {
  const items = record.items as MedicationItem[];
  return (
    <Stack gap="xs">
      {record.status === 'signed' && <SignatureLine record={record} what="prescription" />}
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No drugs.
        </Text>
      ) : (
        <Table aria-label="Drugs" fz="sm" striped verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Drug</Table.Th>
              <Table.Th>Dose</Table.Th>
              <Table.Th>How often</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th ta="right">Qty</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((i, n) => (
              <Table.Tr key={n}>
                <Table.Td>{n + 1}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {i.generic} {i.strength ?? ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {[i.brand, i.form ? (DOSE_FORM_LABELS[i.form as keyof typeof DOSE_FORM_LABELS]?.en ?? i.form) : null, ROUTE_LABELS[i.route as keyof typeof ROUTE_LABELS]?.abbr ?? i.route].filter(Boolean).join(' · ')}
                  </Text>
                  {i.instructions && <Text size="xs">{i.instructions}</Text>}
                </Table.Td>
                <Table.Td>{i.dose}</Table.Td>
                <Table.Td>
                  <Text size="sm">{i.frequency}</Text>
                  <Text size="xs" c="dimmed">
                    {frequencyInWords(i.frequency, 'en')}, {FOOD_TIMING_LABELS[i.timing].en}
                  </Text>
                </Table.Td>
                <Table.Td>{i.durationValue ? durationInWords(i.durationValue, i.durationUnit, 'en') : '—'}</Table.Td>
                <Table.Td ta="right">{i.quantity ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <AllergyAlert warnings={record.allergyWarnings} />
      {record.advice && (
        <Text size="sm">
          <b>Advice:</b> {record.advice}
        </Text>
      )}
      {record.printHindi && (
        <Text size="xs" c="dimmed">
          Prints in Hindi too.
        </Text>
      )}
    </Stack>
  );
}

/** The visit's prescription: the draft editor while it may be written, else the signed version with “Change prescription”. */
export function PrescriptionPanel({ visit }: { visit: ConsultVisit }) {
  return (
    <PrescriptionSection
      kind="medication"
      visit={visit}
      editor={(current, noteSigned) => <MedicationEditor visit={visit} record={current} noteSigned={noteSigned} />}
      view={(r) => <MedicationView record={r} />}
      empty="No prescription for this visit."
    />
  );
}
