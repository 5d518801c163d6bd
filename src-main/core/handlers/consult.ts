import type { ConsultVisit, LabTrend, PrescriptionPrint, TimelineEntry, TimelineKind, Diagnosis, MedicationItem, DietItem } from '../../../src-shared/api/consult';
import { DOC_TYPE_LABELS, type DocType } from '../../../src-shared/api/billing';
import {
  coveringDoctorIds,
  labFromRow,
  listCovers,
  listTasks,
  loadAllergies,
  noteRecord,
  prescriptionRecord,
  templateFromRow,
  VISIT_STATUSES,
} from '../../../src-shared/commands/consult';
import type { CommandEnv } from '../../../src-shared/commands';
import { significantChanges, parseLabValue } from '../../../src-shared/clinical/labs';
import { ageInYears, DEFAULT_TIMEZONE, todayIn } from '../../../src-shared/dates';
import { ApiError, notFound } from '../../../src-shared/errors';
import { ROLE_LABELS } from '../../../src-shared/roles';
import { searchDiagnoses } from '../icd10';
import { runMutation, syncedDb, type CallContext, type Handler, type Handlers } from '../context';
import type { MethodOutput } from '../../../src-shared/api/contract';
import { FileStore, looksLike } from '../files';
import type { SyncManager } from '../sync/manager';
import { MAX_DOCUMENT_BYTES, type DocumentInfo } from '../../../src-shared/api/consult';
import { documentFromRow } from '../../../src-shared/commands/consult';
import { newId } from '../../../src-shared/ids';

/**
 * The consult room on the desk (issue 7): the visit's screen data, the patient's history timeline (filtered by
 * the reader's role), diagnosis search, and the writes — each through its shared command
 * (src-shared/commands/consult.ts), which the server runs again.
 */

type ReadEnv = Pick<CommandEnv, 'db' | 'who' | 'now' | 'clinic'>;

async function readEnv(ctx: CallContext): Promise<ReadEnv> {
  const clinic = await ctx.clinic();
  const s = ctx.session!;
  return {
    db: syncedDb(ctx.db),
    who: { userId: s.userId, clinicId: s.clinicId, role: s.role },
    now: ctx.clock().toISOString(),
    clinic: { timezone: clinic?.timezone ?? DEFAULT_TIMEZONE, noShowGraceMinutes: clinic?.noShowGraceMinutes ?? 15 },
  };
}

const CLINICAL_READERS = new Set(['doctor', 'admin']);
const AMOUNT_READERS = new Set(['accounts', 'admin']);

export async function consultVisit(ctx: CallContext, appointmentId: string): Promise<ConsultVisit> {
  const env = await readEnv(ctx);
  const a = await ctx.db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('staff as d', 'd.id', 'a.doctor_id')
    .select([
      'a.id',
      'a.date',
      'a.start_minutes',
      'a.status',
      'a.kind',
      'a.type',
      'a.token',
      'a.doctor_id',
      'a.deleted_at',
      'd.display_name as doctor_name',
      'p.id as patient_id',
      'p.mrn',
      'p.full_name',
      'p.sex',
      'p.date_of_birth',
      'p.dob_estimated',
      'p.mobile',
    ])
    .where('a.id', '=', appointmentId)
    .where('a.clinic_id', '=', env.who.clinicId)
    .executeTakeFirst();
  if (!a || a.deleted_at !== null) throw notFound('visit');
  if (!(VISIT_STATUSES as readonly string[]).includes(a.status)) {
    throw new ApiError({ code: 'conflict', reason: 'not_a_visit', message: 'The patient has not been checked in for this appointment yet: check them in first.' });
  }
  const notes = await env.db.selectFrom('clinical_notes').selectAll().where('appointment_id', '=', a.id).where('status', '<>', 'discarded').where('deleted_at', 'is', null).orderBy('created_at').execute();
  const prescriptions = await env.db.selectFrom('prescriptions').selectAll().where('appointment_id', '=', a.id).where('status', '<>', 'discarded').where('deleted_at', 'is', null).orderBy('kind').orderBy('version', 'desc').execute();
  const labs = await env.db.selectFrom('lab_results').selectAll().where('appointment_id', '=', a.id).where('deleted_at', 'is', null).orderBy('ordered_at').execute();
  const allergies = await loadAllergies(env.db, a.patient_id);
  const staffIds = [...notes.flatMap((n) => [n.author_id, n.signed_by]), ...prescriptions.map((p) => p.signed_by)].filter((x): x is string => x !== null);
  const names = new Map((staffIds.length ? await ctx.db.selectFrom('staff').select(['id', 'display_name']).where('id', 'in', [...new Set(staffIds)]).execute() : []).map((r) => [r.id, r.display_name]));
  const main = notes.find((n) => n.kind === 'note') ?? null;
  const covering = await coveringDoctorIds(env.db, env.who.clinicId, a.doctor_id, todayIn(env.clinic.timezone, ctx.clock()));
  return {
    appointment: { id: a.id, date: a.date, startMinutes: a.start_minutes, status: a.status, kind: a.kind, type: a.type, token: a.token, doctorId: a.doctor_id, doctorName: a.doctor_name },
    patient: { id: a.patient_id, mrn: a.mrn, fullName: a.full_name, sex: a.sex, dateOfBirth: a.date_of_birth, dobEstimated: a.dob_estimated === 1, mobile: a.mobile },
    allergies,
    note: main ? await noteRecord(env, main, names) : null,
    addenda: await Promise.all(notes.filter((n) => n.kind === 'addendum').map((n) => noteRecord(env, n, names))),
    prescriptions: await Promise.all(prescriptions.map((p) => prescriptionRecord(env, p, allergies, names))),
    labs: labs.map(labFromRow),
    canWrite: env.who.role === 'doctor' && (a.doctor_id === env.who.userId || covering.includes(env.who.userId)),
  };
}

const parseList = <T>(text: string | null): T[] => {
  try {
    return text ? (JSON.parse(text) as T[]) : [];
  } catch {
    return [];
  }
};

const diagnosisLine = (d: Diagnosis) => (d.code ? `${d.code} ${d.title}` : d.title);

/**
 * The patient's history, newest first. Clinical entries (diagnoses, prescriptions, diet plans, lab values)
 * only for doctors and administrators; bill amounts only for accounts and administrators.
 */
export async function patientHistory(ctx: CallContext, input: { patientId: string; kinds?: TimelineKind[]; search?: string; limit: number }): Promise<TimelineEntry[]> {
  const role = ctx.session!.role;
  const clinicId = ctx.session!.clinicId;
  const clinical = CLINICAL_READERS.has(role);
  const amounts = AMOUNT_READERS.has(role);
  const want = (k: TimelineKind) => (!input.kinds || input.kinds.length === 0 || input.kinds.includes(k)) && (clinical || k === 'visit' || k === 'invoice');
  const patient = await ctx.db.selectFrom('patients').select('id').where('id', '=', input.patientId).where('clinic_id', '=', clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!patient) throw notFound('patient');
  const out: TimelineEntry[] = [];

  if (want('visit')) {
    const visits = await ctx.db
      .selectFrom('appointments as a')
      .innerJoin('staff as d', 'd.id', 'a.doctor_id')
      .select(['a.id', 'a.date', 'a.status', 'a.type', 'a.start_minutes', 'd.display_name as doctor_name'])
      .where('a.patient_id', '=', input.patientId)
      .where('a.status', 'in', [...VISIT_STATUSES])
      .where('a.deleted_at', 'is', null)
      .execute();
    const notes = new Map<string, { status: string; diagnoses: Diagnosis[]; assessment: string | null }>();
    if (clinical) {
      const rows = await ctx.db
        .selectFrom('clinical_notes')
        .select(['appointment_id', 'status', 'diagnoses', 'assessment'])
        .where('patient_id', '=', input.patientId)
        .where('kind', '=', 'note')
        .where('status', '<>', 'discarded')
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of rows) notes.set(r.appointment_id, { status: r.status, diagnoses: parseList<Diagnosis>(r.diagnoses), assessment: r.assessment });
    }
    for (const v of visits) {
      const note = notes.get(v.id);
      const entry: TimelineEntry = { kind: 'visit', id: v.id, date: v.date, appointmentId: v.id, title: `Visit — ${v.doctor_name}`, status: v.status, doctorName: v.doctor_name };
      if (clinical) {
        entry.details = note ? [...note.diagnoses.map(diagnosisLine), ...(note.diagnoses.length === 0 && note.assessment ? [note.assessment.split('\n')[0]!.slice(0, 160)] : [])] : [];
        entry.status = note ? (note.status === 'signed' ? 'note signed' : 'note in draft') : 'no note';
      }
      out.push(entry);
    }
  }

  if (want('prescription') || want('diet')) {
    const rows = await ctx.db
      .selectFrom('prescriptions as p')
      .innerJoin('appointments as a', 'a.id', 'p.appointment_id')
      .innerJoin('staff as d', 'd.id', 'p.doctor_id')
      .select(['p.id', 'p.kind', 'p.version', 'p.status', 'p.items', 'p.appointment_id', 'a.date', 'd.display_name as doctor_name'])
      .where('p.patient_id', '=', input.patientId)
      .where('p.status', '<>', 'discarded')
      .where('p.deleted_at', 'is', null)
      .execute();
    for (const p of rows) {
      const kind: TimelineKind = p.kind === 'diet' ? 'diet' : 'prescription';
      if (!want(kind)) continue;
      const details =
        p.kind === 'diet'
          ? parseList<DietItem>(p.items).map((i) => `${i.meal}: ${i.advice}`)
          : parseList<MedicationItem>(p.items).map((i) => [i.brand ? `${i.generic} (${i.brand})` : i.generic, i.strength, i.frequency, i.durationValue ? `${i.durationValue} ${i.durationUnit}` : null].filter(Boolean).join(' · '));
      out.push({
        kind,
        id: p.id,
        date: p.date,
        appointmentId: p.appointment_id,
        title: `${p.kind === 'diet' ? 'Diet plan' : 'Prescription'}${p.version > 1 ? ` (version ${p.version})` : ''}`,
        details,
        status: p.status,
        doctorName: p.doctor_name,
      });
    }
  }

  if (want('lab')) {
    const rows = await ctx.db.selectFrom('lab_results').selectAll().where('patient_id', '=', input.patientId).where('status', '<>', 'cancelled').where('deleted_at', 'is', null).execute();
    for (const r of rows) {
      out.push({
        kind: 'lab',
        id: r.id,
        date: r.collected_on ?? r.ordered_at.slice(0, 10),
        appointmentId: r.appointment_id,
        title: r.test_name,
        details: r.status === 'resulted' ? [`${r.value}${r.unit ? ` ${r.unit}` : ''}${r.abnormal && r.abnormal !== 'normal' ? ` (${r.abnormal})` : ''}`] : ['ordered'],
        status: r.status,
        abnormal: r.abnormal === 'low' || r.abnormal === 'high',
      });
    }
  }

  if (want('document')) {
    const rows = await ctx.db.selectFrom('documents').select(['id', 'title', 'mime_type', 'appointment_id', 'created_at']).where('patient_id', '=', input.patientId).where('deleted_at', 'is', null).execute();
    for (const r of rows) {
      out.push({ kind: 'document', id: r.id, date: r.created_at.slice(0, 10), appointmentId: r.appointment_id, title: r.title, details: [r.mime_type === 'application/pdf' ? 'PDF' : 'Image'] });
    }
  }

  if (want('invoice')) {
    const rows = await ctx.db
      .selectFrom('invoices')
      .select(['id', 'doc_type', 'number', 'status', 'issue_date', 'appointment_id', 'total_paise'])
      .where('patient_id', '=', input.patientId)
      .where('number', 'is not', null)
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of rows) {
      const entry: TimelineEntry = { kind: 'invoice', id: r.id, date: r.issue_date ?? '', appointmentId: r.appointment_id, title: `${DOC_TYPE_LABELS[r.doc_type as DocType] ?? 'Bill'} ${r.number}`, status: r.status };
      if (amounts) entry.amountPaise = Number(r.total_paise);
      out.push(entry);
    }
  }

  const words = (input.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (e: TimelineEntry) => {
    if (!words.length) return true;
    const hay = [e.title, ...(e.details ?? [])].join(' ').toLowerCase();
    return words.every((w) => hay.includes(w));
  };
  const order: Record<TimelineKind, number> = { visit: 0, prescription: 1, diet: 2, lab: 3, document: 4, invoice: 5 };
  return out
    .filter(matches)
    .sort((x, y) => (x.date === y.date ? order[x.kind] - order[y.kind] : x.date < y.date ? 1 : -1))
    .slice(0, input.limit);
}

function ageText(dob: string | null, estimated: boolean, today: string): string | null {
  if (!dob) return null;
  const years = ageInYears(dob, today);
  return `${estimated ? '~' : ''}${years} y`;
}

/** A ClinicApi method that is exactly its shared command: the command's result is the method's. */
type PassThrough = 'consult.saveTemplate' | 'consult.removeTemplate' | 'notes.save' | 'notes.discard' | 'prescriptions.save' | 'prescriptions.revise' | 'prescriptions.sign' | 'allergies.save' | 'allergies.remove' | 'labs.order' | 'labs.enterResult' | 'covers.set' | 'tasks.close';
function mutate<M extends PassThrough>(name: M): Handler<M> {
  return async (ctx, input) => (await runMutation(ctx, name, input as never)) as MethodOutput<M>;
}

export const consultHandlers: Pick<
  Handlers,
  | 'consult.visit'
  | 'consult.history'
  | 'consult.searchDiagnoses'
  | 'consult.templates'
  | 'consult.saveTemplate'
  | 'consult.removeTemplate'
  | 'notes.save'
  | 'notes.sign'
  | 'notes.discard'
  | 'prescriptions.save'
  | 'prescriptions.revise'
  | 'prescriptions.sign'
  | 'prescriptions.last'
  | 'prescriptions.print'
  | 'allergies.save'
  | 'allergies.remove'
  | 'labs.order'
  | 'labs.enterResult'
  | 'labs.list'
  | 'labs.trend'
  | 'covers.list'
  | 'covers.set'
  | 'tasks.list'
  | 'tasks.close'
> = {
  async 'consult.visit'(ctx, { appointmentId }) {
    return consultVisit(ctx, appointmentId);
  },

  async 'consult.history'(ctx, input) {
    return patientHistory(ctx, input);
  },

  async 'consult.searchDiagnoses'(_ctx, { query, limit }) {
    return searchDiagnoses(query, limit);
  },

  async 'consult.templates'(ctx) {
    const rows = await ctx.db.selectFrom('note_templates').selectAll().where('doctor_id', '=', ctx.session!.userId).where('deleted_at', 'is', null).orderBy('kind').orderBy('name').execute();
    return rows.map(templateFromRow);
  },

  'consult.saveTemplate': mutate('consult.saveTemplate'),

  'consult.removeTemplate': mutate('consult.removeTemplate'),

  'notes.save': mutate('notes.save'),

  async 'notes.sign'(ctx, input) {
    const { appointmentId } = (await runMutation(ctx, 'notes.sign', input)) as { appointmentId: string };
    return consultVisit(ctx, appointmentId);
  },

  'notes.discard': mutate('notes.discard'),

  'prescriptions.save': mutate('prescriptions.save'),

  'prescriptions.revise': mutate('prescriptions.revise'),

  'prescriptions.sign': mutate('prescriptions.sign'),

  async 'prescriptions.last'(ctx, { patientId, kind }) {
    const env = await readEnv(ctx);
    const row = await env.db
      .selectFrom('prescriptions')
      .selectAll()
      .where('patient_id', '=', patientId)
      .where('kind', '=', kind)
      .where('status', '=', 'signed')
      .where('deleted_at', 'is', null)
      .orderBy('signed_at', 'desc')
      .orderBy('version', 'desc')
      .executeTakeFirst();
    return { prescription: row ? await prescriptionRecord(env, row) : null };
  },

  async 'prescriptions.print'(ctx, { prescriptionId }) {
    const env = await readEnv(ctx);
    const row = await env.db.selectFrom('prescriptions').selectAll().where('id', '=', prescriptionId).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound('prescription');
    const visit = await consultVisit(ctx, row.appointment_id);
    const prescription = visit.prescriptions.find((p) => p.id === row.id) ?? (await prescriptionRecord(env, row));
    const doctor = await ctx.db
      .selectFrom('staff as s')
      .leftJoin('doctor_profiles as d', (j) => j.onRef('d.staff_id', '=', 's.id').on('d.deleted_at', 'is', null))
      .select(['s.display_name', 'd.registration_number', 'd.specialty'])
      // The doctor who signed it (a covering doctor, perhaps), else the treating doctor of a draft.
      .where('s.id', '=', row.signed_by ?? row.doctor_id)
      .executeTakeFirstOrThrow();
    // The note's findings go on the paper only once the note is signed too (a signed prescription's print must
    // not carry a draft's diagnoses); a draft prescription prints as a draft anyway.
    const note = visit.note && (visit.note.status === 'signed' || row.status !== 'signed') ? visit.note : null;
    const clinic = (await ctx.clinic())!;
    const today = todayIn(env.clinic.timezone, ctx.clock());
    const out: PrescriptionPrint = {
      prescription,
      clinic: { name: clinic.tradeName ?? clinic.legalName, addressLine: clinic.addressLine, city: clinic.city, pincode: clinic.pincode, phone: clinic.phone },
      doctor: { name: doctor.display_name, registrationNumber: doctor.registration_number, specialty: doctor.specialty ?? ROLE_LABELS.doctor },
      patient: { fullName: visit.patient.fullName, mrn: visit.patient.mrn, sex: visit.patient.sex, age: ageText(visit.patient.dateOfBirth, visit.patient.dobEstimated, today) },
      visitDate: visit.appointment.date,
      diagnoses: note?.diagnoses ?? [],
      allergies: visit.allergies,
      vitals: note?.vitals ?? null,
      followUpDate: note?.followUpDate ?? null,
    };
    return out;
  },

  'allergies.save': mutate('allergies.save'),

  'allergies.remove': mutate('allergies.remove'),

  'labs.order': mutate('labs.order'),

  'labs.enterResult': mutate('labs.enterResult'),

  async 'labs.list'(ctx, { patientId }) {
    const rows = await ctx.db.selectFrom('lab_results').selectAll().where('patient_id', '=', patientId).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null).orderBy('collected_on', 'desc').orderBy('test_name').execute();
    return rows.map(labFromRow);
  },

  async 'labs.trend'(ctx, { patientId, testName }) {
    const rows = await ctx.db
      .selectFrom('lab_results')
      .selectAll()
      .where('patient_id', '=', patientId)
      .where('clinic_id', '=', ctx.session!.clinicId)
      .where('test_name', '=', testName)
      .where('status', '=', 'resulted')
      .where('deleted_at', 'is', null)
      .orderBy('collected_on')
      .orderBy('resulted_at')
      .execute();
    const numeric = rows.map((r) => ({ r, v: parseLabValue(r.value ?? '') })).filter((x): x is { r: (typeof rows)[number]; v: number } => x.v !== null);
    const latest = rows[rows.length - 1];
    const refLow = latest?.ref_low != null ? parseLabValue(latest.ref_low) : null;
    const refHigh = latest?.ref_high != null ? parseLabValue(latest.ref_high) : null;
    const points = numeric.map(({ r, v }) => ({ date: r.collected_on ?? r.resulted_at!.slice(0, 10), value: v }));
    const significant = new Set(significantChanges(points, undefined, { low: refLow, high: refHigh }));
    const trend: LabTrend = {
      testName,
      unit: latest?.unit ?? null,
      refLow,
      refHigh,
      refLowText: latest?.ref_low ?? null,
      refHighText: latest?.ref_high ?? null,
      points: numeric.map(({ r, v }, i) => ({ id: r.id, date: points[i]!.date, value: v, abnormal: r.abnormal as LabTrend['points'][number]['abnormal'], significant: significant.has(i) })),
    };
    return trend;
  },

  async 'covers.list'(ctx) {
    return listCovers(syncedDb(ctx.db), ctx.session!.clinicId);
  },

  'covers.set': mutate('covers.set'),

  async 'tasks.list'(ctx, { status }) {
    return listTasks(syncedDb(ctx.db), ctx.session!.clinicId, status);
  },

  'tasks.close': mutate('tasks.close'),
};

async function documentInfo(ctx: CallContext, id: string): Promise<{ info: DocumentInfo; sha256: string }> {
  const row = await ctx.db.selectFrom('documents').selectAll().where('id', '=', id).where('clinic_id', '=', ctx.session!.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('document');
  const by = await ctx.db.selectFrom('staff').select('display_name').where('id', '=', row.uploaded_by).executeTakeFirst();
  return { info: documentFromRow(row, by?.display_name ?? 'Unknown'), sha256: row.sha256 };
}

/**
 * Attached documents: the file goes into this desk's content-addressed store first (fsynced), then the row is
 * written by the shared command with the file's SHA-256 and size (never its bytes) and queued for the server's
 * blob endpoint. Opening a document this PC does not hold fetches it from the server, checked against its hash.
 */
export function documentHandlers(sync: SyncManager, files: FileStore): Pick<Handlers, 'documents.attach' | 'documents.list' | 'documents.open'> {
  sync.setBlobReader((sha) => files.get(sha));
  const send = () => void sync.uploadBlobs((sha) => files.get(sha)).catch(() => {});
  return {
    async 'documents.attach'(ctx, input) {
      const bytes = Buffer.from(input.dataBase64, 'base64');
      if (bytes.length === 0) throw new ApiError({ code: 'validation', fields: { dataBase64: 'The file is empty.' }, message: 'The file is empty.' });
      if (bytes.length > MAX_DOCUMENT_BYTES) throw new ApiError({ code: 'validation', fields: { dataBase64: 'The file is larger than 10 MB. Scan it at a lower resolution.' }, message: 'The file is larger than 10 MB.' });
      if (!looksLike(input.mimeType, bytes)) {
        const message = 'This file is not the kind it says it is: attach a real PDF, JPEG or PNG.';
        throw new ApiError({ code: 'validation', reason: 'file_type', fields: { dataBase64: message }, message });
      }
      const sha256 = files.put(bytes);
      const now = ctx.clock().toISOString();
      await ctx.db.insertInto('blob_uploads').values({ sha256, queued_at: now, uploaded_at: null }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
      const { dataBase64: _bytes, ...rest } = input;
      void _bytes;
      const result = (await runMutation(ctx, 'documents.attach', { ...rest, id: newId(), sizeBytes: bytes.length, sha256 })) as DocumentInfo;
      send();
      return result;
    },

    async 'documents.list'(ctx, { patientId }) {
      const rows = await ctx.db
        .selectFrom('documents as d')
        .leftJoin('staff as s', 's.id', 'd.uploaded_by')
        .selectAll('d')
        .select('s.display_name')
        .where('d.patient_id', '=', patientId)
        .where('d.clinic_id', '=', ctx.session!.clinicId)
        .where('d.deleted_at', 'is', null)
        .orderBy('d.created_at', 'desc')
        .execute();
      return rows.map((r) => documentFromRow(r, r.display_name ?? 'Unknown'));
    },

    async 'documents.open'(ctx, { id }) {
      const { info, sha256 } = await documentInfo(ctx, id);
      let bytes = files.get(sha256);
      if (!bytes) {
        const fetched = await sync.fetchBlob(sha256, FileStore.sha256);
        if (!fetched) {
          throw new ApiError({ code: 'conflict', reason: 'file_not_here', message: 'This file has not reached this PC yet: the PC that attached it has not sent it to the clinic server. Try again later.' });
        }
        files.put(fetched);
        bytes = fetched;
      }
      return { document: info, dataBase64: bytes.toString('base64') };
    },
  };
}
