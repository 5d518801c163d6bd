import { useState } from 'react';
import { Button, Checkbox, Group, Modal, Radio, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { Invoice } from '../../../../src-shared/api/billing';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatQuantity, money } from '../../lib/billing';
import { REQUIRED } from '../../lib/required';

const REFUND_MODES = [
  { value: 'cash', label: 'Cash' },
  { value: 'card', label: 'Card (reversal)' },
  { value: 'upi', label: 'UPI' },
];

/**
 * A credit note against an issued document: the whole of it, or chosen lines (each in full), with a reason.
 * When money was paid beyond what is still owed after the credit, it goes back: choose how.
 */
export function CreditNoteDialog({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (note: Invoice) => void }) {
  const [scope, setScope] = useState<'whole' | 'lines'>('whole');
  const [chosen, setChosen] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [refundMode, setRefundMode] = useState<string | null>(null);
  const [refundReference, setRefundReference] = useState('');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);

  const creditable = invoice.totalPaise - invoice.creditedPaise;
  const amount = scope === 'whole' ? creditable : invoice.lines.filter((l) => chosen.includes(l.id)).reduce((s, l) => s + l.totalPaise, 0);
  const owedAfter = creditable - amount;
  // An estimate for the words below (a credit note's own round-off may move it by paise): the server works out
  // the refund; whenever anything was paid, how it goes back is asked.
  const refund = Math.max(0, invoice.paidPaise - owedAfter);
  const paidOnline = invoice.payments.some((p) => p.kind === 'payment' && p.mode === 'online' && p.status === 'recorded');
  const refundModes = paidOnline ? [...REFUND_MODES, { value: 'online', label: 'Back through Razorpay (online)' }] : REFUND_MODES;
  const asksRefund = invoice.paidPaise > 0;

  const submit = async () => {
    if (scope === 'lines' && chosen.length === 0) return setError({ message: 'Choose the lines to credit.', fields: {} });
    setBusy(true);
    setError(null);
    try {
      const note = await api.call('invoices.creditNote', {
        invoiceId: invoice.id,
        lineIds: scope === 'whole' ? null : chosen,
        reason,
        refundMode: asksRefund ? (refundMode as 'cash' | 'card' | 'upi' | 'online' | null) : null,
        refundReference: asksRefund ? refundReference : null,
      });
      onDone(note);
    } catch (e) {
      const body = errorBody(e);
      setError({ message: body.message, fields: body.fields ?? {} });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title="Raise a credit note" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Text size="sm">
            Against <b>{invoice.number}</b> ({invoice.recipientName}). An issued document is never changed: the credit note reverses it.
          </Text>
          <ApiErrorAlert message={error?.message ?? null} onClose={() => setError(null)} />
          <Radio.Group label="What is credited" value={scope} onChange={(v) => setScope(v as 'whole' | 'lines')}>
            <Group gap="lg" mt={6}>
              <Radio value="whole" label={`The whole document (${money(creditable)})`} />
              <Radio value="lines" label="Chosen lines" disabled={invoice.creditedPaise > 0 && invoice.lines.length === 1} />
            </Group>
          </Radio.Group>
          {scope === 'lines' && (
            <Checkbox.Group label="Lines to credit (each in full)" value={chosen} onChange={setChosen}>
              <Stack gap={4} mt={6}>
                {invoice.lines.map((l) => (
                  <Checkbox
                    key={l.id}
                    value={l.id}
                    disabled={l.credited}
                    label={`${l.description} — ${formatQuantity(l.quantityMilli)} ${l.unit} — ${money(l.totalPaise)}${l.credited ? ' (already credited)' : ''}`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          <Textarea label="Reason" {...REQUIRED} description="Printed on the credit note" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error?.fields.reason} data-autofocus />
          {asksRefund && (
            <>
              <Text size="sm" data-testid="refund-amount">
                {refund > 0 ? `${money(refund)} was paid and goes back to the ${invoice.patientId ? 'patient' : 'customer'}.` : 'If any money has to go back, it goes back this way.'}
              </Text>
              <Group grow align="flex-start">
                <Select label="Refund by" {...REQUIRED} data={refundModes} value={refundMode} onChange={setRefundMode} error={error?.fields.refundMode} allowDeselect={false} comboboxProps={{ withinPortal: true }} />
                <TextInput label="Refund reference" description="Optional: reversal or UPI reference" value={refundReference} onChange={(e) => setRefundReference(e.currentTarget.value)} autoComplete="off" />
              </Group>
            </>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="grape" loading={busy}>
              Raise credit note
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
