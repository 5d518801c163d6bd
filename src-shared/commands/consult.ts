import type { Kysely } from 'kysely';
import { ApiError, notFound } from '../errors';
import type { z } from 'zod';
import type { MethodArgs } from '../api/contract';
import { documentArgs } from '../api/consult';
import type {
  Allergy,
  AllergySeverity,
  Diagnosis,
  DietItem,
  DoctorCover,
  DocumentInfo,
  DocumentType,
  FollowUpTask,
  LabResult,
  MedicationItem,
  NoteRecord,
  NoteTemplate,
  PrescriptionKind,
  PrescriptionRecord,
  TaskStatus,
} from '../api/consult';
import { allergyWarnings } from '../clinical/allergy';
import { contentHash } from '../clinical/hash';
import { abnormalFlag } from '../clinical/labs';
import type { Vitals } from '../clinical/vitals';
import { formatDisplayDate, localParts } from '../dates';
import { allowedNoteEvents, decideNoteTransition, NOTE_MACHINE_VERSION, type NoteActor, type NoteContext, type NoteEvent, type NoteStatus } from '../machines/note';
import type { ShapeRow } from '../sync/shapes';
import { newConventions, touched, type CommandEnv, type CommandOutput, type NewRow, type SyncedDatabase } from './env';

/**
 * Consultation commands (issue 7): notes and addenda, prescriptions and diet plans, allergies, lab tests,
 * templates and covers. Each runs on the doctor's desk and again on the server. The note machine
 * (src-shared/machines/note.ts) decides every save and signature; a signed record is never written again
 * (the server's trigger refuses it too), so a change after signing is an addendum or a new version.
 *
 * Audit entries name what happened and to which record, never the clinical text (no PHI in the audit diff).
 */

/**
 * The commands that write clinical tables: made only on a PC whose station receives them (a consult room or an
 * administrator's), so clinical text never lands on a front desk or accounts PC, even when a doctor signs in there.
 */
export const CLINICAL_MUTATIONS: ReadonlySet<string> = new Set([
  'consult.saveTemplate',
  'consult.removeTemplate',
  'notes.save',
  'notes.sign',
  'notes.discard',
  'prescriptions.save',
  'prescriptions.revise',
  'prescriptions.sign',
  'allergies.save',
  'allergies.remove',
  'labs.order',
  'labs.enterResult',
  'documents.attach',
]);

export const notAClinicalStation = () =>
  new ApiError({
    code: 'permission',
    reason: 'not_clinical_station',
    message: 'Clinical records are kept only on consult-room and administrator PCs, not on this one. Use a consult-room PC.',
  });

/** Statuses of an appointment that make it a visit: the patient has been checked in. */
export const VISIT_STATUSES = ['checked_in', 'in_consult', 'completed'] as const;

type Db = Kysely<SyncedDatabase>;
type NoteRow = ShapeRow<'clinical_notes'>;
type PrescriptionRow = ShapeRow<'prescriptions'>;

export async function requireVisit(env: Pick<CommandEnv, 'db' | 'who' | 'unstored'>, appointmentId: string): Promise<ShapeRow<'appointments'>> {
  // A walk-in made in the same push batch is not stored yet on the server: read the batch's copy first.
  const row = env.unstored('appointments', appointmentId) ?? (await env.db.selectFrom('appointments').selectAll().where('id', '=', appointmentId).where('clinic_id', '=', env.who.clinicId).executeTakeFirst());
  if (!row || row.deleted_at !== null) throw notFound('visit');
  if (!(VISIT_STATUSES as readonly string[]).includes(row.status)) {
    throw new ApiError({ code: 'conflict', reason: 'not_a_visit', message: 'The patient has not been checked in for this appointment yet: check them in first.' });
  }
  return row;
}

/** The doctors covering for a doctor on a day (named by an administrator). */
export async function coveringDoctorIds(db: Db, clinicId: string, doctorId: string, date: string): Promise<string[]> {
  const rows = await db
    .selectFrom('doctor_covers')
    .select('covering_doctor_id')
    .where('clinic_id', '=', clinicId)
    .where('doctor_id', '=', doctorId)
    .where('from_date', '<=', date)
    .where('to_date', '>=', date)
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map((r) => r.covering_doctor_id);
}

/** The clinic's date at the command's instant (covers are by the day the covering doctor acts). */
function clinicToday(env: Pick<CommandEnv, 'now' | 'clinic'>): string {
  const p = localParts(new Date(env.now), env.clinic.timezone);
  return `${p.year}-${p.month}-${p.day}`;
}

export function noteActor(who: CommandEnv['who']): NoteActor {
  return { userId: who.userId, role: who.role };
}

function decide(status: NoteStatus, context: NoteContext, event: NoteEvent): NoteStatus {
  const decision = decideNoteTransition(status, context, event);
  if (!decision.ok) throw new ApiError({ code: 'conflict', reason: 'note_refused', message: decision.message });
  return decision.status;
}

const parseJson = <T>(text: string | null, fallback: T): T => {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

interface NoteContent {
  subjective: string | null;
  objective: string | null;
  assessment: string | null;
  plan: string | null;
  vitals: Vitals | null;
  diagnoses: Diagnosis[];
}

function noteIsEmpty(c: NoteContent): boolean {
  const vitalsGiven = c.vitals !== null && Object.values(c.vitals).some((v) => v !== null && v !== undefined);
  return !c.subjective && !c.objective && !c.assessment && !c.plan && !vitalsGiven && c.diagnoses.length === 0;
}

function noteContentOf(row: Pick<NoteRow, 'subjective' | 'objective' | 'assessment' | 'plan' | 'vitals' | 'diagnoses'>): NoteContent {
  return {
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    vitals: parseJson<Vitals | null>(row.vitals, null),
    diagnoses: parseJson<Diagnosis[]>(row.diagnoses, []),
  };
}

/** Only the vitals actually given, so an empty form stores null. */
function compactVitals(v: Vitals | null): Vitals | null {
  if (!v) return null;
  const out: Record<string, number> = {};
  for (const [k, value] of Object.entries(v)) if (typeof value === 'number') out[k] = value;
  return Object.keys(out).length ? (out as Vitals) : null;
}

async function noteContext(env: Pick<CommandEnv, 'db' | 'who' | 'now' | 'clinic'>, row: Pick<NoteRow, 'kind' | 'doctor_id' | 'author_id'> & NoteContent): Promise<NoteContext> {
  return {
    kind: row.kind as 'note' | 'addendum',
    treatingDoctorId: row.doctor_id,
    coveringDoctorIds: await coveringDoctorIds(env.db, env.who.clinicId, row.doctor_id, clinicToday(env)),
    authorId: row.author_id,
    empty: noteIsEmpty(row),
  };
}

async function requireNote(env: Pick<CommandEnv, 'db' | 'who'>, id: string): Promise<NoteRow> {
  const row = await env.db.selectFrom('clinical_notes').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  if (!row || row.deleted_at !== null) throw notFound('note');
  return row;
}

async function staffNames(db: Db, ids: Array<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** A note row as the ClinicApi speaks it, with what the reader may do next. */
export async function noteRecord(env: Pick<CommandEnv, 'db' | 'who' | 'now' | 'clinic'>, row: NoteRow, names?: Map<string, string>): Promise<NoteRecord> {
  const content = noteContentOf(row);
  const n = names ?? (await staffNames(env.db, [row.author_id, row.signed_by]));
  const context = await noteContext(env, { ...row, ...content });
  return {
    id: row.id,
    appointmentId: row.appointment_id,
    patientId: row.patient_id,
    doctorId: row.doctor_id,
    authorId: row.author_id,
    authorName: n.get(row.author_id) ?? 'Unknown',
    kind: row.kind as NoteRecord['kind'],
    parentId: row.parent_id,
    status: row.status as NoteStatus,
    ...content,
    followUpDate: row.follow_up_date,
    followUpAppointmentId: row.follow_up_appointment_id,
    signedBy: row.signed_by,
    signedByName: row.signed_by ? (n.get(row.signed_by) ?? 'Unknown') : null,
    signedAt: row.signed_at,
    contentHash: row.content_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    allowed: allowedNoteEvents(row.status as NoteStatus, context, noteActor(env.who)),
  };
}

/** What a signature covers: every clinical field of the note, who signed and when. */
function noteHash(row: Omit<NoteRow, 'row_version'>): string {
  return contentHash({
    id: row.id,
    kind: row.kind,
    parent_id: row.parent_id,
    patient_id: row.patient_id,
    appointment_id: row.appointment_id,
    doctor_id: row.doctor_id,
    author_id: row.author_id,
    subjective: row.subjective,
    objective: row.objective,
    assessment: row.assessment,
    plan: row.plan,
    vitals: parseJson(row.vitals, null),
    diagnoses: parseJson(row.diagnoses, []),
    follow_up_date: row.follow_up_date,
    signed_by: row.signed_by,
    signed_at: row.signed_at,
  });
}

// ---- notes ----------------------------------------------------------------------------------

export async function saveNote(env: CommandEnv, input: MethodArgs<'notes.save'>): Promise<CommandOutput<NoteRecord>> {
  const visit = await requireVisit(env, input.appointmentId);
  const content: NoteContent = {
    subjective: input.subjective,
    objective: input.objective,
    assessment: input.assessment,
    plan: input.plan,
    vitals: compactVitals(input.vitals),
    diagnoses: input.diagnoses,
  };
  const columns = {
    subjective: content.subjective,
    objective: content.objective,
    assessment: content.assessment,
    plan: content.plan,
    vitals: content.vitals ? JSON.stringify(content.vitals) : null,
    diagnoses: JSON.stringify(content.diagnoses),
    follow_up_date: input.followUpDate,
    follow_up_appointment_id: input.followUpAppointmentId,
  };
  let id: string;
  let action: string;
  if (input.noteId) {
    const row = await requireNote(env, input.noteId);
    if (row.appointment_id !== visit.id) throw new ApiError({ code: 'validation', reason: 'wrong_visit', message: 'This note belongs to another visit.' });
    decide(row.status as NoteStatus, await noteContext(env, { ...row, ...content }), { type: 'note.save', actor: noteActor(env.who) });
    await env.write.update('clinical_notes', row.id, { ...columns, ...touched(env) });
    id = row.id;
    action = 'note.saved';
  } else {
    let parent: NoteRow | null = null;
    if (input.parentId) {
      parent = await requireNote(env, input.parentId);
      if (parent.appointment_id !== visit.id || parent.kind !== 'note') throw new ApiError({ code: 'validation', reason: 'wrong_visit', message: 'An addendum is added to the note of the same visit.' });
      decide(parent.status as NoteStatus, await noteContext(env, { ...parent, ...noteContentOf(parent) }), { type: 'note.addendum', actor: noteActor(env.who) });
    } else {
      const existing = await env.db
        .selectFrom('clinical_notes')
        .select('id')
        .where('appointment_id', '=', visit.id)
        .where('kind', '=', 'note')
        .where('status', '<>', 'discarded')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (existing) {
        throw new ApiError({ code: 'conflict', reason: 'note_exists', message: 'This visit already has a note (perhaps written on another PC). Open the visit again to continue it.', details: { noteId: existing.id } });
      }
    }
    const kind = parent ? 'addendum' : 'note';
    // A new record is a draft: the machine says whether this person may write it at all.
    decide('draft', await noteContext(env, { kind, doctor_id: visit.doctor_id, author_id: env.who.userId, ...content }), { type: 'note.save', actor: noteActor(env.who) });
    id = env.newId();
    await env.write.insert('clinical_notes', {
      id,
      patient_id: visit.patient_id,
      appointment_id: visit.id,
      doctor_id: visit.doctor_id,
      author_id: env.who.userId,
      kind,
      parent_id: parent?.id ?? null,
      status: 'draft',
      machine_version: NOTE_MACHINE_VERSION,
      ...columns,
      signed_by: null,
      signed_at: null,
      content_hash: null,
      ...newConventions(env),
    });
    action = kind === 'addendum' ? 'note.addendum_started' : 'note.started';
  }
  const row = await requireNote(env, id);
  return { result: await noteRecord(env, row), audit: [{ action, entityType: 'clinical_note', entityId: id, changes: [] }], entities: ['consult'] };
}

export async function signNote(env: CommandEnv, { noteId }: MethodArgs<'notes.sign'>): Promise<CommandOutput<{ noteId: string; appointmentId: string }>> {
  const row = await requireNote(env, noteId);
  decide(row.status as NoteStatus, await noteContext(env, { ...row, ...noteContentOf(row) }), { type: 'note.sign', actor: noteActor(env.who) });
  const signed = { ...row, status: 'signed', signed_by: env.who.userId, signed_at: env.now };
  await env.write.update('clinical_notes', row.id, { status: 'signed', signed_by: env.who.userId, signed_at: env.now, content_hash: noteHash(signed), ...touched(env) });
  const audit: CommandOutput['audit'] = [{ action: row.kind === 'addendum' ? 'note.addendum_signed' : 'note.signed', entityType: 'clinical_note', entityId: row.id, changes: [{ field: 'status', before: row.status, after: 'signed' }] }];
  if (row.kind === 'note') {
    // Signing the note signs the visit's draft prescription and diet plan with it (one signature for the visit);
    // an empty draft is discarded rather than signed.
    const drafts = await env.db.selectFrom('prescriptions').selectAll().where('appointment_id', '=', row.appointment_id).where('status', '=', 'draft').where('deleted_at', 'is', null).execute();
    for (const p of drafts) {
      if (parseJson<unknown[]>(p.items, []).length === 0) {
        await env.write.update('prescriptions', p.id, { status: 'discarded', ...touched(env) });
        continue;
      }
      await signPrescriptionRow(env, { ...p, note_id: p.note_id ?? row.id });
      audit.push({ action: `${p.kind === 'diet' ? 'diet_plan' : 'prescription'}.signed`, entityType: 'prescription', entityId: p.id, changes: [{ field: 'status', before: 'draft', after: 'signed' }] });
    }
  }
  const entities = ['consult'];
  if (row.kind === 'note' && row.follow_up_date && !row.follow_up_appointment_id) {
    // The doctor asked for a follow-up but did not book it: the front desk gets a task to book it.
    const doctor = await env.db.selectFrom('staff').select('display_name').where('id', '=', row.doctor_id).executeTakeFirst();
    const taskId = env.newId();
    await env.write.insert('tasks', {
      id: taskId,
      kind: 'follow_up',
      patient_id: row.patient_id,
      doctor_id: row.doctor_id,
      source_appointment_id: row.appointment_id,
      title: `Book a follow-up with ${doctor?.display_name ?? 'the doctor'} on or near ${formatDisplayDate(row.follow_up_date)}`,
      due_date: row.follow_up_date,
      status: 'open',
      appointment_id: null,
      done_by: null,
      done_at: null,
      ...newConventions(env),
    });
    audit.push({ action: 'task.created', entityType: 'task', entityId: taskId, changes: [] });
    entities.push('tasks');
  }
  return { result: { noteId: row.id, appointmentId: row.appointment_id }, audit, entities };
}

export async function discardNote(env: CommandEnv, { noteId }: MethodArgs<'notes.discard'>): Promise<CommandOutput<NoteRecord>> {
  const row = await requireNote(env, noteId);
  decide(row.status as NoteStatus, await noteContext(env, { ...row, ...noteContentOf(row) }), { type: 'note.discard', actor: noteActor(env.who) });
  await env.write.update('clinical_notes', row.id, { status: 'discarded', ...touched(env) });
  return { result: await noteRecord(env, await requireNote(env, noteId)), audit: [{ action: 'note.discarded', entityType: 'clinical_note', entityId: row.id, changes: [] }], entities: ['consult'] };
}

// ---- prescriptions and diet plans -----------------------------------------------------------

async function requirePrescription(env: Pick<CommandEnv, 'db' | 'who'>, id: string): Promise<PrescriptionRow> {
  const row = await env.db.selectFrom('prescriptions').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).executeTakeFirst();
  if (!row || row.deleted_at !== null) throw notFound('prescription');
  return row;
}

async function prescriptionContext(env: Pick<CommandEnv, 'db' | 'who' | 'now' | 'clinic'>, row: Pick<PrescriptionRow, 'kind' | 'doctor_id' | 'author_id' | 'items'>): Promise<NoteContext> {
  return {
    kind: row.kind === 'diet' ? 'diet' : 'prescription',
    treatingDoctorId: row.doctor_id,
    coveringDoctorIds: await coveringDoctorIds(env.db, env.who.clinicId, row.doctor_id, clinicToday(env)),
    authorId: row.author_id,
    empty: parseJson<unknown[]>(row.items, []).length === 0,
  };
}

function prescriptionHash(row: Omit<PrescriptionRow, 'row_version'>): string {
  return contentHash({
    id: row.id,
    kind: row.kind,
    version: row.version,
    supersedes_id: row.supersedes_id,
    patient_id: row.patient_id,
    appointment_id: row.appointment_id,
    doctor_id: row.doctor_id,
    items: parseJson(row.items, []),
    advice: row.advice,
    print_hindi: row.print_hindi,
    signed_by: row.signed_by,
    signed_at: row.signed_at,
  });
}

async function signPrescriptionRow(env: CommandEnv, row: Omit<PrescriptionRow, 'row_version'>): Promise<void> {
  decide(row.status as NoteStatus, await prescriptionContext(env, row), { type: 'note.sign', actor: noteActor(env.who) });
  const signed = { ...row, status: 'signed', signed_by: env.who.userId, signed_at: env.now };
  await env.write.update('prescriptions', row.id, { note_id: row.note_id, status: 'signed', signed_by: env.who.userId, signed_at: env.now, content_hash: prescriptionHash(signed), ...touched(env) });
}

export async function loadAllergies(db: Db, patientId: string): Promise<Allergy[]> {
  const rows = await db.selectFrom('allergies').select(['id', 'substance', 'reaction', 'severity']).where('patient_id', '=', patientId).where('deleted_at', 'is', null).orderBy('substance').execute();
  return rows.map((r) => ({ id: r.id, substance: r.substance, reaction: r.reaction, severity: r.severity as AllergySeverity }));
}

export async function prescriptionRecord(env: Pick<CommandEnv, 'db' | 'who' | 'now' | 'clinic'>, row: PrescriptionRow, allergies?: Allergy[], names?: Map<string, string>): Promise<PrescriptionRecord> {
  const items = parseJson<MedicationItem[] | DietItem[]>(row.items, []);
  const n = names ?? (await staffNames(env.db, [row.signed_by]));
  const known = allergies ?? (await loadAllergies(env.db, row.patient_id));
  return {
    id: row.id,
    appointmentId: row.appointment_id,
    patientId: row.patient_id,
    noteId: row.note_id,
    doctorId: row.doctor_id,
    kind: row.kind as PrescriptionKind,
    version: row.version,
    supersedesId: row.supersedes_id,
    status: row.status as NoteStatus,
    items,
    advice: row.advice,
    printHindi: row.print_hindi === 1,
    signedAt: row.signed_at,
    signedByName: row.signed_by ? (n.get(row.signed_by) ?? 'Unknown') : null,
    contentHash: row.content_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    allowed: allowedNoteEvents(row.status as NoteStatus, await prescriptionContext(env, row), noteActor(env.who)),
    allergyWarnings: row.kind === 'medication' ? allergyWarnings(items as MedicationItem[], known) : [],
  };
}

/** A new draft prescription or diet plan row: version 1, or the next version of one it supersedes. */
function draftPrescriptionRow(
  env: CommandEnv,
  fields: Pick<PrescriptionRow, 'id' | 'patient_id' | 'appointment_id' | 'note_id' | 'doctor_id' | 'kind' | 'version' | 'supersedes_id' | 'items' | 'advice' | 'print_hindi'>,
): NewRow<'prescriptions'> {
  return { ...fields, author_id: env.who.userId, status: 'draft', machine_version: NOTE_MACHINE_VERSION, signed_by: null, signed_at: null, content_hash: null, ...newConventions(env) };
}

export async function savePrescription(env: CommandEnv, input: MethodArgs<'prescriptions.save'>): Promise<CommandOutput<PrescriptionRecord>> {
  const visit = await requireVisit(env, input.appointmentId);
  const columns = { items: JSON.stringify(input.items), advice: input.advice, print_hindi: input.printHindi ? 1 : 0 };
  const what = input.kind === 'diet' ? 'diet plan' : 'prescription';
  let id: string;
  if (input.prescriptionId) {
    const row = await requirePrescription(env, input.prescriptionId);
    if (row.appointment_id !== visit.id || row.kind !== input.kind) throw new ApiError({ code: 'validation', reason: 'wrong_visit', message: `This ${what} belongs to another visit.` });
    decide(row.status as NoteStatus, await prescriptionContext(env, { ...row, ...columns }), { type: 'note.save', actor: noteActor(env.who) });
    await env.write.update('prescriptions', row.id, { ...columns, ...touched(env) });
    id = row.id;
  } else {
    const current = await env.db
      .selectFrom('prescriptions')
      .select(['id', 'status'])
      .where('appointment_id', '=', visit.id)
      .where('kind', '=', input.kind)
      .where('status', '<>', 'discarded')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (current) {
      throw new ApiError({
        code: 'conflict',
        reason: 'prescription_exists',
        message: current.status === 'signed' ? `This visit's ${what} is signed: use “Change” to make a new version.` : `This visit already has a draft ${what} (perhaps from another PC). Open the visit again to continue it.`,
        details: { prescriptionId: current.id },
      });
    }
    const draft = { kind: input.kind, doctor_id: visit.doctor_id, author_id: env.who.userId, ...columns };
    decide('draft', await prescriptionContext(env, draft), { type: 'note.save', actor: noteActor(env.who) });
    const note = await env.db.selectFrom('clinical_notes').select('id').where('appointment_id', '=', visit.id).where('kind', '=', 'note').where('status', '<>', 'discarded').where('deleted_at', 'is', null).executeTakeFirst();
    id = env.newId();
    await env.write.insert('prescriptions', draftPrescriptionRow(env, { id, patient_id: visit.patient_id, appointment_id: visit.id, note_id: note?.id ?? null, doctor_id: visit.doctor_id, kind: input.kind, version: 1, supersedes_id: null, ...columns }));
  }
  return {
    result: await prescriptionRecord(env, await requirePrescription(env, id)),
    audit: [{ action: `${input.kind === 'diet' ? 'diet_plan' : 'prescription'}.saved`, entityType: 'prescription', entityId: id, changes: [] }],
    entities: ['consult'],
  };
}

export async function revisePrescription(env: CommandEnv, { prescriptionId }: MethodArgs<'prescriptions.revise'>): Promise<CommandOutput<PrescriptionRecord>> {
  const row = await requirePrescription(env, prescriptionId);
  const successor = await env.db.selectFrom('prescriptions').selectAll().where('supersedes_id', '=', row.id).where('status', '<>', 'discarded').where('deleted_at', 'is', null).executeTakeFirst();
  if (successor) {
    if (successor.status === 'draft') return { result: await prescriptionRecord(env, successor), audit: [], entities: [] };
    throw new ApiError({ code: 'conflict', reason: 'superseded', message: 'A newer version of this has already been signed: change that one instead.' });
  }
  // A signed record accepts only an addendum: the new version is that, a draft of its own.
  decide(row.status as NoteStatus, await prescriptionContext(env, row), { type: 'note.addendum', actor: noteActor(env.who) });
  const id = env.newId();
  await env.write.insert('prescriptions', draftPrescriptionRow(env, { id, patient_id: row.patient_id, appointment_id: row.appointment_id, note_id: row.note_id, doctor_id: row.doctor_id, kind: row.kind, version: row.version + 1, supersedes_id: row.id, items: row.items, advice: row.advice, print_hindi: row.print_hindi }));
  return {
    result: await prescriptionRecord(env, await requirePrescription(env, id)),
    audit: [{ action: 'prescription.revised', entityType: 'prescription', entityId: id, changes: [{ field: 'supersedes', before: null, after: row.id }] }],
    entities: ['consult'],
  };
}

export async function signPrescription(env: CommandEnv, { prescriptionId }: MethodArgs<'prescriptions.sign'>): Promise<CommandOutput<PrescriptionRecord>> {
  const row = await requirePrescription(env, prescriptionId);
  await signPrescriptionRow(env, row);
  return {
    result: await prescriptionRecord(env, await requirePrescription(env, prescriptionId)),
    audit: [{ action: `${row.kind === 'diet' ? 'diet_plan' : 'prescription'}.signed`, entityType: 'prescription', entityId: row.id, changes: [{ field: 'status', before: row.status, after: 'signed' }] }],
    entities: ['consult'],
  };
}

// ---- allergies ------------------------------------------------------------------------------

async function requirePatientRow(env: Pick<CommandEnv, 'db' | 'who'>, patientId: string): Promise<void> {
  const p = await env.db.selectFrom('patients').select('id').where('id', '=', patientId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!p) throw notFound('patient');
}

export async function saveAllergy(env: CommandEnv, input: MethodArgs<'allergies.save'>): Promise<CommandOutput<Allergy[]>> {
  await requirePatientRow(env, input.patientId);
  const same = (await loadAllergies(env.db, input.patientId)).find((a) => a.substance.toLowerCase() === input.substance.toLowerCase());
  const values = { substance: input.substance, reaction: input.reaction, severity: input.severity };
  let id: string;
  if (same) {
    await env.write.update('allergies', same.id, { ...values, ...touched(env) });
    id = same.id;
  } else {
    id = env.newId();
    await env.write.insert('allergies', { id, patient_id: input.patientId, ...values, ...newConventions(env) });
  }
  return { result: await loadAllergies(env.db, input.patientId), audit: [{ action: 'allergy.recorded', entityType: 'allergy', entityId: id, changes: [] }], entities: ['consult'] };
}

export async function removeAllergy(env: CommandEnv, { id }: MethodArgs<'allergies.remove'>): Promise<CommandOutput<Allergy[]>> {
  const row = await env.db.selectFrom('allergies').select(['id', 'patient_id']).where('id', '=', id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('allergy');
  await env.write.update('allergies', id, { deleted_at: env.now, ...touched(env) });
  return { result: await loadAllergies(env.db, row.patient_id), audit: [{ action: 'allergy.removed', entityType: 'allergy', entityId: id, changes: [] }], entities: ['consult'] };
}

// ---- lab tests ------------------------------------------------------------------------------

export function labFromRow(r: Omit<ShapeRow<'lab_results'>, 'row_version'>): LabResult {
  return {
    id: r.id,
    patientId: r.patient_id,
    appointmentId: r.appointment_id,
    testCode: r.test_code,
    testName: r.test_name,
    status: r.status as LabResult['status'],
    value: r.value,
    unit: r.unit,
    refLow: r.ref_low,
    refHigh: r.ref_high,
    abnormal: r.abnormal as LabResult['abnormal'],
    collectedOn: r.collected_on,
    reportRef: r.report_ref,
    remarks: r.remarks,
    orderedAt: r.ordered_at,
    resultedAt: r.resulted_at,
  };
}

async function requireDoctorRole(env: CommandEnv): Promise<void> {
  if (env.who.role !== 'doctor') throw new ApiError({ code: 'permission', reason: 'not_doctor', message: 'Only a doctor can do this.' });
}

export async function orderLabs(env: CommandEnv, input: MethodArgs<'labs.order'>): Promise<CommandOutput<LabResult[]>> {
  await requireDoctorRole(env);
  const visit = await requireVisit(env, input.appointmentId);
  const ids: string[] = [];
  for (const t of input.tests) {
    const id = env.newId();
    ids.push(id);
    await env.write.insert('lab_results', {
      id,
      patient_id: visit.patient_id,
      appointment_id: visit.id,
      test_code: t.code,
      test_name: t.name,
      status: 'ordered',
      ordered_by: env.who.userId,
      ordered_at: env.now,
      value: null,
      unit: t.unit,
      ref_low: t.refLow,
      ref_high: t.refHigh,
      abnormal: null,
      collected_on: null,
      report_ref: null,
      remarks: null,
      resulted_by: null,
      resulted_at: null,
      ...newConventions(env),
    });
  }
  const rows = await env.db.selectFrom('lab_results').selectAll().where('id', 'in', ids).execute();
  return { result: rows.map(labFromRow), audit: ids.map((id) => ({ action: 'lab.ordered', entityType: 'lab_result', entityId: id, changes: [] })), entities: ['consult'] };
}

export async function enterLabResult(env: CommandEnv, input: MethodArgs<'labs.enterResult'>): Promise<CommandOutput<LabResult>> {
  await requireDoctorRole(env);
  await requirePatientRow(env, input.patientId);
  if (input.appointmentId) {
    const visit = await requireVisit(env, input.appointmentId);
    if (visit.patient_id !== input.patientId) throw new ApiError({ code: 'validation', reason: 'wrong_patient', message: 'That visit is another patient’s.' });
  }
  const values = {
    test_code: input.test.code,
    test_name: input.test.name,
    status: 'resulted',
    value: input.value,
    unit: input.test.unit,
    ref_low: input.test.refLow,
    ref_high: input.test.refHigh,
    abnormal: abnormalFlag(input.value, input.test.refLow, input.test.refHigh),
    collected_on: input.collectedOn,
    report_ref: input.reportRef,
    remarks: input.remarks,
    resulted_by: env.who.userId,
    resulted_at: env.now,
  };
  let id: string;
  if (input.labId) {
    const row = await env.db.selectFrom('lab_results').selectAll().where('id', '=', input.labId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row || row.patient_id !== input.patientId) throw notFound('test');
    if (row.status !== 'ordered') throw new ApiError({ code: 'conflict', reason: 'already_resulted', message: 'This test already has its result. Enter a new result instead of changing a recorded one.' });
    await env.write.update('lab_results', row.id, { ...values, ...touched(env) });
    id = row.id;
  } else {
    id = env.newId();
    await env.write.insert('lab_results', {
      id,
      patient_id: input.patientId,
      appointment_id: input.appointmentId,
      ordered_by: env.who.userId,
      ordered_at: env.now,
      ...values,
      ...newConventions(env),
    });
  }
  const row = await env.db.selectFrom('lab_results').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { result: labFromRow(row), audit: [{ action: 'lab.resulted', entityType: 'lab_result', entityId: id, changes: [] }], entities: ['consult'] };
}

// ---- attached documents ---------------------------------------------------------------------

export function documentFromRow(r: Pick<ShapeRow<'documents'>, 'id' | 'patient_id' | 'appointment_id' | 'lab_result_id' | 'title' | 'mime_type' | 'size_bytes' | 'sha256' | 'created_at'>, uploadedByName: string): DocumentInfo {
  return {
    id: r.id,
    patientId: r.patient_id,
    appointmentId: r.appointment_id,
    labResultId: r.lab_result_id,
    title: r.title,
    mimeType: r.mime_type as DocumentType,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    uploadedByName,
    createdAt: r.created_at,
  };
}

/** Records an attached file (the desk has stored it under its SHA-256; the server receives it by the blob endpoint). */
export async function attachDocument(env: CommandEnv, input: z.output<typeof documentArgs>): Promise<CommandOutput<DocumentInfo>> {
  await requireDoctorRole(env);
  await requirePatientRow(env, input.patientId);
  if (input.appointmentId) {
    const visit = await requireVisit(env, input.appointmentId);
    if (visit.patient_id !== input.patientId) throw new ApiError({ code: 'validation', reason: 'wrong_patient', message: 'That visit is another patient’s.' });
  }
  if (input.labResultId) {
    const lab = await env.db.selectFrom('lab_results').select('patient_id').where('id', '=', input.labResultId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!lab || lab.patient_id !== input.patientId) throw notFound('test');
  }
  await env.write.insert('documents', {
    id: input.id,
    patient_id: input.patientId,
    appointment_id: input.appointmentId,
    lab_result_id: input.labResultId,
    title: input.title,
    mime_type: input.mimeType,
    size_bytes: input.sizeBytes,
    sha256: input.sha256,
    uploaded_by: env.who.userId,
    ...newConventions(env),
  });
  const row = await env.db.selectFrom('documents').selectAll().where('id', '=', input.id).executeTakeFirstOrThrow();
  const names = await staffNames(env.db, [env.who.userId]);
  return { result: documentFromRow(row, names.get(env.who.userId) ?? 'Unknown'), audit: [{ action: 'document.attached', entityType: 'document', entityId: input.id, changes: [] }], entities: ['consult'] };
}

// ---- follow-up tasks ------------------------------------------------------------------------

export async function listTasks(db: Db, clinicId: string, status: TaskStatus, ids?: string[]): Promise<FollowUpTask[]> {
  let q = db
    .selectFrom('tasks as t')
    .innerJoin('patients as p', 'p.id', 't.patient_id')
    .leftJoin('staff as d', 'd.id', 't.doctor_id')
    .select(['t.id', 't.title', 't.due_date', 't.status', 't.doctor_id', 'd.display_name as doctor_name', 't.source_appointment_id', 't.appointment_id', 't.created_at', 'p.id as patient_id', 'p.full_name', 'p.mrn', 'p.mobile'])
    .where('t.clinic_id', '=', clinicId)
    .where('t.deleted_at', 'is', null);
  q = ids ? q.where('t.id', 'in', ids) : q.where('t.status', '=', status);
  const rows = await q.orderBy('t.due_date').orderBy('t.created_at').execute();
  return rows.map((r) => ({
    id: r.id,
    kind: 'follow_up',
    title: r.title,
    dueDate: r.due_date,
    status: r.status as TaskStatus,
    patient: { id: r.patient_id, fullName: r.full_name, mrn: r.mrn, mobile: r.mobile },
    doctorId: r.doctor_id,
    doctorName: r.doctor_name,
    sourceAppointmentId: r.source_appointment_id,
    appointmentId: r.appointment_id,
    createdAt: r.created_at,
  }));
}

export async function closeTask(env: CommandEnv, input: MethodArgs<'tasks.close'>): Promise<CommandOutput<FollowUpTask>> {
  const task = await env.db.selectFrom('tasks').selectAll().where('id', '=', input.id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!task) throw notFound('task');
  if (task.status !== 'open') throw new ApiError({ code: 'conflict', reason: 'task_closed', message: 'This follow-up has already been dealt with (perhaps on another PC).' });
  if (input.appointmentId) {
    const appt = env.unstored('appointments', input.appointmentId) ?? (await env.db.selectFrom('appointments').selectAll().where('id', '=', input.appointmentId).where('clinic_id', '=', env.who.clinicId).executeTakeFirst());
    if (!appt || appt.deleted_at !== null || appt.patient_id !== task.patient_id) throw new ApiError({ code: 'validation', reason: 'wrong_patient', message: 'That appointment is not this patient’s.' });
  }
  await env.write.update('tasks', task.id, { status: input.outcome, appointment_id: input.appointmentId, done_by: env.who.userId, done_at: env.now, ...touched(env) });
  const [result] = await listTasks(env.db, env.who.clinicId, 'open', [task.id]);
  return { result: result!, audit: [{ action: `task.${input.outcome}`, entityType: 'task', entityId: task.id, changes: [{ field: 'status', before: 'open', after: input.outcome }] }], entities: ['tasks'] };
}

// ---- templates and covers -------------------------------------------------------------------

export function templateFromRow(r: Pick<ShapeRow<'note_templates'>, 'id' | 'kind' | 'name' | 'body'>): NoteTemplate {
  return r.kind === 'phrase'
    ? { id: r.id, kind: 'phrase', name: r.name, body: parseJson(r.body, { text: '' }) }
    : { id: r.id, kind: 'template', name: r.name, body: parseJson(r.body, { subjective: null, objective: null, assessment: null, plan: null }) };
}

export async function saveTemplate(env: CommandEnv, input: MethodArgs<'consult.saveTemplate'>): Promise<CommandOutput<NoteTemplate>> {
  await requireDoctorRole(env);
  const values = { kind: input.kind, name: input.name, body: JSON.stringify(input.body), active: 1 };
  let id: string;
  if (input.id) {
    const row = await env.db.selectFrom('note_templates').select(['id', 'doctor_id']).where('id', '=', input.id).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row || row.doctor_id !== env.who.userId) throw notFound('template');
    await env.write.update('note_templates', row.id, { ...values, ...touched(env) });
    id = row.id;
  } else {
    id = env.newId();
    await env.write.insert('note_templates', { id, doctor_id: env.who.userId, ...values, ...newConventions(env) });
  }
  const row = await env.db.selectFrom('note_templates').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { result: templateFromRow(row), audit: [{ action: 'template.saved', entityType: 'note_template', entityId: id, changes: [] }], entities: ['consult'] };
}

export async function removeTemplate(env: CommandEnv, { id }: MethodArgs<'consult.removeTemplate'>): Promise<CommandOutput<{ removed: true }>> {
  const row = await env.db.selectFrom('note_templates').select(['id', 'doctor_id']).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row || row.doctor_id !== env.who.userId) throw notFound('template');
  await env.write.update('note_templates', id, { deleted_at: env.now, ...touched(env) });
  return { result: { removed: true }, audit: [{ action: 'template.removed', entityType: 'note_template', entityId: id, changes: [] }], entities: ['consult'] };
}

export async function listCovers(db: Db, clinicId: string): Promise<DoctorCover[]> {
  const rows = await db
    .selectFrom('doctor_covers as c')
    .innerJoin('staff as d', 'd.id', 'c.doctor_id')
    .innerJoin('staff as k', 'k.id', 'c.covering_doctor_id')
    .select(['c.id', 'c.doctor_id', 'd.display_name as doctor_name', 'c.covering_doctor_id', 'k.display_name as covering_name', 'c.from_date', 'c.to_date'])
    .where('c.clinic_id', '=', clinicId)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.from_date', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, doctorId: r.doctor_id, doctorName: r.doctor_name, coveringDoctorId: r.covering_doctor_id, coveringDoctorName: r.covering_name, fromDate: r.from_date, toDate: r.to_date }));
}

export async function setCover(env: CommandEnv, input: MethodArgs<'covers.set'>): Promise<CommandOutput<DoctorCover>> {
  const doctors = await env.db.selectFrom('staff').select(['id', 'role', 'active']).where('id', 'in', [input.doctorId, input.coveringDoctorId]).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).execute();
  if (doctors.length !== 2 || doctors.some((d) => d.role !== 'doctor')) throw new ApiError({ code: 'validation', reason: 'not_doctor', message: 'Both must be doctors of this clinic.' });
  const id = env.newId();
  await env.write.insert('doctor_covers', { id, doctor_id: input.doctorId, covering_doctor_id: input.coveringDoctorId, from_date: input.fromDate, to_date: input.toDate, ...newConventions(env) });
  const cover = (await listCovers(env.db, env.who.clinicId)).find((c) => c.id === id)!;
  return { result: cover, audit: [{ action: 'cover.set', entityType: 'staff', entityId: input.doctorId, changes: [{ field: 'coveringDoctor', before: null, after: input.coveringDoctorId }] }], entities: ['consult'] };
}

