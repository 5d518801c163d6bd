import { sql, type Kysely, type Migration } from 'kysely';

/**
 * row_version and the change log.
 *
 * Every insert and update of a synced table gets row_version = nextval('row_version_seq') from a
 * BEFORE trigger — ONE sequence for all tables, so versions increase across the whole database and a
 * writer cannot choose them. An AFTER trigger records the write in change_log with the id of the
 * writing transaction (pg_current_xact_id(), a 64-bit xid8 that never wraps around). A row's id and
 * clinic_id never change after insert (refused by the trigger), so a row never moves between clinics.
 *
 * How the shape read path (next slice) reads change_log without ever skipping a change
 * ------------------------------------------------------------------------------------
 * Sequence numbers are taken when a row is written, not when its transaction commits: transaction A
 * may take seq 8, transaction B seq 10, B commits and is served, then A commits. A reader that keeps
 * "the highest seq served" and asks for seq > 10 would skip A's change forever.
 *
 * So the reader does not page by seq. It pages by transaction id below the snapshot's xmin:
 *   W = pg_snapshot_xmin(pg_current_snapshot())
 * Every transaction with txid < W has ended — committed (its log rows are visible) or rolled back
 * (its log rows never will be). A shape's offset "<W>_<n>" means "every change of a transaction with
 * txid < W has been delivered" (n orders chunks inside one window). The next read delivers the rows
 * with W_prev <= txid < W_now (index change_log_read), ordered by seq, and moves the offset to W_now.
 * Each transaction falls in exactly one window and is served only once it has ended, whatever seqs it
 * holds, so a late commit is delayed, never skipped. The price: a long-running writing transaction
 * holds W back for everyone until it ends (our writes are short commands).
 *
 * Other rules for the reader:
 *  - change_log holds keys, not row images: the reader reads the row's current values from its table.
 *    That may be newer than the entry; harmless, since desks apply rows by row_version (never older
 *    over newer) and the newer write has its own entry in a later window.
 *  - A snapshot (offset -1) reads the table in a REPEATABLE READ transaction and takes W from that same
 *    snapshot. Transactions above W that the snapshot already saw are delivered again by the log —
 *    duplicates, not gaps, and row_version makes them no-ops.
 *  - Compaction deletes entries with txid below a horizon H; a request whose offset is below H gets
 *    409 and a new handle, so that desk re-snapshots.
 *  - Live requests can wait on LISTEN/NOTIFY (one notify per transaction) or a short poll.
 *  - Hard deletes are logged too (operation 'delete', seq from the same sequence), though records of
 *    care are soft-deleted (deleted_at) and so arrive as updates.
 */
const SYNCED_TABLES = [
  'clinics',
  'staff',
  'patients',
  'doctor_profiles',
  'schedule_sessions',
  'schedule_exceptions',
  'clinic_holidays',
  'appointments',
  'appointment_transitions',
];

export const migration0002: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `CREATE TABLE change_log (
        seq         bigint PRIMARY KEY,
        txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        clinic_id   text NOT NULL,
        table_name  text NOT NULL,
        row_id      text NOT NULL,
        operation   text NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
        logged_at   timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX change_log_read ON change_log (clinic_id, table_name, txid, seq)`,
      `CREATE INDEX change_log_txid ON change_log (txid)`,
      `CREATE FUNCTION clinicdesk_stamp_row_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (NEW.id IS DISTINCT FROM OLD.id OR NEW.clinic_id IS DISTINCT FROM OLD.clinic_id) THEN
          RAISE EXCEPTION 'A row''s id and clinic cannot change (table %).', TG_TABLE_NAME USING ERRCODE = 'check_violation';
        END IF;
        NEW.row_version := nextval('row_version_seq');
        RETURN NEW;
      END
      $$`,
      `CREATE FUNCTION clinicdesk_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          INSERT INTO change_log (seq, clinic_id, table_name, row_id, operation)
          VALUES (nextval('row_version_seq'), OLD.clinic_id, TG_TABLE_NAME, OLD.id, 'delete');
          RETURN OLD;
        END IF;
        INSERT INTO change_log (seq, clinic_id, table_name, row_id, operation)
        VALUES (NEW.row_version, NEW.clinic_id, TG_TABLE_NAME, NEW.id, lower(TG_OP));
        RETURN NEW;
      END
      $$`,
    ];
    for (const table of SYNCED_TABLES) {
      statements.push(
        `CREATE TRIGGER ${table}_row_version BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION clinicdesk_stamp_row_version()`,
        `CREATE TRIGGER ${table}_change_log AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION clinicdesk_log_change()`,
      );
    }
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
