import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Paper, Radio, Stack, Text, TextInput } from '@mantine/core';
import type { DESK_PAYMENT_MODES, Invoice } from '../../../../src-shared/api/billing';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { money, parseRupees, rupeesInput } from '../../lib/billing';
import { REQUIRED } from '../../lib/required';
import { OnlinePaymentPanel } from './OnlinePaymentPanel';

type DeskMode = (typeof DESK_PAYMENT_MODES)[number] | 'online';

/**
 * The ways money is taken at the desk, in the order offered. Each has its own panel below; an online mode
 * (a Razorpay UPI QR, asked of the clinic server) goes in as one more entry with a panel that shows the QR and
 * waits for the server's confirmation instead of recording the payment here.
 */
const MODES: Array<{ value: DeskMode; label: string; offered: (inv: Invoice) => boolean }> = [
  { value: 'cash', label: 'Cash', offered: () => true },
  { value: 'card', label: 'Card', offered: () => true },
  { value: 'upi', label: 'UPI', offered: () => true },
  { value: 'advance', label: 'From advance', offered: (inv) => inv.advanceAvailablePaise > 0 },
  { value: 'online', label: 'Razorpay (UPI QR / link)', offered: () => true },
];

/** Take a payment on an issued bill: cash (with the change to give), card or UPI with a reference, or from the patient's advance. Several payments may settle one bill. */
export function PaymentDialog({ invoice, onClose, onDone }: { invoice: Invoice; onClose: () => void; onDone: (inv: Invoice) => void }) {
  const [mode, setMode] = useState<DeskMode>('cash');
  const [amount, setAmount] = useState(rupeesInput(invoice.balancePaise));
  const [tendered, setTendered] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);

  const amountPaise = parseRupees(amount);
  const tenderedPaise = tendered.trim() === '' ? null : parseRupees(tendered);
  const change = mode === 'cash' && amountPaise !== null && tenderedPaise !== null ? tenderedPaise - amountPaise : null;
  const amountProblem =
    amount.trim() === '' ? null : amountPaise === null ? 'Enter the amount in rupees, like 500 or 118.50.' : amountPaise > invoice.balancePaise ? `No more than the balance, ${money(invoice.balancePaise)}.` : null;

  const submit = async () => {
    if (amountPaise === null || amountPaise === 0) return setError({ message: 'Enter the amount received.', fields: {} });
    if (tendered.trim() !== '' && tenderedPaise === null) return setError({ message: 'Enter the cash handed over in rupees, or leave it empty.', fields: {} });
    if (mode === 'online') return; // recorded by the server once Razorpay confirms it (the panel waits for it)
    setBusy(true);
    setError(null);
    try {
      const inv = await api.call('payments.record', {
        invoiceId: invoice.id,
        mode,
        amountPaise,
        tenderedPaise: mode === 'cash' ? tenderedPaise : null,
        reference: mode === 'card' || mode === 'upi' ? reference : null,
      });
      onDone(inv);
    } catch (e) {
      const body = errorBody(e);
      setError({ message: body.message, fields: body.fields ?? {} });
    } finally {
      setBusy(false);
    }
  };

  let panel: ReactNode = null;
  switch (mode) {
    case 'cash':
      panel = (
        <Group align="flex-start" grow>
          <TextInput label="Cash tendered (₹)" description="What the patient handed over (optional)" inputMode="decimal" value={tendered} onChange={(e) => setTendered(e.currentTarget.value)} error={error?.fields.tenderedPaise} autoComplete="off" />
          <Paper withBorder p="xs" radius="sm" bg={change !== null && change > 0 ? 'yellow.0' : undefined}>
            <Text size="xs" c="dimmed">
              Change to give
            </Text>
            <Text fw={700} fz="lg" data-testid="change-to-give" c={change !== null && change < 0 ? 'red' : undefined}>
              {change === null ? '—' : change < 0 ? `${money(-change)} short` : money(change)}
            </Text>
          </Paper>
        </Group>
      );
      break;
    case 'card':
      panel = <TextInput label="Card reference" description="Approval code or last 4 digits from the card slip" value={reference} onChange={(e) => setReference(e.currentTarget.value)} autoComplete="off" />;
      break;
    case 'upi':
      panel = <TextInput label="UPI reference" description="The transaction ID (UTR) shown on the patient's phone" value={reference} onChange={(e) => setReference(e.currentTarget.value)} autoComplete="off" />;
      break;
    case 'online':
      panel = <OnlinePaymentPanel invoice={invoice} amountPaise={amountProblem === null ? amountPaise : null} onPaid={onDone} />;
      break;
    case 'advance':
      panel = (
        <Text size="sm">
          Advance available: <b>{money(invoice.advanceAvailablePaise)}</b>. No money changes hands.
        </Text>
      );
      break;
  }

  return (
    <Modal opened onClose={onClose} title="Take payment" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Group justify="space-between">
            <Text size="sm">
              {invoice.number} · {invoice.recipientName}
            </Text>
            <Text size="sm">
              Balance: <b data-testid="payment-balance">{money(invoice.balancePaise)}</b>
            </Text>
          </Group>
          <ApiErrorAlert message={error?.message ?? null} onClose={() => setError(null)} />
          <Radio.Group label="How is it paid?" value={mode} onChange={(v) => setMode(v as DeskMode)}>
            <Group gap="lg" mt={6}>
              {MODES.filter((m) => m.offered(invoice)).map((m) => (
                <Radio key={m.value} value={m.value} label={m.label} />
              ))}
            </Group>
          </Radio.Group>
          <TextInput
            label="Amount (₹)"
            {...REQUIRED}
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.currentTarget.value)}
            error={amountProblem ?? error?.fields.amountPaise}
            autoComplete="off"
            data-autofocus
          />
          {panel}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            {mode !== 'online' && (
              <Button type="submit" loading={busy} disabled={amountProblem !== null}>
                Record payment
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
