import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Razorpay, on the server only (never synced to desks as shapes; src-server/payments/razorpay.ts). The keys
 * stay on the server: a desk asks for an order, a payment link or a UPI QR code, and the server confirms
 * what was paid and hands each payment once to billing, which writes the synced payment row.
 *
 *  - razorpay_orders: what the server created at Razorpay for an invoice. external_id is that object's id
 *    (order_…, plink_… or qr_…); order_id is the Razorpay order behind it — an order's own id, a payment
 *    link's order once Razorpay tells us, none for a QR code.
 *  - razorpay_events: every webhook event, once, by Razorpay's event id (x-razorpay-event-id). The primary key
 *    is the claim: of concurrent deliveries of one event, only the one that inserts it goes on.
 *  - razorpay_payments: each Razorpay payment handed to billing, with billing's answer (recorded, duplicate, or
 *    refund_due when the invoice was already settled) and the synced payment row's id.
 *  - razorpay_refunds: refunds asked of Razorpay, at most one per credit note.
 */
export const migration0008: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE razorpay_orders (
        external_id   text PRIMARY KEY,
        order_id      text UNIQUE,
        kind          text NOT NULL CHECK (kind IN ('order', 'payment_link', 'qr')),
        clinic_id     text NOT NULL REFERENCES clinics (id),
        invoice_id    text NOT NULL,
        amount_paise  bigint NOT NULL CHECK (amount_paise > 0),
        status        text NOT NULL,
        created_at    timestamptz NOT NULL,
        device_id     text REFERENCES devices (id)
      )`,
      `CREATE INDEX razorpay_orders_invoice ON razorpay_orders (clinic_id, invoice_id)`,
      `CREATE TABLE razorpay_events (
        event_id     text PRIMARY KEY,
        event        text NOT NULL,
        received_at  timestamptz NOT NULL,
        payment_id   text,
        outcome      text NOT NULL
      )`,
      `CREATE TABLE razorpay_payments (
        payment_id         text PRIMARY KEY,
        clinic_id          text NOT NULL REFERENCES clinics (id),
        invoice_id         text NOT NULL,
        source_id          text NOT NULL REFERENCES razorpay_orders (external_id),
        amount_paise       bigint NOT NULL CHECK (amount_paise > 0),
        method             text NOT NULL,
        outcome            text NOT NULL CHECK (outcome IN ('recorded', 'duplicate', 'refund_due')),
        synced_payment_id  text NOT NULL,
        recorded_at        timestamptz NOT NULL
      )`,
      `CREATE INDEX razorpay_payments_invoice ON razorpay_payments (clinic_id, invoice_id)`,
      `CREATE TABLE razorpay_refunds (
        refund_id       text PRIMARY KEY,
        payment_id      text NOT NULL REFERENCES razorpay_payments (payment_id),
        amount_paise    bigint NOT NULL CHECK (amount_paise > 0),
        credit_note_id  text NOT NULL,
        clinic_id       text NOT NULL REFERENCES clinics (id),
        status          text NOT NULL,
        created_at      timestamptz NOT NULL,
        UNIQUE (clinic_id, credit_note_id)
      )`,
      `CREATE INDEX razorpay_refunds_payment ON razorpay_refunds (payment_id)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
