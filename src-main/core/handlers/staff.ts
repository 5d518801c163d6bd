import { ApiError, notFound } from '../../../src-shared/errors';
import { auditDiff } from '../../../src-shared/audit';
import { newId } from '../../../src-shared/ids';
import type { Transaction } from 'kysely';
import { hashPassword } from '../auth/password';
import { runCommand, type CallContext, type Handlers } from '../context';
import type { LocalDatabase } from '../db/schema';
import { staffFromRow } from '../mappers';

const usernameTaken = () =>
  new ApiError({ code: 'conflict', reason: 'username_taken', fields: { username: 'This username is already taken.' }, message: 'This username is already taken. Choose another.' });

async function loadStaff(trx: Transaction<LocalDatabase>, ctx: CallContext, id: string) {
  const row = await trx
    .selectFrom('staff')
    .selectAll()
    .where('id', '=', id)
    .where('clinic_id', '=', ctx.session!.clinicId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('staff member');
  return row;
}

/** The clinic must always keep at least one active administrator. */
async function assertAnotherActiveAdmin(trx: Transaction<LocalDatabase>, ctx: CallContext, exceptId: string) {
  const other = await trx
    .selectFrom('staff')
    .select('id')
    .where('clinic_id', '=', ctx.session!.clinicId)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .where('deleted_at', 'is', null)
    .where('id', '!=', exceptId)
    .executeTakeFirst();
  if (!other) {
    throw new ApiError({ code: 'conflict', reason: 'last_admin', message: 'The clinic needs at least one active administrator. Make someone else an administrator first.' });
  }
}

export const staffHandlers: Pick<Handlers, 'staff.list' | 'staff.create' | 'staff.update' | 'staff.setActive' | 'staff.resetPassword'> = {
  async 'staff.list'(ctx, { includeInactive }) {
    let q = ctx.db.selectFrom('staff').selectAll().where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null);
    if (!includeInactive) q = q.where('active', '=', 1);
    const rows = await q.orderBy('active', 'desc').orderBy('display_name').execute();
    return rows.map(staffFromRow);
  },

  async 'staff.create'(ctx, input) {
    const passwordHash = await hashPassword(input.password, ctx.scrypt);
    return runCommand(ctx, 'staff.create', async (trx, now) => {
      const taken = await trx.selectFrom('staff').select('id').where('clinic_id', '=', ctx.session!.clinicId).where('username', '=', input.username).executeTakeFirst();
      if (taken) throw usernameTaken();
      const row = {
        id: newId(),
        username: input.username,
        display_name: input.displayName,
        role: input.role,
        password_hash: passwordHash,
        active: 1,
        clinic_id: ctx.session!.clinicId,
        created_at: now,
        updated_at: now,
        updated_by: ctx.session!.userId,
        row_version: null,
        deleted_at: null,
      };
      await trx.insertInto('staff').values(row).execute();
      const member = staffFromRow(row);
      return {
        result: member,
        audit: [{ action: 'staff.created', entityType: 'staff', entityId: row.id, changes: auditDiff(null, { ...member, passwordHash }) }],
        mutationArgs: { staff: row },
        entities: ['staff'],
      };
    });
  },

  async 'staff.update'(ctx, { id, ...changes }) {
    const result = await runCommand(ctx, 'staff.update', async (trx, now) => {
      const row = await loadStaff(trx, ctx, id);
      const values = {
        display_name: changes.displayName ?? row.display_name,
        role: changes.role ?? row.role,
      };
      if (row.role === 'admin' && values.role !== 'admin' && row.active === 1) await assertAnotherActiveAdmin(trx, ctx, id);
      const next = { ...row, ...values, updated_at: now, updated_by: ctx.session!.userId };
      const diff = auditDiff({ ...staffFromRow(row) }, { ...staffFromRow(next) });
      if (diff.length > 0) await trx.updateTable('staff').set({ ...values, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', id).execute();
      return {
        result: staffFromRow(diff.length > 0 ? next : row),
        audit: diff.length > 0 ? [{ action: 'staff.updated', entityType: 'staff', entityId: id, changes: diff }] : [],
        mutationArgs: { id, changes: Object.fromEntries(diff.map((c) => [c.field, c.after])) },
        entities: ['staff'],
      };
    });
    ctx.sessions.updateRole(id, result.role);
    return result;
  },

  async 'staff.setActive'(ctx, { id, active }) {
    if (!active && id === ctx.session!.userId) {
      throw new ApiError({ code: 'conflict', reason: 'self', message: 'You cannot deactivate your own account while signed in with it.' });
    }
    const result = await runCommand(ctx, 'staff.setActive', async (trx, now) => {
      const row = await loadStaff(trx, ctx, id);
      if (!active && row.role === 'admin') await assertAnotherActiveAdmin(trx, ctx, id);
      const next = { ...row, active: active ? 1 : 0, updated_at: now, updated_by: ctx.session!.userId };
      await trx.updateTable('staff').set({ active: next.active, updated_at: now, updated_by: next.updated_by }).where('id', '=', id).execute();
      return {
        result: staffFromRow(next),
        audit: [{ action: active ? 'staff.activated' : 'staff.deactivated', entityType: 'staff', entityId: id, changes: auditDiff({ ...staffFromRow(row) }, { ...staffFromRow(next) }) }],
        mutationArgs: { id, active },
        entities: ['staff'],
      };
    });
    if (!active) ctx.sessions.deleteForUser(id);
    return result;
  },

  async 'staff.resetPassword'(ctx, { id, newPassword }) {
    const passwordHash = await hashPassword(newPassword, ctx.scrypt);
    await runCommand(ctx, 'staff.resetPassword', async (trx, now) => {
      const row = await loadStaff(trx, ctx, id);
      await trx.updateTable('staff').set({ password_hash: passwordHash, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', id).execute();
      return {
        result: null,
        audit: [{ action: 'staff.password_reset', entityType: 'staff', entityId: id, changes: auditDiff({ passwordHash: row.password_hash }, { passwordHash }) }],
        mutationArgs: { id, passwordHash },
        entities: ['staff'],
      };
    });
    if (id !== ctx.session!.userId) ctx.sessions.deleteForUser(id);
    return { reset: true as const };
  },
};

