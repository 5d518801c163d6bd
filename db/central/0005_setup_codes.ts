import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Set-up codes: how a server with no clinic gets its first one without any command (`npm run server`
 * prints a code; src-server/services/founding.ts). The clinic's first PC — a desk already in use on its
 * own, or one just set up — sends its clinic, staff and data once with the code and becomes the clinic's
 * first, admin, device. Kept as a hash, like enrolment codes. Until completed_at, the founding device may
 * upload its rows (a retry with the same code resumes the same clinic).
 */
export const migration0005: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE setup_codes (
        id            text PRIMARY KEY,
        code_hash     text NOT NULL UNIQUE,
        created_at    timestamptz NOT NULL,
        expires_at    timestamptz NOT NULL,
        used_at       timestamptz,
        clinic_id     text REFERENCES clinics (id),
        device_id     text REFERENCES devices (id),
        completed_at  timestamptz,
        CHECK (expires_at > created_at)
      )`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
