import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { ApiError, notFound } from '../errors';
import { clinicApi, type MethodArgs } from '../api/contract';
import { formatDisplayDate } from '../dates';
import { formatMinutes, localClock, slotsForDay, type Slot } from '../domain/schedule';
import {
  APPOINTMENT_MACHINE_VERSION,
  decideAppointmentTransition,
  type Actor,
  type AppointmentContext,
  type AppointmentEvent,
  type AppointmentStatus,
} from '../machines/appointment';
import type { ShapeRow } from '../sync/shapes';
import { newConventions, touched, type CommandEnv, type CommandOutput, type NewRow, type SyncedDatabase } from './env';
import { loadSchedule, requireDoctor } from './schedules';

/** Statuses that hold a place in a slot. */
export const OCCUPYING: AppointmentStatus[] = ['requested', 'tentative', 'confirmed', 'checked_in', 'in_consult', 'completed'];

/** The actor of a command: who, and the clinic's local date and time at the command's instant. */
export function commandActor(env: Pick<CommandEnv, 'who' | 'now' | 'clinic'>): Actor {
  return { role: env.who.role, userId: env.who.userId, at: env.now, ...localClock(new Date(env.now), env.clinic.timezone) };
}

export function machineContext(row: { doctor_id: string; date: string; start_minutes: number | null; hold_expires_at: string | null }, grace: number): AppointmentContext {
  return { doctorStaffId: row.doctor_id, date: row.date, startMinutes: row.start_minutes, holdExpiresAt: row.hold_expires_at, graceMinutes: grace };
}

/** Sends one event through the machine; refuses in plain words when the machine says no. */
function decide(status: AppointmentStatus, context: AppointmentContext, event: AppointmentEvent): AppointmentStatus {
  const decision = decideAppointmentTransition(status, context, event);
  if (!decision.ok) throw new ApiError({ code: 'conflict', reason: 'transition_refused', message: decision.message });
  return decision.status;
}

async function requirePatient(env: CommandEnv, patientId: string): Promise<{ full_name: string }> {
  const patient = await env.cached(`patient:${patientId}`, ['patients'], () =>
    env.db.selectFrom('patients').select(['full_name']).where('id', '=', patientId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst(),
  );
  if (!patient) throw notFound('patient');
  return patient;
}

const SLOT_TABLES = ['schedule_sessions', 'schedule_exceptions', 'clinic_holidays'] as const;
const DOCTOR_TABLES = ['staff', 'doctor_profiles'] as const;
const doctorOf = (env: CommandEnv, doctorId: string) => env.cached(`doctor:${doctorId}`, DOCTOR_TABLES, () => requireDoctor(env.db, env.who.clinicId, doctorId));

export async function loadAppointmentRow(env: CommandEnv, id: string): Promise<ShapeRow<'appointments'>> {
  const held = env.unstored('appointments', id);
  const row = held ?? (await env.db.selectFrom('appointments').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst());
  if (!row || row.deleted_at !== null || row.clinic_id !== env.who.clinicId) throw notFound('appointment');
  return row;
}

export async function slotsOn(db: Kysely<SyncedDatabase>, clinicId: string, doctorId: string, date: string): Promise<{ slots: Slot[]; holiday: string | null }> {
  const holiday = await db.selectFrom('clinic_holidays').select('name').where('clinic_id', '=', clinicId).where('date', '=', date).where('deleted_at', 'is', null).executeTakeFirst();
  const schedule = await loadSchedule(db, doctorId);
  return { slots: slotsForDay(date, schedule.weekly, schedule.exceptions, holiday !== undefined), holiday: holiday?.name ?? null };
}

/** How many appointments hold a place in one slot (optionally not counting one of them). */
export async function placesTaken(db: Kysely<SyncedDatabase>, doctorId: string, date: string, startMinutes: number, excludeId?: string): Promise<number> {
  let q = db
    .selectFrom('appointments')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('doctor_id', '=', doctorId)
    .where('date', '=', date)
    .where('start_minutes', '=', startMinutes)
    .where('status', 'in', OCCUPYING)
    .where('deleted_at', 'is', null);
  if (excludeId) q = q.where('id', '!=', excludeId);
  const { n } = await q.executeTakeFirstOrThrow();
  return Number(n);
}

/** One doctor's appointments on one date, as the server remembers them through a batch (see dayBook). */
type DayBook = Map<string, { start_minutes: number | null; status: string; token: number | null; deleted: boolean }>;

/**
 * A doctor's day, read once per batch on the server and kept up to date from every appointment the batch
 * writes (the after-images), so that counting a slot's places or finding the next token needs no query.
 * The desk, one command per transaction, asks the database directly (placesTaken, nextToken): the same
 * answer from the same rows.
 */
function dayBook(env: CommandEnv, doctorId: string, date: string): Promise<DayBook> {
  return env.cached(
    `day:${doctorId}:${date}`,
    ['appointments'],
    async () => {
      const rows = await env.db
        .selectFrom('appointments')
        .select(['id', 'start_minutes', 'status', 'token', 'deleted_at'])
        .where('doctor_id', '=', doctorId)
        .where('date', '=', date)
        .where('clinic_id', '=', env.who.clinicId)
        .execute();
      const book: DayBook = new Map(rows.map((r) => [r.id, { start_minutes: r.start_minutes, status: r.status, token: r.token, deleted: r.deleted_at !== null }]));
      // …and the batch's own new appointments, which the database does not hold yet.
      for (const r of env.unstoredRows('appointments')) {
        if (r.doctor_id === doctorId && r.date === date) book.set(r.id, { start_minutes: r.start_minutes, status: r.status, token: r.token, deleted: r.deleted_at !== null });
      }
      return book;
    },
    (_table, row, book) => {
      const id = String(row.id);
      if (row.doctor_id === doctorId && row.date === date) {
        book.set(id, { start_minutes: row.start_minutes as number | null, status: String(row.status), token: row.token as number | null, deleted: row.deleted_at !== null });
      } else book.delete(id);
    },
  );
}

async function placesTakenNow(env: CommandEnv, doctorId: string, date: string, startMinutes: number, excludeId?: string): Promise<number> {
  if (!env.batched) return placesTaken(env.db, doctorId, date, startMinutes, excludeId);
  let n = 0;
  for (const [id, a] of await dayBook(env, doctorId, date)) {
    if (id !== excludeId && !a.deleted && a.start_minutes === startMinutes && (OCCUPYING as string[]).includes(a.status)) n++;
  }
  return n;
}

/** A slot has room: counted inside the command's transaction, so two bookings cannot both take the last place. */
async function assertRoom(env: CommandEnv, doctorId: string, date: string, startMinutes: number, excludeId?: string): Promise<Slot> {
  const { slots, holiday } = await env.cached(`slots:${doctorId}:${date}`, SLOT_TABLES, () => slotsOn(env.db, env.who.clinicId, doctorId, date));
  const doctor = await doctorOf(env, doctorId);
  if (holiday) throw new ApiError({ code: 'conflict', reason: 'holiday', message: `The clinic is closed on ${formatDisplayDate(date)} (${holiday}).` });
  const slot = slots.find((s) => s.startMinutes === startMinutes);
  if (!slot) {
    throw new ApiError({ code: 'conflict', reason: 'no_slot', message: `${doctor.displayName} has no ${formatMinutes(startMinutes)} slot on ${formatDisplayDate(date)}. Pick a free slot from the day view.` });
  }
  if ((await placesTakenNow(env, doctorId, date, startMinutes, excludeId)) >= slot.capacity) {
    throw new ApiError({
      code: 'conflict',
      reason: 'slot_full',
      message: `${doctor.displayName}'s ${formatMinutes(startMinutes)} slot on ${formatDisplayDate(date)} is already booked. Choose another slot.`,
      details: { doctorId, date, startMinutes },
    });
  }
  return slot;
}

async function nextToken(env: CommandEnv, doctorId: string, date: string): Promise<number> {
  if (env.batched) {
    let max = 0;
    for (const a of (await dayBook(env, doctorId, date)).values()) if (a.token !== null && a.token > max) max = a.token;
    return max + 1;
  }
  const r = await env.db
    .selectFrom('appointments')
    .select(sql<number>`coalesce(max(token), 0) + 1`.as('next'))
    .where('doctor_id', '=', doctorId)
    .where('date', '=', date)
    .where('token', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(r.next);
}

interface TransitionRecord {
  appointmentId: string;
  event: string;
  from: AppointmentStatus | null;
  to: AppointmentStatus;
  reason?: string | null;
  details?: Record<string, unknown>;
}

async function recordTransition(env: CommandEnv, t: TransitionRecord): Promise<void> {
  await env.write.insert('appointment_transitions', {
    id: env.newId(),
    appointment_id: t.appointmentId,
    at: env.now,
    user_id: env.who.userId,
    event: t.event,
    from_status: t.from,
    to_status: t.to,
    reason: t.reason ?? null,
    details: t.details ? JSON.stringify(t.details) : null,
    ...newConventions(env),
  });
}

/** What travels for a booking: the form's input and the id the desk gave the appointment. */
export const bookArgs = clinicApi['appointments.book'].input.extend({ id: z.uuid() });
export const walkInArgs = clinicApi['appointments.walkIn'].input.extend({ id: z.uuid() });
export const expireHoldsArgs = z.object({ ids: z.array(z.uuid()).min(1).max(1000) });

export async function bookAppointment(env: CommandEnv, input: z.output<typeof bookArgs>): Promise<CommandOutput<null>> {
  const actor = commandActor(env);
  if (input.date < actor.today) throw new ApiError({ code: 'validation', fields: { date: 'Choose today or a later date.' }, message: 'Appointments can only be booked for today or later.' });
  const grace = env.clinic.noShowGraceMinutes;
  const id = input.id;
  await requirePatient(env, input.patientId);
  const slot = await assertRoom(env, input.doctorId, input.date, input.startMinutes);
  const row: NewRow<'appointments'> = {
    id,
    patient_id: input.patientId,
    doctor_id: input.doctorId,
    date: input.date,
    start_minutes: slot.startMinutes,
    end_minutes: slot.endMinutes,
    kind: 'slot',
    type: input.type,
    status: 'requested',
    machine_version: APPOINTMENT_MACHINE_VERSION,
    hold_expires_at: null,
    token: null,
    checked_in_at: null,
    desk_notes: input.deskNotes,
    cancel_reason: null,
    ...newConventions(env),
  };
  const steps: TransitionRecord[] = [{ appointmentId: id, event: 'appointment.request', from: null, to: 'requested', details: { date: input.date, start: formatMinutes(slot.startMinutes) } }];
  let status: AppointmentStatus = 'requested';
  if (input.mode !== 'request') {
    const holdExpiresAt = new Date(Date.parse(env.now) + input.holdMinutes * 60_000).toISOString();
    const event: AppointmentEvent = input.mode === 'hold' ? { type: 'appointment.hold', holdExpiresAt, ...actor } : { type: 'appointment.confirm', ...actor };
    const to = decide(status, machineContext(row, grace), event);
    if (input.mode === 'hold') row.hold_expires_at = holdExpiresAt;
    steps.push({ appointmentId: id, event: event.type, from: status, to, details: input.mode === 'hold' ? { holdExpiresAt } : undefined });
    status = to;
  }
  await env.write.insert('appointments', { ...row, status });
  for (const step of steps) await recordTransition(env, step);
  return { result: null, audit: [{ action: 'appointment.booked', entityType: 'appointment', entityId: id, changes: [{ field: 'status', before: null, after: status }] }], entities: ['appointments'] };
}

export async function walkIn(env: CommandEnv, input: z.output<typeof walkInArgs>): Promise<CommandOutput<null>> {
  const actor = commandActor(env);
  const id = input.id;
  await requirePatient(env, input.patientId);
  const doctor = await doctorOf(env, input.doctorId);
  if (!doctor.active) throw new ApiError({ code: 'conflict', reason: 'doctor_inactive', message: `${doctor.displayName} is not seeing patients.` });
  const context: AppointmentContext = { doctorStaffId: input.doctorId, date: actor.today, startMinutes: null, holdExpiresAt: null, graceMinutes: env.clinic.noShowGraceMinutes };
  const to = decide('requested', context, { type: 'appointment.checkIn', ...actor });
  const token = await nextToken(env, input.doctorId, actor.today);
  await env.write.insert('appointments', {
    id,
    patient_id: input.patientId,
    doctor_id: input.doctorId,
    date: actor.today,
    start_minutes: null,
    end_minutes: null,
    kind: 'walk_in',
    type: input.type,
    status: to,
    machine_version: APPOINTMENT_MACHINE_VERSION,
    hold_expires_at: null,
    token,
    checked_in_at: env.now,
    desk_notes: input.deskNotes,
    cancel_reason: null,
    ...newConventions(env),
  });
  await recordTransition(env, { appointmentId: id, event: 'appointment.request', from: null, to: 'requested', details: { walkIn: true } });
  await recordTransition(env, { appointmentId: id, event: 'appointment.checkIn', from: 'requested', to, details: { token } });
  return { result: null, audit: [{ action: 'appointment.walk_in', entityType: 'appointment', entityId: id, changes: [{ field: 'token', before: null, after: token }] }], entities: ['appointments'] };
}

export async function transitionAppointment(env: CommandEnv, { id, event: type, reason, holdMinutes }: MethodArgs<'appointments.transition'>): Promise<CommandOutput<null>> {
  const actor = commandActor(env);
  const row = await loadAppointmentRow(env, id);
  const from = row.status as AppointmentStatus;
  const holdExpiresAt = new Date(Date.parse(env.now) + holdMinutes * 60_000).toISOString();
  const event = { type, ...actor, reason: reason ?? '', holdExpiresAt } as AppointmentEvent;
  const to = decide(from, machineContext(row, env.clinic.noShowGraceMinutes), event);
  const changes: Partial<NewRow<'appointments'>> = { status: to, ...touched(env) };
  const details: Record<string, unknown> = {};
  if (type === 'appointment.hold') changes.hold_expires_at = holdExpiresAt;
  if (to === 'confirmed') changes.hold_expires_at = null;
  if (to === 'checked_in') {
    if (row.token === null) changes.token = details.token = await nextToken(env, row.doctor_id, row.date);
    changes.checked_in_at = env.now;
  }
  if (to === 'cancelled') changes.cancel_reason = reason;
  await env.write.update('appointments', id, changes);
  await recordTransition(env, { appointmentId: id, event: type, from, to, reason, details: Object.keys(details).length ? details : undefined });
  return { result: null, audit: [{ action: type, entityType: 'appointment', entityId: id, changes: [{ field: 'status', before: from, after: to }] }], entities: ['appointments'] };
}

export async function rescheduleAppointment(env: CommandEnv, { id, date, startMinutes, reason }: MethodArgs<'appointments.reschedule'>): Promise<CommandOutput<null>> {
  const actor = commandActor(env);
  if (date < actor.today) throw new ApiError({ code: 'validation', fields: { date: 'Choose today or a later date.' }, message: 'Appointments can only be moved to today or later.' });
  const row = await loadAppointmentRow(env, id);
  const from = row.status as AppointmentStatus;
  const to = decide(from, machineContext(row, env.clinic.noShowGraceMinutes), { type: 'appointment.reschedule', ...actor });
  const slot = await assertRoom(env, row.doctor_id, date, startMinutes, id);
  await env.write.update('appointments', id, { date, start_minutes: slot.startMinutes, end_minutes: slot.endMinutes, ...touched(env) });
  const details = { from: { date: row.date, start: row.start_minutes === null ? null : formatMinutes(row.start_minutes) }, to: { date, start: formatMinutes(slot.startMinutes) } };
  await recordTransition(env, { appointmentId: id, event: 'appointment.reschedule', from, to, reason, details });
  return {
    result: null,
    audit: [
      { action: 'appointment.rescheduled', entityType: 'appointment', entityId: id, changes: [{ field: 'date', before: row.date, after: date }, { field: 'startMinutes', before: row.start_minutes, after: slot.startMinutes }] },
    ],
    entities: ['appointments'],
  };
}

/**
 * Releases lapsed holds, as the system. Each hold is checked again where the command runs: one confirmed
 * meanwhile (on this desk or, for the server, from another) is left alone.
 */
export async function expireHolds(env: CommandEnv, { ids }: z.output<typeof expireHoldsArgs>): Promise<CommandOutput<{ expired: number }>> {
  const actor = commandActor(env);
  const rows = [];
  for (const id of ids) {
    const row = await loadAppointmentRow(env, id).catch((err: unknown) => {
      if (err instanceof ApiError) return null; // gone from this clinic: nothing to release
      throw err;
    });
    if (row && row.status === 'tentative' && row.hold_expires_at !== null && row.hold_expires_at <= env.now) rows.push(row);
  }
  const reason = 'The hold expired before it was confirmed.';
  for (const row of rows) {
    const to = decide('tentative', machineContext(row, env.clinic.noShowGraceMinutes), { type: 'appointment.expireHold', ...actor });
    await env.write.update('appointments', row.id, { status: to, cancel_reason: reason, ...touched(env) });
    await recordTransition(env, { appointmentId: row.id, event: 'appointment.expireHold', from: 'tentative', to, reason });
  }
  return {
    result: { expired: rows.length },
    audit: rows.map((r) => ({ action: 'appointment.hold_expired', entityType: 'appointment', entityId: r.id, changes: [{ field: 'status', before: 'tentative', after: 'cancelled' }] })),
    entities: ['appointments'],
  };
}
