import { useState } from 'react';
import { Anchor, Button, Group, Paper, Stack, Table, TagsInput, Text, Title } from '@mantine/core';
import { IconChartLine, IconFlask } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { ConsultVisit, LabResult } from '../../../../src-shared/api/consult';
import { COMMON_LAB_TESTS, formatRange } from '../../../../src-shared/clinical/labs';
import { api } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { displayDate } from '../../lib/format';
import { LabFlag, LabResultDialog, testDefaults } from './LabEntry';
import { useVisitAction } from './useVisitAction';

/** The visit's lab tests: order common or typed tests, enter each result when it comes, see what is out of range. */
export function ConsultLabsPanel({ visit }: { visit: ConsultVisit }) {
  const [tests, setTests] = useState<string[]>([]);
  const { busy, error, setError, run } = useVisitAction(visit);
  const [entering, setEntering] = useState<LabResult | null>(null);
  const order = () =>
    run(async () => {
      if (tests.length === 0) return 'Choose or type at least one test.';
      await api.call('labs.order', { appointmentId: visit.appointment.id, tests: tests.map((t) => testDefaults(t, visit.patient.sex)) });
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
                        <LabFlag flag={l.abnormal} withNormal />
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
      {entering && <LabResultDialog patient={visit.patient} ordered={entering} onClose={() => setEntering(null)} />}
    </Paper>
  );
}
