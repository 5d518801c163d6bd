import { useMemo } from 'react';
import { Autocomplete, Badge, Button, Grid, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconTrendingDown, IconTrendingUp } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { enterResultInput, type LabResult } from '../../../../src-shared/api/consult';
import { abnormalFlag, COMMON_LAB_TESTS } from '../../../../src-shared/clinical/labs';
import { todayIn } from '../../../../src-shared/dates';
import { api } from '../../api/client';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { zodFieldErrors } from '../../lib/formErrors';
import { REQUIRED } from '../../lib/required';
import { fieldsFor, useFormSubmit, type FieldsOf } from '../../lib/useFormSubmit';

/**
 * Entering a lab result, wherever it is done: for a test ordered at a visit (the consult screen's lab panel) or
 * for a report the patient brings from outside (the lab results screen). One dialog, one flag, one set of the
 * clinic's default ranges.
 */

/** High or low in red with its direction; "Normal" only where asked (a visit's own tests). */
export function LabFlag({ flag, withNormal = false }: { flag: LabResult['abnormal']; withNormal?: boolean }) {
  if (flag === 'high' || flag === 'low') {
    return (
      <Badge color="red" variant="filled" size="sm" tt="none" leftSection={flag === 'high' ? <IconTrendingUp size={11} /> : <IconTrendingDown size={11} />}>
        {flag === 'high' ? 'High' : 'Low'}
      </Badge>
    );
  }
  if (flag === 'normal' && withNormal) {
    return (
      <Badge color="teal" variant="light" size="sm" tt="none">
        Normal
      </Badge>
    );
  }
  return null;
}

export interface LabTestDefaults {
  code: string | null;
  name: string;
  unit: string | null;
  refLow: string | null;
  refHigh: string | null;
}

/** A test as the clinic knows it: a common one with its usual range (by the patient's sex where it differs), else the name alone. */
export function testDefaults(name: string, sex: string): LabTestDefaults {
  const known = COMMON_LAB_TESTS.find((t) => t.name.toLowerCase() === name.trim().toLowerCase());
  if (!known) return { code: null, name: name.trim(), unit: null, refLow: null, refHigh: null };
  const range = known.bySex && (sex === 'male' || sex === 'female') ? known.bySex[sex] : { low: known.low, high: known.high };
  return { code: known.code, name: known.name, unit: known.unit, refLow: range.low, refHigh: range.high };
}

interface ResultValues {
  testName: string;
  value: string;
  unit: string;
  refLow: string;
  refHigh: string;
  collectedOn: string | null;
  reportRef: string;
  remarks: string;
}

/** The core's paths ("test.refHigh") → the form's fields. */
const mapErrors = fieldsFor(null, ['testName', 'value', 'unit', 'refLow', 'refHigh', 'collectedOn', 'reportRef', 'remarks'], {
  'test.name': 'testName',
  'test.unit': 'unit',
  'test.refLow': 'refLow',
  'test.refHigh': 'refHigh',
});

const NO_LABS: readonly LabResult[] = [];

const blankToNull = (t: string) => (t.trim() === '' ? null : t.trim());

/**
 * The dialog. With `ordered`, it answers that test (its name fixed, its unit and range as ordered, the result
 * filed under its visit); without, it records a report brought from outside, the test picked from the patient's
 * own earlier tests (with the range their lab printed last time) or the common list.
 */
export function LabResultDialog({
  patient,
  labs = NO_LABS,
  ordered,
  onClose,
}: {
  patient: { id: string; sex: string };
  /** The patient's results so far (for the test names and ranges offered). */
  labs?: readonly LabResult[];
  ordered?: LabResult;
  onClose: () => void;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const today = todayIn(session.clinic.timezone);
  const known = useMemo(() => {
    const map = new Map<string, LabTestDefaults>();
    for (const r of labs) if (r.status === 'resulted' && !map.has(r.testName)) map.set(r.testName, { code: r.testCode, name: r.testName, unit: r.unit, refLow: r.refLow, refHigh: r.refHigh });
    for (const t of COMMON_LAB_TESTS) if (!map.has(t.name)) map.set(t.name, testDefaults(t.name, patient.sex));
    return map;
  }, [labs, patient.sex]);

  const toInput = (v: ResultValues) => ({
    ...(ordered ? { labId: ordered.id } : {}),
    patientId: patient.id,
    appointmentId: ordered?.appointmentId ?? null,
    test: {
      code: ordered ? ordered.testCode : (known.get(v.testName.trim())?.code ?? null),
      name: ordered ? ordered.testName : v.testName,
      unit: blankToNull(v.unit),
      refLow: blankToNull(v.refLow),
      refHigh: blankToNull(v.refHigh),
    },
    value: v.value,
    collectedOn: v.collectedOn ?? '',
    reportRef: v.reportRef,
    remarks: v.remarks,
  });
  // A test ordered at the visit has no name box: anything said of its name goes in the alert.
  const fieldsOf: FieldsOf = (fields) => {
    const mapped = mapErrors(fields);
    if (ordered && mapped.errors.testName) {
      mapped.unmatched.push(mapped.errors.testName);
      delete mapped.errors.testName;
    }
    return mapped;
  };
  const form = useForm<ResultValues>({
    initialValues: { testName: ordered?.testName ?? '', value: '', unit: ordered?.unit ?? '', refLow: ordered?.refLow ?? '', refHigh: ordered?.refHigh ?? '', collectedOn: today, reportRef: '', remarks: '' },
    validate: (v) => {
      const parsed = enterResultInput.safeParse(toInput(v));
      return parsed.success ? {} : fieldsOf(zodFieldErrors(parsed.error)).errors;
    },
  });
  const fill = (name: string) => {
    const t = known.get(name);
    if (t) form.setValues({ testName: name, unit: t.unit ?? '', refLow: t.refLow ?? '', refHigh: t.refHigh ?? '' });
  };
  const v = form.getValues();
  const preview = v.value.trim() ? abnormalFlag(v.value, blankToNull(v.refLow), blankToNull(v.refHigh)) : null;

  const { busy, refusal, setRefusal, onSubmit } = useFormSubmit(form, fieldsOf);
  const submit = onSubmit(async (values) => {
    const saved = await api.call('labs.enterResult', toInput(values));
    // Under 'consult': the visit, the patient's results, trends and history.
    await queryClient.invalidateQueries({ queryKey: ['consult'] });
    notifications.show({ color: 'teal', title: 'Saved', message: `${saved.testName} ${saved.value}${saved.unit ? ` ${saved.unit}` : ''} was recorded.` });
    onClose();
  });

  return (
    <Modal opened onClose={onClose} title={ordered ? `Result: ${ordered.testName}` : 'Add a lab result'} size="lg">
      <form onSubmit={submit} noValidate aria-label="Lab result">
        <Stack gap="sm">
          <ApiErrorAlert message={refusal?.text ?? null} extra={refusal?.extra} onClose={() => setRefusal(null)} />
          <Grid gutter="sm">
            {!ordered && (
              <Grid.Col span={12}>
                <Autocomplete
                  label="Test name"
                  {...REQUIRED}
                  data={[...known.keys()]}
                  limit={12}
                  autoComplete="off"
                  data-autofocus
                  {...form.getInputProps('testName')}
                  onOptionSubmit={fill}
                  comboboxProps={{ withinPortal: true }}
                />
              </Grid.Col>
            )}
            <Grid.Col span={4}>
              <TextInput
                label="Result"
                {...REQUIRED}
                description="As the report prints it"
                autoComplete="off"
                data-autofocus={ordered ? true : undefined}
                rightSection={<LabFlag flag={preview} withNormal />}
                rightSectionWidth={preview ? 76 : undefined}
                {...form.getInputProps('value')}
              />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Unit" description="e.g. mg/dL, %" autoComplete="off" {...form.getInputProps('unit')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <DateInput label="Sample date" {...REQUIRED} description="When it was taken" valueFormat="DD-MM-YYYY" maxDate={today} {...form.getInputProps('collectedOn')} popoverProps={{ withinPortal: true }} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Lower limit" inputMode="decimal" autoComplete="off" {...form.getInputProps('refLow')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Upper limit" inputMode="decimal" autoComplete="off" {...form.getInputProps('refHigh')} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Report number" autoComplete="off" {...form.getInputProps('reportRef')} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Text size="xs" c="dimmed">
                Use the reference range printed on the report: labs set their own.
              </Text>
            </Grid.Col>
            <Grid.Col span={12}>
              <Textarea label="Remarks" autosize minRows={1} {...form.getInputProps('remarks')} />
            </Grid.Col>
          </Grid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save result
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
