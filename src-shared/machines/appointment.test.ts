import { describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import {
  APPOINTMENT_STATES,
  EVENT_LABELS,
  allowedAppointmentEvents,
  appointmentMachine,
  decideAppointmentTransition,
  type Actor,
  type AppointmentContext,
  type AppointmentEvent,
  type AppointmentEventType,
  type AppointmentStatus,
} from './appointment';

const context: AppointmentContext = { doctorStaffId: 'doc-1', date: '2026-11-25', startMinutes: 600, holdExpiresAt: '2026-11-25T05:00:00.000Z', graceMinutes: 15 };
const at = (iso: string, today = '2026-11-25', nowMinutes = 630) => ({ at: iso, today, nowMinutes });
const DESK: Actor = { role: 'front_desk', userId: 'fd-1', ...at('2026-11-25T05:30:00.000Z') };
const ADMIN: Actor = { role: 'admin', userId: 'ad-1', ...at('2026-11-25T05:30:00.000Z') };
const DOCTOR: Actor = { role: 'doctor', userId: 'doc-1', ...at('2026-11-25T05:30:00.000Z') };
const SYSTEM: Actor = { role: 'system', userId: 'system', ...at('2026-11-25T05:30:00.000Z') };

/** An event that satisfies every guard of its type (the right person, at a time the rules allow). */
function permitted(type: AppointmentEventType): AppointmentEvent {
  switch (type) {
    case 'appointment.hold':
      return { type, ...DESK, holdExpiresAt: '2026-11-25T06:00:00.000Z' };
    case 'appointment.startConsult':
    case 'appointment.complete':
      return { type, ...DOCTOR };
    case 'appointment.overrideNoShow':
      return { type, ...ADMIN, reason: 'Patient was in the pharmacy queue' };
    case 'appointment.cancel':
      return { type, ...DESK, reason: 'Patient called to cancel' };
    case 'appointment.expireHold':
      return { type, ...SYSTEM };
    default:
      return { type, ...DESK } as AppointmentEvent;
  }
}

/** The lifecycle written out independently of the machine: state → event → next state. */
const SPEC: Record<AppointmentStatus, Partial<Record<AppointmentEventType, AppointmentStatus>>> = {
  requested: {
    'appointment.hold': 'tentative',
    'appointment.confirm': 'confirmed',
    'appointment.reschedule': 'requested',
    'appointment.checkIn': 'checked_in',
    'appointment.markNoShow': 'no_show',
    'appointment.cancel': 'cancelled',
  },
  tentative: { 'appointment.confirm': 'confirmed', 'appointment.expireHold': 'cancelled', 'appointment.reschedule': 'tentative', 'appointment.cancel': 'cancelled' },
  confirmed: { 'appointment.reschedule': 'confirmed', 'appointment.checkIn': 'checked_in', 'appointment.markNoShow': 'no_show', 'appointment.cancel': 'cancelled' },
  checked_in: { 'appointment.startConsult': 'in_consult', 'appointment.cancel': 'cancelled' },
  in_consult: { 'appointment.complete': 'completed' },
  completed: {},
  no_show: { 'appointment.overrideNoShow': 'checked_in' },
  cancelled: {},
};
const EVENT_TYPES = Object.keys(EVENT_LABELS) as AppointmentEventType[];

describe('appointment machine, from its graph', () => {
  const model = createTestModel(appointmentMachine.provide({}), {
    events: EVENT_TYPES.map((t) => permitted(t)),
  });
  // The graph is walked from the initial state with the fixed context as input.
  const shortest = model.getShortestPaths({ input: context } as never);
  const simple = model.getSimplePaths({ input: context } as never);

  it('reaches every state', () => {
    const reached = new Set([...shortest, ...simple].flatMap((p) => [String(p.state.value), ...p.steps.map((s) => String(s.state.value))]));
    expect([...reached].sort().join(",")).toEqual([...APPOINTMENT_STATES].sort().join(","));
  });

  it('every simple and shortest path replays step by step through the decision the core and server use', () => {
    expect(simple.length).toBeGreaterThan(10);
    for (const path of [...shortest, ...simple]) {
      let status: AppointmentStatus = 'requested';
      for (const step of path.steps) {
        const event = step.event as AppointmentEvent;
        if (event.type.startsWith('xstate.')) continue;
        const decision = decideAppointmentTransition(status, context, event);
        expect(decision.ok, `${status} + ${event.type}`).toBe(true);
        if (decision.ok) {
          expect(decision.status).toBe(SPEC[status][event.type]);
          status = decision.status;
        }
      }
      expect(status).toBe(path.state.value);
    }
  });

  it('in every state, each event not in the lifecycle is refused with a readable reason', () => {
    for (const status of APPOINTMENT_STATES) {
      for (const type of EVENT_TYPES) {
        const decision = decideAppointmentTransition(status, context, permitted(type));
        const expected = SPEC[status][type];
        if (expected) expect(decision, `${status} + ${type}`).toEqual({ ok: true, status: expected });
        else {
          expect(decision.ok, `${status} + ${type} must be refused`).toBe(false);
          if (!decision.ok) expect(decision.message).toMatch(/^You cannot .+ an appointment that is .+\.$/);
        }
      }
    }
  });

  it('the UI is offered exactly the events the machine accepts', () => {
    for (const status of APPOINTMENT_STATES) {
      for (const actor of [DESK, ADMIN, DOCTOR]) {
        const offered = allowedAppointmentEvents(status, context, actor);
        for (const type of EVENT_TYPES) {
          const probe = { ...permitted(type), ...actor } as AppointmentEvent;
          expect(offered.includes(type), `${status}/${actor.role}/${type}`).toBe(decideAppointmentTransition(status, context, probe).ok);
        }
      }
    }
  });
});

describe('the guards carry the clinic rules', () => {
  const refused = (status: AppointmentStatus, event: AppointmentEvent) => {
    const d = decideAppointmentTransition(status, context, event);
    expect(d.ok).toBe(false);
    return d.ok ? '' : d.message;
  };

  it('no check-in before the day of the appointment', () => {
    expect(refused('confirmed', { type: 'appointment.checkIn', ...DESK, today: '2026-11-24' })).toMatch(/day of the appointment/);
    expect(decideAppointmentTransition('confirmed', context, { type: 'appointment.checkIn', ...DESK, today: '2026-11-26' }).ok).toBe(true);
  });

  it('only the treating doctor or an admin starts and completes a consultation', () => {
    expect(refused('checked_in', { type: 'appointment.startConsult', ...DOCTOR, userId: 'doc-2' })).toMatch(/appointment's doctor/);
    expect(refused('checked_in', { type: 'appointment.startConsult', ...DESK })).toMatch(/appointment's doctor/);
    expect(decideAppointmentTransition('checked_in', context, { type: 'appointment.startConsult', ...ADMIN }).ok).toBe(true);
    expect(refused('in_consult', { type: 'appointment.complete', ...DOCTOR, userId: 'doc-2' })).toMatch(/appointment's doctor/);
  });

  it('no-show only after the grace period past the slot', () => {
    expect(refused('confirmed', { type: 'appointment.markNoShow', ...DESK, nowMinutes: 614 })).toMatch(/15 minutes/);
    expect(decideAppointmentTransition('confirmed', context, { type: 'appointment.markNoShow', ...DESK, nowMinutes: 615 }).ok).toBe(true);
    expect(decideAppointmentTransition('confirmed', context, { type: 'appointment.markNoShow', ...DESK, today: '2026-11-26', nowMinutes: 0 }).ok).toBe(true);
    expect(refused('confirmed', { type: 'appointment.markNoShow', ...DESK, today: '2026-11-24', nowMinutes: 1000 })).toMatch(/no-show/);
  });

  it('undoing a no-show needs an admin and a reason', () => {
    expect(refused('no_show', { type: 'appointment.overrideNoShow', ...DESK, reason: 'came late' })).toMatch(/administrator/);
    expect(refused('no_show', { type: 'appointment.overrideNoShow', ...ADMIN, reason: ' ' })).toMatch(/reason/);
  });

  it('cancelling needs a reason; a hold lapses only after its expiry', () => {
    expect(refused('confirmed', { type: 'appointment.cancel', ...DESK, reason: '' })).toMatch(/reason/);
    expect(refused('tentative', { type: 'appointment.expireHold', ...SYSTEM, at: '2026-11-25T04:59:59.000Z' })).toMatch(/not expired/);
    expect(refused('requested', { type: 'appointment.hold', ...DESK, holdExpiresAt: '2026-11-25T05:00:00.000Z' })).toMatch(/future/);
  });

  it('a completed appointment cannot go back to checked in', () => {
    expect(refused('completed', permitted('appointment.checkIn'))).toBe('You cannot check in an appointment that is completed.');
  });
});
