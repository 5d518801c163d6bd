import { useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Loader, Modal, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { DOC_TYPE_LABELS, PAYMENT_MODE_LABELS, PAYMENT_MODES, type PaymentMode } from '../../../../src-shared/api/billing';
import type { PatientSummary } from '../../../../src-shared/api/types';
import { errorBody } from '../../api/client';
import { useInvoices, useVisitsToBill } from '../../api/billing';
import { useSession } from '../../app/auth';
import { todayIn } from '../../../../src-shared/dates';
import { BillVisitButton } from './BillVisitButton';
import { PageHeader } from '../../components/PageHeader';
import { displayDate } from '../../lib/format';
import { money, STATUS_LABELS } from '../../lib/billing';
import { PatientPicker } from '../appointments/PatientPicker';
import { InvoiceStatusBadge } from './InvoiceScreen';

type StatusFilter = 'draft' | 'issued' | 'partially_paid' | 'paid' | 'credited' | 'discarded' | 'unpaid';
const STATUS_OPTIONS: StatusFilter[] = ['unpaid', 'draft', 'issued', 'partially_paid', 'paid', 'credited', 'discarded'];

function NewBillDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [patient, setPatient] = useState<PatientSummary | null>(null);
  return (
    <Modal opened onClose={onClose} title="New bill" size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          A visit is billed from the queue or the day view (Bill). Here: a bill for a patient without a visit, or for a walk-in buyer.
        </Text>
        <PatientPicker value={patient} onChange={setPatient} />
        <Group justify="space-between">
          <Button variant="subtle" onClick={() => void navigate('/billing/new')}>
            Bill without a patient
          </Button>
          <Button disabled={!patient} onClick={() => patient && void navigate(`/billing/new?patient=${patient.id}`)}>
            Bill this patient
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Today's visits that have been seen and have no bill yet: accounts bill them from here (they do not see the day view). */
function VisitsToBill() {
  const session = useSession();
  const visits = useVisitsToBill(todayIn(session.clinic.timezone));
  if (!visits.data || visits.data.length === 0) return null;
  return (
    <Paper withBorder radius="md" p="sm" mb="md" component="section" aria-label="Visits to bill">
      <Text fw={600} size="sm" mb={6}>
        Visits to bill today ({visits.data.length})
      </Text>
      <Table fz="sm">
        <Table.Tbody>
          {visits.data.map((v) => (
            <Table.Tr key={v.appointmentId}>
              <Table.Td>{v.patientName}</Table.Td>
              <Table.Td c="dimmed">{v.patientMrn}</Table.Td>
              <Table.Td>{v.doctorName}</Table.Td>
              <Table.Td ta="right">
                <BillVisitButton appointmentId={v.appointmentId} status={v.status as 'checked_in'} patientName={v.patientName} size="xs" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

/** #/billing — bills, credit notes and drafts, newest first, with filters. */
export function InvoiceListScreen() {
  const navigate = useNavigate();
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter | null>(null);
  const [mode, setMode] = useState<PaymentMode | null>(null);
  const [series, setSeries] = useState('');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const list = useInvoices({ from, to, status, mode, series: series.trim() === '' ? null : series.trim().toUpperCase(), search: debounced, limit: 200 });

  return (
    <>
      <PageHeader
        title="Billing"
        subtitle="Bills, credit notes and drafts, newest first"
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New bill
          </Button>
        }
      />
      <VisitsToBill />
      <Paper withBorder radius="md" p="sm" mb="md" component="section" aria-label="Filters">
        <Group gap="sm" align="flex-end">
          <TextInput label="Search" placeholder="Name or number" leftSection={<IconSearch size={14} />} w={220} value={search} onChange={(e) => setSearch(e.currentTarget.value)} type="search" />
          <DateInput label="From" valueFormat="DD-MM-YYYY" placeholder="dd-mm-yyyy" clearable w={140} value={from} onChange={setFrom} popoverProps={{ withinPortal: true }} />
          <DateInput label="To" valueFormat="DD-MM-YYYY" placeholder="dd-mm-yyyy" clearable w={140} value={to} onChange={setTo} popoverProps={{ withinPortal: true }} />
          <Select label="Status" placeholder="Any" clearable w={180} data={STATUS_OPTIONS.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} value={status} onChange={(v) => setStatus(v as StatusFilter | null)} />
          <Select label="Paid by" placeholder="Any" clearable w={160} data={PAYMENT_MODES.map((m) => ({ value: m, label: PAYMENT_MODE_LABELS[m] }))} value={mode} onChange={(v) => setMode(v as PaymentMode | null)} />
          <TextInput label="Series" placeholder="e.g. FD1" w={100} value={series} onChange={(e) => setSeries(e.currentTarget.value)} />
        </Group>
      </Paper>
      {list.isPending ? (
        <Center py="xl">
          <Loader />
        </Center>
      ) : list.isError ? (
        <Alert color="red">{errorBody(list.error).message}</Alert>
      ) : list.data.length === 0 ? (
        <Text c="dimmed">No bills match.</Text>
      ) : (
        <Paper withBorder radius="md">
          <Table highlightOnHover aria-label="Bills" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Date</Table.Th>
                <Table.Th>Document</Table.Th>
                <Table.Th>Bill to</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
                <Table.Th ta="right">Paid</Table.Th>
                <Table.Th ta="right">Balance</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((i) => (
                <Table.Tr key={i.id} className="result-row" onClick={() => void navigate(`/billing/${i.id}`)}>
                  <Table.Td>
                    <Anchor component={Link} to={`/billing/${i.id}`} onClick={(e) => e.stopPropagation()} ff="monospace">
                      {i.number ?? 'Draft'}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{displayDate(i.issueDate ?? i.createdAt.slice(0, 10))}</Table.Td>
                  <Table.Td>{DOC_TYPE_LABELS[i.docType]}</Table.Td>
                  <Table.Td>{i.recipientName}</Table.Td>
                  <Table.Td ta="right">{money(i.totalPaise)}</Table.Td>
                  <Table.Td ta="right">{money(i.paidPaise)}</Table.Td>
                  <Table.Td ta="right">{money(i.balancePaise)}</Table.Td>
                  <Table.Td>{i.docType === 'credit_note' ? '—' : <InvoiceStatusBadge status={i.status} />}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <Stack>{creating && <NewBillDialog onClose={() => setCreating(false)} />}</Stack>
    </>
  );
}
