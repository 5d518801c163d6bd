import type { Kysely } from 'kysely';
import { newId } from '../../src-shared/ids';
import type { CentralDatabase } from '../db/schema';

/**
 * Billing documents written straight into a test's central database, as a desk's sync would leave them: an
 * issued bill (a bill of supply, one exempt line's worth, no lines) and a credit note against it. For server
 * tests that need a real invoice to pay or a real credit note to refund, without a desk to make them.
 */

/** Sequences unique within a test run (each series has its own UNIQUE (clinic, series, year, sequence)). */
let sequence = 0;

function documentRow(clinicId: string, series: string, fields: { doc_type: string; total_paise: number; original_id: string | null; reason: string | null }) {
  const n = ++sequence;
  const now = new Date().toISOString();
  return {
    id: newId(),
    clinic_id: clinicId,
    doc_type: fields.doc_type,
    status: 'issued',
    machine_version: 1,
    series,
    financial_year: '2627',
    sequence: n,
    number: `${series}/2627/${String(n).padStart(5, '0')}`,
    issue_date: '2026-11-25',
    issued_at: now,
    issued_by: null,
    patient_id: null,
    recipient_name: 'Walk-in',
    recipient_address: null,
    recipient_state_code: null,
    recipient_gstin: null,
    appointment_id: null,
    original_id: fields.original_id,
    group_id: null,
    reason: fields.reason,
    supplier: '{}',
    rounding: 'nearest_rupee',
    taxable_paise: 0,
    exempt_paise: fields.total_paise,
    cgst_paise: 0,
    sgst_paise: 0,
    igst_paise: 0,
    round_off_paise: 0,
    total_paise: fields.total_paise,
    paid_paise: 0,
    credited_paise: 0,
    discount_approved_by: null,
    created_at: now,
    updated_at: now,
    updated_by: null,
    deleted_at: null,
  };
}

/** An issued bill of supply for `totalPaise`, nothing paid: its id. */
export async function insertIssuedBill(db: Kysely<CentralDatabase>, clinicId: string, totalPaise: number): Promise<string> {
  const row = documentRow(clinicId, 'FD1', { doc_type: 'bill_of_supply', total_paise: totalPaise, original_id: null, reason: null });
  await db.insertInto('invoices').values(row).execute();
  return row.id;
}

/**
 * An issued credit note for `amountPaise` against `invoiceId` (its total negative, as credit notes are), as a
 * desk raises it with refundMode 'online': with the refund it owes as a payment row (kind 'refund', mode
 * 'online', status 'refund_due', credit_note_id = the note) — `onlineRefundPaise`, the whole credit by default;
 * null for a credit note with no money going back online. The bill it credits is left as it is. Its id.
 */
export async function insertCreditNote(
  db: Kysely<CentralDatabase>,
  clinicId: string,
  invoiceId: string,
  amountPaise: number,
  opts: { onlineRefundPaise?: number | null } = {},
): Promise<string> {
  const row = documentRow(clinicId, 'CFD1', { doc_type: 'credit_note', total_paise: -amountPaise, original_id: invoiceId, reason: 'Refund to the patient' });
  await db.insertInto('invoices').values(row).execute();
  const refund = opts.onlineRefundPaise === undefined ? amountPaise : opts.onlineRefundPaise;
  if (refund !== null) {
    const now = new Date().toISOString();
    await db
      .insertInto('payments')
      .values({
        id: newId(),
        clinic_id: clinicId,
        invoice_id: invoiceId,
        patient_id: null,
        kind: 'refund',
        mode: 'online',
        amount_paise: refund,
        tendered_paise: null,
        reference: null,
        razorpay_payment_id: null,
        credit_note_id: row.id,
        status: 'refund_due',
        received_at: now,
        received_by: 'test-desk-user',
        business_date: '2026-11-25',
        desk_series: 'FD1',
        created_at: now,
        updated_at: now,
        updated_by: null,
        deleted_at: null,
      })
      .execute();
  }
  return row.id;
}

/** The online refund a credit note owes, as billing keeps it (see insertCreditNote). */
export async function creditNoteRefund(db: Kysely<CentralDatabase>, creditNoteId: string) {
  return db
    .selectFrom('payments')
    .select(['status', 'amount_paise', 'reference', 'razorpay_payment_id'])
    .where('credit_note_id', '=', creditNoteId)
    .where('kind', '=', 'refund')
    .executeTakeFirstOrThrow();
}

/** A bill's status and what has been paid on it. */
export async function billState(db: Kysely<CentralDatabase>, invoiceId: string): Promise<{ status: string; paid_paise: number }> {
  const row = await db.selectFrom('invoices').select(['status', 'paid_paise']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
  return { status: row.status, paid_paise: Number(row.paid_paise) };
}
