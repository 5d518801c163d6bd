import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Server-only tables (never synced to desks as shapes): enrolled devices and enrolment codes.
 * Secrets are never stored: a device credential and an enrolment code are kept as SHA-256 hashes
 * (both are long random values, so a fast hash is enough; passwords, which people choose, use scrypt).
 * Series prefixes are unique per clinic and never reused, revoked devices included.
 */
export const migration0003: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE enrolment_codes (
        id                 text PRIMARY KEY,
        clinic_id          text NOT NULL REFERENCES clinics (id),
        code_hash          text NOT NULL UNIQUE,
        created_at         timestamptz NOT NULL,
        created_by         text,
        expires_at         timestamptz NOT NULL,
        used_at            timestamptz,
        used_by_device_id  text,
        CHECK (expires_at > created_at)
      )`,
      `CREATE INDEX enrolment_codes_clinic ON enrolment_codes (clinic_id, created_at)`,
      `CREATE TABLE devices (
        id                 text PRIMARY KEY,
        clinic_id          text NOT NULL REFERENCES clinics (id),
        name               text NOT NULL,
        credential_hash    text NOT NULL UNIQUE,
        patient_series     text NOT NULL,
        invoice_series     text NOT NULL,
        enrolled_at        timestamptz NOT NULL,
        enrolment_code_id  text REFERENCES enrolment_codes (id),
        last_seen_at       timestamptz,
        revoked_at         timestamptz,
        revoked_by         text,
        UNIQUE (clinic_id, patient_series),
        UNIQUE (clinic_id, invoice_series)
      )`,
      `CREATE INDEX devices_clinic ON devices (clinic_id, enrolled_at)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
