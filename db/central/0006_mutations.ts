import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The write path (DESIGN.md §4): every mutation a desk pushes is recorded once, by its mutation_id, with
 * what became of it — applied, or rejected with the reason — and the rows it concerned. A desk that pushes
 * the same mutation again (its reply was lost, the server restarted half way) gets the same answer and
 * nothing is applied twice. Applied mutations are recorded in the same transaction as their writes.
 */
export const migration0006: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE mutations (
        mutation_id  text PRIMARY KEY,
        clinic_id    text NOT NULL REFERENCES clinics (id),
        device_id    text NOT NULL REFERENCES devices (id),
        user_id      text NOT NULL,
        name         text NOT NULL,
        made_at      timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        status       text NOT NULL CHECK (status IN ('applied', 'rejected')),
        reason       text,
        message      text,
        details      jsonb,
        rows         jsonb NOT NULL DEFAULT '[]'
      )`,
      `CREATE INDEX mutations_device ON mutations (device_id, received_at)`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
