import type { DoctorProfile, DoctorSchedule } from '../../../src-shared/api/types';
import { listDoctors, loadSchedule, requireDoctor } from '../../../src-shared/commands/schedules';
import { runMutation, syncedDb, type Handlers } from '../context';

export const scheduleHandlers: Pick<
  Handlers,
  'doctors.list' | 'doctors.saveProfile' | 'schedules.get' | 'schedules.setWeekly' | 'schedules.addException' | 'schedules.removeException' | 'holidays.list' | 'holidays.add' | 'holidays.remove'
> = {
  async 'doctors.list'(ctx, { includeInactive }) {
    return listDoctors(syncedDb(ctx.db), ctx.session!.clinicId, includeInactive);
  },

  async 'doctors.saveProfile'(ctx, input) {
    return (await runMutation(ctx, 'doctors.saveProfile', input)) as DoctorProfile;
  },

  async 'schedules.get'(ctx, { doctorId }) {
    await requireDoctor(syncedDb(ctx.db), ctx.session!.clinicId, doctorId);
    return loadSchedule(syncedDb(ctx.db), doctorId);
  },

  async 'schedules.setWeekly'(ctx, input) {
    return (await runMutation(ctx, 'schedules.setWeekly', input)) as DoctorSchedule;
  },

  async 'schedules.addException'(ctx, input) {
    return (await runMutation(ctx, 'schedules.addException', input)) as DoctorSchedule;
  },

  async 'schedules.removeException'(ctx, input) {
    return (await runMutation(ctx, 'schedules.removeException', input)) as DoctorSchedule;
  },

  async 'holidays.list'(ctx, { year }) {
    let q = ctx.db.selectFrom('clinic_holidays').select(['id', 'date', 'name']).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null);
    if (year) q = q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`);
    return q.orderBy('date').execute();
  },

  async 'holidays.add'(ctx, input) {
    return (await runMutation(ctx, 'holidays.add', input)) as { id: string; date: string; name: string };
  },

  async 'holidays.remove'(ctx, input) {
    return (await runMutation(ctx, 'holidays.remove', input)) as { removed: true };
  },
};
