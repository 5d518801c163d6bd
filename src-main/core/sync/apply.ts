import type Database from 'better-sqlite3';
import type { Message, Row } from '@electric-sql/client';
import { beginBulk, finishBulk, inBulk } from '../db/bulk';
import { SHAPES, shapeColumns, type ShapeColumnType, type ShapeName, type StationRole } from '../../../src-shared/sync/shapes';

/**
 * Applies what one shape stream delivered into the desk's SQLite copy (DESIGN.md §4), one batch in one
 * transaction together with the stream's read position (handle + offset), so a crash never skips nor
 * applies twice:
 *  - insert / update by id, and only when the incoming row_version is higher than the local one (a local
 *    row whose row_version is still null — never seen by the server — takes the server's row: it is the
 *    server's truth for it). Only the columns the station receives are written; local-only columns
 *    (appointments.patient_name / patient_mrn) are left to their triggers.
 *  - delete for operation delete (soft-deleted rows arrive as updates with deleted_at).
 *  - must-refetch: the shape restarts from a new snapshot. Every server-known local row (row_version not
 *    null) becomes a candidate in sync_refetch; each row the new snapshot delivers is crossed off; at the
 *    snapshot's up-to-date the candidates left are gone from the server and are deleted — except rows a
 *    pending outbox mutation wrote, which wait for the write path.
 *  - a row a pending outbox mutation wrote (outbox_rows) is never overwritten by a streamed row: the newest
 *    streamed version waits in sync_held and goes in, by row_version, once the mutation is settled
 *    (sync/push.ts).
 *
 * Synchronous on purpose: the caller holds the write connection (kysely's connection lock) for the
 * whole batch, see inSyncTransaction.
 */

export interface ShapePosition {
  handle: string | null;
  offset: string;
}

export interface ApplyOutcome {
  /** Rows inserted, updated or deleted. */
  changed: number;
  /** Rows refused because the local copy is as new or newer. */
  skipped: number;
  /** The batch ended with the shape up to date. */
  upToDate: boolean;
  /** Rows deleted when a refetch completed. */
  refetchDeleted: number;
  mustRefetch: boolean;
}

/** Screens (query keys) to refresh when a table changes: the entity names the handlers emit. */
export const SHAPE_ENTITIES: Record<ShapeName, string[]> = {
  clinics: ['clinic'],
  staff: ['staff'],
  patients: ['patients'],
  doctor_profiles: ['doctors'],
  schedule_sessions: ['schedules', 'appointments'],
  schedule_exceptions: ['schedules', 'appointments'],
  clinic_holidays: ['holidays', 'appointments'],
  appointments: ['appointments'],
  appointment_transitions: ['appointments'],
  tax_profiles: ['billing'],
  catalogue_items: ['billing'],
  catalogue_rates: ['billing'],
  invoices: ['billing'],
  invoice_lines: ['billing'],
  payments: ['billing'],
  day_closings: ['billing'],
  doctor_covers: ['consult'],
  note_templates: ['consult'],
  tasks: ['tasks'],
  allergies: ['consult'],
  clinical_notes: ['consult'],
  prescriptions: ['consult'],
  lab_results: ['consult'],
  documents: ['consult'],
};

/**
 * Runs fn in one IMMEDIATE transaction with foreign keys off. Shapes stream independently, so an
 * appointment may arrive before its patient (or a doctor's session before the doctor): the server's
 * own constraints (every reference includes clinic_id) guarantee the set is whole once every shape has
 * caught up, and the label triggers fill in whichever side arrives second. The pragma cannot change
 * inside a transaction, so it is set around it; the caller must hold the connection exclusively.
 */
export function inSyncTransaction<T>(sqlite: Database.Database, fn: () => T): T {
  sqlite.pragma('foreign_keys = OFF');
  try {
    return sqlite.transaction(fn).immediate();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

/** A timestamptz as the desk keeps instants: UTC ISO with milliseconds ("2026-03-02T05:00:00.000Z"). */
export function normalizeInstant(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value)) return value;
  // Postgres text form: "2026-03-02 05:00:00.123456+00" or "+05:30".
  let iso = value.trim().replace(' ', 'T');
  iso = iso.replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** The parser handed to every ShapeStream: int8 as a JS number (row_version fits easily), instants normalized. */
export const shapeParser = {
  int8: (v: string) => Number(v),
  timestamptz: (v: string) => normalizeInstant(v),
  date: (v: string) => v,
};

function toSqlValue(type: ShapeColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (type === 'jsonb' && typeof value === 'object') return JSON.stringify(value);
  if (type === 'timestamptz' && typeof value === 'string') return normalizeInstant(value);
  return value;
}

/** A batch this large into an empty table is a snapshot worth loading in bulk (a chunk is 10,000 rows). */
export const BULK_MIN_ROWS = 1_000;

function countInserts(messages: readonly Message<Row<unknown>>[]): number {
  let n = 0;
  for (const m of messages) if ((m.headers as { operation?: string }).operation === 'insert') n++;
  return n;
}

/** 'newer': a streamed row goes in only over an older one. 'settle': the server's answer to this desk's mutation. */
type UpsertMode = 'newer' | 'settle';

export class ShapeApplier {
  readonly table: ShapeName;
  readonly #sqlite: Database.Database;
  readonly #columns: string[];
  readonly #types: Record<string, ShapeColumnType>;
  readonly #upserts = new Map<string, (params: unknown[]) => Database.RunResult>();
  #fullUpsert: ((params: unknown[]) => Database.RunResult) | null = null;
  readonly #tokens: boolean;
  readonly #stmt: Record<
    'del' | 'freeToken' | 'anyRow' | 'refetchCross' | 'refetchClear' | 'refetchMark' | 'refetchFinish' | 'saveOffset' | 'setRefetching' | 'ensure' | 'position' | 'anyPending' | 'pending' | 'hold',
    Database.Statement
  >;

  constructor(sqlite: Database.Database, table: ShapeName, station: StationRole) {
    this.#sqlite = sqlite;
    this.table = table;
    this.#columns = shapeColumns(table, station);
    const shapeColumnsDef: Record<string, { type: ShapeColumnType }> = SHAPES[table].columns;
    this.#types = Object.fromEntries(this.#columns.map((c) => [c, shapeColumnsDef[c]!.type]));
    this.#tokens = table === 'appointments';
    const t = `"${table}"`;
    this.#stmt = {
      del: sqlite.prepare(`DELETE FROM ${t} WHERE id = ?`),
      // The server hands out queue tokens: a local row holding the token a server row now has is out of date.
      freeToken: sqlite.prepare(
        table === 'appointments' ? `UPDATE appointments SET token = NULL WHERE doctor_id = ? AND date = ? AND token = ? AND id != ?` : `SELECT 1 WHERE ? AND ? AND ? AND ?`,
      ),
      anyRow: sqlite.prepare(`SELECT 1 FROM ${t} LIMIT 1`),
      refetchCross: sqlite.prepare(`DELETE FROM sync_refetch WHERE shape = ? AND row_id = ?`),
      refetchClear: sqlite.prepare(`DELETE FROM sync_refetch WHERE shape = ?`),
      refetchMark: sqlite.prepare(`INSERT OR IGNORE INTO sync_refetch (shape, row_id) SELECT ?, id FROM ${t} WHERE row_version IS NOT NULL`),
      refetchFinish: sqlite.prepare(
        `DELETE FROM ${t} WHERE id IN (SELECT row_id FROM sync_refetch WHERE shape = ?)
           AND NOT EXISTS (SELECT 1 FROM outbox_rows WHERE outbox_rows.row_id = ${t}.id)`,
      ),
      saveOffset: sqlite.prepare(
        `UPDATE sync_shapes SET handle = ?, "offset" = ?, rows_applied = rows_applied + ?, up_to_date_at = coalesce(?, up_to_date_at) WHERE name = ?`,
      ),
      setRefetching: sqlite.prepare(`UPDATE sync_shapes SET refetching = ? WHERE name = ?`),
      ensure: sqlite.prepare(`INSERT OR IGNORE INTO sync_shapes (name) VALUES (?)`),
      position: sqlite.prepare(`SELECT handle, "offset" AS "offset", refetching FROM sync_shapes WHERE name = ?`),
      anyPending: sqlite.prepare(`SELECT 1 FROM outbox_rows LIMIT 1`),
      pending: sqlite.prepare(`SELECT 1 FROM outbox_rows WHERE row_id = ? LIMIT 1`),
      // A streamed row that a pending mutation holds waits here, the newest version only (migration 0008).
      hold: sqlite.prepare(
        `INSERT INTO sync_held (table_name, row_id, row_version, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (table_name, row_id) DO UPDATE SET row_version = excluded.row_version, data = excluded.data WHERE excluded.row_version > sync_held.row_version`,
      ),
    };
    this.#stmt.ensure.run(table);
  }

  /** The saved read position (for a stream that resumes) and whether a refetch is under way. */
  position(): ShapePosition & { refetching: boolean } {
    const row = this.#stmt.position.get(this.table) as { handle: string | null; offset: string; refetching: number };
    return { handle: row.handle, offset: row.offset, refetching: row.refetching === 1 };
  }

  #upsert(columns: string[], mode: UpsertMode = 'newer'): (params: unknown[]) => Database.RunResult {
    if (mode === 'newer' && columns === this.#columns && this.#fullUpsert) return this.#fullUpsert;
    const key = mode + ':' + columns.join(',');
    let run = this.#upserts.get(key);
    if (!run) {
      const t = `"${this.table}"`;
      const cols = columns.map((c) => `"${c}"`);
      const set = cols.filter((c) => c !== '"id"').map((c) => `${c} = excluded.${c}`);
      // 'settle': the server's answer to this desk's own mutation is its truth for the row, even at the version
      // the desk already had (a local edit keeps the row's last server version until the server answers).
      const op = mode === 'settle' ? '<=' : '<';
      const conflict = `ON CONFLICT (id) DO UPDATE SET ${set.join(', ')} WHERE coalesce(${t}.row_version, -1) ${op} excluded.row_version`;
      // An appointment takes its patient's label (migration 0003) in the insert itself when the patient is
      // already here; left NULL, the insert trigger would rewrite the new row (and its index entries) at
      // once to fill it. (WHERE true: SQLite needs it between INSERT … SELECT and ON CONFLICT.)
      const labelled = this.table === 'appointments' && columns.includes('patient_id');
      const stmt = this.#sqlite.prepare(
        labelled
          ? `INSERT INTO ${t} (${cols.join(', ')}, patient_name, patient_mrn)
             SELECT v.*, p.full_name, p.mrn FROM (SELECT ${cols.map(() => '?').join(', ')}) AS v LEFT JOIN patients p ON p.id = ?
             WHERE true ${conflict}`
          : `INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ${conflict}`,
      );
      const at = columns.indexOf('patient_id');
      run = labelled ? (params) => stmt.run(...params, params[at]) : (params) => stmt.run(...params);
      this.#upserts.set(key, run);
    }
    if (mode === 'newer' && columns === this.#columns) this.#fullUpsert = run;
    return run;
  }

  /**
   * Writes one server row: the station's columns, only those it carries (an update may carry just the
   * changed ones); true when the local row changed. (Written for speed: a first snapshot passes here a
   * million times.)
   */
  #writeRow(value: Record<string, unknown>, mode: UpsertMode): boolean {
    let columns = this.#columns;
    for (const c of this.#columns) {
      if (!(c in value)) {
        columns = this.#columns.filter((x) => x in value);
        break;
      }
    }
    const params: unknown[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) params[i] = toSqlValue(this.#types[columns[i]!]!, value[columns[i]!]);
    if (this.#tokens && value.token != null && value.doctor_id !== undefined && value.date !== undefined) {
      // (A local walk-in numbered offline, say, while the server gave that number to another desk's patient:
      // the local row's own number comes with its server version.)
      this.#stmt.freeToken.run(value.doctor_id, value.date, value.token, value.id);
    }
    return this.#upsert(columns, mode)(params).changes > 0;
  }

  /** True while a pending outbox mutation holds this row (it must not be overwritten yet). */
  isPending(id: string): boolean {
    return this.#stmt.pending.get(id) !== undefined;
  }

  /**
   * Rows the server sent in answer to this desk's own mutations (after-images, or the current rows of a
   * refused one): each goes in unless a later pending mutation still holds it, in which case it waits in
   * sync_held like a streamed row. Returns how many rows changed.
   */
  settleRows(rows: readonly Record<string, unknown>[]): number {
    let changed = 0;
    for (const row of rows) {
      const id = row.id;
      if (typeof id !== 'string' || row.row_version === null || row.row_version === undefined) continue;
      if (this.isPending(id)) this.#hold(row);
      else if (this.#writeRow(row, 'settle')) changed++;
    }
    return changed;
  }

  /** A row the server no longer has (or never had): removed here unless a pending mutation still holds it. */
  dropRow(id: string): number {
    if (this.isPending(id)) return 0;
    return this.#stmt.del.run(id).changes;
  }

  /** A held row, once nothing pending holds it any more: in by row_version, like any streamed row. */
  releaseHeld(row: Record<string, unknown>): number {
    return this.#writeRow(row, 'newer') ? 1 : 0;
  }

  #hold(value: Record<string, unknown>): void {
    this.#stmt.hold.run(this.table, value.id, Number(value.row_version), JSON.stringify(value));
  }

  /**
   * Applies one delivered batch and saves the position, all in the caller's transaction.
   * `now` stamps up_to_date_at when the batch ends up to date.
   */
  apply(messages: readonly Message<Row<unknown>>[], position: ShapePosition, now: string): ApplyOutcome {
    const out: ApplyOutcome = { changed: 0, skipped: 0, upToDate: false, refetchDeleted: 0, mustRefetch: false };
    let refetching = this.position().refetching;
    let bulk = inBulk(this.#sqlite, this.table);
    if (!bulk && this.#stmt.anyRow.get() === undefined && countInserts(messages) >= BULK_MIN_ROWS) {
      // An empty table receiving a snapshot: load it without its secondary indexes and triggers, and build
      // them once the snapshot is complete (db/bulk.ts).
      beginBulk(this.#sqlite, this.table);
      bulk = true;
    }
    // Rows pending mutations wrote are not overwritten by streamed rows: those wait (migration 0008).
    const anyPending = this.#stmt.anyPending.get() !== undefined;
    for (const message of messages) {
      const headers = message.headers as Record<string, unknown>;
      const control = headers.control;
      if (control === 'must-refetch') {
        // Every server-known row is a candidate for removal until the new snapshot delivers it again.
        this.#stmt.refetchClear.run(this.table);
        this.#stmt.refetchMark.run(this.table);
        this.#stmt.setRefetching.run(1, this.table);
        refetching = true;
        out.mustRefetch = true;
        out.upToDate = false;
        continue;
      }
      if (control === 'up-to-date') {
        out.upToDate = true;
        if (refetching) {
          out.refetchDeleted += this.#stmt.refetchFinish.run(this.table).changes;
          this.#stmt.refetchClear.run(this.table);
          this.#stmt.setRefetching.run(0, this.table);
          refetching = false;
        }
        if (bulk) {
          finishBulk(this.#sqlite, this.table);
          bulk = false;
        }
        continue;
      }
      const operation = headers.operation;
      if (!('value' in message) || (operation !== 'insert' && operation !== 'update' && operation !== 'delete')) continue;
      const value = message.value as Record<string, unknown>;
      const id = value.id;
      if (typeof id !== 'string') continue;
      if (refetching) this.#stmt.refetchCross.run(this.table, id);
      if (anyPending && this.isPending(id)) {
        if (operation !== 'delete' && value.row_version !== null && value.row_version !== undefined) this.#hold(value);
        out.skipped++;
        continue;
      }
      if (operation === 'delete') {
        out.changed += this.#stmt.del.run(id).changes;
        continue;
      }
      if (value.row_version === null || value.row_version === undefined) {
        out.skipped++;
        continue;
      }
      if (this.#writeRow(value, 'newer')) out.changed++;
      else out.skipped++;
    }
    out.upToDate = out.upToDate && !refetching;
    this.#stmt.saveOffset.run(position.handle, position.offset, out.changed + out.refetchDeleted, out.upToDate ? now : null, this.table);
    return out;
  }
}
