import { sql, type Kysely, type Transaction } from 'kysely';
import type { MethodArgs, MethodName, MethodOutput } from '../../src-shared/api/contract';
import type { ClinicInfo } from '../../src-shared/api/types';
import {
  runMutation as runSharedMutation,
  type AuditInput,
  type CommandEnv,
  type MutationArgs,
  type MutationName,
  type NewRow,
  type RowWriter,
  type SyncedDatabase,
  uncached,
  nothingUnstored,
} from '../../src-shared/commands';
import { DEFAULT_TIMEZONE } from '../../src-shared/dates';
import { ApiError, notFound } from '../../src-shared/errors';
import { newId } from '../../src-shared/ids';
import { stationReceives, type ShapeName } from '../../src-shared/sync/shapes';
import { CLINICAL_MUTATIONS, notAClinicalStation } from '../../src-shared/commands/consult';
import type { ScryptParams } from './auth/password';
import type { Session, SessionStore } from './auth/sessions';
import type { LocalDatabase } from './db/schema';
import type { Logger } from './log';

/** What changed, for live screens: the core emits it after a commit, hosts forward it to windows. */
export interface ChangeEvent {
  type: 'changed';
  entities: string[];
}

export interface CoreDeps {
  db: Kysely<LocalDatabase>;
  deviceId: string;
  clock: () => Date;
  log: Logger;
  sessions: SessionStore;
  scrypt: ScryptParams;
  emit(event: ChangeEvent): void;
  /** The clinic row, cached (null before first-run setup). */
  clinic(): Promise<ClinicInfo | null>;
  invalidateClinic(): void;
  /** A command queued an outbox mutation: the sync client pushes it at once (when joined to a server). */
  outboxChanged(): void;
  /** Why commands may not write just now (the desk's first upload to a server is under way), or null. */
  writesPaused(): string | null;
}

export interface CallContext extends CoreDeps {
  session: Session | null;
  token: string | null;
}

export type Handler<M extends MethodName> = (ctx: CallContext, args: MethodArgs<M>) => Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** Joins feature areas' handler maps into one; a name registered twice is a programming error. */
export function mergeHandlers<T extends Partial<Handlers>[]>(...maps: T): Handlers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [name, handler] of Object.entries(map)) {
      if (name in merged) throw new Error(`ClinicApi handler registered twice: ${name}`);
      merged[name] = handler;
    }
  }
  return merged as Handlers;
}

/** The data-convention columns of a new synced row (DESIGN.md §3): row_version stays null until the server has seen it. */
export function newRowConventions(who: { userId: string; clinicId: string }, now: string) {
  return { clinic_id: who.clinicId, created_at: now, updated_at: now, updated_by: who.userId, row_version: null, deleted_at: null };
}

export type { AuditInput };

export interface CommandOutcome<T> {
  result: T;
  audit: AuditInput[];
  /** The outbox mutation's arguments: what the server needs to re-run the command (no plain passwords). */
  mutationArgs: unknown;
  /** Entities whose screens should refresh. */
  entities: string[];
  /** The new-row ids the command made, in order (the server replays them). */
  ids?: string[];
  /** The synced rows the command wrote here. */
  rows?: Array<[ShapeName, string]>;
}

/**
 * Every write: domain rows + audit events + one outbox mutation, in one SQLite transaction.
 * The screen hears "done" only after the commit returned.
 */
export async function runCommand<T>(
  ctx: CoreDeps & { session: Session | null },
  name: MutationName,
  work: (trx: Transaction<LocalDatabase>, now: string) => Promise<CommandOutcome<T>>,
  actor?: { userId: string; clinicId: string },
): Promise<T> {
  const now = ctx.clock().toISOString();
  const who = actor ?? (ctx.session ? { userId: ctx.session.userId, clinicId: ctx.session.clinicId } : null);
  if (!who) throw new Error('runCommand needs a signed-in user or an explicit actor');
  const paused = ctx.writesPaused();
  if (paused) throw new ApiError({ code: 'conflict', reason: 'writes_paused', message: paused });
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const outcome = await work(trx, now);
    for (const a of outcome.audit) {
      await trx
        .insertInto('audit_events')
        .values({
          id: newId(),
          at: now,
          user_id: who.userId,
          device_id: ctx.deviceId,
          action: a.action,
          entity_type: a.entityType,
          entity_id: a.entityId,
          changes: JSON.stringify(a.changes),
          ...newRowConventions(who, now),
        })
        .execute();
    }
    const rows = outcome.rows ?? [];
    // A command that wrote nothing (an edit that changed nothing) has nothing to send.
    if (outcome.rows && rows.length === 0) return outcome;
    const { seq } = await trx
      .insertInto('outbox')
      .values({
        mutation_id: newId(),
        name,
        args: JSON.stringify(outcome.mutationArgs),
        device_id: ctx.deviceId,
        user_id: who.userId,
        created_at: now,
        ids: JSON.stringify(outcome.ids ?? []),
        rows: JSON.stringify(rows),
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    if (rows.length > 0) await trx.insertInto('outbox_rows').values(rows.map(([table, id]) => ({ row_id: id, seq, table_name: table }))).onConflict((oc) => oc.doNothing()).execute();
    return outcome;
  });
  ctx.outboxChanged();
  ctx.emit({ type: 'changed', entities: [...outcome.entities, 'sync'] });
  return outcome.result;
}

/** The desk's side of a shared command's writes: labels for appointments, and a list of what was written. */
class DeskWriter implements RowWriter {
  readonly rows: Array<[ShapeName, string]> = [];
  readonly #trx: Transaction<LocalDatabase>;
  readonly #clinicId: string;

  constructor(trx: Transaction<LocalDatabase>, clinicId: string) {
    this.#trx = trx;
    this.#clinicId = clinicId;
  }

  async insert<T extends ShapeName>(table: T, row: NewRow<T>): Promise<void> {
    const values: Record<string, unknown> = { ...row, row_version: null };
    if (table === 'appointments') {
      // The appointment's local label (migration 0003), copied here rather than by the insert trigger's second write.
      const label = await this.#trx.selectFrom('patients').select(['full_name', 'mrn']).where('id', '=', String(values.patient_id)).executeTakeFirst();
      values.patient_name = label?.full_name ?? null;
      values.patient_mrn = label?.mrn ?? null;
    }
    await this.#trx.insertInto(table).values(values as never).execute();
    this.#note(table, (row as { id: string }).id);
    if (table === 'invoices') await this.#countDocument(values);
  }

  /**
   * Every number this desk gives a document is remembered (document_counters, local): if the server refuses the
   * document and its row goes back to a draft, the number stays used, so it is never given to another.
   */
  async #countDocument(values: Record<string, unknown>) {
    if (typeof values.sequence !== 'number' || typeof values.series !== 'string' || typeof values.financial_year !== 'string') return;
    await this.#trx
      .insertInto('document_counters')
      .values({ series: values.series, financial_year: values.financial_year, last: values.sequence })
      .onConflict((oc) => oc.columns(['series', 'financial_year']).doUpdateSet({ last: sql`max(last, excluded.last)` }))
      .execute();
  }

  async update<T extends ShapeName>(table: T, id: string, changes: Partial<NewRow<T>>): Promise<void> {
    const r = await (this.#trx as unknown as Kysely<Record<string, { id: string; clinic_id: string }>>)
      .updateTable(table as string)
      .set(changes as never)
      .where('id', '=', id)
      .where('clinic_id', '=', this.#clinicId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('record');
    this.#note(table, id);
    if (table === 'invoices') await this.#countDocument(changes as Record<string, unknown>);
  }

  #note(table: ShapeName, id: string) {
    if (!this.rows.some(([t, i]) => t === table && i === id)) this.rows.push([table, id]);
  }
}

/**
 * A write through its shared command (src-shared/commands): run here at once, recorded in the outbox with
 * its arguments and the ids it made, so the server runs the same command again with the same rows.
 */
export async function runMutation<N extends MutationName>(
  ctx: CoreDeps & { session: Session | null },
  name: N,
  /** The arguments, or a function that makes them inside the command's transaction (a number from a series, say). */
  args: MutationArgs<N> | ((trx: Transaction<LocalDatabase>, now: string) => Promise<MutationArgs<N>>),
  actor?: { userId: string; clinicId: string; role: 'system' },
): Promise<unknown> {
  const who = actor ?? (ctx.session ? { userId: ctx.session.userId, clinicId: ctx.session.clinicId, role: ctx.session.role } : null);
  if (!who) throw new Error('runMutation needs a signed-in user or an explicit actor');
  const clinic = await ctx.clinic();
  return runCommand(
    ctx,
    name,
    async (trx, now) => {
      const device = await trx.selectFrom('device').select('patient_series').executeTakeFirstOrThrow();
      const conn = await trx.selectFrom('sync_connection').select(['invoice_series', 'station_role']).executeTakeFirst();
      const invoiceSeries = conn?.invoice_series ?? STANDALONE_INVOICE_SERIES;
      // Clinical records are written only where the station keeps them (a desk on its own keeps everything).
      if (conn && CLINICAL_MUTATIONS.has(name) && !stationReceives('clinical_notes', conn.station_role)) throw notAClinicalStation();
      const writer = new DeskWriter(trx, who.clinicId);
      const ids: string[] = [];
      const env: CommandEnv = {
        db: trx as unknown as Kysely<SyncedDatabase>,
        write: writer,
        now,
        who,
        newId: () => {
          const id = newId();
          ids.push(id);
          return id;
        },
        clinic: { timezone: clinic?.timezone ?? DEFAULT_TIMEZONE, noShowGraceMinutes: clinic?.noShowGraceMinutes ?? 15 },
        device: { patientSeries: device.patient_series, invoiceSeries },
        cached: uncached,
        batched: false,
        ...nothingUnstored,
      };
      const resolved = typeof args === 'function' ? await (args as (trx: Transaction<LocalDatabase>, now: string) => Promise<MutationArgs<N>>)(trx, now) : args;
      const out = await runSharedMutation(env, name, resolved);
      return { ...out, mutationArgs: resolved, ids, rows: writer.rows };
    },
    who,
  );
}

/**
 * This desk's document series: the one the server allotted at enrolment, or FD1 for a desk on its own (the
 * founding upload keeps FD1 for it: src-server/services/founding.ts allots the first free series).
 */
export async function deskInvoiceSeries(db: Kysely<LocalDatabase>): Promise<string> {
  const conn = await db.selectFrom('sync_connection').select('invoice_series').executeTakeFirst();
  return conn?.invoice_series ?? STANDALONE_INVOICE_SERIES;
}
export const STANDALONE_INVOICE_SERIES = 'FD1';

/** Typed access to the synced tables for code shared with the server (reads only the shape columns). */
export function syncedDb(db: Kysely<LocalDatabase>): Kysely<SyncedDatabase> {
  return db as unknown as Kysely<SyncedDatabase>;
}
