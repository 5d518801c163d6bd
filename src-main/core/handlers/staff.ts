import type { StaffMember } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { hashPassword } from '../auth/password';
import { runMutation, type Handlers } from '../context';
import { staffFromRow } from '../../../src-shared/commands/rows';

export const staffHandlers: Pick<Handlers, 'staff.list' | 'staff.create' | 'staff.update' | 'staff.setActive' | 'staff.resetPassword'> = {
  async 'staff.list'(ctx, { includeInactive }) {
    let q = ctx.db.selectFrom('staff').selectAll().where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null);
    if (!includeInactive) q = q.where('active', '=', 1);
    const rows = await q.orderBy('active', 'desc').orderBy('display_name').execute();
    return rows.map(staffFromRow);
  },

  async 'staff.create'(ctx, { password, ...input }) {
    const passwordHash = await hashPassword(password, ctx.scrypt);
    return (await runMutation(ctx, 'staff.create', { ...input, id: newId(), passwordHash })) as StaffMember;
  },

  async 'staff.update'(ctx, input) {
    const result = (await runMutation(ctx, 'staff.update', input)) as StaffMember;
    ctx.sessions.updateRole(input.id, result.role);
    return result;
  },

  async 'staff.setActive'(ctx, input) {
    const result = (await runMutation(ctx, 'staff.setActive', input)) as StaffMember;
    if (!input.active) ctx.sessions.deleteForUser(input.id);
    return result;
  },

  async 'staff.resetPassword'(ctx, { id, newPassword }) {
    const passwordHash = await hashPassword(newPassword, ctx.scrypt);
    await runMutation(ctx, 'staff.resetPassword', { id, passwordHash });
    if (id !== ctx.session!.userId) ctx.sessions.deleteForUser(id);
    return { reset: true as const };
  },
};
