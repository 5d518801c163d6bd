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
import { SHAPE_NAMES, shapeColumns, type ShapeName } from '../../src-shared/sync/shapes';
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
 * One batch runs in one transaction, each mutation inside its own savepoint, under a per-clinic lock:
 * batches of one clinic are decided one after another (first accepted booking wins), and a thousand
 * mutations cost one commit. A malformed batch is refused as a whole and changes nothing.
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
  mutations: z.array(envelope).min(1).max(MAX_MUTATIONS_PER_BATCH, `Send at most ${MAX_MUTATIONS_PER_BATCH} changes at a time.`),
});

export type RowsByTable = Partial<Record<ShapeName, Record<string, unknown>[]>>;

export type MutationResult =
  | { id: string; status: 'applied'; rows: RowsByTable; missing: Array<[ShapeName, string]> }
  | { id: string; status: 'rejected'; reason: string; message: string; details?: unknown; rows: RowsByTable; missing: Array<[ShapeName, string]> };

type Envelope = z.output<typeof envelope> & { name: MutationName };
type Db = Kysely<CentralDatabase>;
type Trx = Transaction<CentralDatabase>;

/** The server's side of a shared command's writes: scoped to the clinic, returning the after-images. */
class ServerWriter implements RowWriter {
  readonly written = new Map<string, { table: ShapeName; row: Record<string, unknown> }>();
  readonly #trx: Trx;
  readonly #clinicId: string;

  constructor(trx: Trx, clinicId: string) {
    this.#trx = trx;
    this.#clinicId = clinicId;
  }

  get #untyped() {
    return this.#trx as unknown as Kysely<Record<string, { id: string; clinic_id: string }>>;
  }

  async insert<T extends ShapeName>(table: T, row: NewRow<T>): Promise<void> {
    if ((row as { clinic_id: string }).clinic_id !== this.#clinicId) throw new Error('a command wrote a row of another clinic');
    const after = await this.#untyped
      .insertInto(table as string)
      .values(row as never)
      .returningAll()
      .executeTakeFirstOrThrow();
    this.written.set(`${table}:${after.id}`, { table, row: after });
  }

  async update<T extends ShapeName>(table: T, id: string, changes: Partial<NewRow<T>>): Promise<void> {
    const after = await this.#untyped
      .updateTable(table as string)
      .set(changes as never)
      .where('id', '=', id)
      .where('clinic_id', '=', this.#clinicId)
      .returningAll()
      .executeTakeFirst();
    if (!after) throw new ApiError({ code: 'not_found', reason: 'not_found', message: 'The record this change is about is not on the server.' });
    this.written.set(`${table}:${id}`, { table, row: after });
  }
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

/** Applies one pushed batch for one device. Throws (changing nothing) on a malformed batch. */
export async function applyMutations(db: Db, device: DevicesTable, raw: unknown, opts: { now: Date }): Promise<{ results: MutationResult[] }> {
  const parsed = mutationBatch.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const batch = parsed.data.mutations as Envelope[];
  const station = device.station_role;
  return db.transaction().execute(async (trx) => {
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

    const results: MutationResult[] = [];
    const records: Array<Omit<CentralDatabase['mutations'], 'received_at'>> = [];
    for (const m of batch) {
      const earlier = seen.get(m.id);
      if (earlier) {
        // Pushed before (the reply was lost): the same answer, with the rows as they are now.
        if (earlier.clinic_id !== device.clinic_id) throw new ApiError({ code: 'validation', reason: 'bad_mutation', message: 'A change in this batch is not this PC’s.' });
        const refs = (earlier.rows as Array<[ShapeName, string]>).concat(m.rows);
        const current = await currentRows(trx, device.clinic_id, station, refs);
        results.push(
          earlier.status === 'applied'
            ? { id: m.id, status: 'applied', ...current }
            : { id: m.id, status: 'rejected', reason: earlier.reason ?? 'rejected', message: earlier.message ?? '', details: earlier.details ?? undefined, ...current },
        );
        continue;
      }
      const madeAt = new Date(m.madeAt).toISOString();
      let refusal: ApiError | null = null;
      let written: ServerWriter | null = null;
      await sql`SAVEPOINT mutation`.execute(trx);
      try {
        const user = m.userId === SYSTEM_USER ? { id: SYSTEM_USER, role: 'system' as const, active: 1 } : await staffOf(m.userId);
        if (!user || user.active !== 1) {
          throw new ApiError({ code: 'permission', reason: 'user_unknown', message: 'The person who made this change is not an active staff member of the clinic on the server.' });
        }
        if (!mayMutate(m.name, user)) {
          throw new ApiError({ code: 'permission', reason: 'not_allowed', message: 'The person who made this change is not allowed to make it.' });
        }
        const writer = new ServerWriter(trx, device.clinic_id);
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
          device: { patientSeries: device.patient_series },
        };
        await runMutation(env, m.name, m.args);
        written = writer;
        await sql`RELEASE SAVEPOINT mutation`.execute(trx);
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT mutation`.execute(trx);
        refusal = err instanceof ApiError ? err : databaseRefusal(err);
        if (!refusal) throw err;
      }
      if (m.name === 'clinic.update') clinic = null;
      if (m.name.startsWith('staff.') || m.name === 'auth.changePassword') staffCache.clear();

      const writtenRefs = written ? [...written.written.values()].map((w): [ShapeName, string] => [w.table, String(w.row.id)]) : [];
      const extra = m.rows.filter(([t, id]) => !written?.written.has(`${t}:${id}`));
      const current = await currentRows(trx, device.clinic_id, station, extra);
      if (written) {
        for (const { table, row } of written.written.values()) (current.rows[table] ??= []).push(pick(row, table, station));
        results.push({ id: m.id, status: 'applied', ...current });
      } else {
        const body = refusal!.toBody();
        results.push({ id: m.id, status: 'rejected', reason: body.reason ?? body.code, message: body.message, details: body.details, ...current });
      }
      records.push({
        mutation_id: m.id,
        clinic_id: device.clinic_id,
        device_id: device.id,
        user_id: m.userId,
        name: m.name,
        made_at: madeAt,
        status: written ? 'applied' : 'rejected',
        reason: refusal ? (refusal.reason ?? refusal.code) : null,
        message: refusal ? refusal.message : null,
        details: refusal?.details === undefined ? null : JSON.stringify(refusal.details),
        rows: JSON.stringify(written ? writtenRefs : m.rows),
      });
    }
    if (records.length > 0) await trx.insertInto('mutations').values(records).execute();
    void opts;
    return { results };
  });
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
    if (found.length) rows[table] = found.map((r) => pick(r, table, station));
    for (const id of ids) if (!have.has(id)) missing.push([table, id]);
  }
  return { rows, missing };
}
