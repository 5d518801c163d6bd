import type { Kysely } from 'kysely';
import type { AuditChange } from '../api/types';
import type { Role } from '../roles';
import type { ShapeName, ShapeRow } from '../sync/shapes';

/**
 * The commands that write (DESIGN.md §3, §4): each one runs ONCE on the desk that made it — at once,
 * offline too — and AGAIN on the sync server, when the desk's outbox reaches it, inside one Postgres
 * transaction. The same code decides both times; only the environment differs:
 *  - `db` reads the synced tables inside the command's transaction. Queries are kysely, written to mean
 *    the same on SQLite and Postgres (counts go through Number(): Postgres returns bigint as text);
 *  - `write` persists rows: the desk adds its local columns (labels) and remembers which rows a pending
 *    mutation touched; the server scopes every write to the device's clinic and collects after-images;
 *  - `now` is the instant the command was made on the desk (an offline booking keeps its time);
 *  - `newId()` makes new row ids on the desk and replays the same ids on the server, in the same order,
 *    so the rows the server writes are the rows the desk already shows.
 */
export type SyncedDatabase = { [T in ShapeName]: ShapeRow<T> };

/** A row as a command writes it: row_version is not the writer's (null on a desk, the server's sequence centrally). */
export type NewRow<T extends ShapeName> = Omit<ShapeRow<T>, 'row_version'>;

export interface RowWriter {
  insert<T extends ShapeName>(table: T, row: NewRow<T>): Promise<void>;
  /** Updates one row of the caller's clinic; a row that is not there is a not-found refusal. */
  update<T extends ShapeName>(table: T, id: string, changes: Partial<NewRow<T>>): Promise<void>;
}

export interface CommandWho {
  userId: string;
  clinicId: string;
  role: Role | 'system';
}

export interface CommandEnv {
  db: Kysely<SyncedDatabase>;
  write: RowWriter;
  now: string;
  who: CommandWho;
  newId(): string;
  clinic: { timezone: string; noShowGraceMinutes: number };
  /**
   * The series of the device that made the command: its patient numbers (MRN) and its documents (invoice
   * series, e.g. FD1; the server's own online payments use 'ONLINE').
   */
  device: { patientSeries: string; invoiceSeries: string };
  /**
   * A read that may be remembered while nothing writes to `tables` (a doctor, a day's slots, a patient's
   * existence): the server runs a batch of hundreds of mutations in one transaction and needs not read the
   * same schedule for each. With `maintain`, a write to those tables updates the remembered value from the
   * row as written (its after-image) instead of forgetting it. On the desk it simply reads.
   */
  cached<T>(key: string, tables: readonly ShapeName[], load: () => Promise<T>, maintain?: (table: ShapeName, row: Record<string, unknown>, value: T) => void): Promise<T>;
  /** True where many mutations share one transaction (the server): reads worth remembering are shaped for it. */
  batched: boolean;
  /**
   * A row the batch has written but not stored yet (the server stores new appointments together at the end
   * of a batch), as it now stands; undefined otherwise, and always on the desk. Commands reading a row by id
   * that they may have written themselves look here first.
   */
  unstored<T extends ShapeName>(table: T, id: string): ShapeRow<T> | undefined;
  /** Every row of a table the batch has written but not stored yet (none on the desk). */
  unstoredRows<T extends ShapeName>(table: T): Iterable<ShapeRow<T>>;
}

/** For a side that remembers nothing (the desk: each command is its own transaction). */
export const uncached: CommandEnv['cached'] = (_key, _tables, load) => load();
export const nothingUnstored: Pick<CommandEnv, 'unstored' | 'unstoredRows'> = { unstored: () => undefined, unstoredRows: () => [] };

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  changes: AuditChange[];
}

export interface CommandOutput<T = unknown> {
  result: T;
  audit: AuditInput[];
  /** Screens (query keys) to refresh. */
  entities: string[];
}

/** The data-convention columns of a new synced row (DESIGN.md §3). */
export function newConventions(env: Pick<CommandEnv, 'who' | 'now'>) {
  return { clinic_id: env.who.clinicId, created_at: env.now, updated_at: env.now, updated_by: env.who.userId, deleted_at: null };
}

/** The convention columns of an edit. */
export function touched(env: Pick<CommandEnv, 'who' | 'now'>) {
  return { updated_at: env.now, updated_by: env.who.userId };
}
