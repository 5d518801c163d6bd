import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createTestModel } from 'xstate/graph';
import {
  NOTE_EVENT_LABELS,
  NOTE_KINDS,
  NOTE_MACHINE_VERSION,
  NOTE_STATES,
  NOTE_STATUS_LABELS,
  allowedNoteEvents,
  decideNoteTransition,
  noteMachine,
  type NoteActor,
  type NoteContext,
  type NoteEvent,
  type NoteEventType,
  type NoteStatus,
} from './note';

const TREATING: NoteActor = { role: 'doctor', userId: 'doc-treating' };
const COVERING: NoteActor = { role: 'doctor', userId: 'doc-covering' };
const OTHER_DOCTOR: NoteActor = { role: 'doctor', userId: 'doc-other' };
const ADMIN: NoteActor = { role: 'admin', userId: 'admin-1' };
const FRONT_DESK: NoteActor = { role: 'front_desk', userId: 'fd-1' };
/** An admin account that happens to share the treating doctor's id must still not act as the doctor. */
const ADMIN_AS_TREATING: NoteActor = { role: 'admin', userId: 'doc-treating' };
const SYSTEM: NoteActor = { role: 'system', userId: 'system' };

const ACTORS = { TREATING, COVERING, OTHER_DOCTOR, ADMIN, FRONT_DESK, ADMIN_AS_TREATING, SYSTEM };

const written: NoteContext = { kind: 'note', treatingDoctorId: 'doc-treating', coveringDoctorIds: ['doc-covering'], authorId: 'doc-treating', empty: false };
const blank: NoteContext = { ...written, empty: true };
/** A draft the front desk started (a diet plan typed from the template, say), waiting for the doctor. */
const startedAtDesk: NoteContext = { ...written, kind: 'diet', authorId: 'fd-1' };
/** An author id shared with the system user, to show the system never discards as "the author". */
const systemAuthored: NoteContext = { ...written, authorId: 'system' };
const CONTEXTS = { written, blank, startedAtDesk, systemAuthored };

const EVENT_TYPES = Object.keys(NOTE_EVENT_LABELS) as NoteEventType[];

/**
 * The lifecycle written out independently of the machine: given a status, the context and an event, the
 * next status, or null for a refusal.
 */
function spec(status: NoteStatus, c: NoteContext, e: NoteEvent): NoteStatus | null {
  const clinician = e.actor.role === 'doctor' && (e.actor.userId === c.treatingDoctorId || c.coveringDoctorIds.includes(e.actor.userId));
  const author = e.actor.role !== 'system' && e.actor.userId === c.authorId;
  switch (e.type) {
    case 'note.save':
      return status === 'draft' && clinician ? 'draft' : null;
    case 'note.sign':
      return status === 'draft' && clinician && !c.empty ? 'signed' : null;
    case 'note.discard':
      return status === 'draft' && (clinician || author) ? 'discarded' : null;
    case 'note.addendum':
      return status === 'signed' && clinician ? 'signed' : null;
  }
}

/** The context after an accepted event (only a save that says whether the draft is empty changes it). */
function after(c: NoteContext, e: NoteEvent): NoteContext {
  return e.type === 'note.save' && typeof e.empty === 'boolean' ? { ...c, empty: e.empty } : c;
}

describe('note machine, from its graph', () => {
  // Events by the treating doctor and the covering doctor; saves that write something and saves that
  // clear the draft again, so the graph holds both an empty and a written draft.
  const events: NoteEvent[] = [TREATING, COVERING].flatMap((actor) => [
    { type: 'note.save', actor, empty: false },
    { type: 'note.save', actor, empty: true },
    { type: 'note.save', actor },
    { type: 'note.sign', actor },
    { type: 'note.discard', actor },
    { type: 'note.addendum', actor },
  ]);
  const model = createTestModel(noteMachine, { events });

  for (const [name, start] of Object.entries({ written, blank })) {
    describe(`starting from a ${name} draft`, () => {
      const shortest = model.getShortestPaths({ input: start } as never);
      const simple = model.getSimplePaths({ input: start } as never);

      it('reaches every state', () => {
        const reached = new Set([...shortest, ...simple].flatMap((p) => [String(p.state.value), ...p.steps.map((s) => String(s.state.value))]));
        expect([...reached].sort()).toEqual([...NOTE_STATES].sort());
      });

      it('every simple and shortest path replays step by step through the decision the core and server use', () => {
        expect(simple.length).toBeGreaterThan(3);
        for (const path of [...shortest, ...simple]) {
          let status: NoteStatus = 'draft';
          let context = start;
          for (const step of path.steps) {
            const event = step.event as NoteEvent;
            if (event.type.startsWith('xstate.')) continue;
            const decision = decideNoteTransition(status, context, event);
            expect(decision.ok, `${status} + ${event.type}`).toBe(true);
            if (decision.ok) {
              expect(decision.status).toBe(spec(status, context, event));
              status = decision.status;
              context = after(context, event);
            }
            expect(context.empty).toBe(step.state.context.empty);
          }
          expect(status).toBe(path.state.value);
        }
      });
    });
  }

  it('a blank draft is signed only after a save that writes something', () => {
    const paths = [...model.getShortestPaths({ input: blank } as never), ...model.getSimplePaths({ input: blank } as never)];
    const signings = paths.flatMap((p) =>
      p.steps.flatMap((step, i) => (step.event.type === 'note.sign' ? [{ before: i === 0 ? blank : p.steps[i - 1]!.state.context, events: p.steps.slice(0, i).map((s) => s.event as NoteEvent) }] : [])),
    );
    expect(signings.length).toBeGreaterThan(0);
    for (const { before, events } of signings) {
      expect(before.empty).toBe(false);
      expect(events.some((e) => e.type === 'note.save' && e.empty === false)).toBe(true);
    }
  });
});

describe('every event in every state, for every kind of user', () => {
  it('agrees with the lifecycle, and refusals are explained in plain words', () => {
    for (const [contextName, context] of Object.entries(CONTEXTS)) {
      for (const status of NOTE_STATES) {
        for (const [actorName, actor] of Object.entries(ACTORS)) {
          for (const type of EVENT_TYPES) {
            const event = { type, actor } as NoteEvent;
            const expected = spec(status, context, event);
            const decision = decideNoteTransition(status, context, event);
            const label = `${contextName}/${status}/${actorName}/${type}`;
            if (expected) expect(decision, label).toEqual({ ok: true, status: expected });
            else {
              expect(decision.ok, `${label} must be refused`).toBe(false);
              if (!decision.ok) expect(decision.message, label).toMatch(/^[A-Z].{20,}\.$/);
            }
          }
        }
      }
    }
  });

  it('the table of who may do what, written out', () => {
    const may = (status: NoteStatus, context: NoteContext, actor: NoteActor) => allowedNoteEvents(status, context, actor);
    expect(may('draft', written, TREATING)).toEqual(['note.save', 'note.sign', 'note.discard']);
    expect(may('draft', written, COVERING)).toEqual(['note.save', 'note.sign', 'note.discard']);
    expect(may('draft', blank, TREATING)).toEqual(['note.save', 'note.discard']);
    expect(may('draft', written, OTHER_DOCTOR)).toEqual([]);
    expect(may('draft', written, ADMIN)).toEqual([]);
    // The admin account is not a doctor, but it shares the author's id, and the author may discard a draft.
    expect(may('draft', written, ADMIN_AS_TREATING)).toEqual(['note.discard']);
    expect(may('draft', written, FRONT_DESK)).toEqual([]);
    expect(may('draft', startedAtDesk, FRONT_DESK)).toEqual(['note.discard']);
    expect(may('draft', systemAuthored, SYSTEM)).toEqual([]);
    expect(may('signed', written, TREATING)).toEqual(['note.addendum']);
    expect(may('signed', written, COVERING)).toEqual(['note.addendum']);
    for (const actor of [OTHER_DOCTOR, ADMIN, FRONT_DESK, ADMIN_AS_TREATING, SYSTEM]) expect(may('signed', written, actor)).toEqual([]);
    for (const actor of Object.values(ACTORS)) expect(may('discarded', written, actor)).toEqual([]);
  });

  it('the UI is offered exactly the events the machine accepts', () => {
    for (const context of Object.values(CONTEXTS)) {
      for (const status of NOTE_STATES) {
        for (const actor of Object.values(ACTORS)) {
          const offered = allowedNoteEvents(status, context, actor);
          for (const type of EVENT_TYPES) {
            expect(offered.includes(type), `${status}/${actor.role}:${actor.userId}/${type}`).toBe(decideNoteTransition(status, context, { type, actor } as NoteEvent).ok);
          }
        }
      }
    }
  });

  it('agrees with the lifecycle on random histories', () => {
    const actor = fc.constantFrom(...Object.values(ACTORS));
    const event: fc.Arbitrary<NoteEvent> = fc.oneof(
      fc.record({ type: fc.constant('note.save' as const), actor, empty: fc.constantFrom(true, false, undefined) }).map((e) => (e.empty === undefined ? { type: e.type, actor: e.actor } : e)),
      fc.record({ type: fc.constantFrom('note.sign' as const, 'note.discard' as const, 'note.addendum' as const), actor }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(CONTEXTS)), fc.constantFrom(...NOTE_KINDS), fc.array(event, { maxLength: 20 }), (start, kind, history) => {
        let status: NoteStatus = 'draft';
        let context: NoteContext = { ...start, kind };
        for (const e of history) {
          const expected = spec(status, context, e);
          const decision = decideNoteTransition(status, context, e);
          expect(decision.ok ? decision.status : null).toBe(expected);
          if (decision.ok) {
            status = decision.status;
            context = after(context, e);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the messages a doctor reads', () => {
  const refused = (status: NoteStatus, context: NoteContext, event: NoteEvent) => {
    const d = decideNoteTransition(status, context, event);
    expect(d.ok).toBe(false);
    return d.ok ? '' : d.message;
  };

  it('a signed record can no longer be changed; an addendum is the way', () => {
    for (const type of ['note.save', 'note.sign', 'note.discard'] as const) {
      expect(refused('signed', written, { type, actor: TREATING })).toBe('This note is signed and can no longer be changed. Add an addendum instead.');
    }
    expect(refused('signed', { ...written, kind: 'prescription' }, { type: 'note.save', actor: TREATING })).toBe(
      'This prescription is signed and can no longer be changed. Add an addendum instead.',
    );
    expect(decideNoteTransition('signed', written, { type: 'note.addendum', actor: COVERING })).toEqual({ ok: true, status: 'signed' });
  });

  it('the addendum is a new record of its own, starting as a draft', () => {
    const addendum = createActor(noteMachine, { input: { ...written, kind: 'addendum', authorId: 'doc-covering', empty: true } }).start();
    expect(addendum.getSnapshot().value).toBe('draft');
    addendum.send({ type: 'note.sign', actor: COVERING });
    expect(addendum.getSnapshot().value).toBe('draft');
    addendum.send({ type: 'note.save', actor: COVERING, empty: false });
    addendum.send({ type: 'note.sign', actor: COVERING });
    expect(addendum.getSnapshot().value).toBe('signed');
    addendum.stop();
  });

  it('who may sign, write, discard and add addenda', () => {
    expect(refused('draft', written, { type: 'note.sign', actor: OTHER_DOCTOR })).toBe('Only the treating doctor or a covering doctor can sign this note.');
    expect(refused('draft', written, { type: 'note.sign', actor: ADMIN })).toBe('Only the treating doctor or a covering doctor can sign this note.');
    expect(refused('draft', { ...written, kind: 'diet' }, { type: 'note.sign', actor: FRONT_DESK })).toBe('Only the treating doctor or a covering doctor can sign this diet plan.');
    expect(refused('draft', written, { type: 'note.save', actor: FRONT_DESK })).toBe('Only the treating doctor or a covering doctor can write in this note.');
    expect(refused('draft', written, { type: 'note.discard', actor: OTHER_DOCTOR })).toMatch(/started this draft, the treating doctor or a covering doctor/);
    expect(refused('signed', written, { type: 'note.addendum', actor: ADMIN })).toBe('Only the treating doctor or a covering doctor can add an addendum to this note.');
  });

  it('an empty record cannot be signed', () => {
    expect(refused('draft', blank, { type: 'note.sign', actor: TREATING })).toBe('This note is empty. Write something before signing it.');
    // Someone who may not sign at all is told that, not that the note is empty.
    expect(refused('draft', blank, { type: 'note.sign', actor: OTHER_DOCTOR })).toMatch(/^Only the treating doctor/);
  });

  it('addenda come only after signing; a discarded draft is finished', () => {
    expect(refused('draft', written, { type: 'note.addendum', actor: TREATING })).toBe('This note is still a draft: change it directly. Addenda are added only after signing.');
    expect(refused('discarded', written, { type: 'note.save', actor: TREATING })).toMatch(/^This note was discarded/);
  });

  it('labels cover every status and event; the version is pinned', () => {
    expect(Object.keys(NOTE_STATUS_LABELS).sort()).toEqual([...NOTE_STATES].sort());
    expect(EVENT_TYPES).toEqual(['note.save', 'note.sign', 'note.discard', 'note.addendum']);
    expect(NOTE_MACHINE_VERSION).toBe(1);
  });
});
