import { useState } from 'react';
import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { IconChartLine, IconFlask } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { ConsultVisit, LabResult } from '../../../../src-shared/api/consult';
import { abnormalFlag, COMMON_LAB_TESTS, formatRange } from '../../../../src-shared/clinical/labs';
import { todayIn } from '../../../../src-shared/dates';
import { api, errorBody } from '../../api/client';
import { consultKeys } from '../../api/consult';
import { useSession } from '../../app/auth';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { mapApiFieldErrors } from '../../lib/formErrors';
import { displayDate } from '../../lib/format';
import { REQUIRED } from '../../lib/required';
import { useVisitAction } from './useVisitAction';

const FLAG_STYLE: Record<'low' | 'high' | 'normal', { label: string; color: string }> = {
  low: { label: 'Low', color: 'orange' },
  high: { label: 'High', color: 'red' },
  normal: { label: 'Normal', color: 'teal' },
};

export function LabFlag({ flag }: { flag: LabResult['abnormal'] }) {
  if (!flag) return null;
  const s = FLAG_STYLE[flag];
  return (
    <Badge size="sm" color={s.color} variant={flag === 'normal' ? 'light' : 'filled'}>
      {s.label}
    </Badge>
  );
}

/** A test as ordered: the clinic's default range for a common one (by the patient's sex where it differs), else the name alone. */
function testFor(name: string, sex: string) {
  const known = COMMON_LAB_TESTS.find((t) => t.name.toLowerCase() === name.trim().toLowerCase());
  if (!known) return { code: null, name: name.trim(), unit: null, refLow: null, refHigh: null };
  const range = known.bySex && (sex === 'male' || sex === 'female') ? known.bySex[sex] : { low: known.low, high: known.high };
  return { code: known.code, name: known.name, unit: known.unit, refLow: range.low, refHigh: range.high };
}

const FIELDS = ['value', 'collectedOn', 'reportRef', 'test.unit', 'test.refLow', 'test.refHigh'];

function ResultDialog({ lab, visit, onClose }: { lab: LabResult; visit: ConsultVisit; onClose: () => void }) {
  const session = useSession();
  const queryClient = useQueryClient();
  const today = todayIn(session.clinic.timezone);
  const [value, setValue] = useState('');
  const [collectedOn, setCollectedOn] = useState<string | null>(today);
  const [reportRef, setReportRef] = useState('');
  const [unit, setUnit] = useState(lab.unit ?? '');
  const [refLow, setRefLow] = useState(lab.refLow ?? '');
  const [refHigh, setRefHigh] = useState(lab.refHigh ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; extra: string[]; fields: Record<string, string> } | null>(null);
  const preview = value.trim() ? abnormalFlag(value, refLow.trim() || null, refHigh.trim() || null) : null;
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.call('labs.enterResult', {
        labId: lab.id,
        patientId: visit.patient.id,
        appointmentId: visit.appointment.id,
        test: { code: lab.testCode, name: lab.testName, unit, refLow: refLow.trim() || null, refHigh: refHigh.trim() || null },
        value,
        collectedOn: collectedOn ?? '',
        reportRef,
      });
      await queryClient.invalidateQueries({ queryKey: consultKeys.visit(visit.appointment.id) });
      onClose();
    } catch (e) {
      const body = errorBody(e);
      const { errors, unmatched } = mapApiFieldErrors(body.fields, null, FIELDS);
      setError({ message: body.message, extra: unmatched, fields: errors });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Result: ${lab.testName}`}>
      <Stack
        gap="sm"
        component="form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Group align="flex-end" gap="xs">
          <TextInput label="Result" {...REQUIRED} w={140} value={value} onChange={(e) => setValue(e.currentTarget.value)} error={error?.fields.value} data-autofocus />
          <TextInput label="Unit" w={110} value={unit} onChange={(e) => setUnit(e.currentTarget.value)} error={error?.fields['test.unit']} />
          <LabFlag flag={preview} />
        </Group>
        <SimpleGrid cols={2} spacing="xs">
          <TextInput label="Lower limit" value={refLow} onChange={(e) => setRefLow(e.currentTarget.value)} error={error?.fields['test.refLow']} />
          <TextInput label="Upper limit" value={refHigh} onChange={(e) => setRefHigh(e.currentTarget.value)} error={error?.fields['test.refHigh']} />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          Use the range printed on the report; the defaults are the clinic’s usual ones.
        </Text>
        <SimpleGrid cols={2} spacing="xs">
          <DateInput label="Sample date" {...REQUIRED} valueFormat="DD-MM-YYYY" maxDate={today} value={collectedOn} onChange={setCollectedOn} error={error?.fields.collectedOn} popoverProps={{ withinPortal: true }} />
          <TextInput label="Report number" value={reportRef} onChange={(e) => setReportRef(e.currentTarget.value)} error={error?.fields.reportRef} />
        </SimpleGrid>
        <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save result
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The visit's lab tests: order common or typed tests, enter each result when it comes, see what is out of range. */
export function ConsultLabsPanel({ visit }: { visit: ConsultVisit }) {
  const [tests, setTests] = useState<string[]>([]);
  const { busy, error, setError, run } = useVisitAction(visit);
  const [entering, setEntering] = useState<LabResult | null>(null);
  const order = () =>
    run(async () => {
      if (tests.length === 0) return 'Choose or type at least one test.';
      await api.call('labs.order', { appointmentId: visit.appointment.id, tests: tests.map((t) => testFor(t, visit.patient.sex)) });
      setTests([]);
    });
  return (
    <Paper withBorder radius="md" p="sm" component="section" aria-label="Lab tests">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} fz="sm">
            Lab tests
          </Title>
          <Anchor component={Link} to={`/labs/${visit.patient.id}`} size="sm">
            <Group gap={4}>
              <IconChartLine size={14} /> Trends
            </Group>
          </Anchor>
        </Group>
        {visit.canWrite && (
          <Group align="flex-end" gap="xs" wrap="nowrap">
            <TagsInput
              size="xs"
              style={{ flex: 1 }}
              label="Order tests"
              placeholder="Pick common tests or type a name and press Enter"
              data={COMMON_LAB_TESTS.map((t) => t.name)}
              value={tests}
              onChange={setTests}
              clearable
              comboboxProps={{ withinPortal: true }}
              maxDropdownHeight={240}
            />
            <Button size="xs" leftSection={<IconFlask size={14} />} loading={busy} onClick={() => void order()}>
              Order
            </Button>
          </Group>
        )}
        <ApiErrorAlert message={error} onClose={() => setError(null)} />
        {visit.labs.length === 0 ? (
          <Text size="sm" c="dimmed">
            No tests ordered at this visit.
          </Text>
        ) : (
          <Table aria-label="Tests of this visit" fz="sm" verticalSpacing={4} striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Test</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Range</Table.Th>
                <Table.Th>Sample</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visit.labs.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td>{l.testName}</Table.Td>
                  <Table.Td>
                    {l.status === 'resulted' ? (
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={600}>
                          {l.value} {l.unit ?? ''}
                        </Text>
                        <LabFlag flag={l.abnormal} />
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {l.status === 'ordered' ? 'Ordered' : 'Cancelled'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatRange(l.refLow, l.refHigh, l.unit) || '—'}</Table.Td>
                  <Table.Td>
                    {l.collectedOn ? displayDate(l.collectedOn) : '—'}
                    {l.reportRef ? ` · ${l.reportRef}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {l.status === 'ordered' && visit.canWrite && (
                      <Button size="compact-xs" variant="light" onClick={() => setEntering(l)} aria-label={`Enter result for ${l.testName}`}>
                        Enter result
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {entering && <ResultDialog lab={entering} visit={visit} onClose={() => setEntering(null)} />}
    </Paper>
  );
}
