import type { Kysely } from 'kysely';
import { ApiError, notFound } from '../errors';
import type { DoctorProfile, DoctorSchedule, ScheduleExceptionInfo } from '../api/types';
import type { MethodArgs } from '../api/contract';
import { auditDiff } from '../audit';
import { newConventions, touched, type CommandEnv, type CommandOutput, type SyncedDatabase } from './env';

/** Doctors, their weekly sessions and exceptions, and clinic holidays: reads the day view shares, and the admin's commands. */
export async function listDoctors(db: Kysely<SyncedDatabase>, clinicId: string, includeInactive: boolean, ids?: string[]): Promise<DoctorProfile[]> {
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

export async function requireDoctor(db: Kysely<SyncedDatabase>, clinicId: string, doctorId: string): Promise<DoctorProfile> {
  const [doctor] = await listDoctors(db, clinicId, true, [doctorId]);
  if (!doctor) throw notFound('doctor');
  return doctor;
}

export async function loadSchedule(db: Kysely<SyncedDatabase>, doctorId: string): Promise<DoctorSchedule> {
  return (await loadSchedules(db, [doctorId])).get(doctorId)!;
}

/** The schedules of many doctors in two queries (the day view shows every doctor). */
export async function loadSchedules(db: Kysely<SyncedDatabase>, doctorIds: string[]): Promise<Map<string, DoctorSchedule>> {
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
      kind: e.kind as ScheduleExceptionInfo['kind'],
      startMinutes: e.start_minutes,
      endMinutes: e.end_minutes,
      slotMinutes: e.slot_minutes,
      capacity: e.capacity,
      reason: e.reason,
    });
  }
  return out;
}

export async function saveDoctorProfile(env: CommandEnv, input: MethodArgs<'doctors.saveProfile'>): Promise<CommandOutput<DoctorProfile>> {
  const before = await requireDoctor(env.db, env.who.clinicId, input.staffId);
  const values = { specialty: input.specialty, registration_number: input.registrationNumber, consultation_fee_paise: input.consultationFeePaise, room: input.room };
  const existing = await env.db.selectFrom('doctor_profiles').select('id').where('staff_id', '=', input.staffId).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  if (existing) await env.write.update('doctor_profiles', existing.id, { ...values, ...touched(env) });
  else await env.write.insert('doctor_profiles', { id: env.newId(), staff_id: input.staffId, ...values, ...newConventions(env) });
  const after = await requireDoctor(env.db, env.who.clinicId, input.staffId);
  return { result: after, audit: [{ action: 'doctor.profile_saved', entityType: 'staff', entityId: input.staffId, changes: auditDiff({ ...before }, { ...after }) }], entities: ['doctors'] };
}

export async function setWeeklySchedule(env: CommandEnv, { doctorId, sessions }: MethodArgs<'schedules.setWeekly'>): Promise<CommandOutput<DoctorSchedule>> {
  await requireDoctor(env.db, env.who.clinicId, doctorId);
  const before = await loadSchedule(env.db, doctorId);
  for (const old of before.weekly) await env.write.update('schedule_sessions', old.id, { deleted_at: env.now, ...touched(env) });
  for (const s of sessions) {
    await env.write.insert('schedule_sessions', {
      id: env.newId(),
      doctor_id: doctorId,
      weekday: s.weekday,
      start_minutes: s.startMinutes,
      end_minutes: s.endMinutes,
      slot_minutes: s.slotMinutes,
      capacity: s.capacity,
      ...newConventions(env),
    });
  }
  const after = await loadSchedule(env.db, doctorId);
  const strip = (w: DoctorSchedule['weekly']) => w.map(({ id: _id, ...rest }) => rest);
  return {
    result: after,
    audit: [{ action: 'schedule.weekly_set', entityType: 'staff', entityId: doctorId, changes: auditDiff({ weekly: strip(before.weekly) }, { weekly: strip(after.weekly) }) }],
    entities: ['schedules', 'appointments'],
  };
}

export async function addScheduleException(env: CommandEnv, input: MethodArgs<'schedules.addException'>): Promise<CommandOutput<DoctorSchedule>> {
  await requireDoctor(env.db, env.who.clinicId, input.doctorId);
  await env.write.insert('schedule_exceptions', {
    id: env.newId(),
    doctor_id: input.doctorId,
    date: input.date,
    kind: input.kind,
    start_minutes: input.startMinutes,
    end_minutes: input.endMinutes,
    slot_minutes: input.slotMinutes,
    capacity: input.capacity,
    reason: input.reason,
    ...newConventions(env),
  });
  return {
    result: await loadSchedule(env.db, input.doctorId),
    audit: [{ action: `schedule.${input.kind}_added`, entityType: 'staff', entityId: input.doctorId, changes: auditDiff(null, { ...input }) }],
    entities: ['schedules', 'appointments'],
  };
}

export async function removeScheduleException(env: CommandEnv, { id }: MethodArgs<'schedules.removeException'>): Promise<CommandOutput<DoctorSchedule>> {
  const row = await env.db.selectFrom('schedule_exceptions').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('schedule exception');
  await env.write.update('schedule_exceptions', id, { deleted_at: env.now, ...touched(env) });
  return {
    result: await loadSchedule(env.db, row.doctor_id),
    audit: [{ action: 'schedule.exception_removed', entityType: 'staff', entityId: row.doctor_id, changes: [{ field: 'exception', before: row.date, after: null }] }],
    entities: ['schedules', 'appointments'],
  };
}

export async function addHoliday(env: CommandEnv, { date, name }: MethodArgs<'holidays.add'>): Promise<CommandOutput<{ id: string; date: string; name: string }>> {
  const clash = await env.db.selectFrom('clinic_holidays').select('id').where('date', '=', date).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (clash) throw new ApiError({ code: 'conflict', reason: 'holiday_exists', message: 'That date is already a clinic holiday.' });
  const id = env.newId();
  await env.write.insert('clinic_holidays', { id, date, name, ...newConventions(env) });
  return { result: { id, date, name }, audit: [{ action: 'holiday.added', entityType: 'clinic', entityId: env.who.clinicId, changes: [{ field: 'holiday', before: null, after: date }] }], entities: ['holidays', 'appointments'] };
}

export async function removeHoliday(env: CommandEnv, { id }: MethodArgs<'holidays.remove'>): Promise<CommandOutput<{ removed: true }>> {
  const row = await env.db.selectFrom('clinic_holidays').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('holiday');
  await env.write.update('clinic_holidays', id, { deleted_at: env.now, ...touched(env) });
  return { result: { removed: true }, audit: [{ action: 'holiday.removed', entityType: 'clinic', entityId: env.who.clinicId, changes: [{ field: 'holiday', before: row.date, after: null }] }], entities: ['holidays', 'appointments'] };
}
