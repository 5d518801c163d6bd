import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The write path (DESIGN.md §4, issue 5): the outbox is pushed to the server, which runs each command
 * again and answers applied or rejected.
 *  - outbox.ids: the new-row ids the command made, in order, so the server writes the same rows;
 *    outbox.rows: the synced rows the command wrote here, as [table, id] pairs;
 *  - outbox_rows: the same pairs of PENDING mutations, indexed by row id. A row listed there is never
 *    overwritten by what the server streams: the stream's newer copy waits in sync_held until the
 *    mutation is settled, then goes in by row_version;
 *  - inbox: mutations the server refused ("needs attention"), with the reason in plain words and what was
 *    typed, until someone resolves them (rebook, keep the other version, discard). Resolved items stay,
 *    with who resolved them, how and when.
 */
export const migration0008: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `ALTER TABLE outbox ADD COLUMN ids TEXT NOT NULL DEFAULT '[]'`,
      `ALTER TABLE outbox ADD COLUMN rows TEXT NOT NULL DEFAULT '[]'`,
      `CREATE INDEX outbox_pending ON outbox (seq) WHERE status = 'pending'`,
      `CREATE TABLE outbox_rows (
        row_id      TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        table_name  TEXT NOT NULL,
        PRIMARY KEY (row_id, seq)
      ) WITHOUT ROWID`,
      `CREATE INDEX outbox_rows_seq ON outbox_rows (seq)`,
      `CREATE TABLE sync_held (
        table_name   TEXT NOT NULL,
        row_id       TEXT NOT NULL,
        row_version  INTEGER NOT NULL,
        data         TEXT NOT NULL,
        PRIMARY KEY (table_name, row_id)
      ) WITHOUT ROWID`,
      `CREATE TABLE inbox (
        id            TEXT PRIMARY KEY,
        mutation_id   TEXT NOT NULL UNIQUE,
        name          TEXT NOT NULL,
        args          TEXT NOT NULL,
        user_id       TEXT,
        made_at       TEXT NOT NULL,
        reason        TEXT NOT NULL,
        message       TEXT NOT NULL,
        details       TEXT,
        received_at   TEXT NOT NULL,
        resolved_at   TEXT,
        resolved_by   TEXT,
        resolution    TEXT CHECK (resolution IN ('rebooked', 'kept_theirs', 'discarded')),
        resolution_note TEXT
      )`,
      `CREATE INDEX inbox_open ON inbox (received_at) WHERE resolved_at IS NULL`,
    ];
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
