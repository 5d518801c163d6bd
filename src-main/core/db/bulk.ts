import type Database from 'better-sqlite3';

/**
 * Bulk loading of a table that starts empty: the desk's first download of a clinic (hundreds of thousands
 * of patients, a million appointments) and the benchmark's raw floor. Each secondary index costs a B-tree
 * insert per row in the rows' order, and each trigger a statement per row (the search index takes about
 * 60 µs a patient that way); building them afterwards from the whole table is one sort per index and one
 * pass over the rows — several times faster (measured in `npm run bench -- sync-initial`).
 *
 * beginBulk(table) sets aside the table's non-unique secondary indexes and all its triggers, keeping their
 * definitions in sync_deferred in the same transaction. Unique indexes stay: they are rules, not speed-ups,
 * and must hold for every row as it arrives. finishBulk(table) puts them back and then fills what the
 * triggers would have filled (DERIVED below). restoreDeferred() finishes whatever a desk that stopped
 * mid-download left aside; the database opens through it, so the schema is whole before any screen reads.
 *
 * Only for a table that was empty when its bulk load began: the derived data is rebuilt for every row.
 * Call inside the caller's transaction.
 */

/**
 * What each table's triggers maintain, rebuilt for the whole table in one statement each. A table whose
 * triggers maintain anything must be listed, or beginBulk refuses it (a trigger dropped with nothing to
 * replay it would leave derived data silently stale).
 */
const DERIVED: Record<string, string[]> = {
  patients: [
    // patients_fts_insert for every live patient (contentless FTS5: there is no 'rebuild').
    `INSERT INTO patients_fts (rowid, full_name, mobile, mrn) SELECT rid, full_name, mobile, replace(mrn, '-', '') FROM patients WHERE deleted_at IS NULL`,
    // patients_label_insert: appointments that arrived before their patient.
    `UPDATE appointments SET (patient_name, patient_mrn) = (SELECT full_name, mrn FROM patients WHERE patients.id = appointments.patient_id)
      WHERE patient_name IS NULL AND EXISTS (SELECT 1 FROM patients WHERE patients.id = appointments.patient_id)`,
  ],
  appointments: [
    // appointments_label_insert: an appointment written without its patient's label.
    `UPDATE appointments SET (patient_name, patient_mrn) = (SELECT full_name, mrn FROM patients WHERE patients.id = appointments.patient_id)
      WHERE patient_name IS NULL AND EXISTS (SELECT 1 FROM patients WHERE patients.id = appointments.patient_id)`,
  ],
};

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

interface SchemaObject {
  name: string;
  type: 'index' | 'trigger';
  sql: string;
}

/** Whether the table's indexes and triggers are set aside now. */
export function inBulk(sqlite: Database.Database, table: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM sync_deferred WHERE tbl = ? LIMIT 1`).get(table) !== undefined;
}

/** Sets aside the table's non-unique secondary indexes and its triggers. Returns how many objects. */
export function beginBulk(sqlite: Database.Database, table: string): number {
  if (!SAFE_NAME.test(table)) throw new Error(`beginBulk: unsafe table name ${table}`);
  if (inBulk(sqlite, table)) return 0;
  const objects = sqlite
    .prepare(
      `SELECT name, type, sql FROM sqlite_master
        WHERE tbl_name = ? AND sql IS NOT NULL
          AND (type = 'trigger' OR (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE INDEX%'))
        ORDER BY type, name`,
    )
    .all(table) as SchemaObject[];
  if (objects.some((o) => o.type === 'trigger') && !DERIVED[table]) {
    throw new Error(`beginBulk: ${table} has triggers but no rebuild in DERIVED`);
  }
  const keep = sqlite.prepare(`INSERT INTO sync_deferred (name, tbl, type, sql) VALUES (?, ?, ?, ?)`);
  for (const o of objects) {
    if (!SAFE_NAME.test(o.name)) throw new Error(`beginBulk: unsafe object name ${o.name}`);
    keep.run(o.name, table, o.type, o.sql);
    sqlite.exec(`DROP ${o.type === 'index' ? 'INDEX' : 'TRIGGER'} "${o.name}"`);
  }
  return objects.length;
}

/** Puts the table's indexes and triggers back and rebuilds what its triggers maintain. */
export function finishBulk(sqlite: Database.Database, table: string): void {
  const objects = sqlite.prepare(`SELECT name, type, sql FROM sync_deferred WHERE tbl = ? ORDER BY type, name`).all(table) as SchemaObject[];
  if (objects.length === 0) return;
  // The rebuilds first, while the table's own secondary indexes are still aside: a row they rewrite (an
  // appointment given its patient's label) is then rewritten once, not also in every index that holds it.
  // (They look rows up by id, which stays indexed: unique indexes are never set aside.)
  for (const statement of DERIVED[table] ?? []) sqlite.exec(statement);
  for (const o of objects.filter((x) => x.type === 'index')) sqlite.exec(o.sql);
  // Triggers last, so the rebuild's own writes do not fire them.
  for (const o of objects.filter((x) => x.type === 'trigger')) sqlite.exec(o.sql);
  sqlite.prepare(`DELETE FROM sync_deferred WHERE tbl = ?`).run(table);
}

/** Finishes every bulk load a stopped desk left half done (one transaction). Returns the tables. */
export function restoreDeferred(sqlite: Database.Database): string[] {
  const tables = (sqlite.prepare(`SELECT DISTINCT tbl FROM sync_deferred ORDER BY tbl`).all() as { tbl: string }[]).map((r) => r.tbl);
  if (tables.length === 0) return [];
  sqlite.transaction(() => {
    for (const t of tables) finishBulk(sqlite, t);
  })();
  return tables;
}
