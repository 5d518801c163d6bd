import type { Kysely } from 'kysely';
import { ApiError } from '../../src-shared/errors';
import { newId } from '../../src-shared/ids';
import type { OnlinePayment, OnlinePaymentSink } from '../payments/razorpay';
import type { CentralDatabase } from '../db/schema';
import { runServerCommand } from './mutations';

/**
 * Where a payment Razorpay has confirmed becomes the clinic's payment (issue 6): the shared command
 * `payments.recordOnline` (src-shared/commands/billing.ts), run by the server as the system user — the same
 * invoice machine as on the desks. Recorded once per Razorpay payment id however often it is confirmed
 * (checkout, webhook retries, polling): the command finds an earlier record under the clinic's lock, and a
 * unique index backs it. Money that arrives for a bill already settled (paid in cash meanwhile) is kept as
 * `refund_due`, for accounts to give back.
 */
export function billingPaymentSink(db: Kysely<CentralDatabase>, clock: () => Date = () => new Date()): OnlinePaymentSink {
  return {
    async record(p: OnlinePayment) {
      const id = newId();
      const result = (await runServerCommand(
        db,
        p.clinicId,
        'payments.recordOnline',
        { id, invoiceId: p.invoiceId, amountPaise: p.amountPaise, razorpayPaymentId: p.razorpayPaymentId, method: p.method, paidAt: p.paidAt },
        { now: clock(), newId },
      )) as { outcome: 'recorded' | 'duplicate' | 'refund_due'; paymentId: string };
      return result;
    },
  };
}

/**
 * Before the server asks Razorpay for an order, link or QR code: the bill must be on the server, issued and
 * still owed at least the amount (a desk that issued it offline pushes it first).
 */
export async function assertCollectable(db: Kysely<CentralDatabase>, clinicId: string, invoiceId: string, amountPaise: number): Promise<void> {
  const row = await db.selectFrom('invoices').select(['status', 'doc_type', 'total_paise', 'paid_paise', 'credited_paise']).where('id', '=', invoiceId).where('clinic_id', '=', clinicId).executeTakeFirst();
  if (!row) throw new ApiError({ code: 'not_found', reason: 'invoice_not_on_server', message: 'This bill has not reached the server yet. Wait a moment for this PC to sync, then try again, or take the payment another way.' });
  if (row.doc_type === 'credit_note' || !['issued', 'partially_paid'].includes(row.status)) {
    throw new ApiError({ code: 'conflict', reason: 'not_payable', message: 'This bill is not waiting for payment (it is a draft, already paid or cancelled).' });
  }
  const owed = Number(row.total_paise) - Number(row.credited_paise) - Number(row.paid_paise);
  if (amountPaise > owed) throw new ApiError({ code: 'validation', reason: 'over_owed', message: `Only ₹${(owed / 100).toFixed(2)} is still owed on this bill.` });
}

/**
 * Before money goes back through Razorpay: the credit note must be on the server, against the bill that online
 * payment paid, and the refund no more than the credit note's amount.
 */
export async function assertRefundable(db: Kysely<CentralDatabase>, clinicId: string, creditNoteId: string, razorpayPaymentId: string, amountPaise: number): Promise<void> {
  const note = await db.selectFrom('invoices').select(['doc_type', 'original_id', 'total_paise']).where('id', '=', creditNoteId).where('clinic_id', '=', clinicId).executeTakeFirst();
  if (!note || note.doc_type !== 'credit_note') throw new ApiError({ code: 'not_found', reason: 'credit_note_not_on_server', message: 'The credit note for this refund has not reached the server yet. Wait a moment and try again.' });
  const paid = await db
    .selectFrom('payments')
    .select('invoice_id')
    .where('clinic_id', '=', clinicId)
    .where('razorpay_payment_id', '=', razorpayPaymentId)
    .where('kind', '=', 'payment')
    .executeTakeFirst();
  if (!paid || paid.invoice_id !== note.original_id) throw new ApiError({ code: 'conflict', reason: 'refund_mismatch', message: 'That online payment was not made for the bill this credit note cancels.' });
  if (amountPaise > -Number(note.total_paise)) throw new ApiError({ code: 'validation', reason: 'over_refund', message: 'A refund cannot be more than its credit note.' });
  // Only a refund the desk recorded as going back online (money given back another way is not sent twice).
  const due = await db
    .selectFrom('payments')
    .select(['amount_paise'])
    .where('clinic_id', '=', clinicId)
    .where('credit_note_id', '=', creditNoteId)
    .where('kind', '=', 'refund')
    .where('mode', '=', 'online')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!due) throw new ApiError({ code: 'conflict', reason: 'no_refund_due', message: 'There is no online refund waiting to be sent for this credit note.' });
  if (Number(due.amount_paise) !== amountPaise) throw new ApiError({ code: 'validation', reason: 'refund_amount', message: 'The refund must be the amount the credit note gives back online.' });
}

/** Razorpay took the refund of a credit note: the server's own mutation marks the desk-made refund paid out. */
export async function recordRefundSent(
  db: Kysely<CentralDatabase>,
  clinicId: string,
  refund: { creditNoteId: string; razorpayPaymentId: string; razorpayRefundId: string; amountPaise: number },
  clock: () => Date = () => new Date(),
): Promise<void> {
  await runServerCommand(db, clinicId, 'payments.refundSent', refund, { now: clock(), newId });
}
