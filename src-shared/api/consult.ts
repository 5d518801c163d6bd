import { z } from 'zod';
import { FOOD_TIMINGS } from '../clinical/dosage';
import { vitalsInput, type Vitals } from '../clinical/vitals';
import type { NoteEventType, NoteStatus } from '../machines/note';
import { idField, isoDate, optionalText, text } from './fields';

/**
 * The consultation part of the ClinicApi (issue 7): inputs as zod schemas (the contract's), results as
 * types. A visit is the appointment once the patient is checked in (walk-ins are appointments too).
 *
 * Privacy by role: these methods are for doctors (and administrators, who read); front desk and accounts
 * never reach note text, diagnoses or lab values — the permission table refuses them, their stations do not
 * receive the tables, and the patient's timeline they may read carries visits and bills only.
 */

// ---- notes ----------------------------------------------------------------------------------

export const diagnosisInput = z.object({
  /** An ICD-10 code from the bundled list, or null for a free-text diagnosis. */
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/i, 'That is not an ICD-10 code (for example E11.9).')
    .transform((c) => c.toUpperCase())
    .nullable()
    .default(null),
  title: text('Diagnosis', 2, 300),
});
export type Diagnosis = z.output<typeof diagnosisInput>;

const soap = (what: string) => optionalText(what, 20_000);

export const saveNoteInput = z.object({
  /** The draft being saved; absent for a new note (or a new addendum, with parentId). */
  noteId: idField('Note').optional(),
  appointmentId: idField('Visit'),
  /** For an addendum: the signed note it adds to. */
  parentId: idField('Note').optional(),
  subjective: soap('Subjective'),
  objective: soap('Objective'),
  assessment: soap('Assessment'),
  plan: soap('Plan'),
  vitals: vitalsInput.nullable().default(null),
  diagnoses: z.array(diagnosisInput).max(30, 'A note can list at most 30 diagnoses.').default([]),
  followUpDate: isoDate('Follow-up date').nullable().default(null),
  followUpAppointmentId: idField('Follow-up appointment').nullable().default(null),
});
export type SaveNoteInput = z.input<typeof saveNoteInput>;

export interface NoteRecord {
  id: string;
  appointmentId: string;
  patientId: string;
  doctorId: string;
  authorId: string;
  authorName: string;
  kind: 'note' | 'addendum';
  parentId: string | null;
  status: NoteStatus;
  subjective: string | null;
  objective: string | null;
  assessment: string | null;
  plan: string | null;
  vitals: Vitals | null;
  diagnoses: Diagnosis[];
  followUpDate: string | null;
  followUpAppointmentId: string | null;
  signedBy: string | null;
  signedByName: string | null;
  signedAt: string | null;
  contentHash: string | null;
  createdAt: string;
  updatedAt: string;
  /** What the signed-in user may do with it now (the note machine's answer). */
  allowed: NoteEventType[];
}

// ---- prescriptions and diet plans -----------------------------------------------------------

export const medicationItemInput = z.object({
  generic: text('Drug (generic name)', 2, 120),
  brand: optionalText('Brand', 120),
  strength: optionalText('Strength', 40),
  form: optionalText('Form', 40),
  dose: text('Dose', 1, 40),
  /** Indian notation: 1-0-1 (morning-afternoon-night), 1-1-1-1, ½-0-½, or OD/BD/TDS/QID/HS/SOS/STAT. */
  frequency: text('Frequency', 1, 20),
  route: text('Route', 2, 40).default('oral'),
  durationValue: z.number({ error: 'Duration must be a number.' }).int('Duration must be a whole number.').min(1, 'Duration must be at least 1.').max(365, 'Duration can be at most 365.').nullable().default(null),
  durationUnit: z.enum(['days', 'weeks', 'months'], { error: 'Choose days, weeks or months.' }).default('days'),
  quantity: z.number({ error: 'Quantity must be a number.' }).int('Quantity must be a whole number.').min(1, 'Quantity must be at least 1.').max(9999, 'Quantity is too large.').nullable().default(null),
  timing: z.enum(FOOD_TIMINGS, { error: 'Choose when to take it.' }).default('after_food'),
  instructions: optionalText('Instructions', 300),
});
export type MedicationItem = z.output<typeof medicationItemInput>;

export const dietItemInput = z.object({
  meal: text('Meal or time', 1, 60),
  advice: text('Advice', 1, 600),
});
export type DietItem = z.output<typeof dietItemInput>;

export const PRESCRIPTION_KINDS = ['medication', 'diet'] as const;
export type PrescriptionKind = (typeof PRESCRIPTION_KINDS)[number];

export const savePrescriptionInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('medication'),
    prescriptionId: idField('Prescription').optional(),
    appointmentId: idField('Visit'),
    items: z.array(medicationItemInput).max(40, 'A prescription can have at most 40 drugs.'),
    advice: optionalText('Advice', 2000),
    printHindi: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('diet'),
    prescriptionId: idField('Diet plan').optional(),
    appointmentId: idField('Visit'),
    items: z.array(dietItemInput).max(40, 'A diet plan can have at most 40 lines.'),
    advice: optionalText('Advice', 2000),
    printHindi: z.boolean().default(false),
  }),
]);
export type SavePrescriptionInput = z.input<typeof savePrescriptionInput>;

export interface PrescriptionRecord {
  id: string;
  appointmentId: string;
  patientId: string;
  noteId: string | null;
  doctorId: string;
  kind: PrescriptionKind;
  version: number;
  supersedesId: string | null;
  status: NoteStatus;
  items: MedicationItem[] | DietItem[];
  advice: string | null;
  printHindi: boolean;
  signedAt: string | null;
  signedByName: string | null;
  contentHash: string | null;
  createdAt: string;
  updatedAt: string;
  allowed: NoteEventType[];
  /** Drugs that match a recorded allergy of the patient (medication only). */
  allergyWarnings: AllergyWarning[];
}

export interface AllergyWarning {
  drug: string;
  substance: string;
  severity: AllergySeverity;
}

// ---- allergies ------------------------------------------------------------------------------

export const ALLERGY_SEVERITIES = ['mild', 'moderate', 'severe', 'unknown'] as const;
export type AllergySeverity = (typeof ALLERGY_SEVERITIES)[number];

export const allergyInput = z.object({
  patientId: idField('Patient'),
  substance: text('Allergy (drug or substance)', 2, 120),
  reaction: optionalText('Reaction', 200),
  severity: z.enum(ALLERGY_SEVERITIES, { error: 'Choose how severe it is.' }).default('unknown'),
});

export interface Allergy {
  id: string;
  substance: string;
  reaction: string | null;
  severity: AllergySeverity;
}

// ---- lab results ----------------------------------------------------------------------------

const decimal = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,7}(\.\d{1,4})?$/, `${what} must be a number such as 7.2.`);

export const labTestInput = z.object({
  code: optionalText('Test code', 20),
  name: text('Test', 2, 120),
  unit: optionalText('Unit', 30),
  refLow: decimal('The lower limit').nullable().default(null),
  refHigh: decimal('The upper limit').nullable().default(null),
});

export const orderLabsInput = z.object({
  appointmentId: idField('Visit'),
  tests: z.array(labTestInput).min(1, 'Choose at least one test.').max(40, 'At most 40 tests at a time.'),
});

export const enterResultInput = z
  .object({
    /** The ordered test this result answers; absent for a result brought from outside. */
    labId: idField('Test').optional(),
    patientId: idField('Patient'),
    appointmentId: idField('Visit').nullable().default(null),
    test: labTestInput,
    value: text('Result', 1, 40),
    collectedOn: isoDate('Sample date'),
    reportRef: optionalText('Report number', 60),
    remarks: optionalText('Remarks', 500),
  })
  .superRefine((r, ctx) => {
    if (r.test.refLow !== null && r.test.refHigh !== null && Number(r.test.refLow) > Number(r.test.refHigh)) {
      ctx.addIssue({ code: 'custom', path: ['test', 'refHigh'], message: 'The upper limit must be above the lower limit.' });
    }
  });
export type EnterResultInput = z.input<typeof enterResultInput>;

export interface LabResult {
  id: string;
  patientId: string;
  appointmentId: string | null;
  testCode: string | null;
  testName: string;
  status: 'ordered' | 'resulted' | 'cancelled';
  value: string | null;
  unit: string | null;
  refLow: string | null;
  refHigh: string | null;
  abnormal: 'low' | 'high' | 'normal' | null;
  collectedOn: string | null;
  reportRef: string | null;
  remarks: string | null;
  orderedAt: string;
  resultedAt: string | null;
}

export interface LabTrend {
  testName: string;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  /** The limits as the report wrote them ("4.0"), for display. */
  refLowText: string | null;
  refHighText: string | null;
  points: Array<{ id: string; date: string; value: number; abnormal: LabResult['abnormal']; significant: boolean }>;
}

// ---- templates, covers ----------------------------------------------------------------------

export const templateInput = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('template'),
    id: idField('Template').optional(),
    name: text('Template name', 2, 80),
    body: z.object({ subjective: soap('Subjective'), objective: soap('Objective'), assessment: soap('Assessment'), plan: soap('Plan') }),
  }),
  z.object({
    kind: z.literal('phrase'),
    id: idField('Quick phrase').optional(),
    name: text('Short name', 1, 40),
    body: z.object({ text: text('Phrase', 1, 2000) }),
  }),
]);

export type NoteTemplate =
  | { id: string; kind: 'template'; name: string; body: { subjective: string | null; objective: string | null; assessment: string | null; plan: string | null } }
  | { id: string; kind: 'phrase'; name: string; body: { text: string } };

export const coverInput = z
  .object({ doctorId: idField('Doctor'), coveringDoctorId: idField('Covering doctor'), fromDate: isoDate('From'), toDate: isoDate('To') })
  .refine((c) => c.fromDate <= c.toDate, { path: ['toDate'], message: 'The cover must end on or after the day it starts.' })
  .refine((c) => c.doctorId !== c.coveringDoctorId, { path: ['coveringDoctorId'], message: 'A doctor cannot cover for themselves.' });

export interface DoctorCover {
  id: string;
  doctorId: string;
  doctorName: string;
  coveringDoctorId: string;
  coveringDoctorName: string;
  fromDate: string;
  toDate: string;
}

// ---- the consult screen ---------------------------------------------------------------------

export interface ConsultVisit {
  appointment: {
    id: string;
    date: string;
    startMinutes: number | null;
    status: string;
    kind: string;
    type: string;
    token: number | null;
    doctorId: string;
    doctorName: string;
  };
  patient: { id: string; mrn: string; fullName: string; sex: string; dateOfBirth: string | null; dobEstimated: boolean; mobile: string };
  allergies: Allergy[];
  /** The visit's note (the newest that is not discarded), its addenda oldest first. */
  note: NoteRecord | null;
  addenda: NoteRecord[];
  /** The visit's current prescription and diet plan (each the newest version), and earlier versions. */
  prescriptions: PrescriptionRecord[];
  labs: LabResult[];
  /** May the signed-in user write here (the treating doctor or a covering doctor)? */
  canWrite: boolean;
}

// ---- the patient's history timeline ---------------------------------------------------------

export const TIMELINE_KINDS = ['visit', 'prescription', 'diet', 'lab', 'document', 'invoice'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const historyInput = z.object({
  patientId: idField('Patient'),
  kinds: z.array(z.enum(TIMELINE_KINDS)).optional(),
  /** Words to find in the entries (diagnosis, drug, test). */
  search: z.string().trim().max(80).optional(),
  limit: z.number().int().min(1).max(1000).default(300),
});

/**
 * One line of the patient's history, newest first. What it carries depends on who reads it: clinical detail
 * (diagnoses, drugs, values) only for doctors and administrators; bill amounts only for accounts and
 * administrators (doctors see the bill's number and status only); front desk sees visits and bill numbers.
 */
export interface TimelineEntry {
  kind: TimelineKind;
  id: string;
  /** The day (visit date, collection date, issue date). */
  date: string;
  appointmentId: string | null;
  title: string;
  /** Lines under the title (e.g. diagnoses, drugs). Absent for roles that may not see clinical detail. */
  details?: string[];
  status?: string;
  doctorName?: string;
  abnormal?: boolean;
  /** Bills: the total, only for accounts and administrators. */
  amountPaise?: number;
}

export interface PrescriptionPrint {
  prescription: PrescriptionRecord;
  clinic: { name: string; addressLine: string; city: string; pincode: string; phone: string | null };
  doctor: { name: string; registrationNumber: string | null; specialty: string | null };
  patient: { fullName: string; mrn: string; sex: string; age: string | null };
  visitDate: string;
  diagnoses: Diagnosis[];
  /** Known allergies, printed so a pharmacist sees them too. */
  allergies: Allergy[];
  vitals: Vitals | null;
  followUpDate: string | null;
}

// ---- follow-up tasks for the front desk -----------------------------------------------------

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const closeTaskInput = z.object({
  id: idField('Task'),
  /** The follow-up appointment booked for it (done), or null when it is closed without one. */
  appointmentId: idField('Appointment').nullable().default(null),
  outcome: z.enum(['done', 'cancelled'], { error: 'Choose done or cancelled.' }).default('done'),
});

/** A follow-up the doctor asked for, for the front desk to book. Carries no clinical text. */
export interface FollowUpTask {
  id: string;
  kind: 'follow_up';
  title: string;
  dueDate: string | null;
  status: TaskStatus;
  patient: { id: string; fullName: string; mrn: string; mobile: string };
  doctorId: string | null;
  doctorName: string | null;
  sourceAppointmentId: string | null;
  appointmentId: string | null;
  createdAt: string;
}

// ---- attached documents ---------------------------------------------------------------------

export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
/** The largest file a desk attaches (a scanned report): 10 MB. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export const attachDocumentInput = z.object({
  patientId: idField('Patient'),
  appointmentId: idField('Visit').nullable().default(null),
  labResultId: idField('Test').nullable().default(null),
  title: text('Title', 2, 120),
  mimeType: z.enum(DOCUMENT_TYPES, { error: 'Attach a PDF, JPEG or PNG file.' }),
  /** The file, base64-encoded. */
  dataBase64: z
    .string({ error: 'Choose a file to attach.' })
    .min(8, 'The file is empty.')
    .max(Math.ceil(MAX_DOCUMENT_BYTES / 3) * 4 + 4, 'The file is larger than 10 MB. Scan it at a lower resolution.')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'The file could not be read. Choose it again.'),
});

/** What the outbox carries for an attachment: the file's checksum and size, never its bytes. */
export const documentArgs = attachDocumentInput.omit({ dataBase64: true }).extend({
  id: idField('Document'),
  sizeBytes: z.number().int().min(1).max(MAX_DOCUMENT_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'The file checksum is not valid.'),
});

export interface DocumentInfo {
  id: string;
  patientId: string;
  appointmentId: string | null;
  labResultId: string | null;
  title: string;
  mimeType: DocumentType;
  sizeBytes: number;
  sha256: string;
  uploadedByName: string;
  createdAt: string;
}
