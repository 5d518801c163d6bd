import { and, assign, setup, transition } from 'xstate';

/**
 * The clinical record lifecycle (DESIGN.md §5, "Clinical note: draft → signed (locked) → addenda"), one
 * machine for the desk's core, the sync server and the editor in the renderer. It serves every kind of
 * clinical record a doctor signs: SOAP notes, addenda, prescriptions and diet plans.
 *
 * - draft: being written. The treating doctor or a covering doctor may save it as often as they like,
 *   sign it (once something is written), or discard it; whoever started the draft may also discard it.
 * - signed: locked for good. Nothing on it changes again. A correction or a later finding is written as an
 *   addendum: a new record of kind `'addendum'`, with its own machine starting in draft, that points at
 *   the signed one. Sending `note.addendum` to the signed record only asks "may this person add one?";
 *   the signed record itself stays exactly as it is.
 * - discarded: a draft thrown away. It accepts nothing.
 *
 * Each row's status is loaded into the machine, the event sent, and the result kept only if the machine
 * accepted it (see {@link decideNoteTransition}). The UI shows exactly the actions
 * {@link allowedNoteEvents} returns for the current status and user.
 */
export const NOTE_MACHINE_VERSION = 1;

/** Every status a clinical record can be in. */
export const NOTE_STATES = ['draft', 'signed', 'discarded'] as const;
export type NoteStatus = (typeof NOTE_STATES)[number];

/** The kinds of clinical record this machine governs. */
export const NOTE_KINDS = ['note', 'addendum', 'prescription', 'diet'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** What the guards read about the record, loaded from its row. */
export interface NoteContext {
  /** What the record is: a SOAP note, an addendum to a signed record, a prescription or a diet plan. */
  kind: NoteKind;
  /** The staff id of the doctor responsible for the patient's visit. */
  treatingDoctorId: string;
  /** Staff ids of doctors covering for the treating doctor (a colleague on leave, a shared OPD). */
  coveringDoctorIds: readonly string[];
  /** The staff id of whoever started the draft. */
  authorId: string;
  /** True while nothing has been written yet. An empty record cannot be signed. */
  empty: boolean;
}

/** Who sends the event. Clinical rules look at the role and at the user's staff id. */
export interface NoteActor {
  userId: string;
  role: 'admin' | 'front_desk' | 'doctor' | 'accounts' | 'pharmacy' | 'system';
}

/**
 * What can happen to a record.
 *
 * - `note.save`: keep the draft's latest text. `empty`, when given, says whether the draft is still empty
 *   after this save; a live machine (the editor's) records it so that a later `note.sign` is judged on it.
 *   When omitted, the emptiness in the context is left as it was.
 * - `note.sign`: lock the draft as the doctor's signed record.
 * - `note.discard`: throw the draft away.
 * - `note.addendum`: ask to start an addendum to a signed record (the record itself stays signed).
 */
export type NoteEvent =
  | { type: 'note.save'; actor: NoteActor; empty?: boolean }
  | { type: 'note.sign'; actor: NoteActor }
  | { type: 'note.discard'; actor: NoteActor }
  | { type: 'note.addendum'; actor: NoteActor };

export type NoteEventType = NoteEvent['type'];

/** The treating doctor, or one covering for them, logged in as a doctor (an admin account never counts). */
function isClinician(context: NoteContext, actor: NoteActor): boolean {
  return actor.role === 'doctor' && (actor.userId === context.treatingDoctorId || context.coveringDoctorIds.includes(actor.userId));
}

/** Whoever started the draft (any role but the system), or the treating or a covering doctor. */
function mayDiscard(context: NoteContext, actor: NoteActor): boolean {
  return (actor.role !== 'system' && actor.userId === context.authorId) || isClinician(context, actor);
}

export const noteMachine = setup({
  types: {
    context: {} as NoteContext,
    events: {} as NoteEvent,
    input: {} as NoteContext,
  },
  guards: {
    /** The treating doctor or a covering doctor, acting with the doctor role. */
    isTreatingOrCoveringDoctor: ({ context, event }) => isClinician(context, event.actor),
    /** Something has been written: signing an empty record is refused. */
    hasContent: ({ context }) => !context.empty,
    /** The draft's author, or the treating or a covering doctor. */
    isAuthorOrTreatingOrCoveringDoctor: ({ context, event }) => mayDiscard(context, event.actor),
  },
  actions: {
    /** A save that says whether the draft is still empty updates the context, so signing is judged on it. */
    recordContent: assign({
      empty: ({ context, event }) => (event.type === 'note.save' && typeof event.empty === 'boolean' ? event.empty : context.empty),
    }),
  },
}).createMachine({
  id: 'note',
  initial: 'draft',
  context: ({ input }) => ({ ...input, coveringDoctorIds: [...input.coveringDoctorIds] }),
  states: {
    draft: {
      on: {
        'note.save': { target: 'draft', guard: 'isTreatingOrCoveringDoctor', actions: 'recordContent', reenter: true },
        'note.sign': { target: 'signed', guard: and(['isTreatingOrCoveringDoctor', 'hasContent']) },
        'note.discard': { target: 'discarded', guard: 'isAuthorOrTreatingOrCoveringDoctor' },
      },
    },
    signed: {
      on: {
        // The addendum is a new record with its own machine; this record stays signed and unchanged.
        'note.addendum': { target: 'signed', guard: 'isTreatingOrCoveringDoctor', reenter: true },
      },
    },
    discarded: { type: 'final' },
  },
});

/** Plain words for each status, as a doctor would say it. */
export const NOTE_STATUS_LABELS: Record<NoteStatus, string> = {
  draft: 'draft',
  signed: 'signed',
  discarded: 'discarded',
};

/** Plain words for each action, to put after "You cannot …" or on a button. */
export const NOTE_EVENT_LABELS: Record<NoteEventType, string> = {
  'note.save': 'save',
  'note.sign': 'sign',
  'note.discard': 'discard',
  'note.addendum': 'add an addendum to',
};

/** What each kind of record is called in messages. */
export const NOTE_KIND_LABELS: Record<NoteKind, string> = {
  note: 'note',
  addendum: 'addendum',
  prescription: 'prescription',
  diet: 'diet plan',
};

export type NoteDecision = { ok: true; status: NoteStatus } | { ok: false; message: string };

/** Why a guard said no, in words a doctor understands. */
function guardRefusal(context: NoteContext, event: NoteEvent): string {
  const what = NOTE_KIND_LABELS[context.kind];
  switch (event.type) {
    case 'note.save':
      return `Only the treating doctor or a covering doctor can write in this ${what}.`;
    case 'note.sign':
      if (isClinician(context, event.actor)) return `This ${what} is empty. Write something before signing it.`;
      return `Only the treating doctor or a covering doctor can sign this ${what}.`;
    case 'note.discard':
      return `Only the person who started this draft, the treating doctor or a covering doctor can discard it.`;
    case 'note.addendum':
      return `Only the treating doctor or a covering doctor can add an addendum to this ${what}.`;
  }
}

/** Why the status itself does not take the event at all. */
function statusRefusal(status: NoteStatus, context: NoteContext, event: NoteEvent): string {
  const what = NOTE_KIND_LABELS[context.kind];
  if (status === 'signed') return `This ${what} is signed and can no longer be changed. Add an addendum instead.`;
  if (status === 'discarded') return `This ${what} was discarded as a draft and can no longer be used. Start a new one instead.`;
  if (event.type === 'note.addendum') return `This ${what} is still a draft: change it directly. Addenda are added only after signing.`;
  return `You cannot ${NOTE_EVENT_LABELS[event.type]} a ${what} that is ${NOTE_STATUS_LABELS[status]}.`;
}

/**
 * Loads a record's status and context into the machine and sends the event: the new status if the machine
 * accepts it, or a message saying why not. A refusal explains either that the record's status does not take
 * the action at all (a signed record is never changed; addenda come only after signing), or who may do it
 * and what is missing (the treating doctor or a covering doctor; something written before signing).
 */
export function decideNoteTransition(status: NoteStatus, context: NoteContext, event: NoteEvent): NoteDecision {
  const snapshot = noteMachine.resolveState({ value: status, context });
  if (snapshot.can(event)) {
    const [next] = transition(noteMachine, snapshot, event);
    return { ok: true, status: next.value as NoteStatus };
  }
  const handled = Object.prototype.hasOwnProperty.call(noteMachine.config.states?.[status]?.on ?? {}, event.type);
  return { ok: false, message: handled ? guardRefusal(context, event) : statusRefusal(status, context, event) };
}

/**
 * The actions this user may take on the record now, in a fixed order (save, sign, discard, addendum):
 * the UI shows exactly these. Each is probed through the machine with the record's current context, so
 * `note.sign` is missing while the record is empty.
 */
export function allowedNoteEvents(status: NoteStatus, context: NoteContext, actor: NoteActor): NoteEventType[] {
  const snapshot = noteMachine.resolveState({ value: status, context });
  return (Object.keys(NOTE_EVENT_LABELS) as NoteEventType[]).filter((type) => snapshot.can({ type, actor }));
}
