import type { Kysely, Transaction } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { DoctorProfile, DoctorSchedule } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { auditDiff } from '../../../src-shared/audit';
import { newRowConventions, runCommand, type CallContext, type Handlers } from '../context';
import type { LocalDatabase } from '../db/schema';

type Db = Kysely<LocalDatabase> | Transaction<LocalDatabase>;

const conventions = (ctx: CallContext, now: string) => newRowConventions({ userId: ctx.session!.userId, clinicId: ctx.session!.clinicId }, now);

export async function listDoctors(db: Db, clinicId: string, includeInactive: boolean, ids?: string[]): Promise<DoctorProfile[]> {
  let q = db
    .selectFrom('staff as s')
    .leftJoin('doctor_profiles as d', (j) => j.onRef('d.staff_id', '=', 's.id').on('d.deleted_at', 'is', null))
    .select(['s.id', 's.display_name', 's.active', 'd.id as profile_id', 'd.specialty', 'd.registration_number', 'd.consultation_fee_paise', 'd.room'])
    .where('s.clinic_id', '=', clinicId)
    .where('s.role', '=', 'doctor')
    .where('s.deleted_at', 'is', null);
  if (!includeInactive) q = q.where('s.active', '=', 1);
  if (ids && ids.length) q = q.where('s.id', 'in', ids);
  const rows = await q.orderBy('s.display_name').execute();
  return rows.map((r) => ({
    staffId: r.id,
    displayName: r.display_name,
    active: r.active === 1,
    hasProfile: r.profile_id !== null,
    specialty: r.specialty,
    registrationNumber: r.registration_number,
    consultationFeePaise: r.consultation_fee_paise,
    room: r.room,
  }));
}

export async function requireDoctor(db: Db, clinicId: string, doctorId: string): Promise<DoctorProfile> {
  const [doctor] = await listDoctors(db, clinicId, true, [doctorId]);
  if (!doctor) throw notFound('doctor');
  return doctor;
}

export async function loadSchedule(db: Db, doctorId: string): Promise<DoctorSchedule> {
  return (await loadSchedules(db, [doctorId])).get(doctorId)!;
}

/** The schedules of many doctors in two queries (the day view shows every doctor). */
export async function loadSchedules(db: Db, doctorIds: string[]): Promise<Map<string, DoctorSchedule>> {
  const out = new Map<string, DoctorSchedule>(doctorIds.map((doctorId) => [doctorId, { doctorId, weekly: [], exceptions: [] }]));
  if (doctorIds.length === 0) return out;
  const weekly = await db.selectFrom('schedule_sessions').selectAll().where('doctor_id', 'in', doctorIds).where('deleted_at', 'is', null).orderBy('weekday').orderBy('start_minutes').execute();
  const exceptions = await db.selectFrom('schedule_exceptions').selectAll().where('doctor_id', 'in', doctorIds).where('deleted_at', 'is', null).orderBy('date').execute();
  for (const w of weekly) {
    out.get(w.doctor_id)!.weekly.push({ id: w.id, weekday: w.weekday, startMinutes: w.start_minutes, endMinutes: w.end_minutes, slotMinutes: w.slot_minutes, capacity: w.capacity });
  }
  for (const e of exceptions) {
    out.get(e.doctor_id)!.exceptions.push({
      id: e.id,
      date: e.date,
      kind: e.kind,
      startMinutes: e.start_minutes,
      endMinutes: e.end_minutes,
      slotMinutes: e.slot_minutes,
      capacity: e.capacity,
      reason: e.reason,
    });
  }
  return out;
}

export const scheduleHandlers: Pick<
  Handlers,
  'doctors.list' | 'doctors.saveProfile' | 'schedules.get' | 'schedules.setWeekly' | 'schedules.addException' | 'schedules.removeException' | 'holidays.list' | 'holidays.add' | 'holidays.remove'
> = {
  async 'doctors.list'(ctx, { includeInactive }) {
    return listDoctors(ctx.db, ctx.session!.clinicId, includeInactive);
  },

  async 'doctors.saveProfile'(ctx, input) {
    return runCommand(ctx, 'doctors.saveProfile', async (trx, now) => {
      const before = await requireDoctor(trx, ctx.session!.clinicId, input.staffId);
      const values = { specialty: input.specialty, registration_number: input.registrationNumber, consultation_fee_paise: input.consultationFeePaise, room: input.room };
      const existing = await trx.selectFrom('doctor_profiles').select('id').where('staff_id', '=', input.staffId).executeTakeFirst();
      if (existing) await trx.updateTable('doctor_profiles').set({ ...values, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', existing.id).execute();
      else await trx.insertInto('doctor_profiles').values({ id: newId(), staff_id: input.staffId, ...values, ...conventions(ctx, now) }).execute();
      const after = await requireDoctor(trx, ctx.session!.clinicId, input.staffId);
      return {
        result: after,
        audit: [{ action: 'doctor.profile_saved', entityType: 'staff', entityId: input.staffId, changes: auditDiff({ ...before }, { ...after }) }],
        mutationArgs: input,
        entities: ['doctors'],
      };
    });
  },

  async 'schedules.get'(ctx, { doctorId }) {
    await requireDoctor(ctx.db, ctx.session!.clinicId, doctorId);
    return loadSchedule(ctx.db, doctorId);
  },

  async 'schedules.setWeekly'(ctx, { doctorId, sessions }) {
    return runCommand(ctx, 'schedules.setWeekly', async (trx, now) => {
      await requireDoctor(trx, ctx.session!.clinicId, doctorId);
      const before = await loadSchedule(trx, doctorId);
      await trx.updateTable('schedule_sessions').set({ deleted_at: now, updated_at: now, updated_by: ctx.session!.userId }).where('doctor_id', '=', doctorId).where('deleted_at', 'is', null).execute();
      for (const s of sessions) {
        await trx
          .insertInto('schedule_sessions')
          .values({ id: newId(), doctor_id: doctorId, weekday: s.weekday, start_minutes: s.startMinutes, end_minutes: s.endMinutes, slot_minutes: s.slotMinutes, capacity: s.capacity, ...conventions(ctx, now) })
          .execute();
      }
      const after = await loadSchedule(trx, doctorId);
      const strip = (w: DoctorSchedule['weekly']) => w.map(({ id: _id, ...rest }) => rest);
      return {
        result: after,
        audit: [{ action: 'schedule.weekly_set', entityType: 'staff', entityId: doctorId, changes: auditDiff({ weekly: strip(before.weekly) }, { weekly: strip(after.weekly) }) }],
        mutationArgs: { doctorId, sessions },
        entities: ['schedules', 'appointments'],
      };
    });
  },

  async 'schedules.addException'(ctx, input) {
    return runCommand(ctx, 'schedules.addException', async (trx, now) => {
      await requireDoctor(trx, ctx.session!.clinicId, input.doctorId);
      const id = newId();
      await trx
        .insertInto('schedule_exceptions')
        .values({
          id,
          doctor_id: input.doctorId,
          date: input.date,
          kind: input.kind,
          start_minutes: input.startMinutes,
          end_minutes: input.endMinutes,
          slot_minutes: input.slotMinutes,
          capacity: input.capacity,
          reason: input.reason,
          ...conventions(ctx, now),
        })
        .execute();
      return {
        result: await loadSchedule(trx, input.doctorId),
        audit: [{ action: `schedule.${input.kind}_added`, entityType: 'staff', entityId: input.doctorId, changes: auditDiff(null, { ...input }) }],
        mutationArgs: { id, ...input },
        entities: ['schedules', 'appointments'],
      };
    });
  },

  async 'schedules.removeException'(ctx, { id }) {
    return runCommand(ctx, 'schedules.removeException', async (trx, now) => {
      const row = await trx.selectFrom('schedule_exceptions').selectAll().where('id', '=', id).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) throw notFound('schedule exception');
      await trx.updateTable('schedule_exceptions').set({ deleted_at: now, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', id).execute();
      return {
        result: await loadSchedule(trx, row.doctor_id),
        audit: [{ action: 'schedule.exception_removed', entityType: 'staff', entityId: row.doctor_id, changes: [{ field: 'exception', before: row.date, after: null }] }],
        mutationArgs: { id },
        entities: ['schedules', 'appointments'],
      };
    });
  },

  async 'holidays.list'(ctx, { year }) {
    let q = ctx.db.selectFrom('clinic_holidays').select(['id', 'date', 'name']).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null);
    if (year) q = q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`);
    return q.orderBy('date').execute();
  },

  async 'holidays.add'(ctx, { date, name }) {
    return runCommand(ctx, 'holidays.add', async (trx, now) => {
      const clash = await trx.selectFrom('clinic_holidays').select('id').where('date', '=', date).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
      if (clash) throw new ApiError({ code: 'conflict', reason: 'holiday_exists', message: 'That date is already a clinic holiday.' });
      const id = newId();
      await trx.insertInto('clinic_holidays').values({ id, date, name, ...conventions(ctx, now) }).execute();
      return { result: { id, date, name }, audit: [{ action: 'holiday.added', entityType: 'clinic', entityId: ctx.session!.clinicId, changes: [{ field: 'holiday', before: null, after: date }] }], mutationArgs: { id, date, name }, entities: ['holidays', 'appointments'] };
    });
  },

  async 'holidays.remove'(ctx, { id }) {
    return runCommand(ctx, 'holidays.remove', async (trx, now) => {
      const row = await trx.selectFrom('clinic_holidays').selectAll().where('id', '=', id).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) throw notFound('holiday');
      await trx.updateTable('clinic_holidays').set({ deleted_at: now, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', id).execute();
      return { result: { removed: true as const }, audit: [{ action: 'holiday.removed', entityType: 'clinic', entityId: ctx.session!.clinicId, changes: [{ field: 'holiday', before: row.date, after: null }] }], mutationArgs: { id }, entities: ['holidays', 'appointments'] };
    });
  },
};
