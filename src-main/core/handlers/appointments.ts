import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { Appointment, AppointmentStatusName, AppointmentSummary, AppointmentTransition, DayView, DoctorDay } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { addDays, format, parseISO } from 'date-fns';
import { formatDisplayDate } from '../../../src-shared/dates';
import {
  APPOINTMENT_MACHINE_VERSION,
  allowedAppointmentEvents,
  decideAppointmentTransition,
  type Actor,
  type AppointmentContext,
  type AppointmentEvent,
  type AppointmentStatus,
} from '../../../src-shared/machines/appointment';
import { formatMinutes, localClock, slotsForDay, type Slot } from '../../../src-shared/domain/schedule';
import { newRowConventions, runCommand, type CallContext, type CoreDeps, type Handlers } from '../context';
import type { AppointmentsTable, LocalDatabase } from '../db/schema';
import { listDoctors, loadSchedule, loadSchedules, requireDoctor } from './schedules';

type Db = Kysely<LocalDatabase> | Transaction<LocalDatabase>;
type Row = Selectable<AppointmentsTable>;

/** Statuses that hold a place in a slot. */
const OCCUPYING: AppointmentStatus[] = ['requested', 'tentative', 'confirmed', 'checked_in', 'in_consult', 'completed'];

export async function actorFor(deps: CoreDeps, who: { role: Actor['role']; userId: string }): Promise<Actor> {
  const clinic = await deps.clinic();
  const now = deps.clock();
  return { ...who, at: now.toISOString(), ...localClock(now, clinic?.timezone ?? 'Asia/Kolkata') };
}

async function graceMinutes(deps: CoreDeps): Promise<number> {
  return (await deps.clinic())?.noShowGraceMinutes ?? 15;
}

function machineContext(row: Pick<AppointmentsTable, 'doctor_id' | 'date' | 'start_minutes' | 'hold_expires_at'>, grace: number): AppointmentContext {
  return { doctorStaffId: row.doctor_id, date: row.date, startMinutes: row.start_minutes, holdExpiresAt: row.hold_expires_at, graceMinutes: grace };
}

function selectRows(db: Db) {
  return db
    .selectFrom('appointments as a')
    .selectAll('a')
    .where('a.deleted_at', 'is', null);
}

type SummaryRow = Pick<
  Row,
  'id' | 'doctor_id' | 'patient_id' | 'date' | 'start_minutes' | 'end_minutes' | 'kind' | 'type' | 'status' | 'token' | 'checked_in_at' | 'hold_expires_at' | 'desk_notes' | 'patient_name' | 'patient_mrn'
>;

/**
 * The day view reads thousands of rows; better-sqlite3 builds a JS value per column of every row, which
 * costs more than the query. So the whole day comes back as ONE JSON text — an array of rows, each an
 * array of the columns a summary shows — read from the day view's covering index (migration 0005) and
 * unpacked here with one JSON.parse. The index yields rows in slot order already; sorting them again
 * here (a single pass over sorted input) keeps the order right whatever plan SQLite picks, for less
 * than an ORDER BY inside the aggregate costs.
 */
const PACKED_DAY = sql<string>`json_group_array(json_array(a.id, a.doctor_id, a.patient_id, a.date, a.start_minutes, a.end_minutes, a.kind, a.type, a.status, a.token, a.checked_in_at, a.hold_expires_at, a.desk_notes, a.patient_name, a.patient_mrn, a.created_at))`;

type PackedSummary = [string, string, string, string, number | null, number | null, Row['kind'], Row['type'], string, number | null, string | null, string | null, string | null, string | null, string | null, string];

/** Slot order as SQL's ORDER BY start_minutes, created_at (walk-ins without a start first). */
function bySlotOrder(a: PackedSummary, b: PackedSummary): number {
  const sa = a[4] ?? -1;
  const sb = b[4] ?? -1;
  if (sa !== sb) return sa - sb;
  return a[15] < b[15] ? -1 : a[15] > b[15] ? 1 : 0;
}

function unpackSummaryRow(v: PackedSummary): SummaryRow {
  return {
    id: v[0],
    doctor_id: v[1],
    patient_id: v[2],
    date: v[3],
    start_minutes: v[4],
    end_minutes: v[5],
    kind: v[6],
    type: v[7],
    status: v[8],
    token: v[9],
    checked_in_at: v[10],
    hold_expires_at: v[11],
    desk_notes: v[12],
    patient_name: v[13],
    patient_mrn: v[14],
  };
}

function summary(row: SummaryRow, actor: Actor, grace: number): AppointmentSummary {
  return {
    id: row.id,
    doctorId: row.doctor_id,
    patientId: row.patient_id,
    // The label is copied from the patient's row (migration 0003); null only while that row has not reached this desk.
    patientName: row.patient_name ?? 'Patient not on this desk yet',
    patientMrn: row.patient_mrn ?? '',
    date: row.date,
    startMinutes: row.start_minutes,
    endMinutes: row.end_minutes,
    kind: row.kind,
    type: row.type,
    status: row.status as AppointmentStatusName,
    token: row.token,
    checkedInAt: row.checked_in_at,
    holdExpiresAt: row.hold_expires_at,
    deskNotes: row.desk_notes,
    allowedEvents: allowedAppointmentEvents(row.status as AppointmentStatus, machineContext(row, grace), actor),
  };
}

async function timeline(db: Db, appointmentId: string): Promise<AppointmentTransition[]> {
  const rows = await db
    .selectFrom('appointment_transitions as t')
    .leftJoin('staff as s', 's.id', 't.user_id')
    .select(['t.id', 't.at', 't.event', 't.from_status', 't.to_status', 't.reason', 't.details', 't.user_id', 's.display_name'])
    .where('t.appointment_id', '=', appointmentId)
    .orderBy('t.at')
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    event: r.event,
    fromStatus: r.from_status as AppointmentStatusName | null,
    toStatus: r.to_status as AppointmentStatusName,
    reason: r.reason,
    userName: r.display_name ?? (r.user_id === 'system' ? 'ClinicDesk (automatic)' : 'Unknown user'),
    details: r.details ? JSON.parse(r.details) : null,
  }));
}

/** The patient an appointment is for, as its label (name and MRN, copied onto the appointment row). */
async function requirePatient(db: Db, clinicId: string, patientId: string): Promise<{ patient_name: string; patient_mrn: string }> {
  const patient = await db
    .selectFrom('patients')
    .select(['full_name as patient_name', 'mrn as patient_mrn'])
    .where('id', '=', patientId)
    .where('clinic_id', '=', clinicId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!patient) throw notFound('patient');
  return patient;
}

async function loadAppointment(db: Db, clinicId: string, id: string): Promise<Row> {
  const row = await selectRows(db).where('a.id', '=', id).where('a.clinic_id', '=', clinicId).executeTakeFirst();
  if (!row) throw notFound('appointment');
  return row as Row;
}

async function fullAppointment(db: Db, clinicId: string, id: string, actor: Actor, grace: number): Promise<Appointment> {
  const row = await loadAppointment(db, clinicId, id);
  return { ...summary(row, actor, grace), cancelReason: row.cancel_reason, createdAt: row.created_at, updatedAt: row.updated_at, timeline: await timeline(db, id) };
}

async function slotsOn(db: Db, clinicId: string, doctorId: string, date: string): Promise<{ slots: Slot[]; holiday: string | null }> {
  const holiday = await db.selectFrom('clinic_holidays').select('name').where('clinic_id', '=', clinicId).where('date', '=', date).where('deleted_at', 'is', null).executeTakeFirst();
  const schedule = await loadSchedule(db, doctorId);
  return { slots: slotsForDay(date, schedule.weekly, schedule.exceptions, holiday !== undefined), holiday: holiday?.name ?? null };
}

interface TransitionRecord {
  appointmentId: string;
  event: string;
  from: AppointmentStatus | null;
  to: AppointmentStatus;
  reason?: string | null;
  details?: Record<string, unknown>;
}

async function recordTransition(trx: Transaction<LocalDatabase>, who: { userId: string; clinicId: string }, now: string, t: TransitionRecord) {
  await trx
    .insertInto('appointment_transitions')
    .values({
      id: newId(),
      appointment_id: t.appointmentId,
      at: now,
      user_id: who.userId,
      event: t.event,
      from_status: t.from,
      to_status: t.to,
      reason: t.reason ?? null,
      details: t.details ? JSON.stringify(t.details) : null,
      ...newRowConventions(who, now),
    })
    .execute();
}

/** Sends one event through the machine; refuses in plain words when the machine says no. */
function decide(status: AppointmentStatus, context: AppointmentContext, event: AppointmentEvent): AppointmentStatus {
  const decision = decideAppointmentTransition(status, context, event);
  if (!decision.ok) throw new ApiError({ code: 'conflict', reason: 'transition_refused', message: decision.message });
  return decision.status;
}

async function nextToken(trx: Transaction<LocalDatabase>, doctorId: string, date: string): Promise<number> {
  const r = await trx.selectFrom('appointments').select(sql<number>`coalesce(max(token), 0) + 1`.as('next')).where('doctor_id', '=', doctorId).where('date', '=', date).where('token', 'is not', null).executeTakeFirstOrThrow();
  return r.next;
}

/** Releases lapsed holds (as the system), so their places free up. Returns how many. */
export async function expireLapsedHolds(deps: CoreDeps, clinicId: string, filter?: { doctorId: string; date: string }): Promise<number> {
  const now = deps.clock().toISOString();
  let q = deps.db.selectFrom('appointments').select(['id', 'doctor_id', 'date', 'start_minutes', 'hold_expires_at', 'status']).where('status', '=', 'tentative').where('hold_expires_at', '<=', now).where('clinic_id', '=', clinicId);
  if (filter) q = q.where('doctor_id', '=', filter.doctorId).where('date', '=', filter.date);
  const lapsed = await q.execute();
  if (lapsed.length === 0) return 0;
  const actor = await actorFor(deps, { role: 'system', userId: 'system' });
  const grace = await graceMinutes(deps);
  const who = { userId: 'system', clinicId };
  await runCommand(
    { ...deps, session: null },
    'appointments.transition',
    async (trx, at) => {
      for (const row of lapsed) {
        const to = decide('tentative', machineContext(row, grace), { type: 'appointment.expireHold', ...actor });
        await trx.updateTable('appointments').set({ status: to, cancel_reason: 'The hold expired before it was confirmed.', updated_at: at, updated_by: 'system' }).where('id', '=', row.id).where('status', '=', 'tentative').execute();
        await recordTransition(trx, who, at, { appointmentId: row.id, event: 'appointment.expireHold', from: 'tentative', to, reason: 'The hold expired before it was confirmed.' });
      }
      return {
        result: null,
        audit: lapsed.map((r) => ({ action: 'appointment.hold_expired', entityType: 'appointment', entityId: r.id, changes: [{ field: 'status', before: 'tentative', after: 'cancelled' }] })),
        mutationArgs: { ids: lapsed.map((r) => r.id), event: 'appointment.expireHold' },
        entities: ['appointments'],
      };
    },
    who,
  );
  return lapsed.length;
}

/** A slot has room: counted inside the booking's transaction, so two bookings cannot both take the last place. */
async function assertRoom(trx: Transaction<LocalDatabase>, ctx: CallContext, doctorId: string, date: string, startMinutes: number, excludeId?: string): Promise<Slot> {
  const { slots, holiday } = await slotsOn(trx, ctx.session!.clinicId, doctorId, date);
  const doctor = await requireDoctor(trx, ctx.session!.clinicId, doctorId);
  if (holiday) throw new ApiError({ code: 'conflict', reason: 'holiday', message: `The clinic is closed on ${formatDisplayDate(date)} (${holiday}).` });
  const slot = slots.find((s) => s.startMinutes === startMinutes);
  if (!slot) {
    throw new ApiError({ code: 'conflict', reason: 'no_slot', message: `${doctor.displayName} has no ${formatMinutes(startMinutes)} slot on ${formatDisplayDate(date)}. Pick a free slot from the day view.` });
  }
  let q = trx.selectFrom('appointments').select(sql<number>`count(*)`.as('n')).where('doctor_id', '=', doctorId).where('date', '=', date).where('start_minutes', '=', startMinutes).where('status', 'in', OCCUPYING).where('deleted_at', 'is', null);
  if (excludeId) q = q.where('id', '!=', excludeId);
  const { n } = await q.executeTakeFirstOrThrow();
  if (n >= slot.capacity) {
    throw new ApiError({ code: 'conflict', reason: 'slot_full', message: `${doctor.displayName}'s ${formatMinutes(startMinutes)} slot on ${formatDisplayDate(date)} is already booked. Choose another slot.` });
  }
  return slot;
}

async function dayView(ctx: CallContext, date: string, doctorIds?: string[]): Promise<DayView> {
  const clinicId = ctx.session!.clinicId;
  const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
  const grace = await graceMinutes(ctx);
  const doctors = await listDoctors(ctx.db, clinicId, false, doctorIds);
  const holiday = await ctx.db.selectFrom('clinic_holidays').select('name').where('clinic_id', '=', clinicId).where('date', '=', date).where('deleted_at', 'is', null).executeTakeFirst();
  let q = ctx.db
    .selectFrom('appointments as a')
    .select(PACKED_DAY.as('rows'))
    .where('a.deleted_at', 'is', null)
    .where('a.date', '=', date)
    .where('a.clinic_id', '=', clinicId);
  if (doctorIds?.length) q = q.where('a.doctor_id', 'in', doctorIds);
  const packed = await q.executeTakeFirstOrThrow();
  const rows = (JSON.parse(packed.rows) as PackedSummary[]).sort(bySlotOrder).map(unpackSummaryRow);
  const schedules = await loadSchedules(
    ctx.db,
    doctors.map((d) => d.staffId),
  );
  // Each row summarised once, grouped by doctor and slot start (rows come in start order).
  const byDoctor = new Map<string, AppointmentSummary[]>();
  const waiting: AppointmentSummary[] = [];
  for (const r of rows) {
    const s = summary(r, actor, grace);
    let list = byDoctor.get(r.doctor_id);
    if (!list) byDoctor.set(r.doctor_id, (list = []));
    list.push(s);
    if (r.status === 'checked_in') waiting.push({ ...s, allowedEvents: [...s.allowedEvents] });
  }
  const days: DoctorDay[] = [];
  for (const doctor of doctors) {
    const schedule = schedules.get(doctor.staffId)!;
    const slots = slotsForDay(date, schedule.weekly, schedule.exceptions, holiday !== undefined);
    const appts = byDoctor.get(doctor.staffId) ?? [];
    const atStart = new Map<number, AppointmentSummary[]>();
    for (const s of slots) atStart.set(s.startMinutes, []);
    const unslotted: AppointmentSummary[] = [];
    for (const a of appts) {
      const inSlot = a.startMinutes === null ? undefined : atStart.get(a.startMinutes);
      if (inSlot && a.kind === 'slot') inSlot.push(a);
      else if (a.kind === 'walk_in' || !inSlot) unslotted.push(a);
    }
    days.push({ doctor, slots: slots.map((s) => ({ ...s, appointments: atStart.get(s.startMinutes)! })), unslotted });
  }
  waiting.sort((a, b) => (a.checkedInAt ?? '').localeCompare(b.checkedInAt ?? ''));
  return { date, isHoliday: holiday !== undefined, holidayName: holiday?.name ?? null, doctors: days, waiting };
}

export const appointmentHandlers: Pick<
  Handlers,
  'appointments.day' | 'appointments.week' | 'appointments.get' | 'appointments.queue' | 'appointments.book' | 'appointments.walkIn' | 'appointments.transition' | 'appointments.reschedule'
> = {
  async 'appointments.day'(ctx, { date, doctorIds }) {
    return dayView(ctx, date, doctorIds);
  },

  async 'appointments.week'(ctx, { doctorId, weekStart }) {
    const days: DayView[] = [];
    for (let i = 0; i < 7; i++) days.push(await dayView(ctx, format(addDays(parseISO(weekStart), i), 'yyyy-MM-dd'), [doctorId]));
    return days;
  },

  async 'appointments.get'(ctx, { id }) {
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    return fullAppointment(ctx.db, ctx.session!.clinicId, id, actor, await graceMinutes(ctx));
  },

  async 'appointments.queue'(ctx, { doctorId }) {
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    const grace = await graceMinutes(ctx);
    const doctor = doctorId ?? (ctx.session!.role === 'doctor' ? ctx.session!.userId : undefined);
    if (!doctor) throw new ApiError({ code: 'validation', fields: { doctorId: 'Choose a doctor.' }, message: 'Choose a doctor to see their queue.' });
    const rows = (await selectRows(ctx.db)
      .where('a.clinic_id', '=', ctx.session!.clinicId)
      .where('a.doctor_id', '=', doctor)
      .where('a.date', '=', actor.today)
      .where('a.status', 'in', ['checked_in', 'in_consult'])
      .orderBy('a.token')
      .execute()) as Row[];
    // The patient being seen first, then the waiting room in token (arrival) order.
    return rows.map((r) => summary(r, actor, grace)).sort((a, b) => Number(b.status === 'in_consult') - Number(a.status === 'in_consult') || (a.token ?? 0) - (b.token ?? 0));
  },

  async 'appointments.book'(ctx, input) {
    const clinicId = ctx.session!.clinicId;
    await expireLapsedHolds(ctx, clinicId, { doctorId: input.doctorId, date: input.date });
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    if (input.date < actor.today) throw new ApiError({ code: 'validation', fields: { date: 'Choose today or a later date.' }, message: 'Appointments can only be booked for today or later.' });
    const grace = await graceMinutes(ctx);
    const id = newId();
    await runCommand(ctx, 'appointments.book', async (trx, now) => {
      const label = await requirePatient(trx, clinicId, input.patientId);
      const slot = await assertRoom(trx, ctx, input.doctorId, input.date, input.startMinutes);
      const row = {
        id,
        patient_id: input.patientId,
        doctor_id: input.doctorId,
        date: input.date,
        start_minutes: slot.startMinutes,
        end_minutes: slot.endMinutes,
        kind: 'slot' as const,
        type: input.type,
        status: 'requested',
        machine_version: APPOINTMENT_MACHINE_VERSION,
        ...label,
        hold_expires_at: null as string | null,
        token: null,
        checked_in_at: null,
        desk_notes: input.deskNotes,
        cancel_reason: null,
        ...newRowConventions({ userId: ctx.session!.userId, clinicId }, now),
      };
      const who = { userId: ctx.session!.userId, clinicId };
      const steps: TransitionRecord[] = [{ appointmentId: id, event: 'appointment.request', from: null, to: 'requested', details: { date: input.date, start: formatMinutes(slot.startMinutes) } }];
      let status: AppointmentStatus = 'requested';
      if (input.mode !== 'request') {
        const holdExpiresAt = new Date(Date.parse(now) + input.holdMinutes * 60_000).toISOString();
        const event: AppointmentEvent = input.mode === 'hold' ? { type: 'appointment.hold', holdExpiresAt, ...actor } : { type: 'appointment.confirm', ...actor };
        const to = decide(status, machineContext(row, grace), event);
        if (input.mode === 'hold') row.hold_expires_at = holdExpiresAt;
        steps.push({ appointmentId: id, event: event.type, from: status, to, details: input.mode === 'hold' ? { holdExpiresAt } : undefined });
        status = to;
      }
      await trx.insertInto('appointments').values({ ...row, status }).execute();
      for (const step of steps) await recordTransition(trx, who, now, step);
      return {
        result: null,
        audit: [{ action: 'appointment.booked', entityType: 'appointment', entityId: id, changes: [{ field: 'status', before: null, after: status }] }],
        mutationArgs: { id, ...input },
        entities: ['appointments'],
      };
    });
    return fullAppointment(ctx.db, clinicId, id, actor, grace);
  },

  async 'appointments.walkIn'(ctx, input) {
    const clinicId = ctx.session!.clinicId;
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    const grace = await graceMinutes(ctx);
    const id = newId();
    await runCommand(ctx, 'appointments.walkIn', async (trx, now) => {
      const label = await requirePatient(trx, clinicId, input.patientId);
      const doctor = await requireDoctor(trx, clinicId, input.doctorId);
      if (!doctor.active) throw new ApiError({ code: 'conflict', reason: 'doctor_inactive', message: `${doctor.displayName} is not seeing patients.` });
      const context: AppointmentContext = { doctorStaffId: input.doctorId, date: actor.today, startMinutes: null, holdExpiresAt: null, graceMinutes: grace };
      const to = decide('requested', context, { type: 'appointment.checkIn', ...actor });
      const token = await nextToken(trx, input.doctorId, actor.today);
      await trx
        .insertInto('appointments')
        .values({
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
          checked_in_at: now,
          desk_notes: input.deskNotes,
          cancel_reason: null,
          ...label,
          ...newRowConventions({ userId: ctx.session!.userId, clinicId }, now),
        })
        .execute();
      const who = { userId: ctx.session!.userId, clinicId };
      await recordTransition(trx, who, now, { appointmentId: id, event: 'appointment.request', from: null, to: 'requested', details: { walkIn: true } });
      await recordTransition(trx, who, now, { appointmentId: id, event: 'appointment.checkIn', from: 'requested', to, details: { token } });
      return {
        result: null,
        audit: [{ action: 'appointment.walk_in', entityType: 'appointment', entityId: id, changes: [{ field: 'token', before: null, after: token }] }],
        mutationArgs: { id, ...input },
        entities: ['appointments'],
      };
    });
    return fullAppointment(ctx.db, clinicId, id, actor, grace);
  },

  async 'appointments.transition'(ctx, { id, event: type, reason, holdMinutes }) {
    const clinicId = ctx.session!.clinicId;
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    const grace = await graceMinutes(ctx);
    await runCommand(ctx, 'appointments.transition', async (trx, now) => {
      const row = await loadAppointment(trx, clinicId, id);
      const from = row.status as AppointmentStatus;
      const holdExpiresAt = new Date(Date.parse(now) + holdMinutes * 60_000).toISOString();
      const event = { type, ...actor, reason: reason ?? '', holdExpiresAt } as AppointmentEvent;
      const to = decide(from, machineContext(row, grace), event);
      const changes: Updateable<AppointmentsTable> = { status: to, updated_at: now, updated_by: ctx.session!.userId };
      const details: Record<string, unknown> = {};
      if (type === 'appointment.hold') changes.hold_expires_at = holdExpiresAt;
      if (to === 'confirmed') changes.hold_expires_at = null;
      if (to === 'checked_in') {
        if (row.token === null) changes.token = details.token = await nextToken(trx, row.doctor_id, row.date);
        changes.checked_in_at = now;
      }
      if (to === 'cancelled') changes.cancel_reason = reason;
      await trx.updateTable('appointments').set(changes).where('id', '=', id).execute();
      await recordTransition(trx, { userId: ctx.session!.userId, clinicId }, now, { appointmentId: id, event: type, from, to, reason, details: Object.keys(details).length ? details : undefined });
      return {
        result: null,
        audit: [{ action: type, entityType: 'appointment', entityId: id, changes: [{ field: 'status', before: from, after: to }] }],
        mutationArgs: { id, event: type, reason, holdMinutes },
        entities: ['appointments'],
      };
    });
    return fullAppointment(ctx.db, clinicId, id, actor, grace);
  },

  async 'appointments.reschedule'(ctx, { id, date, startMinutes, reason }) {
    const clinicId = ctx.session!.clinicId;
    const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
    if (date < actor.today) throw new ApiError({ code: 'validation', fields: { date: 'Choose today or a later date.' }, message: 'Appointments can only be moved to today or later.' });
    const grace = await graceMinutes(ctx);
    await runCommand(ctx, 'appointments.reschedule', async (trx, now) => {
      const row = await loadAppointment(trx, clinicId, id);
      const from = row.status as AppointmentStatus;
      const to = decide(from, machineContext(row, grace), { type: 'appointment.reschedule', ...actor });
      const slot = await assertRoom(trx, ctx, row.doctor_id, date, startMinutes, id);
      await trx.updateTable('appointments').set({ date, start_minutes: slot.startMinutes, end_minutes: slot.endMinutes, updated_at: now, updated_by: ctx.session!.userId }).where('id', '=', id).execute();
      const details = { from: { date: row.date, start: row.start_minutes === null ? null : formatMinutes(row.start_minutes) }, to: { date, start: formatMinutes(slot.startMinutes) } };
      await recordTransition(trx, { userId: ctx.session!.userId, clinicId }, now, { appointmentId: id, event: 'appointment.reschedule', from, to, reason, details });
      return {
        result: null,
        audit: [{ action: 'appointment.rescheduled', entityType: 'appointment', entityId: id, changes: [{ field: 'date', before: row.date, after: date }, { field: 'startMinutes', before: row.start_minutes, after: slot.startMinutes }] }],
        mutationArgs: { id, date, startMinutes, reason },
        entities: ['appointments'],
      };
    });
    return fullAppointment(ctx.db, clinicId, id, actor, grace);
  },
};
