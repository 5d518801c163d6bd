import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The central copy of the desk's synced tables (db/local 0001–0003), in PostgreSQL. Frozen in time:
 * migrations take Kysely<any> and import no app code.
 *
 * Same columns and meaning as on the desk, with these choices for Postgres:
 *  - ids are text (UUIDv7 made on the device that created the row), as on the desk;
 *  - instants (created_at, updated_at, deleted_at, hold_expires_at, …) are timestamptz: the database
 *    checks them and can do time arithmetic (reminders, hold release on the server). The server's
 *    drivers read them back as the desk's form — UTC ISO-8601 strings with milliseconds — so the
 *    same kysely code sees the same values on both sides;
 *  - clinic-local dates are `date` (read back as 'YYYY-MM-DD' text), times of day stay integer minutes;
 *  - yes/no flags stay smallint 0/1 as on the desk (a shape then carries them as 0/1, which SQLite stores
 *    as is), money stays integer paise (bigint);
 *  - every row carries clinic_id, and references between rows include it (composite foreign keys),
 *    so no row of one clinic can point at a row of another;
 *  - row_version is assigned by the server on every insert and update from ONE sequence
 *    (row_version_seq), by a trigger, whatever the writer sends; every write is also recorded in
 *    change_log (see 0002) for the shape read path.
 * The desk-local tables (device, outbox, sign_in_throttle, the FTS index, patients.rid) are not here.
 */
const conventions = `
  clinic_id   text NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  updated_by  text,
  row_version bigint,
  deleted_at  timestamptz`;

/** Every table but clinics: its clinic must exist, and (clinic_id, id) is a target for composite references. */
const belongsToClinic = (table: string) => `
  CONSTRAINT ${table}_clinic FOREIGN KEY (clinic_id) REFERENCES clinics (id),
  CONSTRAINT ${table}_clinic_id_key UNIQUE (clinic_id, id)`;

export const migration0001: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE SEQUENCE row_version_seq AS bigint`,
      `CREATE TABLE clinics (
        id                    text PRIMARY KEY,
        legal_name            text NOT NULL,
        trade_name            text,
        address_line          text NOT NULL,
        city                  text NOT NULL,
        state_code            text NOT NULL,
        pincode               text NOT NULL,
        phone                 text,
        gstin                 text,
        timezone              text NOT NULL DEFAULT 'Asia/Kolkata',
        idle_lock_minutes     integer NOT NULL DEFAULT 10 CHECK (idle_lock_minutes BETWEEN 1 AND 240),
        no_show_grace_minutes integer NOT NULL DEFAULT 15 CHECK (no_show_grace_minutes BETWEEN 0 AND 240),
        ${conventions},
        CONSTRAINT clinics_own_clinic CHECK (clinic_id = id)
      )`,
      `CREATE TABLE staff (
        id             text PRIMARY KEY,
        username       text NOT NULL,
        display_name   text NOT NULL,
        role           text NOT NULL CHECK (role IN ('admin','front_desk','doctor','accounts','pharmacy')),
        password_hash  text NOT NULL,
        active         smallint NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
        ${conventions},
        UNIQUE (clinic_id, username),
        ${belongsToClinic('staff')}
      )`,
      `CREATE TABLE patients (
        id                           text PRIMARY KEY,
        mrn                          text NOT NULL,
        full_name                    text NOT NULL,
        sex                          text NOT NULL CHECK (sex IN ('female','male','other')),
        date_of_birth                date,
        dob_estimated                smallint NOT NULL DEFAULT 0 CHECK (dob_estimated IN (0,1)),
        mobile                       text NOT NULL,
        email                        text,
        address_line                 text,
        city                         text,
        state_code                   text,
        pincode                      text,
        emergency_name               text,
        emergency_relation           text,
        emergency_phone              text,
        abha_number                  text,
        consent_messages             smallint NOT NULL DEFAULT 0 CHECK (consent_messages IN (0,1)),
        consent_messages_at          timestamptz,
        consent_data_processing      smallint NOT NULL DEFAULT 0 CHECK (consent_data_processing IN (0,1)),
        consent_data_processing_at   timestamptz,
        ${conventions},
        UNIQUE (clinic_id, mrn),
        ${belongsToClinic('patients')}
      )`,
      `CREATE INDEX patients_mobile ON patients (clinic_id, mobile)`,
      `CREATE TABLE doctor_profiles (
        id                     text PRIMARY KEY,
        staff_id               text NOT NULL UNIQUE,
        specialty              text NOT NULL,
        registration_number    text NOT NULL,
        consultation_fee_paise bigint NOT NULL CHECK (consultation_fee_paise >= 0),
        room                   text,
        ${conventions},
        FOREIGN KEY (clinic_id, staff_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('doctor_profiles')}
      )`,
      `CREATE TABLE schedule_sessions (
        id            text PRIMARY KEY,
        doctor_id     text NOT NULL,
        weekday       integer NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_minutes integer NOT NULL CHECK (start_minutes BETWEEN 0 AND 1439),
        end_minutes   integer NOT NULL CHECK (end_minutes BETWEEN 1 AND 1440),
        slot_minutes  integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
        capacity      integer NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 50),
        ${conventions},
        CHECK (end_minutes > start_minutes),
        FOREIGN KEY (clinic_id, doctor_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('schedule_sessions')}
      )`,
      `CREATE INDEX schedule_sessions_doctor ON schedule_sessions (doctor_id, weekday)`,
      `CREATE TABLE schedule_exceptions (
        id            text PRIMARY KEY,
        doctor_id     text NOT NULL,
        date          date NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('leave', 'extra')),
        start_minutes integer,
        end_minutes   integer,
        slot_minutes  integer,
        capacity      integer,
        reason        text,
        ${conventions},
        FOREIGN KEY (clinic_id, doctor_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('schedule_exceptions')}
      )`,
      `CREATE INDEX schedule_exceptions_doctor ON schedule_exceptions (doctor_id, date)`,
      `CREATE TABLE clinic_holidays (
        id    text PRIMARY KEY,
        date  date NOT NULL,
        name  text NOT NULL,
        ${conventions},
        ${belongsToClinic('clinic_holidays')}
      )`,
      `CREATE INDEX clinic_holidays_date ON clinic_holidays (clinic_id, date)`,
      `CREATE TABLE appointments (
        id               text PRIMARY KEY,
        patient_id       text NOT NULL,
        doctor_id        text NOT NULL,
        date             date NOT NULL,
        start_minutes    integer,
        end_minutes      integer,
        kind             text NOT NULL CHECK (kind IN ('slot', 'walk_in')),
        type             text NOT NULL CHECK (type IN ('new', 'follow_up', 'procedure')),
        status           text NOT NULL CHECK (status IN ('requested','tentative','confirmed','checked_in','in_consult','completed','no_show','cancelled')),
        machine_version  integer NOT NULL,
        hold_expires_at  timestamptz,
        token            integer,
        checked_in_at    timestamptz,
        desk_notes       text,
        cancel_reason    text,
        ${conventions},
        FOREIGN KEY (clinic_id, patient_id) REFERENCES patients (clinic_id, id),
        FOREIGN KEY (clinic_id, doctor_id) REFERENCES staff (clinic_id, id),
        ${belongsToClinic('appointments')}
      )`,
      `CREATE INDEX appointments_day ON appointments (clinic_id, date, doctor_id, start_minutes)`,
      `CREATE INDEX appointments_patient ON appointments (patient_id, date)`,
      `CREATE INDEX appointments_holds ON appointments (hold_expires_at) WHERE status = 'tentative'`,
      `CREATE UNIQUE INDEX appointments_token ON appointments (doctor_id, date, token) WHERE token IS NOT NULL`,
      `CREATE TABLE appointment_transitions (
        id              text PRIMARY KEY,
        appointment_id  text NOT NULL,
        at              timestamptz NOT NULL,
        user_id         text NOT NULL,
        event           text NOT NULL,
        from_status     text,
        to_status       text NOT NULL,
        reason          text,
        details         text,
        ${conventions},
        FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id),
        ${belongsToClinic('appointment_transitions')}
      )`,
      `CREATE INDEX appointment_transitions_appt ON appointment_transitions (appointment_id, at)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
