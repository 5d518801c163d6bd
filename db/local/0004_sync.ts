import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The desk's side of sync (DESIGN.md §4), all local-only:
 *  - sync_connection: one row once this desk has joined a clinic server — where the server is, the
 *    device id and credential it gave (the credential lives here, in the one database file that at-rest
 *    encryption will cover; it is never logged nor returned by the ClinicApi), the station role whose
 *    data the desk receives, and its series. revoked_at is set when the server refuses the credential.
 *  - sync_shapes: per synced table, the shape stream's read position (handle + offset) saved in the same
 *    transaction as the rows it delivered, so a restart resumes exactly where the last commit ended.
 *    `refetching` is 1 between a must-refetch and the end of the new snapshot.
 *  - sync_refetch: during a refetch, the ids of server-known rows (row_version not null) the new snapshot
 *    has not yet delivered; what is left when the snapshot is complete is gone from the server and is
 *    deleted (rows named by a pending outbox mutation are kept). Persisted, so a crash mid-refetch resumes.
 */
export const migration0004: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE sync_connection (
        singleton        INTEGER NOT NULL DEFAULT 1 PRIMARY KEY CHECK (singleton = 1),
        server_url       TEXT NOT NULL,
        device_id        TEXT NOT NULL,
        credential       TEXT NOT NULL,
        clinic_id        TEXT NOT NULL,
        clinic_name      TEXT NOT NULL,
        station_role     TEXT NOT NULL CHECK (station_role IN ('front_desk','doctor','accounts','admin')),
        patient_series   TEXT NOT NULL,
        invoice_series   TEXT NOT NULL,
        enrolled_at      TEXT NOT NULL,
        revoked_at       TEXT
      )`,
      `CREATE TABLE sync_shapes (
        name              TEXT PRIMARY KEY,
        handle            TEXT,
        "offset"          TEXT NOT NULL DEFAULT '-1',
        up_to_date_at     TEXT,
        rows_applied      INTEGER NOT NULL DEFAULT 0,
        refetching        INTEGER NOT NULL DEFAULT 0 CHECK (refetching IN (0,1))
      )`,
      `CREATE TABLE sync_refetch (
        shape   TEXT NOT NULL,
        row_id  TEXT NOT NULL,
        PRIMARY KEY (shape, row_id)
      ) WITHOUT ROWID`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
