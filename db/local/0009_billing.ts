import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Billing (issue 6), the desk's copy of the synced billing tables (db/central 0007 has the same columns and
 * says what each is). Money is integer paise, rates basis points, flags 0/1. The server is the authority on
 * the locks (an issued document never changes): the desk's commands keep to them through the invoice
 * machine, and rows streamed from the server go in as they come.
 */
const conventions = `
  clinic_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT,
  row_version INTEGER,
  deleted_at  TEXT`;

export const migration0009: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE tax_profiles (
        id TEXT PRIMARY KEY, legal_name TEXT NOT NULL, trade_name TEXT, address_line TEXT NOT NULL, city TEXT NOT NULL,
        state_code TEXT NOT NULL, pincode TEXT NOT NULL, gstin TEXT, rounding TEXT NOT NULL, footer_text TEXT,
        signatory TEXT NOT NULL, discount_limits TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX tax_profiles_current ON tax_profiles (created_at)`,
      `CREATE TABLE catalogue_items (
        id TEXT PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, sac_hsn TEXT NOT NULL,
        unit TEXT NOT NULL, exempt INTEGER NOT NULL, price_paise INTEGER NOT NULL, price_includes_tax INTEGER NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        ${conventions}
      )`,
      `CREATE INDEX catalogue_items_code ON catalogue_items (code)`,
      `CREATE TABLE catalogue_rates (
        id TEXT PRIMARY KEY, item_id TEXT NOT NULL, rate_bp INTEGER NOT NULL, effective_from TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX catalogue_rates_item ON catalogue_rates (item_id, effective_from)`,
      `CREATE TABLE invoices (
        id TEXT PRIMARY KEY, doc_type TEXT NOT NULL, status TEXT NOT NULL, machine_version INTEGER NOT NULL,
        series TEXT, financial_year TEXT, sequence INTEGER, number TEXT, issue_date TEXT, issued_at TEXT, issued_by TEXT,
        patient_id TEXT, recipient_name TEXT NOT NULL, recipient_address TEXT, recipient_state_code TEXT,
        recipient_gstin TEXT, appointment_id TEXT, original_id TEXT, group_id TEXT, reason TEXT, supplier TEXT,
        rounding TEXT NOT NULL,
        taxable_paise INTEGER NOT NULL DEFAULT 0, exempt_paise INTEGER NOT NULL DEFAULT 0,
        cgst_paise INTEGER NOT NULL DEFAULT 0, sgst_paise INTEGER NOT NULL DEFAULT 0, igst_paise INTEGER NOT NULL DEFAULT 0,
        round_off_paise INTEGER NOT NULL DEFAULT 0, total_paise INTEGER NOT NULL DEFAULT 0,
        paid_paise INTEGER NOT NULL DEFAULT 0, credited_paise INTEGER NOT NULL DEFAULT 0, discount_approved_by TEXT,
        ${conventions}
      )`,
      `CREATE UNIQUE INDEX invoices_number ON invoices (number) WHERE number IS NOT NULL`,
      `CREATE INDEX invoices_series ON invoices (clinic_id, series, financial_year, sequence)`,
      `CREATE INDEX invoices_issue_date ON invoices (issue_date, status)`,
      `CREATE INDEX invoices_created ON invoices (created_at)`,
      `CREATE INDEX invoices_status ON invoices (status, created_at)`,
      `CREATE INDEX invoices_patient ON invoices (patient_id, created_at)`,
      `CREATE INDEX invoices_appointment ON invoices (appointment_id) WHERE appointment_id IS NOT NULL`,
      `CREATE INDEX invoices_original ON invoices (original_id) WHERE original_id IS NOT NULL`,
      `CREATE TABLE invoice_lines (
        id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL, position INTEGER NOT NULL, item_id TEXT, code TEXT,
        description TEXT NOT NULL, sac_hsn TEXT, kind TEXT NOT NULL, unit TEXT NOT NULL, quantity_milli INTEGER NOT NULL,
        unit_price_paise INTEGER NOT NULL, price_includes_tax INTEGER NOT NULL, discount_paise INTEGER NOT NULL,
        rate_bp INTEGER NOT NULL, exempt INTEGER NOT NULL, delivered_to_state_code TEXT, credits_line_id TEXT, place_of_supply TEXT NOT NULL,
        taxable_paise INTEGER NOT NULL, cgst_paise INTEGER NOT NULL, sgst_paise INTEGER NOT NULL,
        igst_paise INTEGER NOT NULL, total_paise INTEGER NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position)`,
      `CREATE TABLE payments (
        id TEXT PRIMARY KEY, invoice_id TEXT, patient_id TEXT, kind TEXT NOT NULL, mode TEXT NOT NULL,
        amount_paise INTEGER NOT NULL, tendered_paise INTEGER, reference TEXT, razorpay_payment_id TEXT,
        credit_note_id TEXT, status TEXT NOT NULL, received_at TEXT NOT NULL, received_by TEXT NOT NULL,
        business_date TEXT NOT NULL, desk_series TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX payments_invoice ON payments (invoice_id)`,
      `CREATE INDEX payments_credit_note ON payments (credit_note_id) WHERE credit_note_id IS NOT NULL`,
      `CREATE INDEX payments_advance ON payments (patient_id) WHERE kind = 'advance' OR mode = 'advance'`,
      `CREATE INDEX payments_day ON payments (business_date, desk_series, received_by)`,
      `CREATE TABLE day_closings (
        id TEXT PRIMARY KEY, desk_series TEXT NOT NULL, user_id TEXT NOT NULL, business_date TEXT NOT NULL,
        expected TEXT NOT NULL, counted TEXT NOT NULL, difference_paise INTEGER NOT NULL, reason TEXT,
        closed_at TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX day_closings_day ON day_closings (business_date, desk_series, user_id)`,
      // Local only: the last number this desk gave per series and year, kept when the server refuses a document.
      `CREATE TABLE document_counters (series TEXT NOT NULL, financial_year TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (series, financial_year))`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
