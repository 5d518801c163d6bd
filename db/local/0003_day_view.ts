import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The front desk's day view lists every appointment of a day (1,500–2,000 in a 20-doctor clinic) with
 * its patient's name and MRN. Looking each patient up by id costs more than everything else in the view
 * together (about 2–5 µs a look-up in a 1,000,000-patient desk, measured), so each appointment carries
 * a copy of its patient's label, kept in step by triggers whoever writes — a command on this desk or,
 * later, rows arriving by sync in any order:
 *   - an appointment inserted without it (or moved to another patient) takes the label from patients;
 *   - a patient inserted (arriving after their appointments) or renamed, or given another MRN,
 *     rewrites the label on their appointments (through appointments_patient).
 * patient_name / patient_mrn are local, derived columns: never synced, never edited directly.
 * NULL means the patient's row is not on this desk (yet).
 */
export const migration0003: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    // One look-up of the patient for both columns, and the appointment found by its rowid.
    const label = (patientId: string) => `(patient_name, patient_mrn) = (SELECT full_name, mrn FROM patients WHERE id = ${patientId})`;
    const statements = [
      `ALTER TABLE appointments ADD COLUMN patient_name TEXT`,
      `ALTER TABLE appointments ADD COLUMN patient_mrn TEXT`,
      `UPDATE appointments SET ${label('appointments.patient_id')}`,
      // A command on this desk gives the label with the row (it has just read the patient); rows that
      // arrive without it (sync) take it here.
      `CREATE TRIGGER appointments_label_insert AFTER INSERT ON appointments WHEN new.patient_name IS NULL BEGIN
        UPDATE appointments SET ${label('new.patient_id')} WHERE rowid = new.rowid;
      END`,
      `CREATE TRIGGER appointments_label_repoint AFTER UPDATE OF patient_id ON appointments BEGIN
        UPDATE appointments SET ${label('new.patient_id')} WHERE rowid = new.rowid;
      END`,
      `CREATE TRIGGER patients_label_insert AFTER INSERT ON patients BEGIN
        UPDATE appointments SET patient_name = new.full_name, patient_mrn = new.mrn WHERE patient_id = new.id;
      END`,
      `CREATE TRIGGER patients_label_update AFTER UPDATE OF full_name, mrn ON patients BEGIN
        UPDATE appointments SET patient_name = new.full_name, patient_mrn = new.mrn WHERE patient_id = new.id;
      END`,
    ];
    for (const s of statements) await sql.raw(s).execute(db);
  },
};
