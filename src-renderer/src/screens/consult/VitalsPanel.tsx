import { Badge, Group, NumberInput, SimpleGrid, Stack, Text } from '@mantine/core';
import { bmi, bmiCategory, BMI_CATEGORY_LABELS, VITAL_FIELDS, VITAL_LABELS, VITAL_LIMITS, vitalFlags, type VitalField, type Vitals } from '../../../../src-shared/clinical/vitals';

/** The vitals as typed: a number, '' for "not measured", or text while a number is half typed ("37."). */
export type VitalsForm = Record<VitalField, number | string>;

export const EMPTY_VITALS: VitalsForm = Object.fromEntries(VITAL_FIELDS.map((f) => [f, ''])) as VitalsForm;

export function vitalsFormOf(v: Vitals | null): VitalsForm {
  const out = { ...EMPTY_VITALS };
  if (v) for (const f of VITAL_FIELDS) out[f] = typeof v[f] === 'number' ? (v[f] as number) : '';
  return out;
}

/** What is sent: only the readings typed, or null when nothing was measured. */
export function vitalsOfForm(form: VitalsForm): Vitals | null {
  const out: Vitals = {};
  for (const f of VITAL_FIELDS) {
    const raw = form[f];
    const n = typeof raw === 'number' ? raw : raw.trim() === '' ? null : Number(raw);
    if (n !== null && Number.isFinite(n)) out[f] = n;
  }
  return Object.keys(out).length ? out : null;
}

const FLAG_WORDS = { low: 'Low', high: 'High' } as const;

/**
 * Vital signs with their units. Readings outside the usual adult range are flagged in orange (never refused);
 * a reading no patient can have comes back from the core with its message, shown in red on the field.
 */
export function VitalsPanel({ value, onChange, errors, readOnly, onBlur }: { value: VitalsForm; onChange?: (v: VitalsForm) => void; errors: Record<string, string>; readOnly?: boolean; onBlur?: () => void }) {
  const vitals = vitalsOfForm(value) ?? {};
  const flags = vitalFlags(vitals);
  const flagOf = (f: VitalField | 'bmi') => flags.find((x) => x.field === f);
  const index = bmi(vitals.weightKg, vitals.heightCm);
  const category = bmiCategory(index);
  const bmiFlag = flagOf('bmi');

  if (readOnly) {
    const shown = VITAL_FIELDS.filter((f) => value[f] !== '');
    if (shown.length === 0)
      return (
        <Text size="sm" c="dimmed">
          No vitals recorded.
        </Text>
      );
    return (
      <Group gap="xs" aria-label="Vitals">
        {shown.map((f) => {
          const flag = flagOf(f);
          return (
            <Badge key={f} variant="light" color={flag ? 'orange' : 'gray'} size="lg" tt="none" title={flag?.message}>
              {VITAL_LABELS[f].short} {value[f]} {VITAL_LABELS[f].unit}
              {flag ? ` · ${FLAG_WORDS[flag.level]}` : ''}
            </Badge>
          );
        })}
        {index !== null && (
          <Badge variant="light" color={bmiFlag ? 'orange' : 'gray'} size="lg" tt="none">
            BMI {index}
            {category ? ` · ${BMI_CATEGORY_LABELS[category]}` : ''}
          </Badge>
        )}
      </Group>
    );
  }

  return (
    <Stack gap={6}>
      <SimpleGrid cols={4} spacing="xs" verticalSpacing={6}>
        {VITAL_FIELDS.map((f) => {
          const flag = flagOf(f);
          const error = errors[`vitals.${f}`];
          const { decimals } = VITAL_LIMITS[f];
          return (
            <NumberInput
              key={f}
              size="xs"
              label={VITAL_LABELS[f].label}
              value={value[f]}
              onChange={(v) => onChange?.({ ...value, [f]: v })}
              onBlur={onBlur}
              decimalScale={decimals === 0 ? 2 : 3}
              hideControls
              rightSection={
                <Text size="xs" c="dimmed" pr={4}>
                  {VITAL_LABELS[f].unit}
                </Text>
              }
              rightSectionWidth={VITAL_LABELS[f].unit.length > 5 ? 78 : 46}
              error={error}
              description={flag && !error ? <span style={{ color: 'var(--mantine-color-orange-8)', fontWeight: 600 }}>{flag.message}</span> : undefined}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              styles={flag && !error ? { input: { borderColor: 'var(--mantine-color-orange-6)', background: 'var(--mantine-color-orange-0)' } } : undefined}
              data-flag={flag?.level}
            />
          );
        })}
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm" fw={500}>
          BMI
        </Text>
        <Text size="sm" data-testid="bmi" c={bmiFlag ? 'orange.8' : undefined} fw={bmiFlag ? 600 : undefined}>
          {index === null ? '— (needs weight and height)' : `${index} ${VITAL_LABELS.bmi.unit}${category ? ` · ${BMI_CATEGORY_LABELS[category]}` : ''}`}
        </Text>
      </Group>
    </Stack>
  );
}
