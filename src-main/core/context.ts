import type { Kysely, Transaction } from 'kysely';
import type { MethodArgs, MethodName, MethodOutput } from '../../src-shared/api/contract';
import type { AuditChange, ClinicInfo } from '../../src-shared/api/types';
import { newId } from '../../src-shared/ids';
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

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  changes: AuditChange[];
}

export interface CommandOutcome<T> {
  result: T;
  audit: AuditInput[];
  /** The outbox mutation's arguments: what the server needs to re-run the command (no plain passwords). */
  mutationArgs: unknown;
  /** Entities whose screens should refresh. */
  entities: string[];
}

/**
 * Every write: domain rows + audit events + one outbox mutation, in one SQLite transaction.
 * The screen hears "done" only after the commit returned.
 */
export async function runCommand<T>(
  ctx: CoreDeps & { session: Session | null },
  name: MethodName,
  work: (trx: Transaction<LocalDatabase>, now: string) => Promise<CommandOutcome<T>>,
  actor?: { userId: string; clinicId: string },
): Promise<T> {
  const now = ctx.clock().toISOString();
  const who = actor ?? (ctx.session ? { userId: ctx.session.userId, clinicId: ctx.session.clinicId } : null);
  if (!who) throw new Error('runCommand needs a signed-in user or an explicit actor');
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
    await trx
      .insertInto('outbox')
      .values({
        mutation_id: newId(),
        name,
        args: JSON.stringify(outcome.mutationArgs),
        device_id: ctx.deviceId,
        user_id: who.userId,
        created_at: now,
      })
      .execute();
    return outcome;
  });
  ctx.emit({ type: 'changed', entities: outcome.entities });
  return outcome.result;
}
