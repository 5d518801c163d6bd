import { useEffect, useState } from 'react';
import { Anchor, Button, Group, Image, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import type { Invoice, OnlineRequest } from '../../../../src-shared/api/billing';
import { api, errorBody } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { money } from '../../lib/billing';

const CHECK_EVERY_MS = 4_000;

/**
 * Online payment through the clinic server's Razorpay: a single-use UPI QR code for the patient to scan, or a
 * payment link to send. The money is recorded by the server once Razorpay confirms it (the screen asks every
 * few seconds; the server also hears from Razorpay directly), and the payment reaches this PC with the next sync.
 */
export function OnlinePaymentPanel({ invoice, amountPaise, onPaid }: { invoice: Invoice; amountPaise: number | null; onPaid: (inv: Invoice) => void }) {
  const [via, setVia] = useState<'upi_qr' | 'link'>('upi_qr');
  const [request, setRequest] = useState<OnlineRequest | null>(null);
  const [status, setStatus] = useState<'waiting' | 'paid' | 'refund_due' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    if (!amountPaise) return setError('Enter the amount to collect online.');
    setBusy(true);
    setError(null);
    try {
      setRequest(await api.call('payments.startOnline', { invoiceId: invoice.id, amountPaise, via }));
      setStatus('waiting');
    } catch (e) {
      setError(errorBody(e).message);
    } finally {
      setBusy(false);
    }
  };

  const check = async () => {
    if (!request) return;
    try {
      const r = await api.call('payments.checkOnline', { invoiceId: invoice.id, reference: request.reference });
      setStatus(r.status);
      if (r.status !== 'waiting') onPaid(await api.call('invoices.get', { id: invoice.id }));
    } catch (e) {
      setError(errorBody(e).message);
    }
  };

  useEffect(() => {
    if (status !== 'waiting') return;
    const timer = setInterval(() => void check(), CHECK_EVERY_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- restarts only when a new request starts waiting
  }, [status, request?.reference]);

  return (
    <Paper withBorder p="sm" radius="sm" component="section" aria-label="Online payment">
      <Stack gap="xs">
        <ApiErrorAlert message={error} onClose={() => setError(null)} />
        {!request ? (
          <>
            <SegmentedControl
              value={via}
              onChange={(v) => setVia(v as 'upi_qr' | 'link')}
              data={[
                { value: 'upi_qr', label: 'UPI QR code' },
                { value: 'link', label: 'Payment link' },
              ]}
            />
            <Text size="xs" c="dimmed">
              Asks the clinic server for a Razorpay {via === 'upi_qr' ? 'QR code the patient scans' : 'link to send to the patient'} for {amountPaise ? money(amountPaise) : 'the amount'}.
            </Text>
            <Group justify="flex-end">
              <Button onClick={() => void start()} loading={busy}>
                {via === 'upi_qr' ? 'Show QR code' : 'Make payment link'}
              </Button>
            </Group>
          </>
        ) : (
          <>
            {request.imageDataUrl && <Image src={request.imageDataUrl} alt={`UPI QR code for ${money(request.amountPaise)}`} w={220} h={220} fit="contain" />}
            {!request.imageDataUrl && request.imageUrl && (
              <Text size="sm">
                The QR code could not be shown here; open it on another screen: <Anchor href={request.imageUrl}>{request.imageUrl}</Anchor>
              </Text>
            )}
            {request.shortUrl && (
              <Text size="sm">
                Send this link to the patient: <b>{request.shortUrl}</b>
              </Text>
            )}
            <Text size="sm" data-testid="online-status">
              {status === 'paid' ? 'Paid — recorded by the server.' : status === 'refund_due' ? 'Paid, but the bill was already settled: the money is marked for refund.' : `Waiting for ${money(request.amountPaise)}… (reference ${request.reference})`}
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => void check()}>
                Check payment
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
