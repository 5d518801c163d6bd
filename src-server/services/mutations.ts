import { sql, type Kysely, type Transaction } from 'kysely';
import { z } from 'zod';
import { validationError } from '../../src-shared/api/validation';
import { ApiError } from '../../src-shared/errors';
import {
  isMutationName,
  mayMutate,
  runMutation,
  SYSTEM_USER,
  type CommandEnv,
  type MutationName,
  type NewRow,
  type RowWriter,
  type SyncedDatabase,
} from '../../src-shared/commands';
import { DEFAULT_TIMEZONE } from '../../src-shared/dates';
import type { Role } from '../../src-shared/roles';
import { SHAPE_NAMES, shapeColumns, stationReceives, type ShapeName } from '../../src-shared/sync/shapes';
import { CLINICAL_MUTATIONS, notAClinicalStation } from '../../src-shared/commands/consult';
import type { CentralDatabase, DevicesTable } from '../db/schema';

/**
 * The write path (DESIGN.md §4): a desk pushes its outbox, in order, to POST /v1/mutations. Each mutation
 * is the name of a shared command (src-shared/commands), its arguments, and the ids of the rows it made
 * on the desk. The server runs the same command again, against the clinic's current rows:
 *  - the user must be an active staff member of the device's clinic whose role may make that change
 *    (the permission table the desk enforced), and the device must not be revoked;
 *  - every read and write is scoped to the device's clinic: a mutation naming another clinic's row finds
 *    nothing and is rejected;
 *  - a mutation is applied at most once: its mutation_id is recorded with its outcome, in the transaction of
 *    its writes, and a repeated push gets the recorded answer;
 *  - the answer, per mutation: applied with the rows as they now are (after-images, with row_version), or
 *    rejected with the reason in plain words and the current rows, so the desk returns its copy to the
 *    server's truth and puts the mutation in its "needs attention" inbox.
 * One batch runs in one transaction under a per-clinic lock: batches of one clinic are decided one after
 * another (first accepted booking wins), and a thousand mutations cost one commit. A refused mutation is
 * undone alone (see applyMutations: savepoints when needed). A malformed batch is refused as a whole and
 * changes nothing.
 */
export const MAX_MUTATIONS_PER_BATCH = 500;

const rowRef = z.tuple([z.enum(SHAPE_NAMES as [ShapeName, ...ShapeName[]]), z.uuid()]);

const envelope = z.object({
  id: z.uuid({ error: 'A mutation id must be a UUID.' }),
  name: z.string().refine(isMutationName, { error: 'That change is not one this server knows. Update ClinicDesk on this PC.' }),
  args: z.unknown(),
  ids: z.array(z.uuid()).max(10_000).default([]),
  rows: z.array(rowRef).max(10_000).default([]),
  userId: z.string().min(1).max(64),
  madeAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'A mutation needs the time it was made.' }),
});

export const mutationBatch = z.object({
  mutations: z
    .array(envelope)
    .min(1)
    .max(MAX_MUTATIONS_PER_BATCH, `Send at most ${MAX_MUTATIONS_PER_BATCH} changes at a time.`)
    .refine((ms) => new Set(ms.map((m) => m.id)).size === ms.length, { error: 'A change appears twice in this batch.' }),
});

export type RowsByTable = Partial<Record<ShapeName, Record<string, unknown>[]>>;

export type MutationResult =
  | { id: string; status: 'applied'; rows: RowsByTable; missing: Array<[ShapeName, string]> }
  | { id: string; status: 'rejected'; reason: string; message: string; details?: unknown; rows: RowsByTable; missing: Array<[ShapeName, string]> };

type Envelope = z.output<typeof envelope> & { name: MutationName };
type Db = Kysely<CentralDatabase>;
type Trx = Transaction<CentralDatabase>;

/**
 * Tables whose new rows wait and go in together, one statement per table, when the batch is stored (flush):
 * an appointment insert with its triggers and indexes costs as much as the rest of a booking. Commands
 * read such rows back only through CommandEnv.unstored (by id) and the batch's day books, which see them.
 */
const DEFERRED: ReadonlySet<ShapeName> = new Set(['appointments', 'appointment_transitions']);

/** Rows the batch has written but not stored yet, with the mutations that wrote them. */
type Unstored = Map<string, { table: ShapeName; row: Record<string, unknown>; writers: Set<ServerWriter> }>;

/**
 * The server's side of a shared command's writes: scoped to the clinic, returning the after-images. New
 * rows of DEFERRED tables (and later edits of them) stay in memory — this mutation's own until it is
 * accepted (commit), then the batch's — and are stored by flush. Every write tells the batch's cache.
 */
class ServerWriter implements RowWriter {
  readonly written = new Map<string, { table: ShapeName; row: Record<string, unknown> }>();
  /** This mutation's rows not stored yet (given up if it is refused). */
  readonly overlay = new Map<string, { table: ShapeName; row: Record<string, unknown> }>();
  /** Whether a statement changed the database (a refusal after that needs a savepoint to undo it). */
  wrote = false;
  readonly #trx: Trx;
  readonly #clinicId: string;
  readonly #unstored: Unstored;
  readonly #touched: (table: ShapeName, after: Record<string, unknown>) => void;

  constructor(trx: Trx, clinicId: string, unstored: Unstored, touched: (table: ShapeName, after: Record<string, unknown>) => void) {
    this.#trx = trx;
    this.#clinicId = clinicId;
    this.#unstored = unstored;
    this.#touched = touched;
  }

  get #untyped() {
    return this.#trx as unknown as Kysely<Record<string, { id: string; clinic_id: string }>>;
  }

  /** A row this batch has written and not stored yet, as it now stands. */
  unstored(table: ShapeName, id: string): Record<string, unknown> | undefined {
    const key = `${table}:${id}`;
    return (this.overlay.get(key) ?? this.#unstored.get(key))?.row;
  }

  /** Every such row of a table (this mutation's own versions first). */
  *unstoredRows(table: ShapeName): Iterable<Record<string, unknown>> {
    for (const entry of this.overlay.values()) if (entry.table === table) yield entry.row;
    for (const [key, entry] of this.#unstored) if (entry.table === table && !this.overlay.has(key)) yield entry.row;
  }

  async insert<T extends ShapeName>(table: T, row: NewRow<T>): Promise<void> {
    if ((row as { clinic_id: string }).clinic_id !== this.#clinicId) throw new Error('a command wrote a row of another clinic');
    if (DEFERRED.has(table)) {
      const copy = { ...(row as Record<string, unknown>) };
      this.overlay.set(`${table}:${copy.id}`, { table, row: copy });
      this.#touched(table, copy);
      return;
    }
    this.wrote = true;
    const after = await this.#untyped
      .insertInto(table as string)
      .values(row as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.#touched(table, after);
    this.written.set(`${table}:${after.id}`, { table, row: after });
  }

  async update<T extends ShapeName>(table: T, id: string, changes: Partial<NewRow<T>>): Promise<void> {
    const held = this.unstored(table, id);
    if (held) {
      const next = { ...held, ...(changes as Record<string, unknown>) };
      this.overlay.set(`${table}:${id}`, { table, row: next });
      this.#touched(table, next);
      return;
    }
    this.wrote = true;
    const after = await this.#untyped
      .updateTable(table as string)
      .set(changes as never)
      .where('id', '=', id)
      .where('clinic_id', '=', this.#clinicId)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw new ApiError({ code: 'not_found', reason: 'not_found', message: 'The record this change is about is not on the server.' });
    this.#touched(table, after);
    this.written.set(`${table}:${id}`, { table, row: after });
  }

  /** The mutation is accepted: its unstored rows become the batch's. */
  commit(): void {
    for (const [key, entry] of this.overlay) {
      const writers = this.#unstored.get(key)?.writers ?? new Set<ServerWriter>();
      writers.add(this);
      this.#unstored.set(key, { table: entry.table, row: entry.row, writers });
    }
    this.overlay.clear();
  }
}

/** Stores the batch's unstored rows, one statement per table in dependency order, and files each after-image with the mutations that wrote it. */
async function flush(trx: Trx, unstored: Unstored): Promise<void> {
  for (const table of SHAPE_NAMES) {
    const rows = [...unstored.values()].filter((u) => u.table === table);
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      const after = await (trx as unknown as Kysely<Record<string, { id: string }>>)
        .insertInto(table)
        .values(part.map((p) => p.row) as never)
        .returningAll()
        .execute();
      const owners = new Map(part.map((p) => [String(p.row.id), p.writers]));
      for (const row of after) for (const w of owners.get(row.id)!) w.written.set(`${table}:${row.id}`, { table, row });
    }
  }
  unstored.clear();
}

/** A refusal the database made (a duplicate number, a broken reference), in words for the desk. */
function databaseRefusal(err: unknown): ApiError | null {
  const code = (err as { code?: string }).code;
  if (code === '23505') return new ApiError({ code: 'conflict', reason: 'duplicate', message: 'The server already holds a record with the same number or name.' });
  if (code === '23503') return new ApiError({ code: 'conflict', reason: 'missing_reference', message: 'This change refers to a record the server does not have.' });
  if (code === '23514' || code === '22P02' || code === '22007' || code === '22008') {
    return new ApiError({ code: 'validation', reason: 'row_refused', message: 'The server refused this change: a value is not allowed.' });
  }
  return null;
}

interface Staff {
  id: string;
  role: Role;
  active: number;
}

/** Thrown in the fast pass when a mutation must be undone after it wrote: the batch runs again with savepoints. */
class NeedsSavepoints extends Error {}

/** Applies one pushed batch for one device. Throws (changing nothing) on a malformed batch. */
export async function applyMutations(db: Db, device: DevicesTable, raw: unknown, opts: { now: Date }): Promise<{ results: MutationResult[] }> {
  const parsed = mutationBatch.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const batch = parsed.data.mutations as Envelope[];
  void opts;
  // Fast pass: no savepoints; a mutation refused before it wrote anything needs nothing undone. Should one
  // need undoing (refused after a write, or the database refused a statement), the transaction is rolled
  // back and the batch runs again with a savepoint around each mutation: same rows, same answers.
  try {
    return await db.transaction().execute((trx) => applyBatch(trx, device, batch, false));
  } catch (err) {
    if (!(err instanceof NeedsSavepoints)) throw err;
    return db.transaction().execute((trx) => applyBatch(trx, device, batch, true));
  }
}

async function applyBatch(trx: Trx, device: DevicesTable, batch: Envelope[], savepoints: boolean): Promise<{ results: MutationResult[] }> {
  const station = device.station_role;
  // One clinic's batches one after another: a slot's last place goes to exactly one of them.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`clinicdesk.mutations.${device.clinic_id}`}, 0))`.execute(trx);
  const still = await trx.selectFrom('devices').select('revoked_at').where('id', '=', device.id).executeTakeFirst();
  if (!still || still.revoked_at) throw new ApiError({ code: 'permission', reason: 'device_revoked', message: 'This PC has been removed from the clinic server by an administrator.' });

  const seen = new Map(
    (
      await trx
        .selectFrom('mutations')
        .selectAll()
        .where(
          'mutation_id',
          'in',
          batch.map((m) => m.id),
        )
        .execute()
    ).map((m) => [m.mutation_id, m]),
  );
  const staffCache = new Map<string, Staff | null>();
  const staffOf = async (userId: string): Promise<Staff | null> => {
    if (!staffCache.has(userId)) {
      const row = await trx.selectFrom('staff').select(['id', 'role', 'active']).where('id', '=', userId).where('clinic_id', '=', device.clinic_id).where('deleted_at', 'is', null).executeTakeFirst();
      staffCache.set(userId, row ? { ...row, role: row.role as Role } : null);
    }
    return staffCache.get(userId)!;
  };
  let clinic: CommandEnv['clinic'] | null = null;
  const clinicSettings = async () => {
    if (!clinic) {
      const row = await trx.selectFrom('clinics').select(['timezone', 'no_show_grace_minutes']).where('id', '=', device.clinic_id).executeTakeFirstOrThrow();
      clinic = { timezone: row.timezone ?? DEFAULT_TIMEZONE, noShowGraceMinutes: row.no_show_grace_minutes ?? 15 };
    }
    return clinic;
  };
  // Reads the commands ask to remember (CommandEnv.cached): forgotten, or maintained from the after-image,
  // when the batch writes to one of their tables.
  interface Remembered {
    tables: readonly ShapeName[];
    value: Promise<unknown>;
    resolved?: { value: unknown };
    maintain?: (table: ShapeName, row: Record<string, unknown>, value: unknown) => void;
  }
  const cache = new Map<string, Remembered>();
  const unstored: Unstored = new Map();
  const touched = (table: ShapeName, after: Record<string, unknown>) => {
    for (const [key, entry] of cache) {
      if (!entry.tables.includes(table)) continue;
      if (entry.maintain && entry.resolved) entry.maintain(table, after, entry.resolved.value);
      else cache.delete(key);
    }
    if (table === 'staff') staffCache.clear();
    if (table === 'clinics') clinic = null;
  };
  const cached: CommandEnv['cached'] = (key, tables, load, maintain) => {
    let entry = cache.get(key);
    if (!entry) {
      const value = load();
      const made: Remembered = { tables, value, maintain: maintain as Remembered['maintain'] };
      entry = made;
      cache.set(key, made);
      value.then(
        (v) => (made.resolved = { value: v }),
        () => cache.delete(key), // a refusal is not remembered
      );
    }
    return entry.value as ReturnType<typeof load>;
  };

  interface Outcome {
    m: Envelope;
    madeAt: string;
    writer: ServerWriter | null;
    refusal: ApiError | null;
  }
  const outcomes: Array<Outcome | { m: Envelope; earlier: NonNullable<ReturnType<typeof seen.get>> }> = [];
  for (const m of batch) {
    const earlier = seen.get(m.id);
    if (earlier) {
      // Pushed before (the reply was lost): the same answer, with the rows as they are now.
      if (earlier.clinic_id !== device.clinic_id) throw new ApiError({ code: 'validation', reason: 'bad_mutation', message: 'A change in this batch is not this PC’s.' });
      outcomes.push({ m, earlier });
      continue;
    }
    const madeAt = new Date(m.madeAt).toISOString();
    const writer = new ServerWriter(trx, device.clinic_id, unstored, touched);
    let refusal: ApiError | null = null;
    if (savepoints) await sql`SAVEPOINT mutation`.execute(trx);
    try {
      const user = m.userId === SYSTEM_USER ? { id: SYSTEM_USER, role: 'system' as const, active: 1 } : await staffOf(m.userId);
      if (!user || user.active !== 1) {
        throw new ApiError({ code: 'permission', reason: 'user_unknown', message: 'The person who made this change is not an active staff member of the clinic on the server.' });
      }
      if (!mayMutate(m.name, user)) {
        throw new ApiError({ code: 'permission', reason: 'not_allowed', message: 'The person who made this change is not allowed to make it.' });
      }
      if (CLINICAL_MUTATIONS.has(m.name) && !stationReceives('clinical_notes', station)) throw notAClinicalStation();
      const ids = [...m.ids];
      const env: CommandEnv = {
        db: trx as unknown as Kysely<SyncedDatabase>,
        write: writer,
        now: madeAt,
        who: { userId: user.id, clinicId: device.clinic_id, role: user.role },
        newId: () => {
          const id = ids.shift();
          if (!id) throw new ApiError({ code: 'validation', reason: 'bad_mutation', message: 'The change did not carry the ids of the records it makes.' });
          return id;
        },
        clinic: await clinicSettings(),
        device: { patientSeries: device.patient_series, invoiceSeries: device.invoice_series },
        cached,
        batched: true,
        unstored: (table, id) => writer.unstored(table, id) as never,
        unstoredRows: (table) => writer.unstoredRows(table) as never,
      };
      await runMutation(env, m.name, m.args);
      writer.commit();
      if (savepoints) {
        await flush(trx, unstored);
        await sql`RELEASE SAVEPOINT mutation`.execute(trx);
      }
    } catch (err) {
      if (!savepoints && (writer.wrote || !(err instanceof ApiError))) throw new NeedsSavepoints();
      if (savepoints) await sql`ROLLBACK TO SAVEPOINT mutation`.execute(trx);
      cache.clear();
      staffCache.clear();
      clinic = null;
      writer.overlay.clear();
      if (savepoints) unstored.clear();
      refusal = err instanceof ApiError ? err : databaseRefusal(err);
      if (!refusal) throw err;
    }
    outcomes.push({ m, madeAt, writer: refusal ? null : writer, refusal });
  }
  if (!savepoints) {
    try {
      await flush(trx, unstored);
    } catch {
      throw new NeedsSavepoints();
    }
  }

  const results: MutationResult[] = [];
  const records: Array<Omit<CentralDatabase['mutations'], 'received_at'>> = [];
  for (const o of outcomes) {
    const m = o.m;
    if ('earlier' in o) {
      const refs = (o.earlier.rows as Array<[ShapeName, string]>).concat(m.rows);
      const current = await currentRows(trx, device.clinic_id, station, refs);
      results.push(
        o.earlier.status === 'applied'
          ? { id: m.id, status: 'applied', ...current }
          : { id: m.id, status: 'rejected', reason: o.earlier.reason ?? 'rejected', message: o.earlier.message ?? '', details: o.earlier.details ?? undefined, ...current },
      );
      continue;
    }
    const written = o.writer;
    const writtenRefs = written ? [...written.written.values()].map((w): [ShapeName, string] => [w.table, String(w.row.id)]) : [];
    const extra = m.rows.filter(([t, id]) => !written?.written.has(`${t}:${id}`));
    const current = await currentRows(trx, device.clinic_id, station, extra);
    if (written) {
      for (const { table, row } of written.written.values()) if (stationReceives(table, station)) (current.rows[table] ??= []).push(pick(row, table, station));
      results.push({ id: m.id, status: 'applied', ...current });
    } else {
      const body = o.refusal!.toBody();
      results.push({ id: m.id, status: 'rejected', reason: body.reason ?? body.code, message: body.message, details: body.details, ...current });
    }
    records.push({
      mutation_id: m.id,
      clinic_id: device.clinic_id,
      device_id: device.id,
      user_id: m.userId,
      name: m.name,
      made_at: o.madeAt,
      status: written ? 'applied' : 'rejected',
      reason: o.refusal ? (o.refusal.reason ?? o.refusal.code) : null,
      message: o.refusal ? o.refusal.message : null,
      details: o.refusal?.details === undefined ? null : JSON.stringify(o.refusal.details),
      rows: JSON.stringify(written ? writtenRefs : m.rows),
    });
  }
  for (let i = 0; i < records.length; i += 500) await trx.insertInto('mutations').values(records.slice(i, i + 500)).execute();
  return { results };
}

/** A row as the device's station receives it (the columns of its shape). */
function pick(row: Record<string, unknown>, table: ShapeName, station: DevicesTable['station_role']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of shapeColumns(table, station)) out[c] = row[c] ?? null;
  return out;
}

/** The rows named, as they are now (for the station), and those the server does not have. */
async function currentRows(
  trx: Trx,
  clinicId: string,
  station: DevicesTable['station_role'],
  refs: Array<[ShapeName, string]>,
): Promise<{ rows: RowsByTable; missing: Array<[ShapeName, string]> }> {
  const rows: RowsByTable = {};
  const missing: Array<[ShapeName, string]> = [];
  const byTable = new Map<ShapeName, Set<string>>();
  for (const [t, id] of refs) {
    let set = byTable.get(t);
    if (!set) byTable.set(t, (set = new Set()));
    set.add(id);
  }
  for (const [table, ids] of byTable) {
    const found = await (trx as unknown as Kysely<Record<string, { id: string; clinic_id: string }>>)
      .selectFrom(table)
      .selectAll()
      .where('id', 'in', [...ids])
      .where('clinic_id', '=', clinicId)
      .execute();
    const have = new Set(found.map((r) => r.id));
    // A table this station does not receive is never sent to it (clinical records to a front desk PC).
    if (!stationReceives(table, station)) continue;
    if (found.length) rows[table] = found.map((r) => pick(r, table, station));
    for (const id of ids) if (!have.has(id)) missing.push([table, id]);
  }
  return { rows, missing };
}

/**
 * A command the server makes itself (a payment Razorpay confirmed): the same shared command, as the system
 * user, in its own transaction under the clinic's lock, so it is decided in turn with the desks' batches.
 * Nothing is recorded in `mutations` (no desk made it); desks receive its rows through their shapes.
 */
export async function runServerCommand(db: Db, clinicId: string, name: MutationName, args: unknown, opts: { now: Date; newId: () => string }): Promise<unknown> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`clinicdesk.mutations.${clinicId}`}, 0))`.execute(trx);
    const clinic = await trx.selectFrom('clinics').select(['timezone', 'no_show_grace_minutes']).where('id', '=', clinicId).executeTakeFirst();
    if (!clinic) throw new ApiError({ code: 'not_found', reason: 'not_found', message: 'That clinic is not on this server.' });
    const writer = new ServerWriter(trx, clinicId, new Map(), () => {});
    const env: CommandEnv = {
      db: trx as unknown as Kysely<SyncedDatabase>,
      write: writer,
      now: opts.now.toISOString(),
      who: { userId: SYSTEM_USER, clinicId, role: 'system' },
      newId: opts.newId,
      clinic: { timezone: clinic.timezone ?? DEFAULT_TIMEZONE, noShowGraceMinutes: clinic.no_show_grace_minutes ?? 15 },
      device: { patientSeries: '', invoiceSeries: 'ONLINE' },
      cached: (_key, _tables, load) => load(),
      batched: false,
      unstored: () => undefined,
      unstoredRows: () => [],
    };
    const out = await runMutation(env, name, args);
    return out.result;
  });
}
