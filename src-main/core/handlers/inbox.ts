import type { Selectable } from 'kysely';
import { addDays, format, parseISO } from 'date-fns';
import type { InboxAction, InboxItem } from '../../../src-shared/api/types';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { Role } from '../../../src-shared/roles';
import { DEFAULT_TIMEZONE, formatDisplayDate } from '../../../src-shared/dates';
import { formatMinutes, localClock } from '../../../src-shared/domain/schedule';
import { formatRupees } from '../../../src-shared/gst/money';
import { placesTaken, slotsOn } from '../../../src-shared/commands/appointments';
import { newId } from '../../../src-shared/ids';
import { can } from '../../../src-shared/permissions';
import { runMutation, syncedDb, type CallContext, type Handlers } from '../context';
import type { InboxTable } from '../db/schema';

/**
 * "Needs attention" (DESIGN.md §4): changes made on this PC that the server refused when they reached it
 * (sync/push.ts put them here, with the server's reason). Each is shown as what it was and why it was
 * refused, in words, with what was typed, and with the follow-ups that make sense for it: book it again
 * into the next free slot, keep the other desk's version, or discard it. Nothing is deleted: a resolved
 * item keeps who resolved it, how and when.
 */
type Row = Selectable<InboxTable>;

const EVENT_WORDS: Record<string, string> = {
  'appointment.hold': 'Hold',
  'appointment.confirm': 'Confirmation',
  'appointment.checkIn': 'Check-in',
  'appointment.startConsult': 'Start of consultation',
  'appointment.complete': 'Completion',
  'appointment.markNoShow': 'No-show',
  'appointment.overrideNoShow': 'No-show undone',
  'appointment.cancel': 'Cancellation',
};

const FIELD_WORDS: Record<string, string> = {
  fullName: 'Full name',
  sex: 'Sex',
  dateOfBirth: 'Date of birth',
  dobEstimated: 'Date of birth estimated',
  mobile: 'Mobile',
  email: 'Email',
  addressLine: 'Address',
  city: 'City',
  stateCode: 'State',
  pincode: 'PIN code',
  emergencyName: 'Emergency contact',
  emergencyRelation: 'Relation',
  emergencyPhone: 'Emergency phone',
  abhaNumber: 'ABHA number',
  consentMessages: 'Agrees to messages',
  consentDataProcessing: 'Agrees to data processing',
  deskNotes: 'Notes for the desk',
  reason: 'Reason',
  type: 'Visit type',
  mode: 'Booking',
};

const show = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v));

/** Coded values of a booking, as the booking dialog words them. */
const VALUE_WORDS: Record<string, Record<string, string>> = {
  type: { new: 'New', follow_up: 'Follow-up', procedure: 'Procedure' },
  mode: { confirm: 'Booked', hold: 'Held for payment', request: 'Requested' },
  sex: { female: 'Female', male: 'Male', other: 'Other' },
};
const word = (field: string, v: unknown) => VALUE_WORDS[field]?.[String(v)] ?? show(v);

interface Names {
  patient(id: unknown): Promise<string>;
  staff(id: unknown): Promise<string>;
  appointment(id: unknown): Promise<{ patient: string; doctor: string; when: string } | null>;
  /** A bill by its number, or "for <recipient>" while it is a draft. */
  bill(id: string): Promise<string>;
}

function namesFor(ctx: CallContext): Names {
  const db = ctx.db;
  return {
    async patient(id) {
      const p = await db.selectFrom('patients').select('full_name').where('id', '=', String(id)).executeTakeFirst();
      return p?.full_name ?? 'a patient not on this PC';
    },
    async staff(id) {
      if (id === 'system') return 'ClinicDesk (automatic)';
      const s = await db.selectFrom('staff').select('display_name').where('id', '=', String(id)).executeTakeFirst();
      return s?.display_name ?? 'Unknown user';
    },
    async bill(id) {
      const b = await db.selectFrom('invoices').select(['number', 'recipient_name']).where('id', '=', id).executeTakeFirst();
      if (!b) return '(not on this PC)';
      return b.number ?? `for ${b.recipient_name}`;
    },
    async appointment(id) {
      const a = await db.selectFrom('appointments').select(['patient_name', 'doctor_id', 'date', 'start_minutes']).where('id', '=', String(id)).executeTakeFirst();
      if (!a) return null;
      return { patient: a.patient_name ?? 'a patient', doctor: await this.staff(a.doctor_id), when: `${formatDisplayDate(a.date)}${a.start_minutes === null ? '' : ` at ${formatMinutes(a.start_minutes)}`}` };
    },
  };
}

/** What the change was, what was typed, why it was refused — in words — and what this user can do about it. */
async function describe(row: Row, names: Names, role: Role): Promise<Pick<InboxItem, 'title' | 'explanation' | 'typed' | 'actions'>> {
  const args = JSON.parse(row.args) as Record<string, unknown>;
  const typed: InboxItem['typed'] = [];
  let title = 'A change made on this PC';
  let explanation = row.message;
  let actions: InboxAction[] = ['discard'];
  switch (row.name) {
    case 'appointments.book': {
      const patient = await names.patient(args.patientId);
      const doctor = await names.staff(args.doctorId);
      const when = `${formatDisplayDate(String(args.date))} at ${formatMinutes(Number(args.startMinutes))}`;
      title = `Booking: ${patient} with ${doctor}, ${when}`;
      typed.push({ label: 'Patient', value: patient }, { label: 'Doctor', value: doctor }, { label: 'Date', value: formatDisplayDate(String(args.date)) }, { label: 'Time', value: formatMinutes(Number(args.startMinutes)) });
      for (const k of ['type', 'mode', 'deskNotes']) typed.push({ label: FIELD_WORDS[k]!, value: word(k, args[k]) });
      if (row.reason === 'slot_full') {
        explanation = `${doctor}'s ${formatMinutes(Number(args.startMinutes))} slot on ${formatDisplayDate(String(args.date))} was booked from another desk while this PC was offline. The other booking stands.`;
        actions = ['rebook', 'keep_theirs', 'discard'];
      } else if (row.reason === 'no_slot' || row.reason === 'holiday') {
        actions = ['rebook', 'discard'];
      }
      break;
    }
    case 'appointments.walkIn': {
      const patient = await names.patient(args.patientId);
      title = `Walk-in: ${patient} for ${await names.staff(args.doctorId)}`;
      typed.push({ label: 'Patient', value: patient }, { label: FIELD_WORDS.deskNotes!, value: show(args.deskNotes) });
      break;
    }
    case 'appointments.transition':
    case 'appointments.reschedule': {
      const appt = await names.appointment(args.id);
      const what = row.name === 'appointments.reschedule' ? 'Move' : (EVENT_WORDS[String(args.event)] ?? 'Change');
      title = appt ? `${what} of ${appt.patient}'s appointment with ${appt.doctor}, ${appt.when}` : `${what} of an appointment`;
      if (row.name === 'appointments.reschedule') typed.push({ label: 'New date', value: formatDisplayDate(String(args.date)) }, { label: 'New time', value: formatMinutes(Number(args.startMinutes)) });
      if (args.reason) typed.push({ label: 'Reason', value: show(args.reason) });
      actions = ['keep_theirs', 'discard'];
      break;
    }
    case 'patients.register': {
      const input = (args.input ?? {}) as Record<string, unknown>;
      title = `New patient: ${show(input.fullName)} (${show(args.mrn)})`;
      for (const [k, v] of Object.entries(input)) if (FIELD_WORDS[k] && v !== null && v !== undefined) typed.push({ label: FIELD_WORDS[k]!, value: word(k, v) });
      break;
    }
    case 'patients.update': {
      title = `Changes to ${await names.patient(args.id)}'s details`;
      for (const [k, v] of Object.entries((args.set ?? {}) as Record<string, unknown>)) typed.push({ label: FIELD_WORDS[k] ?? k, value: word(k, v) });
      actions = ['keep_theirs', 'discard'];
      break;
    }
    case 'invoices.saveDraft':
    case 'invoices.issue':
    case 'invoices.discard':
    case 'invoices.creditNote':
    case 'payments.record': {
      const id = String(args.invoiceId ?? args.id);
      const bill = await names.bill(id);
      const what = { 'invoices.saveDraft': 'Draft bill', 'invoices.issue': 'Issue of bill', 'invoices.discard': 'Discarding of bill', 'invoices.creditNote': 'Credit note on bill', 'payments.record': 'Payment on bill' }[row.name];
      title = `${what} ${bill}`;
      if (row.name === 'payments.record') {
        typed.push({ label: 'Amount', value: formatRupees(Number(args.amountPaise)) }, { label: 'Paid by', value: show(args.mode) });
        if (row.reason === 'transition_refused') {
          explanation = `Bill ${bill} was paid or changed from another desk while this PC was offline, so this payment was not recorded. If this money was taken, give it back (or keep it as the patient's advance). ${row.message ?? ''}`.trim();
        }
      }
      if (args.reason) typed.push({ label: 'Reason', value: show(args.reason) });
      break;
    }
    case 'payments.advance':
      title = `Advance from ${await names.patient(args.patientId)}`;
      typed.push({ label: 'Amount', value: formatRupees(Number(args.amountPaise)) }, { label: 'Paid by', value: show(args.mode) });
      break;
    case 'dayClosing.close':
      title = `Day closing for ${formatDisplayDate(String(args.businessDate))}`;
      break;
    case 'notes.save':
    case 'prescriptions.save':
    case 'labs.enterResult': {
      const appt = args.appointmentId ? await names.appointment(args.appointmentId) : null;
      const patient = appt ? appt.patient : await names.patient(args.patientId);
      const what = { 'notes.save': args.parentId ? 'Addendum' : 'Note', 'prescriptions.save': args.kind === 'diet' ? 'Diet plan' : 'Prescription', 'labs.enterResult': 'Lab result' }[row.name];
      title = appt ? `${what} for ${patient}'s visit with ${appt.doctor}, ${appt.when}` : `${what} for ${patient}`;
      // What was written is clinical: shown only to doctors and administrators, so it can be copied back in.
      if (role === 'doctor' || role === 'admin') {
        if (row.name === 'notes.save') {
          for (const k of ['subjective', 'objective', 'assessment', 'plan'] as const) if (args[k]) typed.push({ label: k[0]!.toUpperCase() + k.slice(1), value: show(args[k]) });
          const dx = (Array.isArray(args.diagnoses) ? args.diagnoses : []) as Array<{ code?: string | null; title?: string }>;
          if (dx.length) typed.push({ label: 'Diagnoses', value: dx.map((d) => (d.code ? `${d.code} ${d.title ?? ''}` : (d.title ?? ''))).join('; ') });
        } else if (row.name === 'prescriptions.save') {
          const items = (Array.isArray(args.items) ? args.items : []) as Array<Record<string, unknown>>;
          items.forEach((it, i) => typed.push({ label: `Line ${i + 1}`, value: [it.generic ?? it.meal, it.strength, it.dose, it.frequency ?? it.advice].filter(Boolean).map(String).join(' · ') }));
          if (args.advice) typed.push({ label: 'Advice', value: show(args.advice) });
        } else {
          const test = (args.test ?? {}) as Record<string, unknown>;
          typed.push({ label: 'Test', value: show(test.name) }, { label: 'Result', value: `${show(args.value)}${test.unit ? ` ${String(test.unit)}` : ''}` }, { label: 'Sample date', value: formatDisplayDate(String(args.collectedOn)) });
        }
        explanation = `${row.message ?? 'The clinic server refused this change.'} What was written is below: copy it into the visit's record again (or an addendum) before discarding this.`;
      } else {
        explanation = `${row.message ?? 'The clinic server refused this change.'} Only the doctor can see what was written.`;
      }
      break;
    }
    default:
      title = `A change (${row.name}) made on this PC`;
  }
  // Rebooking books (and confirms) an appointment: offered only to those who may book and confirm — the front
  // desk and administrators (a doctor may only request a follow-up slot).
  if (!can(role, 'appointments.book') || role === 'doctor') actions = actions.filter((a) => a !== 'rebook');
  return { title, explanation, typed, actions };
}

async function toItem(row: Row, names: Names, role: Role): Promise<InboxItem> {
  const d = await describe(row, names, role);
  return {
    id: row.id,
    ...d,
    actions: row.resolved_at ? [] : d.actions,
    reason: row.reason,
    madeAt: row.made_at,
    madeBy: await names.staff(row.user_id),
    receivedAt: row.received_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by ? await names.staff(row.resolved_by) : null,
    resolution: row.resolution,
    resolutionNote: row.resolution_note,
    appointmentId: row.resolution === 'rebooked' ? ((JSON.parse(row.details ?? '{}') as { rebookedAs?: string }).rebookedAs ?? null) : null,
  };
}

/** The next slot of the same doctor with a free place, from the refused booking's time on (up to two weeks on). */
async function nextFreeSlot(ctx: CallContext, clinicId: string, doctorId: string, fromDate: string, fromMinutes: number): Promise<{ date: string; startMinutes: number } | null> {
  const db = syncedDb(ctx.db);
  let date = fromDate;
  for (let day = 0; day < 14; day++) {
    const { slots, holiday } = await slotsOn(db, clinicId, doctorId, date);
    if (!holiday) {
      for (const slot of slots) {
        if (day === 0 && slot.startMinutes < fromMinutes) continue;
        if ((await placesTaken(db, doctorId, date, slot.startMinutes)) < slot.capacity) return { date, startMinutes: slot.startMinutes };
      }
    }
    date = format(addDays(parseISO(date), 1), 'yyyy-MM-dd');
  }
  return null;
}

export const inboxHandlers: Pick<Handlers, 'inbox.list' | 'inbox.resolve'> = {
  async 'inbox.list'(ctx, { include }) {
    let q = ctx.db.selectFrom('inbox').selectAll();
    if (include === 'open') q = q.where('resolved_at', 'is', null);
    // Open items oldest first (the longest waiting on top), then the resolved ones, latest first.
    const rows = await q.orderBy((eb) => eb.case().when('resolved_at', 'is', null).then(0).else(1).end()).orderBy('received_at').orderBy('id').limit(500).execute();
    const names = namesFor(ctx);
    const open = rows.filter((r) => !r.resolved_at);
    const done = rows.filter((r) => r.resolved_at).sort((a, b) => (b.resolved_at! < a.resolved_at! ? -1 : 1));
    return Promise.all([...open, ...done].map((r) => toItem(r, names, ctx.session!.role)));
  },

  async 'inbox.resolve'(ctx, { id, action }) {
    const session = ctx.session!;
    const row = await ctx.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('item');
    const names = namesFor(ctx);
    if (row.resolved_at) {
      throw new ApiError({ code: 'conflict', reason: 'already_resolved', message: `This was already dealt with by ${row.resolved_by ? await names.staff(row.resolved_by) : 'someone'}.` });
    }
    const { actions } = await describe(row, names, session.role);
    if (!actions.includes(action)) throw new ApiError({ code: 'validation', reason: 'not_offered', message: 'That is not one of the ways to deal with this item.' });
    let note: string;
    let details: Record<string, unknown> = row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {};
    const now = ctx.clock().toISOString();
    if (action === 'rebook') {
      const args = JSON.parse(row.args) as { doctorId: string; patientId: string; date: string; startMinutes: number; type: 'new' | 'follow_up' | 'procedure'; deskNotes: string | null; mode: 'confirm' | 'hold' | 'request'; holdMinutes: number };
      const clinic = await ctx.clinic();
      // From the refused slot on, but never in the past: a booking for an earlier day, or for a time already
      // gone today, looks from now.
      const { today, nowMinutes } = localClock(ctx.clock(), clinic?.timezone ?? DEFAULT_TIMEZONE);
      const from = args.date > today ? { date: args.date, minutes: args.startMinutes } : { date: today, minutes: Math.max(nowMinutes, args.date === today ? args.startMinutes : 0) };
      const slot = await nextFreeSlot(ctx, session.clinicId, args.doctorId, from.date, from.minutes);
      const doctor = await names.staff(args.doctorId);
      if (!slot) throw new ApiError({ code: 'conflict', reason: 'no_free_slot', message: `${doctor} has no free slot in the next two weeks. Book by hand from the day view.` });
      const appointmentId = newId();
      await runMutation(ctx, 'appointments.book', { ...args, id: appointmentId, date: slot.date, startMinutes: slot.startMinutes });
      note = `Booked into ${doctor}'s ${formatMinutes(slot.startMinutes)} slot on ${formatDisplayDate(slot.date)}.`;
      details = { ...details, rebookedAs: appointmentId };
    } else {
      note = action === 'keep_theirs' ? 'Kept the version already on the server.' : 'Discarded; what was typed is kept here.';
    }
    const resolution = action === 'rebook' ? 'rebooked' : action === 'keep_theirs' ? 'kept_theirs' : 'discarded';
    await ctx.db
      .updateTable('inbox')
      .set({ resolved_at: now, resolved_by: session.userId, resolution, resolution_note: note, details: JSON.stringify(details) })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .execute();
    ctx.log.log('info', 'inbox.resolved', { item: id, resolution, by: session.userId });
    ctx.emit({ type: 'changed', entities: ['inbox', 'sync', ...(action === 'rebook' ? ['appointments'] : [])] });
    const updated = await ctx.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toItem(updated, names, session.role);
  },
};
