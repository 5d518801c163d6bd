import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Center, Grid, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp, IconCash, IconPrinter, IconReceipt } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { DOC_TYPE_LABELS, PAYMENT_MODE_LABELS, type Invoice } from '../../../../src-shared/api/billing';
import { formatDisplayInstant } from '../../../../src-shared/dates';
import { newId } from '../../../../src-shared/ids';
import { api, errorBody } from '../../api/client';
import { billingKeys, useInvoice, useTaxProfile } from '../../api/billing';
import { usePatient } from '../../api/queries';
import { useSession } from '../../app/auth';
import { useCan } from '../../app/Guard';
import { PageHeader } from '../../components/PageHeader';
import { displayDate } from '../../lib/format';
import { formatQuantity, money, rateLabel, stateWithCode, STATUS_COLORS, STATUS_LABELS } from '../../lib/billing';
import { CreditNoteDialog } from './CreditNoteDialog';
import { InvoiceEditor, startFromInvoice, type EditorStart } from './InvoiceEditor';
import { PaymentDialog } from './PaymentDialog';

export function InvoiceStatusBadge({ status }: { status: Invoice['status'] }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" data-testid="invoice-status">
      {STATUS_LABELS[status]}
    </Badge>
  );
}

function Loading() {
  return (
    <Center py="xl">
      <Loader />
    </Center>
  );
}

/** An issued document (or a draft this role may not edit): read-only, with its payments and exactly the actions allowed now. */
/** A refund due through Razorpay: the clinic server asks Razorpay to send it; the payment row updates as it syncs. */
function SendRefundButton({ creditNoteId }: { creditNoteId: string }) {
  const can = useCan();
  const [busy, setBusy] = useState(false);
  if (!can('payments.sendRefund')) return null;
  return (
    <Button
      size="xs"
      variant="light"
      color="grape"
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await api.call('payments.sendRefund', { creditNoteId });
          notifications.show({ color: 'teal', title: 'Refund sent', message: 'Razorpay has the refund; it shows as paid out once the server’s record reaches this PC.' });
        } catch (e) {
          notifications.show({ color: 'red', title: 'Refund not sent', message: errorBody(e).message });
        } finally {
          setBusy(false);
        }
      }}
    >
      Send refund
    </Button>
  );
}

function InvoiceView({ invoice }: { invoice: Invoice }) {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [paying, setPaying] = useState(false);
  const [crediting, setCrediting] = useState(false);
  const tz = session.clinic.timezone;
  const isNote = invoice.docType === 'credit_note';
  const title = invoice.status === 'draft' ? 'Draft bill' : `${DOC_TYPE_LABELS[invoice.docType]} ${invoice.number ?? ''}`;
  const pos = invoice.lines[0]?.placeOfSupply ?? invoice.supplier.stateCode;
  const sign = isNote ? -1 : 1;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            <span>{title}</span>
            {!isNote && <InvoiceStatusBadge status={invoice.status} />}
          </Group>
        }
        subtitle={
          isNote
            ? `Credit note against ${invoice.originalNumber ?? '—'}${invoice.issueDate ? ` · ${displayDate(invoice.issueDate)}` : ''}`
            : invoice.issueDate
              ? `Issued ${displayDate(invoice.issueDate)}${invoice.issuedByName ? ` by ${invoice.issuedByName}` : ''}`
              : 'Not issued yet'
        }
        actions={
          <>
            {invoice.actions.includes('pay') && (
              <Button leftSection={<IconCash size={16} />} onClick={() => setPaying(true)}>
                Take payment
              </Button>
            )}
            {invoice.actions.includes('credit') && (
              <Button color="grape" variant="light" leftSection={<IconArrowBackUp size={16} />} onClick={() => setCrediting(true)}>
                Credit note
              </Button>
            )}
            {invoice.number && (
              <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => void navigate(`/print/invoice/${invoice.id}?print=1`)}>
                Print
              </Button>
            )}
          </>
        }
      />
      <Stack gap="md">
        {isNote && invoice.originalId && (
          <Alert color="grape" variant="light" data-testid="credit-note-of">
            Credit note against{' '}
            <Anchor component={Link} to={`/billing/${invoice.originalId}`}>
              {invoice.originalNumber}
            </Anchor>
            . Reason: {invoice.reason}
          </Alert>
        )}
        <Grid gutter="md">
          <Grid.Col span={6}>
            <Paper withBorder radius="md" p="md" h="100%">
              <Text size="xs" c="dimmed" fw={600}>
                BILL TO
              </Text>
              <Text fw={600}>{invoice.recipientName}</Text>
              {invoice.patientMrn && <Text size="sm">MRN {invoice.patientMrn}</Text>}
              {invoice.recipientAddress && <Text size="sm">{invoice.recipientAddress}</Text>}
              {invoice.recipientGstin && <Text size="sm">GSTIN {invoice.recipientGstin}</Text>}
              <Text size="sm" mt={4}>
                Place of supply: {stateWithCode(pos)}
              </Text>
            </Paper>
          </Grid.Col>
          <Grid.Col span={6}>
            <Paper withBorder radius="md" p="md" h="100%" component="section" aria-label="Balance">
              <Table fz="sm" withRowBorders={false} verticalSpacing={2}>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td>Total</Table.Td>
                    <Table.Td ta="right" fw={600} data-testid="invoice-total">
                      {money(invoice.totalPaise)}
                    </Table.Td>
                  </Table.Tr>
                  {!isNote && (
                    <>
                      <Table.Tr>
                        <Table.Td>Credited</Table.Td>
                        <Table.Td ta="right">{money(invoice.creditedPaise)}</Table.Td>
                      </Table.Tr>
                      <Table.Tr>
                        <Table.Td>Paid</Table.Td>
                        <Table.Td ta="right">{money(invoice.paidPaise)}</Table.Td>
                      </Table.Tr>
                      <Table.Tr>
                        <Table.Td fw={700}>Balance</Table.Td>
                        <Table.Td ta="right" fw={700} data-testid="invoice-balance">
                          {money(invoice.balancePaise)}
                        </Table.Td>
                      </Table.Tr>
                    </>
                  )}
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed" mt={4}>
                {invoice.amountInWords}
              </Text>
            </Paper>
          </Grid.Col>
        </Grid>

        <Paper withBorder radius="md" p="md">
          <Table.ScrollContainer minWidth={800}>
            <Table fz="sm" aria-label="Lines" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>SAC/HSN</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th ta="right">Qty</Table.Th>
                  <Table.Th ta="right">Rate</Table.Th>
                  <Table.Th ta="right">Discount</Table.Th>
                  <Table.Th ta="right">Taxable</Table.Th>
                  <Table.Th ta="right">GST</Table.Th>
                  <Table.Th ta="right">CGST</Table.Th>
                  <Table.Th ta="right">SGST</Table.Th>
                  <Table.Th ta="right">IGST</Table.Th>
                  <Table.Th ta="right">Total</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoice.lines.map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>{l.sacHsn ?? '—'}</Table.Td>
                    <Table.Td>{l.description}</Table.Td>
                    <Table.Td ta="right">
                      {formatQuantity(l.quantityMilli)} {l.unit}
                    </Table.Td>
                    <Table.Td ta="right">{money(l.unitPricePaise)}</Table.Td>
                    <Table.Td ta="right">{money(sign * Math.abs(l.discountPaise))}</Table.Td>
                    <Table.Td ta="right">{money(l.taxablePaise)}</Table.Td>
                    <Table.Td ta="right">{l.exempt ? 'Exempt' : rateLabel(l.rateBp)}</Table.Td>
                    <Table.Td ta="right">{money(l.cgstPaise)}</Table.Td>
                    <Table.Td ta="right">{money(l.sgstPaise)}</Table.Td>
                    <Table.Td ta="right">{money(l.igstPaise)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {money(l.totalPaise)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="flex-end" mt="sm" gap="xl">
            <Text size="sm">Taxable {money(invoice.taxablePaise)}</Text>
            {invoice.exemptPaise !== 0 && <Text size="sm">Exempt {money(invoice.exemptPaise)}</Text>}
            <Text size="sm">CGST {money(invoice.cgstPaise)}</Text>
            <Text size="sm">SGST {money(invoice.sgstPaise)}</Text>
            {invoice.igstPaise !== 0 && <Text size="sm">IGST {money(invoice.igstPaise)}</Text>}
            <Text size="sm">Round-off {money(invoice.roundOffPaise)}</Text>
          </Group>
        </Paper>

        <Paper withBorder radius="md" p="md" component="section" aria-label="Payments">
          <Title order={3} fz="md" mb="xs">
            {isNote ? 'Refunds' : 'Payments'}
          </Title>
          {invoice.payments.length === 0 ? (
            <Text size="sm" c="dimmed">
              {isNote ? 'No money went back with this credit note.' : 'Nothing paid yet.'}
            </Text>
          ) : (
            <Table fz="sm" aria-label="Payments list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Mode</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                  <Table.Th>Details</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoice.payments.map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDisplayInstant(p.receivedAt, tz)}</Table.Td>
                    <Table.Td>{p.kind === 'refund' ? 'Refund' : p.kind === 'advance' ? 'Advance' : 'Payment'}</Table.Td>
                    <Table.Td>{PAYMENT_MODE_LABELS[p.mode]}</Table.Td>
                    <Table.Td ta="right">{money(p.kind === 'refund' ? -p.amountPaise : p.amountPaise)}</Table.Td>
                    <Table.Td>
                      {[p.tenderedPaise !== null ? `tendered ${money(p.tenderedPaise)}, change ${money(p.changePaise ?? 0)}` : null, p.reference, p.status === 'refund_due' ? 'refund due' : null]
                        .filter(Boolean)
                        .join(' · ') || '—'}
                    </Table.Td>
                    <Table.Td>{p.receivedByName ?? '—'}</Table.Td>
                    <Table.Td>
                      {p.kind === 'refund' && p.mode === 'online' && p.status === 'refund_due' && p.creditNoteId && <SendRefundButton creditNoteId={p.creditNoteId} />}
                      {p.kind === 'payment' && (
                        <Button size="xs" variant="subtle" leftSection={<IconReceipt size={14} />} onClick={() => void navigate(`/print/receipt/${invoice.id}/${p.id}?print=1`)} aria-label={`Print receipt for ${money(p.amountPaise)} ${PAYMENT_MODE_LABELS[p.mode]}`}>
                          Receipt
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>

        {invoice.creditNotes.length > 0 && (
          <Paper withBorder radius="md" p="md" component="section" aria-label="Credit notes">
            <Title order={3} fz="md" mb="xs">
              Credit notes
            </Title>
            <Stack gap={4}>
              {invoice.creditNotes.map((c) => (
                <Group key={c.id} gap="sm">
                  <Anchor component={Link} to={`/billing/${c.id}`}>
                    {c.number}
                  </Anchor>
                  <Text size="sm">
                    {displayDate(c.issueDate)} · {money(c.totalPaise)}
                  </Text>
                </Group>
              ))}
            </Stack>
          </Paper>
        )}
      </Stack>
      {paying && (
        <PaymentDialog
          invoice={invoice}
          onClose={() => setPaying(false)}
          onDone={(inv) => {
            setPaying(false);
            queryClient.setQueryData(billingKeys.invoice(inv.id), inv);
            const last = inv.payments[inv.payments.length - 1];
            notifications.show({ color: 'teal', title: 'Payment recorded', message: `${money(last?.amountPaise ?? 0)} received. Balance ${money(inv.balancePaise)}.` });
          }}
        />
      )}
      {crediting && (
        <CreditNoteDialog
          invoice={invoice}
          onClose={() => setCrediting(false)}
          onDone={(note) => {
            setCrediting(false);
            queryClient.setQueryData(billingKeys.invoice(note.id), note);
            void queryClient.invalidateQueries({ queryKey: billingKeys.invoice(invoice.id) });
            notifications.show({ color: 'grape', title: 'Credit note raised', message: `${note.number} against ${invoice.number}.` });
            void navigate(`/billing/${note.id}`);
          }}
        />
      )}
    </>
  );
}

/** #/billing/:id — a draft opens in the editor (when this role may edit it), anything else in the read-only view. */
export function InvoiceScreen() {
  const { id } = useParams();
  const invoice = useInvoice(id ?? null);
  if (invoice.isPending) return <Loading />;
  if (invoice.isError) return <Alert color="red">{errorBody(invoice.error).message}</Alert>;
  const inv = invoice.data;
  if (inv.status === 'draft' && inv.actions.includes('edit')) {
    return (
      <>
        <PageHeader title="Draft bill" subtitle={inv.appointmentId ? 'For a visit · not numbered until it is issued' : 'Not numbered until it is issued'} />
        <InvoiceEditor key={inv.id} start={startFromInvoice(inv)} />
      </>
    );
  }
  return <InvoiceView key={inv.id} invoice={inv} />;
}

function NewBill({ start }: { start: Omit<EditorStart, 'clinicStateCode' | 'rounding'> }) {
  const profile = useTaxProfile();
  if (profile.isPending) return <Loading />;
  if (profile.isError) return <Alert color="red">{errorBody(profile.error).message}</Alert>;
  return (
    <>
      <PageHeader title="New bill" subtitle="Not numbered until it is issued" />
      <InvoiceEditor start={{ ...start, clinicStateCode: profile.data.stateCode, rounding: profile.data.rounding }} />
    </>
  );
}

function NewPatientBill({ patientId, id }: { patientId: string; id: string }) {
  const patient = usePatient(patientId);
  if (patient.isPending) return <Loading />;
  if (patient.isError) return <Alert color="red">{errorBody(patient.error).message}</Alert>;
  const p = patient.data;
  return (
    <NewBill
      start={{
        id,
        invoice: null,
        patientId,
        appointmentId: null,
        recipient: { name: p.fullName, address: [p.addressLine, p.city].filter(Boolean).join(', '), stateCode: p.stateCode, gstin: '' },
        lines: [],
        discountApprovedBy: null,
        actions: [],
      }}
    />
  );
}

/** #/billing/new[?patient=…] — a bill not tied to a visit (a patient's, or a walk-in buyer's). */
export function NewBillScreen() {
  const [params] = useSearchParams();
  const patientId = params.get('patient');
  const [id] = useState(newId);
  if (patientId) return <NewPatientBill key={patientId} patientId={patientId} id={id} />;
  return <NewBill start={{ id, invoice: null, patientId: null, appointmentId: null, recipient: { name: '', address: '', stateCode: null, gstin: '' }, lines: [], discountApprovedBy: null, actions: [] }} />;
}
