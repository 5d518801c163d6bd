import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Foundation schema of the desk database. Frozen in time: migrations take Kysely<any> and import
 * no app code. Every synced table carries the data conventions of DESIGN.md §3.
 */
const conventions = `
  clinic_id   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT,
  row_version INTEGER,
  deleted_at  TEXT`;

export const migration0001: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      // Local-only: this PC's identity and the series it issues numbers from.
      `CREATE TABLE device (
        id              TEXT PRIMARY KEY,
        singleton       INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
        clinic_id       TEXT,
        name            TEXT NOT NULL,
        patient_series  TEXT NOT NULL,
        patient_next    INTEGER NOT NULL DEFAULT 1 CHECK (patient_next >= 1),
        created_at      TEXT NOT NULL
      )`,
      `CREATE TABLE clinics (
        id                 TEXT PRIMARY KEY,
        legal_name         TEXT NOT NULL,
        trade_name         TEXT,
        address_line       TEXT NOT NULL,
        city               TEXT NOT NULL,
        state_code         TEXT NOT NULL,
        pincode            TEXT NOT NULL,
        phone              TEXT,
        gstin              TEXT,
        timezone           TEXT NOT NULL DEFAULT 'Asia/Kolkata',
        idle_lock_minutes  INTEGER NOT NULL DEFAULT 10 CHECK (idle_lock_minutes BETWEEN 1 AND 240),
        ${conventions}
      )`,
      `CREATE TABLE staff (
        id             TEXT PRIMARY KEY,
        username       TEXT NOT NULL,
        display_name   TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('admin','front_desk','doctor','accounts','pharmacy')),
        password_hash  TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
        ${conventions},
        UNIQUE (clinic_id, username)
      )`,
      `CREATE TABLE patients (
        rid                          INTEGER PRIMARY KEY,
        id                           TEXT NOT NULL UNIQUE,
        mrn                          TEXT NOT NULL UNIQUE,
        full_name                    TEXT NOT NULL,
        sex                          TEXT NOT NULL CHECK (sex IN ('female','male','other')),
        date_of_birth                TEXT,
        dob_estimated                INTEGER NOT NULL DEFAULT 0 CHECK (dob_estimated IN (0,1)),
        mobile                       TEXT NOT NULL,
        email                        TEXT,
        address_line                 TEXT,
        city                         TEXT,
        state_code                   TEXT,
        pincode                      TEXT,
        emergency_name               TEXT,
        emergency_relation           TEXT,
        emergency_phone              TEXT,
        abha_number                  TEXT,
        consent_messages             INTEGER NOT NULL DEFAULT 0 CHECK (consent_messages IN (0,1)),
        consent_messages_at          TEXT,
        consent_data_processing      INTEGER NOT NULL DEFAULT 0 CHECK (consent_data_processing IN (0,1)),
        consent_data_processing_at   TEXT,
        ${conventions}
      )`,
      `CREATE INDEX patients_mobile ON patients (mobile)`,
      // Search index: names, mobile numbers and MRNs (compact form), kept in step by triggers.
      `CREATE VIRTUAL TABLE patients_fts USING fts5(
        full_name, mobile, mrn,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2 3'
      )`,
      `CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients WHEN new.deleted_at IS NULL BEGIN
        INSERT INTO patients_fts (rowid, full_name, mobile, mrn)
        VALUES (new.rid, new.full_name, new.mobile, replace(new.mrn, '-', ''));
      END`,
      `CREATE TRIGGER patients_fts_update AFTER UPDATE OF full_name, mobile, mrn, deleted_at ON patients BEGIN
        DELETE FROM patients_fts WHERE rowid = old.rid;
        INSERT INTO patients_fts (rowid, full_name, mobile, mrn)
        SELECT new.rid, new.full_name, new.mobile, replace(new.mrn, '-', '') WHERE new.deleted_at IS NULL;
      END`,
      `CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN
        DELETE FROM patients_fts WHERE rowid = old.rid;
      END`,
      `CREATE TABLE audit_events (
        id           TEXT PRIMARY KEY,
        at           TEXT NOT NULL,
        user_id      TEXT NOT NULL,
        device_id    TEXT NOT NULL,
        action       TEXT NOT NULL,
        entity_type  TEXT NOT NULL,
        entity_id    TEXT NOT NULL,
        changes      TEXT NOT NULL DEFAULT '[]',
        ${conventions}
      )`,
      `CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, at)`,
      // Local-only: mutations waiting to be pushed to the sync server, in order.
      `CREATE TABLE outbox (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id  TEXT NOT NULL UNIQUE,
        name         TEXT NOT NULL,
        args         TEXT NOT NULL,
        device_id    TEXT NOT NULL,
        user_id      TEXT,
        created_at   TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','applied','rejected'))
      )`,
      // Local-only: failed sign-in attempts per username, so guessing is slowed down across restarts.
      `CREATE TABLE sign_in_throttle (
        username      TEXT PRIMARY KEY,
        failures      INTEGER NOT NULL DEFAULT 0,
        locked_until  TEXT
      )`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
