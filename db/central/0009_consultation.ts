import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Consultation (issue 7): covering doctors, a doctor's templates and quick phrases, follow-up tasks for the front desk, allergies, SOAP notes and their
 * addenda, prescriptions and diet plans (versioned), lab tests with their results, and attached documents (the
 * files themselves in `blobs`, server-only, content-addressed). A visit is the
 * appointment once checked in (walk-ins are appointments too), so notes refer to appointments.
 *
 * What the database itself guarantees, whatever a writer sends (a desk's mutation or a hand-typed UPDATE):
 *  - a signed note, addendum, prescription or diet plan is locked: a trigger refuses every UPDATE or DELETE of
 *    a signed row, so a signed record can change only by an addendum or a new version;
 *  - signing records who signed, when, and the content hash (a CHECK);
 *  - a version of a prescription is unique per chain: (supersedes_id) at most once, so two desks cannot both
 *    revise the same signed version.
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

const TABLES = ['doctor_covers', 'note_templates', 'tasks', 'allergies', 'clinical_notes', 'prescriptions', 'lab_results', 'documents'];

export const migration0009: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE doctor_covers (
        id                  text PRIMARY KEY,
        doctor_id           text NOT NULL,
        covering_doctor_id  text NOT NULL,
        from_date           date NOT NULL,
        to_date             date NOT NULL,
        ${conventions},
        CHECK (from_date <= to_date AND doctor_id <> covering_doctor_id),
        FOREIGN KEY (clinic_id, doctor_id) REFERENCES staff (clinic_id, id),
        FOREIGN KEY (clinic_id, covering_doctor_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('doctor_covers')}
      )`,
      `CREATE TABLE note_templates (
        id         text PRIMARY KEY,
        doctor_id  text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('template', 'phrase')),
        name       text NOT NULL,
        body       text NOT NULL,
        active     integer NOT NULL DEFAULT 1,
        ${conventions},
        FOREIGN KEY (clinic_id, doctor_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('note_templates')}
      )`,
      `CREATE TABLE tasks (
        id                     text PRIMARY KEY,
        kind                   text NOT NULL CHECK (kind IN ('follow_up')),
        patient_id             text NOT NULL,
        doctor_id              text,
        source_appointment_id  text,
        title                  text NOT NULL,
        due_date               date,
        status                 text NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
        appointment_id         text,
        done_by                text,
        done_at                timestamptz,
        ${conventions},
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, source_appointment_id) REFERENCES appointments (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        ${belongsToClinic('tasks')}
      )`,
      `CREATE INDEX tasks_open ON tasks (clinic_id, status, due_date)`,
      `CREATE TABLE allergies (
        id          text PRIMARY KEY,
        patient_id  text NOT NULL,
        substance   text NOT NULL,
        reaction    text,
        severity    text NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
        ${conventions},
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        ${belongsToClinic('allergies')}
      )`,
      `CREATE INDEX allergies_patient ON allergies (patient_id)`,
      `CREATE TABLE clinical_notes (
        id                        text PRIMARY KEY,
        patient_id                text NOT NULL,
        appointment_id            text NOT NULL,
        doctor_id                 text NOT NULL,
        author_id                 text NOT NULL,
        kind                      text NOT NULL CHECK (kind IN ('note', 'addendum')),
        parent_id                 text,
        status                    text NOT NULL CHECK (status IN ('draft', 'signed', 'discarded')),
        machine_version           integer NOT NULL,
        subjective                text,
        objective                 text,
        assessment                text,
        plan                      text,
        vitals                    text,
        diagnoses                 text NOT NULL,
        follow_up_date            date,
        follow_up_appointment_id  text,
        signed_by                 text,
        signed_at                 timestamptz,
        content_hash              text,
        ${conventions},
        CHECK ((status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL)),
        CHECK ((kind = 'addendum') = (parent_id IS NOT NULL)),
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        FOREIGN KEY (clinic_id, parent_id) REFERENCES clinical_notes (clinic_id, id),
        ${belongsToClinic('clinical_notes')}
      )`,
      `CREATE INDEX clinical_notes_patient ON clinical_notes (patient_id, created_at)`,
      `CREATE INDEX clinical_notes_appointment ON clinical_notes (appointment_id)`,
      `CREATE TABLE prescriptions (
        id               text PRIMARY KEY,
        patient_id       text NOT NULL,
        appointment_id   text NOT NULL,
        note_id          text,
        doctor_id        text NOT NULL,
        author_id        text NOT NULL,
        kind             text NOT NULL CHECK (kind IN ('medication', 'diet')),
        version          integer NOT NULL CHECK (version >= 1),
        supersedes_id    text,
        status           text NOT NULL CHECK (status IN ('draft', 'signed', 'discarded')),
        machine_version  integer NOT NULL,
        items            text NOT NULL,
        advice           text,
        print_hindi      integer NOT NULL DEFAULT 0,
        signed_by        text,
        signed_at        timestamptz,
        content_hash     text,
        ${conventions},
        CHECK ((status = 'signed') = (signed_by IS NOT NULL AND signed_at IS NOT NULL AND content_hash IS NOT NULL)),
        CHECK ((version = 1) = (supersedes_id IS NULL)),
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        FOREIGN KEY (clinic_id, note_id) REFERENCES clinical_notes (clinic_id, id),
        FOREIGN KEY (clinic_id, supersedes_id) REFERENCES prescriptions (clinic_id, id),
        ${belongsToClinic('prescriptions')}
      )`,
      `CREATE UNIQUE INDEX prescriptions_one_revision ON prescriptions (supersedes_id) WHERE supersedes_id IS NOT NULL AND status <> 'discarded'`,
      `CREATE INDEX prescriptions_patient ON prescriptions (patient_id, created_at)`,
      `CREATE TABLE lab_results (
        id              text PRIMARY KEY,
        patient_id      text NOT NULL,
        appointment_id  text,
        test_code       text,
        test_name       text NOT NULL,
        status          text NOT NULL CHECK (status IN ('ordered', 'resulted', 'cancelled')),
        ordered_by      text NOT NULL,
        ordered_at      timestamptz NOT NULL,
        value           text,
        unit            text,
        ref_low         text,
        ref_high        text,
        abnormal        text CHECK (abnormal IN ('low', 'high', 'normal')),
        collected_on    date,
        report_ref      text,
        remarks         text,
        resulted_by     text,
        resulted_at     timestamptz,
        ${conventions},
        CHECK ((status = 'resulted') = (value IS NOT NULL AND resulted_at IS NOT NULL)),
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        ${belongsToClinic('lab_results')}
      )`,
      `CREATE INDEX lab_results_patient ON lab_results (patient_id, test_name, collected_on)`,
      `CREATE TABLE documents (
        id              text PRIMARY KEY,
        patient_id      text NOT NULL,
        appointment_id  text,
        lab_result_id   text,
        title           text NOT NULL,
        mime_type       text NOT NULL CHECK (mime_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
        sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        uploaded_by     text NOT NULL,
        ${conventions},
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        FOREIGN KEY (clinic_id, lab_result_id) REFERENCES lab_results (clinic_id, id),
        ${belongsToClinic('documents')}
      )`,
      `CREATE INDEX documents_patient ON documents (patient_id, created_at)`,
      // Server only: the files themselves, per clinic, by their SHA-256 (checked when they arrive).
      `CREATE TABLE blobs (
        clinic_id   text NOT NULL REFERENCES clinics (id),
        sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes  bigint NOT NULL,
        data        bytea NOT NULL,
        created_at  timestamptz NOT NULL,
        device_id   text NOT NULL,
        PRIMARY KEY (clinic_id, sha256)
      )`,
      // Signed means locked, everywhere: no UPDATE, no DELETE of a signed record, whoever sends it.
      `CREATE FUNCTION clinicdesk_signed_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'A signed clinical record cannot be changed (% %). Add an addendum or a new version instead.', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END
      $$`,
      `CREATE TRIGGER clinical_notes_locked BEFORE UPDATE OR DELETE ON clinical_notes FOR EACH ROW EXECUTE FUNCTION clinicdesk_signed_locked()`,
      `CREATE TRIGGER prescriptions_locked BEFORE UPDATE OR DELETE ON prescriptions FOR EACH ROW EXECUTE FUNCTION clinicdesk_signed_locked()`,
      // TRUNCATE skips row triggers: refused outright on the tables that hold signed records.
      `CREATE FUNCTION clinicdesk_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'Clinical records cannot be truncated (%).', TG_TABLE_NAME USING ERRCODE = 'check_violation';
      END
      $$`,
      `CREATE TRIGGER clinical_notes_no_truncate BEFORE TRUNCATE ON clinical_notes FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk_no_truncate()`,
      `CREATE TRIGGER prescriptions_no_truncate BEFORE TRUNCATE ON prescriptions FOR EACH STATEMENT EXECUTE FUNCTION clinicdesk_no_truncate()`,
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
