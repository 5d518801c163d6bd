import { sql, type Kysely, type Migration } from 'kysely';

/** Doctors' profiles and schedules, clinic holidays, appointments and their transition history. */
const conventions = `
  clinic_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT,
  row_version INTEGER,
  deleted_at  TEXT`;

export const migration0002: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `ALTER TABLE clinics ADD COLUMN no_show_grace_minutes INTEGER NOT NULL DEFAULT 15 CHECK (no_show_grace_minutes BETWEEN 0 AND 240)`,
      `CREATE TABLE doctor_profiles (
        id                    TEXT PRIMARY KEY,
        staff_id              TEXT NOT NULL UNIQUE REFERENCES staff (id),
        specialty             TEXT NOT NULL,
        registration_number   TEXT NOT NULL,
        consultation_fee_paise INTEGER NOT NULL CHECK (consultation_fee_paise >= 0),
        room                  TEXT,
        ${conventions}
      )`,
      // Weekly template: sessions per ISO weekday (1 = Monday). Slots are derived, never stored.
      `CREATE TABLE schedule_sessions (
        id            TEXT PRIMARY KEY,
        doctor_id     TEXT NOT NULL REFERENCES staff (id),
        weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_minutes INTEGER NOT NULL CHECK (start_minutes BETWEEN 0 AND 1439),
        end_minutes   INTEGER NOT NULL CHECK (end_minutes BETWEEN 1 AND 1440),
        slot_minutes  INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
        capacity      INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 50),
        ${conventions},
        CHECK (end_minutes > start_minutes)
      )`,
      `CREATE INDEX schedule_sessions_doctor ON schedule_sessions (doctor_id, weekday)`,
      `CREATE TABLE schedule_exceptions (
        id            TEXT PRIMARY KEY,
        doctor_id     TEXT NOT NULL REFERENCES staff (id),
        date          TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('leave', 'extra')),
        start_minutes INTEGER,
        end_minutes   INTEGER,
        slot_minutes  INTEGER,
        capacity      INTEGER,
        reason        TEXT,
        ${conventions}
      )`,
      `CREATE INDEX schedule_exceptions_doctor ON schedule_exceptions (doctor_id, date)`,
      `CREATE TABLE clinic_holidays (
        id    TEXT PRIMARY KEY,
        date  TEXT NOT NULL,
        name  TEXT NOT NULL,
        ${conventions}
      )`,
      `CREATE INDEX clinic_holidays_date ON clinic_holidays (date)`,
      `CREATE TABLE appointments (
        id               TEXT PRIMARY KEY,
        patient_id       TEXT NOT NULL REFERENCES patients (id),
        doctor_id        TEXT NOT NULL REFERENCES staff (id),
        date             TEXT NOT NULL,
        start_minutes    INTEGER,
        end_minutes      INTEGER,
        kind             TEXT NOT NULL CHECK (kind IN ('slot', 'walk_in')),
        type             TEXT NOT NULL CHECK (type IN ('new', 'follow_up', 'procedure')),
        status           TEXT NOT NULL CHECK (status IN ('requested','tentative','confirmed','checked_in','in_consult','completed','no_show','cancelled')),
        machine_version  INTEGER NOT NULL,
        hold_expires_at  TEXT,
        token            INTEGER,
        checked_in_at    TEXT,
        desk_notes       TEXT,
        cancel_reason    TEXT,
        ${conventions}
      )`,
      `CREATE INDEX appointments_day ON appointments (date, doctor_id, start_minutes)`,
      `CREATE INDEX appointments_patient ON appointments (patient_id, date)`,
      `CREATE INDEX appointments_holds ON appointments (hold_expires_at) WHERE status = 'tentative'`,
      `CREATE UNIQUE INDEX appointments_token ON appointments (doctor_id, date, token) WHERE token IS NOT NULL`,
      `CREATE TABLE appointment_transitions (
        id              TEXT PRIMARY KEY,
        appointment_id  TEXT NOT NULL REFERENCES appointments (id),
        at              TEXT NOT NULL,
        user_id         TEXT NOT NULL,
        event           TEXT NOT NULL,
        from_status     TEXT,
        to_status       TEXT NOT NULL,
        reason          TEXT,
        details         TEXT,
        ${conventions}
      )`,
      `CREATE INDEX appointment_transitions_appt ON appointment_transitions (appointment_id, at)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
