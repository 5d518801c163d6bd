import { setup, transition } from 'xstate';
import type { Role } from '../roles';

/**
 * The appointment lifecycle (DESIGN.md §5), one machine for the desk's core and the sync server:
 * requested → tentative (a hold with an expiry) → confirmed → checked_in → in_consult → completed;
 * no_show after the grace period (an admin can override back to checked_in, with a reason);
 * cancelled from any state before in_consult, with a reason. Guards carry the clinic's rules.
 * Each row's status is loaded into the machine, the event sent, and the result kept only if accepted.
 */
export const APPOINTMENT_MACHINE_VERSION = 1;

export const APPOINTMENT_STATES = ['requested', 'tentative', 'confirmed', 'checked_in', 'in_consult', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATES)[number];

export interface AppointmentContext {
  /** The staff id of the appointment's doctor. */
  doctorStaffId: string;
  /** Clinic-local date of the appointment, yyyy-MM-dd. */
  date: string;
  /** Slot start in minutes after clinic-local midnight (null for a walk-in). */
  startMinutes: number | null;
  /** When a tentative hold lapses (UTC ISO), else null. */
  holdExpiresAt: string | null;
  /** Minutes after the slot's start before the desk may mark a no-show. */
  graceMinutes: number;
}

/** Who acts and when: every event carries it, so guards can decide on role and clinic-local time. */
export interface Actor {
  role: Role | 'system';
  userId: string;
  /** UTC ISO instant */
  at: string;
  /** Clinic-local date and minutes after midnight at `at`. */
  today: string;
  nowMinutes: number;
}

export type AppointmentEvent =
  | ({ type: 'appointment.hold'; holdExpiresAt: string } & Actor)
  | ({ type: 'appointment.confirm' } & Actor)
  | ({ type: 'appointment.expireHold' } & Actor)
  | ({ type: 'appointment.reschedule' } & Actor)
  | ({ type: 'appointment.checkIn' } & Actor)
  | ({ type: 'appointment.startConsult' } & Actor)
  | ({ type: 'appointment.complete' } & Actor)
  | ({ type: 'appointment.markNoShow' } & Actor)
  | ({ type: 'appointment.overrideNoShow'; reason: string } & Actor)
  | ({ type: 'appointment.cancel'; reason: string } & Actor);

export type AppointmentEventType = AppointmentEvent['type'];

const DESK: ReadonlyArray<Actor['role']> = ['admin', 'front_desk'];

export const appointmentMachine = setup({
  types: {
    context: {} as AppointmentContext,
    events: {} as AppointmentEvent,
    input: {} as AppointmentContext,
  },
  guards: {
    isDesk: ({ event }) => DESK.includes(event.role),
    holdInFuture: ({ event }) => event.type === 'appointment.hold' && event.holdExpiresAt > event.at && DESK.includes(event.role),
    holdLapsed: ({ context, event }) => context.holdExpiresAt !== null && event.at >= context.holdExpiresAt,
    onOrAfterTheDay: ({ context, event }) => DESK.includes(event.role) && event.today >= context.date,
    isTreatingDoctorOrAdmin: ({ context, event }) => event.role === 'admin' || (event.role === 'doctor' && event.userId === context.doctorStaffId),
    pastGrace: ({ context, event }) =>
      (DESK.includes(event.role) || event.role === 'system') &&
      context.startMinutes !== null &&
      (event.today > context.date || (event.today === context.date && event.nowMinutes >= context.startMinutes + context.graceMinutes)),
    adminWithReason: ({ event }) => event.role === 'admin' && 'reason' in event && event.reason.trim().length >= 3,
    deskWithReason: ({ event }) => DESK.includes(event.role) && 'reason' in event && event.reason.trim().length >= 3,
  },
}).createMachine({
  id: 'appointment',
  initial: 'requested',
  context: ({ input }) => ({ ...input }),
  states: {
    requested: {
      on: {
        'appointment.hold': { target: 'tentative', guard: 'holdInFuture' },
        'appointment.confirm': { target: 'confirmed', guard: 'isDesk' },
        'appointment.reschedule': { target: 'requested', guard: 'isDesk', reenter: true },
        'appointment.checkIn': { target: 'checked_in', guard: 'onOrAfterTheDay' },
        'appointment.markNoShow': { target: 'no_show', guard: 'pastGrace' },
        'appointment.cancel': { target: 'cancelled', guard: 'deskWithReason' },
      },
    },
    tentative: {
      on: {
        'appointment.confirm': { target: 'confirmed', guard: 'isDesk' },
        'appointment.expireHold': { target: 'cancelled', guard: 'holdLapsed' },
        'appointment.reschedule': { target: 'tentative', guard: 'isDesk', reenter: true },
        'appointment.cancel': { target: 'cancelled', guard: 'deskWithReason' },
      },
    },
    confirmed: {
      on: {
        'appointment.reschedule': { target: 'confirmed', guard: 'isDesk', reenter: true },
        'appointment.checkIn': { target: 'checked_in', guard: 'onOrAfterTheDay' },
        'appointment.markNoShow': { target: 'no_show', guard: 'pastGrace' },
        'appointment.cancel': { target: 'cancelled', guard: 'deskWithReason' },
      },
    },
    checked_in: {
      on: {
        'appointment.startConsult': { target: 'in_consult', guard: 'isTreatingDoctorOrAdmin' },
        'appointment.cancel': { target: 'cancelled', guard: 'deskWithReason' },
      },
    },
    in_consult: {
      on: {
        'appointment.complete': { target: 'completed', guard: 'isTreatingDoctorOrAdmin' },
      },
    },
    completed: { type: 'final' },
    no_show: {
      on: {
        'appointment.overrideNoShow': { target: 'checked_in', guard: 'adminWithReason' },
      },
    },
    cancelled: { type: 'final' },
  },
});

/** Plain words for the desk: the states and what each event does. */
export const STATUS_LABELS: Record<AppointmentStatus, string> = {
  requested: 'requested',
  tentative: 'held (awaiting payment)',
  confirmed: 'confirmed',
  checked_in: 'checked in',
  in_consult: 'in consultation',
  completed: 'completed',
  no_show: 'marked no-show',
  cancelled: 'cancelled',
};

export const EVENT_LABELS: Record<AppointmentEventType, string> = {
  'appointment.hold': 'hold the slot',
  'appointment.confirm': 'confirm',
  'appointment.expireHold': 'release the hold',
  'appointment.reschedule': 'reschedule',
  'appointment.checkIn': 'check in',
  'appointment.startConsult': 'start the consultation',
  'appointment.complete': 'complete',
  'appointment.markNoShow': 'mark as no-show',
  'appointment.overrideNoShow': 'undo the no-show',
  'appointment.cancel': 'cancel',
};

/** Why a guard said no, in words a receptionist understands. */
const GUARD_REFUSALS: Partial<Record<AppointmentEventType, (c: AppointmentContext) => string>> = {
  'appointment.hold': () => 'Only the front desk can hold a slot, and the hold must end in the future.',
  'appointment.confirm': () => 'Only the front desk or an administrator can confirm appointments.',
  'appointment.expireHold': () => 'This hold has not expired yet.',
  'appointment.reschedule': () => 'Only the front desk or an administrator can reschedule appointments.',
  'appointment.checkIn': () => 'Check-in opens on the day of the appointment, at the front desk.',
  'appointment.startConsult': () => "Only the appointment's doctor or an administrator can start the consultation.",
  'appointment.complete': () => "Only the appointment's doctor or an administrator can complete the consultation.",
  'appointment.markNoShow': (c) => `A patient can be marked as no-show only ${c.graceMinutes} minutes after their slot has started, by the front desk.`,
  'appointment.overrideNoShow': () => 'Only an administrator can undo a no-show, and needs to give a reason.',
  'appointment.cancel': () => 'Give a reason to cancel (at least 3 characters). Only the front desk or an administrator can cancel.',
};

export type TransitionDecision = { ok: true; status: AppointmentStatus } | { ok: false; message: string };

function snapshotOf(status: AppointmentStatus, context: AppointmentContext) {
  return appointmentMachine.resolveState({ value: status, context });
}

/** Loads a row's state into the machine and sends the event: the new status, or why not. */
export function decideAppointmentTransition(status: AppointmentStatus, context: AppointmentContext, event: AppointmentEvent): TransitionDecision {
  const snapshot = snapshotOf(status, context);
  if (snapshot.can(event)) {
    const [next] = transition(appointmentMachine, snapshot, event);
    return { ok: true, status: next.value as AppointmentStatus };
  }
  const handled = Object.prototype.hasOwnProperty.call(appointmentMachine.config.states?.[status]?.on ?? {}, event.type);
  if (handled) return { ok: false, message: GUARD_REFUSALS[event.type]!(context) };
  return { ok: false, message: `You cannot ${EVENT_LABELS[event.type]} an appointment that is ${STATUS_LABELS[status]}.` };
}

/**
 * The events this actor may send now: the UI shows exactly these actions. Events that need a reason
 * or a hold time are probed with placeholders; the real values are checked again on the call.
 */
export function allowedAppointmentEvents(status: AppointmentStatus, context: AppointmentContext, actor: Actor): AppointmentEventType[] {
  // The answer depends only on the status and on what the guards read; the day view asks for
  // thousands of rows, so each distinct combination is resolved through the machine once.
  const key = guardInputsKey(status, context, actor);
  let allowed = allowedCache.get(key);
  if (!allowed) {
    allowed = Object.freeze(probeAllowedEvents(status, context, actor));
    if (allowedCache.size >= 4096) allowedCache.clear();
    allowedCache.set(key, allowed);
  }
  return [...allowed];
}

const allowedCache = new Map<string, readonly AppointmentEventType[]>();

/**
 * Everything the guards look at when the events are probed (the probe's reason and hold time are
 * fixed placeholders, so only the actor's role matters for those). Keep in step with the guards above:
 * two calls with the same key must get the same answer from the machine.
 */
function guardInputsKey(status: AppointmentStatus, c: AppointmentContext, a: Actor): string {
  const holdLapsed = c.holdExpiresAt !== null && a.at >= c.holdExpiresAt;
  const onOrAfterTheDay = a.today >= c.date;
  const treatingDoctor = a.userId === c.doctorStaffId;
  const pastGrace = c.startMinutes !== null && (a.today > c.date || (a.today === c.date && a.nowMinutes >= c.startMinutes + c.graceMinutes));
  return `${status}|${a.role}|${+holdLapsed}${+onOrAfterTheDay}${+treatingDoctor}${+pastGrace}${+probeHoldInFuture(a.at)}`;
}

/** Whether the probe hold (15 minutes after `at`) reads as later than `at`, remembered for the last instant asked. */
let lastProbe: { at: string; inFuture: boolean } | null = null;
function probeHoldInFuture(at: string): boolean {
  if (lastProbe?.at !== at) lastProbe = { at, inFuture: probeHoldFor(at) > at };
  return lastProbe.inFuture;
}

function probeHoldFor(at: string): string {
  return new Date(Date.parse(at) + 15 * 60_000).toISOString();
}

function probeAllowedEvents(status: AppointmentStatus, context: AppointmentContext, actor: Actor): AppointmentEventType[] {
  const snapshot = snapshotOf(status, context);
  const probeHold = probeHoldFor(actor.at);
  return (Object.keys(EVENT_LABELS) as AppointmentEventType[]).filter((type) => {
    const probe = { ...actor, type, reason: 'placeholder reason', holdExpiresAt: probeHold } as AppointmentEvent;
    return snapshot.can(probe);
  });
}
