import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A desk's first download of a large table (an empty desk joining a clinic server) is written fastest
 * without the table's secondary indexes and derived-data triggers, rebuilt in one pass once the table's
 * snapshot is complete (src-main/core/db/bulk.ts). Their definitions wait here meanwhile, written in the
 * same transaction that drops them, so a desk that stops mid-download puts them back when it opens.
 */
export const migration0006: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    await sql
      .raw(
        `CREATE TABLE sync_deferred (
          name     TEXT PRIMARY KEY,
          tbl      TEXT NOT NULL,
          type     TEXT NOT NULL CHECK (type IN ('index', 'trigger')),
          sql      TEXT NOT NULL
        )`,
      )
      .execute(db);
  },
};
