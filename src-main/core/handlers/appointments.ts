import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { Appointment, AppointmentStatusName, AppointmentSummary, AppointmentTransition, DayView, DoctorDay } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { addDays, format, parseISO } from 'date-fns';
import { allowedAppointmentEvents, type Actor, type AppointmentStatus } from '../../../src-shared/machines/appointment';
import { localClock, slotsForDay } from '../../../src-shared/domain/schedule';
import { SYSTEM_USER } from '../../../src-shared/commands';
import { machineContext } from '../../../src-shared/commands/appointments';
import { listDoctors, loadSchedules } from '../../../src-shared/commands/schedules';
import { runMutation, syncedDb, type CallContext, type CoreDeps, type Handlers } from '../context';
import type { AppointmentsTable, LocalDatabase } from '../db/schema';

type Db = Kysely<LocalDatabase> | Transaction<LocalDatabase>;
type Row = Selectable<AppointmentsTable>;

export async function actorFor(deps: CoreDeps, who: { role: Actor['role']; userId: string }): Promise<Actor> {
  const clinic = await deps.clinic();
  const now = deps.clock();
  return { ...who, at: now.toISOString(), ...localClock(now, clinic?.timezone ?? 'Asia/Kolkata') };
}

async function graceMinutes(deps: CoreDeps): Promise<number> {
  return (await deps.clinic())?.noShowGraceMinutes ?? 15;
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

async function loadAppointment(db: Db, clinicId: string, id: string): Promise<Row> {
  const row = await selectRows(db).where('a.id', '=', id).where('a.clinic_id', '=', clinicId).executeTakeFirst();
  if (!row) throw notFound('appointment');
  return row as Row;
}

async function fullAppointment(db: Db, clinicId: string, id: string, actor: Actor, grace: number): Promise<Appointment> {
  const row = await loadAppointment(db, clinicId, id);
  return { ...summary(row, actor, grace), cancelReason: row.cancel_reason, createdAt: row.created_at, updatedAt: row.updated_at, timeline: await timeline(db, id) };
}

/** Releases lapsed holds (as the system), so their places free up. Returns how many. */
export async function expireLapsedHolds(deps: CoreDeps, clinicId: string, filter?: { doctorId: string; date: string }): Promise<number> {
  const now = deps.clock().toISOString();
  let q = deps.db.selectFrom('appointments').select('id').where('status', '=', 'tentative').where('hold_expires_at', '<=', now).where('clinic_id', '=', clinicId);
  if (filter) q = q.where('doctor_id', '=', filter.doctorId).where('date', '=', filter.date);
  const lapsed = await q.limit(1000).execute();
  if (lapsed.length === 0) return 0;
  await runMutation({ ...deps, session: null }, 'appointments.expireHolds', { ids: lapsed.map((r) => r.id) }, { userId: SYSTEM_USER, clinicId, role: 'system' });
  return lapsed.length;
}

async function dayView(ctx: CallContext, date: string, doctorIds?: string[]): Promise<DayView> {
  const clinicId = ctx.session!.clinicId;
  const actor = await actorFor(ctx, { role: ctx.session!.role, userId: ctx.session!.userId });
  const grace = await graceMinutes(ctx);
  const doctors = await listDoctors(syncedDb(ctx.db), clinicId, false, doctorIds);
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
    syncedDb(ctx.db),
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
    const id = newId();
    await runMutation(ctx, 'appointments.book', { id, ...input });
    return fullAppointment(ctx.db, clinicId, id, await actorFor(ctx, ctx.session!), await graceMinutes(ctx));
  },

  async 'appointments.walkIn'(ctx, input) {
    const id = newId();
    await runMutation(ctx, 'appointments.walkIn', { id, ...input });
    return fullAppointment(ctx.db, ctx.session!.clinicId, id, await actorFor(ctx, ctx.session!), await graceMinutes(ctx));
  },

  async 'appointments.transition'(ctx, input) {
    await runMutation(ctx, 'appointments.transition', input);
    return fullAppointment(ctx.db, ctx.session!.clinicId, input.id, await actorFor(ctx, ctx.session!), await graceMinutes(ctx));
  },

  async 'appointments.reschedule'(ctx, input) {
    await runMutation(ctx, 'appointments.reschedule', input);
    return fullAppointment(ctx.db, ctx.session!.clinicId, input.id, await actorFor(ctx, ctx.session!), await graceMinutes(ctx));
  },
};
