import { useMemo, useRef, useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Grid,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconDeviceFloppy, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { DOC_TYPE_LABELS, type Invoice } from '../../../../src-shared/api/billing';
import { amountInWords } from '../../../../src-shared/gst/money';
import { documentsFor } from '../../../../src-shared/gst/tax';
import { gstinProblem, GSTIN_MESSAGES } from '../../../../src-shared/validation/gstin';
import { api, errorBody } from '../../api/client';
import { billingKeys, useCatalogue } from '../../api/billing';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useLeaveGuard } from '../../components/LeaveGuard';
import { StateSelect } from '../../components/StateSelect';
import { COMMON_RATES, money, rateLabel, stateWithCode } from '../../lib/billing';
import { REQUIRED } from '../../lib/required';
import { DiscountApprovalDialog } from './DiscountApprovalDialog';
import { fromCatalogueItem, fromInvoiceLine, freeLine, preview, type EditLine } from './lines';

export interface Recipient {
  name: string;
  address: string;
  stateCode: string | null;
  gstin: string;
}

export interface EditorStart {
  id: string;
  /** The draft as saved, or null for a bill not saved yet. */
  invoice: Invoice | null;
  patientId: string | null;
  appointmentId: string | null;
  recipient: Recipient;
  lines: EditLine[];
  discountApprovedBy: string | null;
  discountApprovedByName?: string | null;
  clinicStateCode: string;
  rounding: 'nearest_rupee' | 'none';
  /** What the signed-in role may do with the draft (from the invoice machine); a new bill may be saved and issued. */
  actions: Invoice['actions'];
}

export function startFromInvoice(inv: Invoice): EditorStart {
  return {
    id: inv.id,
    invoice: inv,
    patientId: inv.patientId,
    appointmentId: inv.appointmentId,
    recipient: { name: inv.recipientName, address: inv.recipientAddress ?? '', stateCode: inv.recipientStateCode, gstin: inv.recipientGstin ?? '' },
    lines: inv.lines.map(fromInvoiceLine),
    discountApprovedBy: inv.discountApprovedBy,
    discountApprovedByName: inv.discountApprovedByName,
    clinicStateCode: inv.supplier.stateCode,
    rounding: inv.rounding,
    actions: inv.actions,
  };
}

const snapshot = (recipient: Recipient, lines: EditLine[]) => JSON.stringify({ recipient, lines });

function rateOptions(current: number) {
  const rates = COMMON_RATES.includes(current) ? COMMON_RATES : [...COMMON_RATES, current].sort((a, b) => a - b);
  return [...rates.map((r) => ({ value: String(r), label: `GST ${rateLabel(r)}` })), { value: 'exempt', label: 'Exempt' }];
}

function LineRow({ n, line, read, onChange, onRemove }: { n: number; line: EditLine; read: ReturnType<typeof preview>['read'][number]; onChange: (l: EditLine) => void; onRemove: () => void }) {
  const set = (patch: Partial<EditLine>) => onChange({ ...line, ...patch });
  const name = line.description.trim() || `line ${n}`;
  const err = (field: string) => (!read.ok && read.field === field ? read.problem : undefined);
  const t = read.ok ? read.taxed : null;
  return (
    <Table.Tr aria-label={`Line ${n}: ${name}`}>
      <Table.Td miw={220}>
        <Stack gap={4}>
          <TextInput size="xs" aria-label="Description" value={line.description} onChange={(e) => set({ description: e.currentTarget.value })} error={err('description')} />
          <Group gap={4} wrap="nowrap">
            {line.code && (
              <Badge size="xs" variant="light" color="gray">
                {line.code}
              </Badge>
            )}
            <TextInput size="xs" w={100} aria-label="SAC/HSN" placeholder="SAC/HSN" value={line.sacHsn} onChange={(e) => set({ sacHsn: e.currentTarget.value.replace(/\D/g, '') })} error={err('sacHsn')} maxLength={8} />
            <Select
              size="xs"
              w={96}
              aria-label="Goods or service"
              data={[
                { value: 'service', label: 'Service' },
                { value: 'goods', label: 'Goods' },
              ]}
              value={line.kind}
              onChange={(v) => v && set({ kind: v as EditLine['kind'] })}
              allowDeselect={false}
            />
          </Group>
        </Stack>
      </Table.Td>
      <Table.Td w={110}>
        <TextInput size="xs" aria-label="Quantity" value={line.quantity} onChange={(e) => set({ quantity: e.currentTarget.value })} error={err('quantity')} inputMode="decimal" rightSection={<Text size="xs" c="dimmed">{line.unit}</Text>} rightSectionWidth={52} />
      </Table.Td>
      <Table.Td w={120}>
        <TextInput size="xs" aria-label="Unit price (₹)" value={line.price} onChange={(e) => set({ price: e.currentTarget.value })} error={err('price')} inputMode="decimal" />
        <Checkbox size="xs" mt={4} label="incl. GST" checked={line.priceIncludesTax} onChange={(e) => set({ priceIncludesTax: e.currentTarget.checked })} />
      </Table.Td>
      <Table.Td w={110}>
        <TextInput size="xs" aria-label="Discount (₹)" placeholder="0" value={line.discount} onChange={(e) => set({ discount: e.currentTarget.value })} error={err('discount')} inputMode="decimal" />
      </Table.Td>
      <Table.Td w={120}>
        <Select
          size="xs"
          aria-label="GST rate"
          data={rateOptions(line.rateBp)}
          value={line.exempt ? 'exempt' : String(line.rateBp)}
          onChange={(v) => {
            if (!v) return;
            if (v === 'exempt') set({ exempt: true, rateBp: 0 });
            else set({ exempt: false, rateBp: Number(v) });
          }}
          allowDeselect={false}
        />
      </Table.Td>
      <Table.Td ta="right" data-testid="line-taxable">
        {t ? money(t.taxablePaise) : '—'}
      </Table.Td>
      <Table.Td ta="right" data-testid="line-tax">
        {t ? (t.exempt ? 'Exempt' : t.igstPaise ? `IGST ${money(t.igstPaise)}` : `${money(t.cgstPaise)} + ${money(t.sgstPaise)}`) : '—'}
      </Table.Td>
      <Table.Td ta="right" fw={600} data-testid="line-total">
        {t ? money(t.totalPaise) : '—'}
      </Table.Td>
      <Table.Td w={40}>
        <ActionIcon variant="subtle" color="red" aria-label={`Remove ${name}`} onClick={onRemove}>
          <IconTrash size={16} />
        </ActionIcon>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * A draft bill: who it is for, its lines (catalogue items and free lines), each line's tax worked out as it is
 * typed by the shared GST maths, the totals with round-off and the amount in words. Save keeps it as a draft;
 * Issue numbers it and locks it. What was typed stays on screen whatever the answer.
 */
export function InvoiceEditor({ start }: { start: EditorStart }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const catalogue = useCatalogue(false);
  const [recipient, setRecipient] = useState<Recipient>(start.recipient);
  const [lines, setLines] = useState<EditLine[]>(start.lines);
  const [approvedBy, setApprovedBy] = useState<{ id: string; name: string | null } | null>(start.discountApprovedBy ? { id: start.discountApprovedBy, name: start.discountApprovedByName ?? null } : null);
  const [saved, setSaved] = useState<{ exists: boolean; snap: string }>({ exists: start.invoice !== null, snap: snapshot(start.recipient, start.lines) });
  const [actions, setActions] = useState<Invoice['actions']>(start.actions);
  const [error, setError] = useState<{ message: string; extra: string[] } | null>(null);
  const [busy, setBusy] = useState<'save' | 'issue' | 'discard' | null>(null);
  const [approval, setApproval] = useState<{ message: string; then: 'save' | 'issue' } | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [picker, setPicker] = useState<string | null>(null);
  const dirty = snapshot(recipient, lines) !== saved.snap;
  const leave = useLeaveGuard(dirty);
  const approvedRef = useRef(approvedBy);
  approvedRef.current = approvedBy;

  const p = useMemo(() => preview(lines, start.clinicStateCode, start.rounding), [lines, start.clinicStateCode, start.rounding]);
  const registered = recipient.gstin.trim() !== '';
  const docs = p.taxed.length > 0 ? documentsFor(p.taxed, registered) : [];
  const gstinError = recipient.gstin.trim().length === 15 ? gstinProblem(recipient.gstin.trim()) : null;

  const setLine = (i: number, l: EditLine) => setLines((ls) => ls.map((x, j) => (j === i ? l : x)));

  const save = async (): Promise<Invoice | null> => {
    if (p.problems > 0) {
      setError({ message: 'Some lines are not complete: see the marked fields.', extra: [] });
      return null;
    }
    const result = await api.call('invoices.saveDraft', {
      id: start.id,
      patientId: start.patientId,
      appointmentId: start.appointmentId,
      recipient: { name: recipient.name, address: recipient.address, stateCode: recipient.stateCode, gstin: recipient.gstin.trim().toUpperCase() },
      lines: p.lines,
      discountApprovedBy: approvedRef.current?.id ?? null,
    });
    setSaved({ exists: true, snap: snapshot(recipient, lines) });
    setActions(result.actions);
    return result;
  };

  const run = async (what: 'save' | 'issue') => {
    setBusy(what);
    setError(null);
    try {
      let inv: Invoice | null = null;
      if (dirty || !saved.exists || what === 'save') {
        inv = await save();
        if (!inv) return;
      }
      if (what === 'save') {
        queryClient.setQueryData(billingKeys.invoice(start.id), inv);
        notifications.show({ color: 'teal', title: 'Saved', message: 'The draft bill was saved.' });
        if (!start.invoice) {
          leave.allowLeave();
          void navigate(`/billing/${start.id}`, { replace: true });
        }
        return;
      }
      const issued = await api.call('invoices.issue', { id: start.id });
      leave.allowLeave();
      queryClient.setQueryData(billingKeys.invoice(start.id), issued);
      notifications.show({ color: 'teal', title: 'Issued', message: `${DOC_TYPE_LABELS[issued.docType]} ${issued.number ?? ''} was issued.` });
      void navigate(`/billing/${start.id}`, { replace: true });
    } catch (e) {
      const body = errorBody(e);
      if (body.reason === 'discount_limit') {
        setApproval({ message: body.message, then: what });
      } else {
        setError({ message: body.message, extra: Object.values(body.fields ?? {}) });
      }
    } finally {
      setBusy(null);
    }
  };

  const discard = async () => {
    setBusy('discard');
    setError(null);
    try {
      await api.call('invoices.discard', { id: start.id });
      leave.allowLeave();
      setConfirmDiscard(false);
      notifications.show({ color: 'gray', title: 'Discarded', message: 'The draft bill was discarded.' });
      void navigate('/billing');
    } catch (e) {
      setConfirmDiscard(false);
      setError({ message: errorBody(e).message, extra: [] });
    } finally {
      setBusy(null);
    }
  };

  const items = (catalogue.data ?? []).filter((i) => i.active);
  const canIssue = !saved.exists || actions.includes('issue');
  const canSave = !saved.exists || actions.includes('edit');

  return (
    <Stack gap="md">
      <ApiErrorAlert message={error?.message ?? null} extra={error?.extra} onClose={() => setError(null)} />
      <Paper withBorder radius="md" p="md" component="section" aria-label="Bill to">
        <Title order={3} fz="md" mb="sm">
          Bill to
        </Title>
        <Grid gutter="sm">
          <Grid.Col span={6}>
            <TextInput label="Name" {...REQUIRED} value={recipient.name} onChange={(e) => setRecipient({ ...recipient, name: e.currentTarget.value })} autoComplete="off" />
          </Grid.Col>
          <Grid.Col span={6}>
            <TextInput label="Address" value={recipient.address} onChange={(e) => setRecipient({ ...recipient, address: e.currentTarget.value })} autoComplete="off" />
          </Grid.Col>
          <Grid.Col span={6}>
            <StateSelect label="Recipient's state" value={recipient.stateCode} onChange={(v) => setRecipient({ ...recipient, stateCode: v })} />
          </Grid.Col>
          <Grid.Col span={6}>
            <TextInput
              label="Recipient's GSTIN"
              description="Only for a registered business; leave empty for a patient"
              maxLength={15}
              value={recipient.gstin}
              onChange={(e) => setRecipient({ ...recipient, gstin: e.currentTarget.value.toUpperCase() })}
              error={gstinError ? GSTIN_MESSAGES[gstinError] : undefined}
              autoComplete="off"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
          </Grid.Col>
        </Grid>
        <Text size="sm" c="dimmed" mt="xs">
          Place of supply: {stateWithCode(start.clinicStateCode)} — health services are supplied where they are performed.
        </Text>
      </Paper>

      <Paper withBorder radius="md" p="md" component="section" aria-label="Lines">
        <Group justify="space-between" mb="sm">
          <Title order={3} fz="md">
            Lines
          </Title>
          <Group gap="xs">
            <Select
              aria-label="Add item from catalogue"
              placeholder="Add item from catalogue…"
              searchable
              w={320}
              nothingFoundMessage={catalogue.isPending ? 'Loading…' : 'No item matches'}
              data={items.map((i) => ({ value: i.id, label: `${i.name} (${i.code})` }))}
              value={picker}
              onChange={(v) => {
                const item = items.find((i) => i.id === v);
                if (item) setLines((ls) => [...ls, fromCatalogueItem(item)]);
                setPicker(null);
              }}
              comboboxProps={{ withinPortal: true }}
            />
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setLines((ls) => [...ls, freeLine()])}>
              Add free line
            </Button>
          </Group>
        </Group>
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing={6} aria-label="Bill lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Description</Table.Th>
                <Table.Th>Quantity</Table.Th>
                <Table.Th>Unit price (₹)</Table.Th>
                <Table.Th>Discount (₹)</Table.Th>
                <Table.Th>GST</Table.Th>
                <Table.Th ta="right">Taxable value</Table.Th>
                <Table.Th ta="right">Tax (CGST + SGST)</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={9}>
                    <Text c="dimmed" size="sm">
                      No lines yet: add an item from the catalogue or a free line.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {lines.map((l, i) => (
                <LineRow key={l.id} n={i + 1} line={l} read={p.read[i]!} onChange={(x) => setLine(i, x)} onRemove={() => setLines((ls) => ls.filter((x) => x.id !== l.id))} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>

      <Group align="flex-start" justify="space-between" wrap="nowrap">
        <Stack gap={6} maw={520}>
          {docs.length > 0 && (
            <Text size="sm" data-testid="documents-preview">
              Will be issued as: <b>{docs.map((d) => DOC_TYPE_LABELS[d.kind]).join(' and ')}</b>
              {docs.length > 1 ? ' (a registered recipient gets the taxable and exempt lines on separate documents)' : ''}
            </Text>
          )}
          {approvedBy && (
            <Alert color="teal" icon={<IconCheck size={16} />} p="xs">
              Discount approved{approvedBy.name ? ` by ${approvedBy.name}` : ' by an administrator'}.
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            Amounts are worked out here as you type with the same GST rules the bill is issued with.
          </Text>
        </Stack>
        <Paper withBorder radius="md" p="md" miw={360} component="section" aria-label="Totals">
          <Table fz="sm" withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              <TotalRow label="Taxable value" value={p.totals.taxablePaise} />
              {p.totals.exemptPaise !== 0 && <TotalRow label="Exempt value" value={p.totals.exemptPaise} />}
              {p.totals.cgstPaise !== 0 && <TotalRow label="CGST" value={p.totals.cgstPaise} />}
              {p.totals.sgstPaise !== 0 && <TotalRow label="SGST" value={p.totals.sgstPaise} />}
              {p.totals.igstPaise !== 0 && <TotalRow label="IGST" value={p.totals.igstPaise} />}
              <TotalRow label="Round-off" value={p.totals.roundOffPaise} />
              <Table.Tr>
                <Table.Td fw={700} fz="md">
                  Total
                </Table.Td>
                <Table.Td ta="right" fw={700} fz="md" data-testid="bill-total">
                  {money(p.totals.totalPaise)}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed" mt={4} data-testid="amount-in-words">
            {amountInWords(p.totals.totalPaise)}
          </Text>
        </Paper>
      </Group>

      <Group justify="flex-end" className="sticky-actions">
        {saved.exists && actions.includes('discard') && (
          <Button variant="subtle" color="red" onClick={() => setConfirmDiscard(true)}>
            Discard draft
          </Button>
        )}
        {canSave && (
          <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} loading={busy === 'save'} disabled={busy !== null && busy !== 'save'} onClick={() => void run('save')}>
            Save draft
          </Button>
        )}
        {canIssue && (
          <Button leftSection={<IconCheck size={16} />} loading={busy === 'issue'} disabled={lines.length === 0 || (busy !== null && busy !== 'issue')} onClick={() => void run('issue')}>
            Issue bill
          </Button>
        )}
      </Group>

      {approval && (
        <DiscountApprovalDialog
          message={approval.message}
          onClose={() => setApproval(null)}
          onApproved={(a) => {
            const then = approval.then;
            setApproval(null);
            approvedRef.current = { id: a.approverId, name: a.approverName };
            setApprovedBy({ id: a.approverId, name: a.approverName });
            void run(then);
          }}
        />
      )}
      <Modal opened={confirmDiscard} onClose={() => setConfirmDiscard(false)} title="Discard this draft?" centered>
        <Text size="sm">The draft bill and its lines are set aside. Nothing was numbered, so no number is lost.</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setConfirmDiscard(false)} data-autofocus>
            Keep the draft
          </Button>
          <Button color="red" loading={busy === 'discard'} onClick={() => void discard()}>
            Discard draft
          </Button>
        </Group>
      </Modal>
      {leave.modal}
    </Stack>
  );
}

function TotalRow({ label, value }: { label: string; value: number }) {
  return (
    <Table.Tr>
      <Table.Td>{label}</Table.Td>
      <Table.Td ta="right">{money(value)}</Table.Td>
    </Table.Tr>
  );
}
