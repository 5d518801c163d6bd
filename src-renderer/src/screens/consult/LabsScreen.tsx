import { useMemo, useState, type ReactNode } from 'react';
import { Alert, Anchor, Button, Center, Group, List, Loader, Paper, Select, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconChartLine, IconFlask, IconPlus, IconTable, IconTrendingDown, IconTrendingUp, IconArrowsLeftRight } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis, type DotProps } from 'recharts';
import type { LabResult, LabTrend } from '../../../../src-shared/api/consult';
import { formatRange, parseLabValue } from '../../../../src-shared/clinical/labs';
import { api, errorBody } from '../../api/client';
import { consultKeys } from '../../api/consult';
import { usePatient } from '../../api/queries';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { PageHeader } from '../../components/PageHeader';
import { displayDate, sexAge } from '../../lib/format';
import { LabFlag, LabResultDialog } from './LabEntry';

/**
 * #/labs/:patientId — a patient's lab results (issue 7): every report as a table with abnormal values flagged,
 * one test's trend over time against its reference band with the significant changes listed (the server marks
 * them: src-shared/clinical/labs.ts), and two reports compared side by side. Doctors can also add a result
 * brought from outside (a lab report the patient carries in).
 */

// ---------------------------------------------------------------- reports

interface Report {
  key: string;
  collectedOn: string | null;
  reportRef: string | null;
  results: LabResult[];
}

const reportKey = (r: Pick<LabResult, 'collectedOn' | 'reportRef' | 'status'>) => (r.status === 'ordered' ? 'ordered' : `${r.collectedOn ?? ''}|${r.reportRef ?? ''}`);

function reportLabel(r: Pick<Report, 'collectedOn' | 'reportRef' | 'key'>): string {
  if (r.key === 'ordered') return 'Ordered, awaiting results';
  const date = r.collectedOn ? displayDate(r.collectedOn) : 'Date not recorded';
  return r.reportRef ? `${date} · Report ${r.reportRef}` : date;
}

/** Results grouped by report (sample date and report number), newest first; tests still awaited last. */
function groupReports(labs: readonly LabResult[]): Report[] {
  const map = new Map<string, Report>();
  for (const r of labs) {
    if (r.status === 'cancelled') continue;
    const key = reportKey(r);
    let report = map.get(key);
    if (!report) {
      report = { key, collectedOn: r.status === 'ordered' ? null : r.collectedOn, reportRef: r.status === 'ordered' ? null : r.reportRef, results: [] };
      map.set(key, report);
    }
    report.results.push(r);
  }
  return [...map.values()].sort((a, b) => {
    if (a.key === 'ordered' || b.key === 'ordered') return a.key === 'ordered' ? 1 : -1;
    const da = a.collectedOn ?? '';
    const db = b.collectedOn ?? '';
    return da === db ? (a.reportRef ?? '').localeCompare(b.reportRef ?? '') : da < db ? 1 : -1;
  });
}

function ValueText({ r }: { r: Pick<LabResult, 'value' | 'unit' | 'abnormal'> }) {
  const bad = r.abnormal === 'high' || r.abnormal === 'low';
  return (
    <Text span size="sm" fw={bad ? 700 : 500} c={bad ? 'red.8' : undefined}>
      {r.value ?? '—'}
      {r.value && r.unit ? ` ${r.unit}` : ''}
    </Text>
  );
}

function ReportTable({ report, onTrend }: { report: Report; onTrend: (testName: string) => void }) {
  const label = reportLabel(report);
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={label}>
      <Group justify="space-between" mb="xs">
        <Title order={3} fz="sm">
          {label}
        </Title>
        <Text size="xs" c="dimmed">
          {report.results.length} {report.results.length === 1 ? 'test' : 'tests'}
        </Text>
      </Group>
      <Table fz="sm" aria-label={`Results ${label}`} highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Test</Table.Th>
            <Table.Th>Result</Table.Th>
            <Table.Th>Reference range</Table.Th>
            <Table.Th>Flag</Table.Th>
            <Table.Th>Remarks</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.results.map((r) => (
            <Table.Tr key={r.id} bg={r.abnormal === 'high' || r.abnormal === 'low' ? 'var(--mantine-color-red-0)' : undefined}>
              <Table.Td>
                {r.status === 'resulted' ? (
                  <Anchor component="button" type="button" size="sm" onClick={() => onTrend(r.testName)} title={`Show the trend of ${r.testName}`}>
                    {r.testName}
                  </Anchor>
                ) : (
                  r.testName
                )}
              </Table.Td>
              <Table.Td>{r.status === 'ordered' ? <Text span size="sm" c="dimmed">Awaiting result</Text> : <ValueText r={r} />}</Table.Td>
              <Table.Td>{formatRange(r.refLow, r.refHigh, r.unit) || '—'}</Table.Td>
              <Table.Td>
                <LabFlag flag={r.abnormal} />
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {r.remarks ?? ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

// ---------------------------------------------------------------- trend

/** "7.1" / "8.25": the value as a person reads it (no binary-fraction noise). */
const num = (v: number) => String(Number(v.toFixed(4)));

type Band = -1 | 0 | 1;
function bandOf(v: number, trend: Pick<LabTrend, 'refLow' | 'refHigh'>): Band {
  if (trend.refLow !== null && v < trend.refLow) return -1;
  if (trend.refHigh !== null && v > trend.refHigh) return 1;
  return 0;
}
const BAND_WORDS: Record<Band, string> = { [-1]: 'below the reference range', 0: 'within the reference range', 1: 'above the reference range' };

/** One sentence per point the server marked significant: "HbA1c rose 24 % from 7.1 to 8.8 on 12-03-2026". */
export function significantSentences(trend: LabTrend): Array<{ id: string; text: string; direction: 'up' | 'down' | 'same' }> {
  const out: Array<{ id: string; text: string; direction: 'up' | 'down' | 'same' }> = [];
  trend.points.forEach((p, i) => {
    if (!p.significant || i === 0) return;
    const prev = trend.points[i - 1]!;
    const diff = p.value - prev.value;
    const direction = diff > 0 ? 'up' : diff < 0 ? 'down' : 'same';
    const verb = direction === 'up' ? 'rose' : direction === 'down' ? 'fell' : 'stayed';
    const pct = prev.value === 0 ? null : Math.round((Math.abs(diff) / Math.abs(prev.value)) * 100);
    let text = direction === 'same' ? `${trend.testName} stayed at ${num(p.value)}` : `${trend.testName} ${verb}${pct === null ? '' : ` ${pct} %`} from ${num(prev.value)} to ${num(p.value)}`;
    text += ` on ${displayDate(p.date)}`;
    const before = bandOf(prev.value, trend);
    const after = bandOf(p.value, trend);
    if (before !== after && (trend.refLow !== null || trend.refHigh !== null)) text += ` — now ${BAND_WORDS[after]}`;
    out.push({ id: p.id, text, direction });
  });
  return out;
}

/** A y-axis range on round numbers (steps of 1, 2 or 5 × 10ⁿ) around the values and the band, with some room. */
function niceDomain(min: number, max: number): [number, number] {
  const span = max - min || Math.abs(max) || 1;
  const rough = (span * 1.2) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const lo = Math.floor((min - span * 0.05) / step) * step;
  const hi = Math.ceil((max + span * 0.05) / step) * step;
  return [Number(lo.toFixed(6)), Number(hi.toFixed(6))];
}

interface ChartPoint {
  id: string;
  label: string;
  value: number;
  significant: boolean;
  abnormal: LabResult['abnormal'];
}

function TrendDot(props: DotProps & { payload?: ChartPoint; index?: number }) {
  const { cx, cy, payload } = props;
  if (cx === undefined || cy === undefined || !payload) return null;
  const bad = payload.abnormal === 'high' || payload.abnormal === 'low';
  if (payload.significant) {
    return (
      <g data-testid="trend-point" data-significant="true">
        <circle cx={cx} cy={cy} r={9} fill="var(--mantine-color-orange-1)" stroke="var(--mantine-color-orange-7)" strokeWidth={2} />
        <circle cx={cx} cy={cy} r={4} fill={bad ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-blue-7)'} />
      </g>
    );
  }
  return (
    <g data-testid="trend-point" data-significant="false">
      <circle cx={cx} cy={cy} r={4.5} fill={bad ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-blue-7)'} stroke="#fff" strokeWidth={1.5} />
    </g>
  );
}

function TrendTooltip({ active, payload, unit }: { active?: boolean; payload?: Array<{ payload: ChartPoint }>; unit: string | null }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <Paper withBorder shadow="sm" p={6} radius="sm">
      <Text size="xs" c="dimmed">
        {p.label}
      </Text>
      <Text size="sm" fw={600} c={p.abnormal === 'high' || p.abnormal === 'low' ? 'red.8' : undefined}>
        {num(p.value)}
        {unit ? ` ${unit}` : ''} {p.abnormal === 'high' ? '(high)' : p.abnormal === 'low' ? '(low)' : ''}
      </Text>
      {p.significant && (
        <Text size="xs" c="orange.8">
          Significant change
        </Text>
      )}
    </Paper>
  );
}

function TrendChart({ trend }: { trend: LabTrend }) {
  const data: ChartPoint[] = trend.points.map((p) => ({ id: p.id, label: displayDate(p.date), value: p.value, significant: p.significant, abnormal: p.abnormal }));
  const values = trend.points.map((p) => p.value);
  const lows = [...values, ...(trend.refLow !== null ? [trend.refLow] : []), ...(trend.refHigh !== null ? [trend.refHigh] : [])];
  const domain = niceDomain(Math.min(...lows), Math.max(...lows));
  const hasBand = trend.refLow !== null || trend.refHigh !== null;
  const range = formatRange(trend.refLowText, trend.refHighText, trend.unit);
  return (
    <div role="img" aria-label={`${trend.testName} over time: ${values.length} results${hasBand ? `, reference range ${range}` : ''}`} data-testid="trend-chart" style={{ width: '100%', height: 320 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 16, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="4 4" stroke="var(--mantine-color-gray-3)" />
          {hasBand && (
            <ReferenceArea
              y1={trend.refLow ?? domain[0]}
              y2={trend.refHigh ?? domain[1]}
              fill="var(--mantine-color-teal-2)"
              fillOpacity={0.45}
              stroke="var(--mantine-color-teal-5)"
              strokeDasharray="3 3"
              ifOverflow="extendDomain"
              className="reference-band"
              label={{ value: `Reference ${range}`, position: 'insideTopLeft', fontSize: 11, fill: 'var(--mantine-color-teal-9)' }}
            />
          )}
          <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" minTickGap={8} tickMargin={8} />
          <YAxis domain={domain} tick={{ fontSize: 12 }} width={48} tickCount={6} allowDecimals tickFormatter={(v: number) => num(v)} />
          <Tooltip content={<TrendTooltip unit={trend.unit} />} />
          <Line
            type="linear"
            dataKey="value"
            name={trend.testName}
            stroke="var(--mantine-color-blue-6)"
            strokeWidth={2}
            isAnimationActive={false}
            dot={(p: DotProps & { payload?: ChartPoint; index?: number }) => <TrendDot key={p.payload?.id ?? p.index} {...p} />}
            activeDot={{ r: 6 }}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function TrendPanel({ patientId, testNames, testName, onTestName }: { patientId: string; testNames: string[]; testName: string | null; onTestName: (t: string | null) => void }) {
  const trend = useQuery({
    queryKey: consultKeys.labTrend(patientId, testName ?? ''),
    queryFn: () => api.call('labs.trend', { patientId, testName: testName! }),
    enabled: !!testName,
    staleTime: 0,
  });
  let body: ReactNode = null;
  if (!testName) {
    body = <Text c="dimmed">Choose a test to see its values over time.</Text>;
  } else if (trend.isPending) {
    body = (
      <Center py="lg">
        <Loader aria-label="Loading the trend" />
      </Center>
    );
  } else if (trend.isError) {
    body = <Alert color="red">{errorBody(trend.error).message}</Alert>;
  } else if (trend.data.points.length === 0) {
    body = <Text c="dimmed">{testName} has no numeric results to chart (values such as “Positive” or “&lt;5” are listed in the reports, not charted).</Text>;
  } else {
    const t = trend.data;
    const first = t.points[0]!;
    const last = t.points[t.points.length - 1]!;
    const sentences = significantSentences(t);
    const range = formatRange(t.refLowText, t.refHighText, t.unit);
    body = (
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Text size="sm" data-testid="trend-caption">
            <b>
              {t.points.length} {t.points.length === 1 ? 'result' : 'results'}
            </b>{' '}
            from {displayDate(first.date)} to {displayDate(last.date)}
            {t.unit ? ` · ${t.unit}` : ''}
          </Text>
          <Text size="sm" c="teal.9">
            {range ? `Shaded band: reference range ${range}` : 'No reference range recorded'}
          </Text>
        </Group>
        <TrendChart trend={t} />
        <Paper withBorder radius="md" p="sm" component="section" aria-label="Significant changes" bg="var(--mantine-color-orange-0)">
          <Title order={4} fz="sm" mb={4}>
            Significant changes
          </Title>
          {sentences.length === 0 ? (
            <Text size="sm" c="dimmed">
              None: no change of 20 % or more and no move across the reference range.
            </Text>
          ) : (
            <List size="sm" spacing={2}>
              {sentences.map((s) => (
                <List.Item key={s.id} icon={s.direction === 'down' ? <IconTrendingDown size={15} color="var(--mantine-color-orange-8)" /> : <IconTrendingUp size={15} color="var(--mantine-color-orange-8)" />}>
                  {s.text}
                </List.Item>
              ))}
            </List>
          )}
          <Text size="xs" c="dimmed" mt={4}>
            Marked with a ringed dot on the chart: a change of 20 % or more from the previous result, or a move into or out of the reference range.
          </Text>
        </Paper>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Select
        label="Test"
        placeholder="Choose a test"
        data={testNames}
        value={testName}
        onChange={onTestName}
        searchable
        w={360}
        nothingFoundMessage="No such test among the results"
        comboboxProps={{ withinPortal: true }}
      />
      {body}
    </Stack>
  );
}

// ---------------------------------------------------------------- compare

function changeText(a: LabResult, b: LabResult): { text: string; direction: 'up' | 'down' | 'same' } | null {
  const va = parseLabValue(a.value ?? '');
  const vb = parseLabValue(b.value ?? '');
  if (va === null || vb === null) return null;
  const diff = vb - va;
  if (diff === 0) return { text: 'No change', direction: 'same' };
  const sign = diff > 0 ? '+' : '−';
  const pct = va === 0 ? '' : ` (${sign}${Math.round((Math.abs(diff) / Math.abs(va)) * 100)} %)`;
  return { text: `${sign}${num(Math.abs(diff))}${pct}`, direction: diff > 0 ? 'up' : 'down' };
}

function ComparePanel({ reports }: { reports: Report[] }) {
  const done = reports.filter((r) => r.key !== 'ordered');
  const [first, setFirst] = useState<string | null>(done[1]?.key ?? null);
  const [second, setSecond] = useState<string | null>(done[0]?.key ?? null);
  if (done.length < 2) return <Text c="dimmed">Comparing needs at least two reports.</Text>;
  const options = done.map((r) => ({ value: r.key, label: reportLabel(r) }));
  const a = done.find((r) => r.key === first);
  const b = done.find((r) => r.key === second);
  const both = a && b ? a.results.filter((x) => b.results.some((y) => y.testName === x.testName)) : [];
  const onlyA = a && b ? a.results.filter((x) => !b.results.some((y) => y.testName === x.testName)).map((r) => r.testName) : [];
  const onlyB = a && b ? b.results.filter((x) => !a.results.some((y) => y.testName === x.testName)).map((r) => r.testName) : [];
  return (
    <Stack gap="sm">
      <Group align="flex-end">
        <Select label="Earlier report" data={options} value={first} onChange={setFirst} allowDeselect={false} w={300} comboboxProps={{ withinPortal: true }} />
        <IconArrowsLeftRight size={18} style={{ marginBottom: 10 }} aria-hidden />
        <Select label="Later report" data={options} value={second} onChange={setSecond} allowDeselect={false} w={300} comboboxProps={{ withinPortal: true }} />
      </Group>
      {a && b && a.key === b.key && <Alert color="yellow">Choose two different reports.</Alert>}
      {a && b && a.key !== b.key && (
        <>
          {both.length === 0 ? (
            <Text c="dimmed">These two reports have no test in common.</Text>
          ) : (
            <Paper withBorder radius="md">
              <Table fz="sm" aria-label="Reports compared" data-testid="compare-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Test</Table.Th>
                    <Table.Th>{reportLabel(a)}</Table.Th>
                    <Table.Th>{reportLabel(b)}</Table.Th>
                    <Table.Th>Change</Table.Th>
                    <Table.Th>Reference range</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {both.map((x) => {
                    const y = b.results.find((r) => r.testName === x.testName)!;
                    const change = changeText(x, y);
                    return (
                      <Table.Tr key={x.id}>
                        <Table.Td fw={500}>{x.testName}</Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            <ValueText r={x} />
                            <LabFlag flag={x.abnormal} />
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6}>
                            <ValueText r={y} />
                            <LabFlag flag={y.abnormal} />
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          {change ? (
                            <Group gap={4} wrap="nowrap">
                              {change.direction === 'up' && <IconTrendingUp size={15} aria-hidden />}
                              {change.direction === 'down' && <IconTrendingDown size={15} aria-hidden />}
                              <Text span size="sm">
                                {change.text}
                              </Text>
                            </Group>
                          ) : (
                            '—'
                          )}
                        </Table.Td>
                        <Table.Td>{formatRange(y.refLow, y.refHigh, y.unit) || '—'}</Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Paper>
          )}
          {(onlyA.length > 0 || onlyB.length > 0) && (
            <Text size="xs" c="dimmed">
              {onlyA.length > 0 && `Only in ${reportLabel(a)}: ${onlyA.join(', ')}. `}
              {onlyB.length > 0 && `Only in ${reportLabel(b)}: ${onlyB.join(', ')}.`}
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

// ---------------------------------------------------------------- the screen

export function LabsScreen() {
  const { patientId = '' } = useParams();
  const session = useSession();
  const can = useCan();
  const patient = usePatient(patientId);
  const labs = useQuery({ queryKey: consultKeys.labs(patientId), queryFn: () => api.call('labs.list', { patientId }), staleTime: 0 });
  const [tab, setTab] = useState<string | null>('reports');
  const [picked, setPicked] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  const reports = useMemo(() => groupReports(labs.data ?? []), [labs.data]);
  const testNames = useMemo(() => {
    const count = new Map<string, number>();
    for (const r of labs.data ?? []) if (r.status === 'resulted') count.set(r.testName, (count.get(r.testName) ?? 0) + 1);
    return [...count.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([name]) => name);
  }, [labs.data]);
  // Until one is picked, the test with the most results.
  const testName = picked ?? testNames[0] ?? null;

  const p = patient.data;
  const subtitle = p ? `${p.fullName} · MRN ${p.mrn} · ${sexAge(p, session.clinic.timezone)}` : patient.isError ? errorBody(patient.error).message : ' ';

  let content: ReactNode;
  if (labs.isPending) {
    content = (
      <Center py="xl">
        <Loader aria-label="Loading the results" />
      </Center>
    );
  } else if (labs.isError) {
    content = <Alert color="red">{errorBody(labs.error).message}</Alert>;
  } else if (labs.data.length === 0) {
    content = <Text c="dimmed">No lab results recorded for this patient yet.</Text>;
  } else {
    content = (
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="reports" leftSection={<IconTable size={16} />}>
            Reports
          </Tabs.Tab>
          <Tabs.Tab value="trend" leftSection={<IconChartLine size={16} />}>
            Trend
          </Tabs.Tab>
          <Tabs.Tab value="compare" leftSection={<IconArrowsLeftRight size={16} />}>
            Compare reports
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="reports">
          <Stack gap="md">
            {reports.map((r) => (
              <ReportTable
                key={r.key}
                report={r}
                onTrend={(name) => {
                  setPicked(name);
                  setTab('trend');
                }}
              />
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="trend">
          <TrendPanel patientId={patientId} testNames={testNames} testName={testName} onTestName={setPicked} />
        </Tabs.Panel>
        <Tabs.Panel value="compare">
          <ComparePanel reports={reports} />
        </Tabs.Panel>
      </Tabs>
    );
  }

  return (
    <Stack gap={0}>
      <Anchor component={Link} to={`/patients/${patientId}`} size="sm" w="fit-content" mb="xs">
        <Group gap={4}>
          <IconArrowLeft size={14} /> Back to the patient
        </Group>
      </Anchor>
      <PageHeader
        title={
          <Group gap={8}>
            <IconFlask size={22} /> Lab results
          </Group>
        }
        subtitle={subtitle}
        actions={
          can('labs.enterResult') && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)} disabled={!labs.isSuccess || !p}>
              Add a result
            </Button>
          )
        }
      />
      {content}
      {adding && p && <LabResultDialog patient={p} labs={labs.data ?? []} onClose={() => setAdding(false)} />}
    </Stack>
  );
}
