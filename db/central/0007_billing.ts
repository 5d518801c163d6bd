import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Billing (issue 6): the tax profile (a row per change: history kept), the catalogue and its GST rates (data
 * with an effective date), invoices, bills of supply and credit notes (one table: a credit note references
 * the document it credits), their lines, payments (advances and refunds too) and the day's closings.
 *
 * What the database itself guarantees, whatever a writer sends:
 *  - money is integer paise (bigint); rates are basis points;
 *  - a document number is unique in its clinic, and so is (series, financial year, sequence);
 *  - an issued document is locked: a trigger refuses any change to its lines, its number, its recipient or its
 *    figures — only its payment status, paid and credited amounts move after issue;
 *  - a Razorpay payment is recorded at most once (unique razorpay_payment_id).
 * Synced tables get row_version and change_log triggers as in 0002, and a (clinic_id, row_version) index as
 * in 0004.
 */
const conventions = `
  clinic_id   text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  updated_by  text,
  row_version bigint,
  deleted_at  timestamptz`;

const belongsToClinic = (table: string) => `
  CONSTRAINT ${table}_clinic FOREIGN KEY (clinic_id) REFERENCES clinics (id),
  CONSTRAINT ${table}_clinic_id_key UNIQUE (clinic_id, id)`;

const TABLES = ['tax_profiles', 'catalogue_items', 'catalogue_rates', 'invoices', 'invoice_lines', 'payments', 'day_closings'];

export const migration0007: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE tax_profiles (
        id               text PRIMARY KEY,
        legal_name       text NOT NULL,
        trade_name       text,
        address_line     text NOT NULL,
        city             text NOT NULL,
        state_code       text NOT NULL,
        pincode          text NOT NULL,
        gstin            text,
        rounding         text NOT NULL CHECK (rounding IN ('nearest_rupee', 'none')),
        footer_text      text,
        signatory        text NOT NULL,
        discount_limits  text NOT NULL,
        ${conventions},
        ${belongsToClinic('tax_profiles')}
      )`,
      `CREATE INDEX tax_profiles_current ON tax_profiles (clinic_id, created_at)`,
      `CREATE TABLE catalogue_items (
        id                  text PRIMARY KEY,
        code                text NOT NULL,
        name                text NOT NULL,
        kind                text NOT NULL CHECK (kind IN ('service', 'goods')),
        sac_hsn             text NOT NULL,
        unit                text NOT NULL,
        exempt              smallint NOT NULL CHECK (exempt IN (0, 1)),
        price_paise         bigint NOT NULL CHECK (price_paise >= 0),
        price_includes_tax  smallint NOT NULL CHECK (price_includes_tax IN (0, 1)),
        active              smallint NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        ${conventions},
        UNIQUE (clinic_id, code),
        ${belongsToClinic('catalogue_items')}
      )`,
      `CREATE TABLE catalogue_rates (
        id              text PRIMARY KEY,
        item_id         text NOT NULL,
        rate_bp         integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
        effective_from  date NOT NULL,
        ${conventions},
        FOREIGN KEY (clinic_id, item_id) REFERENCES catalogue_items (clinic_id, id),
        ${belongsToClinic('catalogue_rates')}
      )`,
      `CREATE INDEX catalogue_rates_item ON catalogue_rates (item_id, effective_from)`,
      `CREATE TABLE invoices (
        id                    text PRIMARY KEY,
        doc_type              text NOT NULL CHECK (doc_type IN ('draft', 'tax_invoice', 'bill_of_supply', 'invoice_cum_bill_of_supply', 'credit_note')),
        status                text NOT NULL CHECK (status IN ('draft', 'issued', 'partially_paid', 'paid', 'credited', 'discarded')),
        machine_version       integer NOT NULL,
        series                text,
        financial_year        text,
        sequence              integer,
        number                text CHECK (number ~ '^[A-Za-z0-9/-]{1,16}$'),
        issue_date            date,
        issued_at             timestamptz,
        issued_by             text,
        patient_id            text,
        recipient_name        text NOT NULL,
        recipient_address     text,
        recipient_state_code  text,
        recipient_gstin       text,
        appointment_id        text,
        original_id           text,
        group_id              text,
        reason                text,
        supplier              text,
        rounding              text NOT NULL CHECK (rounding IN ('nearest_rupee', 'none')),
        taxable_paise         bigint NOT NULL DEFAULT 0,
        exempt_paise          bigint NOT NULL DEFAULT 0,
        cgst_paise            bigint NOT NULL DEFAULT 0,
        sgst_paise            bigint NOT NULL DEFAULT 0,
        igst_paise            bigint NOT NULL DEFAULT 0,
        round_off_paise       bigint NOT NULL DEFAULT 0,
        total_paise           bigint NOT NULL DEFAULT 0,
        paid_paise            bigint NOT NULL DEFAULT 0,
        credited_paise        bigint NOT NULL DEFAULT 0,
        discount_approved_by  text,
        ${conventions},
        CHECK ((status = 'draft' OR status = 'discarded') = (number IS NULL)),
        CHECK (paid_paise >= 0 AND credited_paise >= 0),
        UNIQUE (clinic_id, number),
        UNIQUE (clinic_id, series, financial_year, sequence),
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        FOREIGN KEY (clinic_id, original_id) REFERENCES invoices (clinic_id, id),
        ${belongsToClinic('invoices')}
      )`,
      `CREATE INDEX invoices_issue_date ON invoices (clinic_id, issue_date)`,
      `CREATE INDEX invoices_patient ON invoices (patient_id, created_at)`,
      `CREATE INDEX invoices_appointment ON invoices (appointment_id) WHERE appointment_id IS NOT NULL`,
      `CREATE INDEX invoices_original ON invoices (original_id) WHERE original_id IS NOT NULL`,
      `CREATE TABLE invoice_lines (
        id                       text PRIMARY KEY,
        invoice_id               text NOT NULL,
        position                 integer NOT NULL,
        item_id                  text,
        code                     text,
        description              text NOT NULL,
        sac_hsn                  text,
        kind                     text NOT NULL CHECK (kind IN ('service', 'goods')),
        unit                     text NOT NULL,
        quantity_milli           bigint NOT NULL,
        unit_price_paise         bigint NOT NULL,
        price_includes_tax       smallint NOT NULL CHECK (price_includes_tax IN (0, 1)),
        discount_paise           bigint NOT NULL,
        rate_bp                  integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
        exempt                   smallint NOT NULL CHECK (exempt IN (0, 1)),
        delivered_to_state_code  text,
        credits_line_id          text,
        place_of_supply          text NOT NULL,
        taxable_paise            bigint NOT NULL,
        cgst_paise               bigint NOT NULL,
        sgst_paise               bigint NOT NULL,
        igst_paise               bigint NOT NULL,
        total_paise              bigint NOT NULL,
        ${conventions},
        FOREIGN KEY (clinic_id, invoice_id) REFERENCES invoices (clinic_id, id),
        ${belongsToClinic('invoice_lines')}
      )`,
      `CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id, position)`,
      `CREATE TABLE payments (
        id                   text PRIMARY KEY,
        invoice_id           text,
        patient_id           text,
        kind                 text NOT NULL CHECK (kind IN ('payment', 'advance', 'refund')),
        mode                 text NOT NULL CHECK (mode IN ('cash', 'card', 'upi', 'online', 'advance')),
        amount_paise         bigint NOT NULL CHECK (amount_paise > 0),
        tendered_paise       bigint,
        reference            text,
        razorpay_payment_id  text,
        credit_note_id       text,
        status               text NOT NULL CHECK (status IN ('recorded', 'refund_due')),
        received_at          timestamptz NOT NULL,
        received_by          text NOT NULL,
        business_date        date NOT NULL,
        desk_series          text NOT NULL,
        ${conventions},
        FOREIGN KEY (clinic_id, invoice_id) REFERENCES invoices (clinic_id, id),
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        ${belongsToClinic('payments')}
      )`,
      `CREATE UNIQUE INDEX payments_razorpay ON payments (clinic_id, razorpay_payment_id, kind) WHERE razorpay_payment_id IS NOT NULL`,
      `CREATE INDEX payments_invoice ON payments (invoice_id)`,
      `CREATE INDEX payments_credit_note ON payments (credit_note_id) WHERE credit_note_id IS NOT NULL`,
      `CREATE INDEX payments_advance ON payments (patient_id) WHERE kind = 'advance' OR mode = 'advance'`,
      `CREATE INDEX payments_day ON payments (clinic_id, business_date, desk_series)`,
      `CREATE TABLE day_closings (
        id                text PRIMARY KEY,
        desk_series       text NOT NULL,
        user_id           text NOT NULL,
        business_date     date NOT NULL,
        expected          text NOT NULL,
        counted           text NOT NULL,
        difference_paise  bigint NOT NULL,
        reason            text,
        closed_at         timestamptz NOT NULL,
        ${conventions},
        UNIQUE (clinic_id, desk_series, user_id, business_date),
        ${belongsToClinic('day_closings')}
      )`,
      // Issued means locked: the figures, lines and number of an issued document never change again.
      `CREATE FUNCTION clinicdesk_invoice_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status NOT IN ('draft') AND (
          NEW.number IS DISTINCT FROM OLD.number OR NEW.doc_type IS DISTINCT FROM OLD.doc_type OR
          NEW.total_paise IS DISTINCT FROM OLD.total_paise OR NEW.taxable_paise IS DISTINCT FROM OLD.taxable_paise OR
          NEW.exempt_paise IS DISTINCT FROM OLD.exempt_paise OR NEW.cgst_paise IS DISTINCT FROM OLD.cgst_paise OR
          NEW.sgst_paise IS DISTINCT FROM OLD.sgst_paise OR NEW.igst_paise IS DISTINCT FROM OLD.igst_paise OR
          NEW.recipient_name IS DISTINCT FROM OLD.recipient_name OR NEW.recipient_gstin IS DISTINCT FROM OLD.recipient_gstin OR
          NEW.issue_date IS DISTINCT FROM OLD.issue_date OR NEW.supplier IS DISTINCT FROM OLD.supplier OR NEW.deleted_at IS NOT NULL OR
          NEW.recipient_address IS DISTINCT FROM OLD.recipient_address OR NEW.recipient_state_code IS DISTINCT FROM OLD.recipient_state_code OR
          NEW.round_off_paise IS DISTINCT FROM OLD.round_off_paise OR NEW.series IS DISTINCT FROM OLD.series OR
          NEW.financial_year IS DISTINCT FROM OLD.financial_year OR NEW.sequence IS DISTINCT FROM OLD.sequence OR
          NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.issued_by IS DISTINCT FROM OLD.issued_by OR
          NEW.rounding IS DISTINCT FROM OLD.rounding OR NEW.reason IS DISTINCT FROM OLD.reason OR
          NEW.original_id IS DISTINCT FROM OLD.original_id OR NEW.discount_approved_by IS DISTINCT FROM OLD.discount_approved_by OR
          NEW.patient_id IS DISTINCT FROM OLD.patient_id OR NEW.group_id IS DISTINCT FROM OLD.group_id OR
          NEW.status = 'draft'
        ) THEN
          RAISE EXCEPTION 'An issued document cannot be changed (invoice %).', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END
      $$`,
      `CREATE TRIGGER invoices_locked BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION clinicdesk_invoice_locked()`,
      // Money recorded stays as recorded (only a refund due becoming paid out, and its reference, may change);
      // a closed day is never reopened by an edit.
      `CREATE FUNCTION clinicdesk_payment_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.amount_paise IS DISTINCT FROM OLD.amount_paise OR NEW.mode IS DISTINCT FROM OLD.mode OR NEW.kind IS DISTINCT FROM OLD.kind OR
           NEW.invoice_id IS DISTINCT FROM OLD.invoice_id OR NEW.business_date IS DISTINCT FROM OLD.business_date OR
           NEW.desk_series IS DISTINCT FROM OLD.desk_series OR NEW.received_by IS DISTINCT FROM OLD.received_by OR
           NEW.received_at IS DISTINCT FROM OLD.received_at OR NEW.deleted_at IS NOT NULL OR
           (OLD.status = 'recorded' AND NEW.status IS DISTINCT FROM OLD.status) THEN
          RAISE EXCEPTION 'A recorded payment cannot be changed (payment %).', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END
      $$`,
      `CREATE TRIGGER payments_locked BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION clinicdesk_payment_locked()`,
      `CREATE FUNCTION clinicdesk_day_closing_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'A closed day cannot be changed.' USING ERRCODE = 'check_violation';
      END
      $$`,
      `CREATE TRIGGER day_closings_locked BEFORE UPDATE ON day_closings FOR EACH ROW EXECUTE FUNCTION clinicdesk_day_closing_locked()`,
      // Lines are written while their document is a draft (a credit note too is built as a draft, then issued).
      `CREATE FUNCTION clinicdesk_invoice_line_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE s text;
      BEGIN
        SELECT status INTO s FROM invoices WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END);
        IF s IS DISTINCT FROM 'draft' OR (TG_OP = 'UPDATE' AND (SELECT status FROM invoices WHERE id = OLD.invoice_id) IS DISTINCT FROM 'draft') THEN
          RAISE EXCEPTION 'The lines of an issued document cannot be changed.' USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END
      $$`,
      `CREATE TRIGGER invoice_lines_locked BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION clinicdesk_invoice_line_locked()`,
    ];
    for (const table of TABLES) {
      statements.push(
        `CREATE TRIGGER ${table}_row_version BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION clinicdesk_stamp_row_version()`,
        `CREATE TRIGGER ${table}_change_log AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION clinicdesk_log_change()`,
        `CREATE INDEX ${table}_shape ON ${table} (clinic_id, row_version)`,
      );
    }
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
