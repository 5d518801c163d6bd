import { ApiError, notFound } from '../../../src-shared/errors';
import { auditDiff } from '../../../src-shared/audit';
import { runCommand, type Handlers } from '../context';
import { clinicFromRow } from '../mappers';

export const clinicHandlers: Pick<Handlers, 'clinic.get' | 'clinic.update'> = {
  async 'clinic.get'(ctx) {
    const clinic = await ctx.clinic();
    if (!clinic) throw notFound('clinic');
    return clinic;
  },

  async 'clinic.update'(ctx, input) {
    const current = await ctx.clinic();
    if (!current) throw notFound('clinic');
    const result = await runCommand(ctx, 'clinic.update', async (trx, now) => {
      const row = await trx.selectFrom('clinics').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow();
      const values = {
        legal_name: input.legalName,
        trade_name: input.tradeName,
        address_line: input.addressLine,
        city: input.city,
        state_code: input.stateCode,
        pincode: input.pincode,
        phone: input.phone,
        gstin: input.gstin,
        timezone: input.timezone,
        idle_lock_minutes: input.idleLockMinutes,
        no_show_grace_minutes: input.noShowGraceMinutes ?? row.no_show_grace_minutes,
        updated_at: now,
        updated_by: ctx.session!.userId,
      };
      const next = { ...row, ...values };
      const changes = auditDiff({ ...clinicFromRow(row) }, { ...clinicFromRow(next) });
      if (changes.length === 0) throw new ApiError({ code: 'conflict', reason: 'no_change', message: 'Nothing was changed.' });
      await trx.updateTable('clinics').set(values).where('id', '=', current.id).execute();
      return {
        result: clinicFromRow(next),
        audit: [{ action: 'clinic.updated', entityType: 'clinic', entityId: current.id, changes }],
        mutationArgs: { id: current.id, changes: Object.fromEntries(changes.map((c) => [c.field, c.after])) },
        entities: ['clinic'],
      };
    });
    ctx.invalidateClinic();
    return result;
  },
};
