import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Consultation (issue 7), the desk's copy of the synced clinical tables (db/central 0009 has the same columns
 * and says what each is). Only consult-room and admin PCs ever fill them: other stations do not receive these
 * shapes. The server is the authority on the lock (a signed record never changes): the desk's commands keep to
 * it through the note machine, and rows streamed from the server go in as they come — a signing the server
 * refused must be able to return the desk's row to draft.
 */
const conventions = `
  clinic_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT,
  row_version INTEGER,
  deleted_at  TEXT`;

export const migration0010: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE doctor_covers (
        id TEXT PRIMARY KEY, doctor_id TEXT NOT NULL, covering_doctor_id TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX doctor_covers_doctor ON doctor_covers (doctor_id, from_date)`,
      `CREATE TABLE note_templates (
        id TEXT PRIMARY KEY, doctor_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        ${conventions}
      )`,
      `CREATE INDEX note_templates_doctor ON note_templates (doctor_id, kind, name)`,
      `CREATE TABLE tasks (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, patient_id TEXT NOT NULL, doctor_id TEXT, source_appointment_id TEXT,
        title TEXT NOT NULL, due_date TEXT, status TEXT NOT NULL, appointment_id TEXT, done_by TEXT, done_at TEXT,
        ${conventions}
      )`,
      `CREATE INDEX tasks_open ON tasks (status, due_date)`,
      `CREATE TABLE allergies (
        id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, substance TEXT NOT NULL, reaction TEXT, severity TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX allergies_patient ON allergies (patient_id)`,
      `CREATE TABLE clinical_notes (
        id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, appointment_id TEXT NOT NULL, doctor_id TEXT NOT NULL,
        author_id TEXT NOT NULL, kind TEXT NOT NULL, parent_id TEXT, status TEXT NOT NULL, machine_version INTEGER NOT NULL,
        subjective TEXT, objective TEXT, assessment TEXT, plan TEXT, vitals TEXT, diagnoses TEXT NOT NULL,
        follow_up_date TEXT, follow_up_appointment_id TEXT, signed_by TEXT, signed_at TEXT, content_hash TEXT,
        ${conventions}
      )`,
      `CREATE INDEX clinical_notes_patient ON clinical_notes (patient_id, created_at)`,
      `CREATE INDEX clinical_notes_appointment ON clinical_notes (appointment_id)`,
      `CREATE TABLE prescriptions (
        id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, appointment_id TEXT NOT NULL, note_id TEXT, doctor_id TEXT NOT NULL,
        author_id TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER NOT NULL, supersedes_id TEXT, status TEXT NOT NULL,
        machine_version INTEGER NOT NULL, items TEXT NOT NULL, advice TEXT, print_hindi INTEGER NOT NULL DEFAULT 0,
        signed_by TEXT, signed_at TEXT, content_hash TEXT,
        ${conventions}
      )`,
      `CREATE INDEX prescriptions_patient ON prescriptions (patient_id, created_at)`,
      `CREATE INDEX prescriptions_appointment ON prescriptions (appointment_id)`,
      `CREATE TABLE lab_results (
        id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, appointment_id TEXT, test_code TEXT, test_name TEXT NOT NULL,
        status TEXT NOT NULL, ordered_by TEXT NOT NULL, ordered_at TEXT NOT NULL, value TEXT, unit TEXT, ref_low TEXT,
        ref_high TEXT, abnormal TEXT, collected_on TEXT, report_ref TEXT, remarks TEXT, resulted_by TEXT, resulted_at TEXT,
        ${conventions}
      )`,
      `CREATE INDEX lab_results_patient ON lab_results (patient_id, test_name, collected_on)`,
      `CREATE TABLE documents (
        id TEXT PRIMARY KEY, patient_id TEXT NOT NULL, appointment_id TEXT, lab_result_id TEXT, title TEXT NOT NULL,
        mime_type TEXT NOT NULL, size_bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, uploaded_by TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX documents_patient ON documents (patient_id, created_at)`,
      // Local only: files this desk holds that the server has not confirmed yet (content-addressed by SHA-256).
      `CREATE TABLE blob_uploads (sha256 TEXT PRIMARY KEY, queued_at TEXT NOT NULL, uploaded_at TEXT)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
