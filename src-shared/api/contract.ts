import { z } from 'zod';
import { ASSIGNABLE_ROLES } from '../roles';
import type {
  Appointment,
  AppointmentSummary,
  AuditEntry,
  ClinicInfo,
  DayView,
  DoctorProfile,
  DoctorSchedule,
  EnrolledDeviceInfo,
  EnrolmentCodeInfo,
  Holiday,
  Patient,
  PatientSearchResult,
  PatientSummary,
  SessionInfo,
  StaffMember,
  SyncJoinResult,
  SyncStatus,
  InboxItem,
} from './types';
import {
  idField,
  indianMobile,
  isoDate,
  newPassword,
  optionalAbha,
  optionalEmail,
  optionalGstin,
  optionalIndianMobile,
  optionalPincode,
  optionalText,
  password,
  personName,
  pincode,
  stateCode,
  text,
  timezone,
  username,
} from './fields';
import { DEFAULT_TIMEZONE, todayIn } from '../dates';
import {
  advanceInput,
  catalogueItemInput,
  checkOnlineInput,
  toBillInput,
  type VisitToBill,
  sendRefundInput,
  startOnlineInput,
  type OnlineCheck,
  type OnlineRequest,
  closeDayInput,
  creditNoteInput,
  gstMonthInput,
  invoiceListInput,
  recordPaymentInput,
  saveDraftInput,
  taxProfileInput,
  type CatalogueItem,
  type DayClosingView,
  type GstSummary,
  type Invoice,
  type InvoiceSummary,
  type Payment,
  type TaxProfile,
} from './billing';
import { STATION_ROLES } from '../sync/shapes';
import type { Icd10Entry } from '../clinical/icd10';
import {
  allergyInput,
  attachDocumentInput,
  closeTaskInput,
  type DocumentInfo,
  coverInput,
  TASK_STATUSES,
  type FollowUpTask,
  enterResultInput,
  historyInput,
  orderLabsInput,
  PRESCRIPTION_KINDS,
  saveNoteInput,
  savePrescriptionInput,
  templateInput,
  type Allergy,
  type ConsultVisit,
  type DoctorCover,
  type LabResult,
  type LabTrend,
  type NoteRecord,
  type NoteTemplate,
  type PrescriptionPrint,
  type PrescriptionRecord,
  type TimelineEntry,
} from './consult';

/**
 * The ClinicApi: every thing the UI can do, as one typed contract. Each method has a zod input
 * schema and a result type; the desktop core implements it, Electron's IPC and browser mode's
 * HTTP carry it, and the permission table (permissions.ts) says who may call it.
 */
interface MethodDef<I extends z.ZodType, O> {
  kind: 'query' | 'command';
  input: I;
  /** Phantom: the result type. */
  readonly output?: O;
}

const query = <O>() => <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ kind: 'query', input });
const command = <O>() => <I extends z.ZodType>(input: I): MethodDef<I, O> => ({ kind: 'command', input });

const none = z.object({}).strict();

// ---- clinic ---------------------------------------------------------------------------------
export const clinicFields = z.object({
  legalName: text('Legal name', 2, 160),
  tradeName: optionalText('Trade name', 160),
  addressLine: text('Address', 3, 300),
  city: text('City', 2, 80),
  stateCode,
  pincode,
  phone: optionalIndianMobile('Clinic phone'),
  gstin: optionalGstin,
  timezone: timezone.default(DEFAULT_TIMEZONE),
});

const clinicWithGstinState = <T extends z.ZodType<{ gstin: string | null; stateCode: string }>>(schema: T) =>
  schema.superRefine((c, ctx) => {
    if (c.gstin && c.gstin.slice(0, 2) !== c.stateCode) {
      ctx.addIssue({ code: 'custom', path: ['gstin'], message: "This GSTIN's state code does not match the clinic's state." });
    }
  });

export const staffFields = z.object({
  displayName: personName('Name'),
  username,
  role: z.enum(ASSIGNABLE_ROLES, { error: 'Choose a role.' }),
  password: newPassword,
});

// ---- patients -------------------------------------------------------------------------------
export const SEXES = ['female', 'male', 'other'] as const;

const patientBase = z.object({
  fullName: personName('Full name'),
  sex: z.enum(SEXES, { error: 'Choose female, male or other.' }),
  dateOfBirth: isoDate('Date of birth').nullable().optional().transform((v) => v ?? null),
  ageYears: z
    .number({ error: 'Age must be a number of years.' })
    .int('Age must be whole years.')
    .min(0, 'Age cannot be negative.')
    .max(130, 'Age must be 130 years or less.')
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  mobile: indianMobile(),
  email: optionalEmail,
  addressLine: optionalText('Address', 300),
  city: optionalText('City', 80),
  stateCode: stateCode.nullable().optional().transform((v) => v ?? null),
  pincode: optionalPincode,
  emergencyName: optionalText('Emergency contact name', 120),
  emergencyRelation: optionalText('Relation', 40),
  emergencyPhone: optionalIndianMobile('Emergency contact phone'),
  abhaNumber: optionalAbha,
  consentMessages: z.boolean({ error: 'Say whether the patient agrees to messages.' }).default(false),
  consentDataProcessing: z.boolean({ error: 'Say whether the patient agrees to data processing.' }).default(false),
});

export const patientFields = patientBase.superRefine((p, ctx) => {
  if (p.dateOfBirth === null && p.ageYears === null) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Enter the date of birth or the age in years.' });
  }
  // Today in the clinic's calendar (India): a baby born this morning is not "in the future" at 02:00 IST.
  if (p.dateOfBirth !== null && p.dateOfBirth > todayIn(DEFAULT_TIMEZONE)) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth cannot be in the future.' });
  }
  if (p.dateOfBirth !== null && p.dateOfBirth < '1890-01-01') {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth is too far in the past.' });
  }
});
export type PatientInput = z.output<typeof patientFields>;
export type PatientFormValues = z.input<typeof patientFields>;

type PatientBaseOutput = z.output<typeof patientBase>;
export type PatientChanges = Partial<PatientBaseOutput>;

/**
 * Changes to a patient: any subset of the registration fields. Only the keys sent are parsed and
 * returned (a field left out is never reset to its default or to empty).
 */
export const patientChanges = z
  .record(z.string(), z.unknown(), { error: 'The changes to save are missing.' })
  .transform((raw, ctx): PatientChanges => {
    const out: Record<string, unknown> = {};
    const shape = patientBase.shape as Record<string, z.ZodType>;
    for (const [key, value] of Object.entries(raw)) {
      const field = Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : undefined;
      if (!field) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'The form sent a field this screen does not know. Please reload and try again.' });
        continue;
      }
      const parsed = field.safeParse(value);
      if (parsed.success) out[key] = parsed.data;
      else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
    }
    if (out.dateOfBirth === null && (out.ageYears ?? null) === null && ('dateOfBirth' in out || 'ageYears' in out)) {
      ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Enter the date of birth or the age in years.' });
    }
    return out as PatientChanges;
  });

// ---- appointments ---------------------------------------------------------------------------
const minutesOfDay = (what: string) =>
  z.number({ error: `${what} must be a time of day.` }).int(`${what} must be whole minutes.`).min(0, `${what} must be a time of day.`).max(1440, `${what} must be a time of day.`);

export const weeklySessionFields = z
  .object({
    weekday: z.number({ error: 'Choose a weekday.' }).int().min(1, 'Choose a weekday.').max(7, 'Choose a weekday.'),
    startMinutes: minutesOfDay('Start time'),
    endMinutes: minutesOfDay('End time'),
    slotMinutes: z.number({ error: 'Slot length must be minutes.' }).int().min(5, 'Slots are at least 5 minutes.').max(240, 'Slots are at most 4 hours.'),
    capacity: z.number({ error: 'Capacity must be a number.' }).int().min(1, 'Capacity is at least 1 patient.').max(50, 'Capacity is at most 50 patients.').default(1),
  })
  .refine((s) => s.endMinutes > s.startMinutes, { path: ['endMinutes'], message: 'The session must end after it starts.' });

export const APPOINTMENT_TYPES = ['new', 'follow_up', 'procedure'] as const;
export const APPOINTMENT_EVENTS = [
  'appointment.hold',
  'appointment.confirm',
  'appointment.expireHold',
  'appointment.checkIn',
  'appointment.startConsult',
  'appointment.complete',
  'appointment.markNoShow',
  'appointment.overrideNoShow',
  'appointment.cancel',
] as const;

const appointmentType = z.enum(APPOINTMENT_TYPES, { error: 'Choose new, follow-up or procedure.' });

// ---- sync with the clinic server ------------------------------------------------------------
const serverUrl = z
  .string({ error: 'Enter the clinic server address.' })
  .trim()
  .min(1, 'Enter the clinic server address.')
  .max(300, 'The server address can be at most 300 characters.');

// ---- the contract ---------------------------------------------------------------------------
export const clinicApi = {
  'setup.status': query<{ needsSetup: boolean; clinicName: string | null }>()(none),
  'setup.createClinic': command<SessionInfo>()(
    z.object({
      clinic: clinicWithGstinState(clinicFields),
      admin: staffFields.omit({ role: true }),
    }),
  ),

  'auth.signIn': command<SessionInfo>()(z.object({ username, password })),
  'auth.session': query<SessionInfo>()(none),
  'auth.unlock': command<SessionInfo>()(z.object({ password })),
  'auth.lock': command<{ locked: true }>()(none),
  'auth.signOut': command<{ signedOut: true }>()(none),
  'auth.changePassword': command<{ changed: true }>()(z.object({ currentPassword: password, newPassword })),

  'clinic.get': query<ClinicInfo>()(none),
  'clinic.update': command<ClinicInfo>()(
    clinicWithGstinState(
      clinicFields.extend({
        idleLockMinutes: z
          .number({ error: 'Idle lock must be a number of minutes.' })
          .int('Idle lock must be whole minutes.')
          .min(1, 'Idle lock must be at least 1 minute.')
          .max(240, 'Idle lock can be at most 240 minutes.'),
        noShowGraceMinutes: z
          .number({ error: 'No-show grace must be a number of minutes.' })
          .int('No-show grace must be whole minutes.')
          .min(0, 'No-show grace cannot be negative.')
          .max(240, 'No-show grace can be at most 240 minutes.')
          .optional(),
      }),
    ),
  ),

  'staff.list': query<StaffMember[]>()(z.object({ includeInactive: z.boolean().default(true) }).strict()),
  'staff.create': command<StaffMember>()(staffFields),
  'staff.update': command<StaffMember>()(
    z.object({ id: idField('Staff member'), displayName: personName('Name').optional(), role: staffFields.shape.role.optional() }).strict(),
  ),
  'staff.setActive': command<StaffMember>()(z.object({ id: idField('Staff member'), active: z.boolean({ error: 'Choose active or inactive.' }) })),
  'staff.resetPassword': command<{ reset: true }>()(z.object({ id: idField('Staff member'), newPassword })),

  'patients.search': query<PatientSearchResult>()(
    z.object({
      query: z.string({ error: 'Type a name, mobile number or MRN to search.' }).max(100, 'Search text can be at most 100 characters.'),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  ),
  'patients.get': query<Patient>()(z.object({ id: idField('Patient') })),
  'patients.findDuplicates': query<PatientSummary[]>()(
    z.object({ fullName: personName('Full name'), mobile: indianMobile(), excludeId: idField('Patient').optional() }),
  ),
  'patients.register': command<Patient>()(
    z.object({
      patient: patientFields,
      /** Set after the desk has seen the probable-duplicate warning and chose to register anyway. */
      confirmNotDuplicate: z.boolean().default(false),
    }),
  ),
  'patients.update': command<Patient>()(z.object({ id: idField('Patient'), changes: patientChanges })),
  'patients.history': query<AuditEntry[]>()(z.object({ id: idField('Patient') })),

  'doctors.list': query<DoctorProfile[]>()(z.object({ includeInactive: z.boolean().default(false) }).strict()),
  'doctors.saveProfile': command<DoctorProfile>()(
    z.object({
      staffId: idField('Doctor'),
      specialty: text('Specialty', 2, 80),
      registrationNumber: text('Registration number', 3, 40),
      consultationFeePaise: z.number({ error: 'Fee must be an amount.' }).int('Fee must be whole paise.').min(0, 'Fee cannot be negative.').max(10_000_000, 'Fee is too large.'),
      room: optionalText('Room', 40),
    }),
  ),
  'schedules.get': query<DoctorSchedule>()(z.object({ doctorId: idField('Doctor') })),
  'schedules.setWeekly': command<DoctorSchedule>()(
    z.object({ doctorId: idField('Doctor'), sessions: z.array(weeklySessionFields, { error: 'Give the weekly sessions.' }).max(50, 'That is too many sessions.') }),
  ),
  'schedules.addException': command<DoctorSchedule>()(
    z
      .object({
        doctorId: idField('Doctor'),
        date: isoDate('Date'),
        kind: z.enum(['leave', 'extra'], { error: 'Choose leave or extra session.' }),
        startMinutes: minutesOfDay('Start time').nullable().default(null),
        endMinutes: minutesOfDay('End time').nullable().default(null),
        slotMinutes: z.number().int().min(5, 'Slots are at least 5 minutes.').max(240, 'Slots are at most 4 hours.').nullable().default(null),
        capacity: z.number().int().min(1, 'Capacity is at least 1 patient.').max(50, 'Capacity is at most 50 patients.').nullable().default(null),
        reason: optionalText('Reason', 200),
      })
      .superRefine((e, ctx) => {
        if (e.kind === 'extra' && (e.startMinutes === null || e.endMinutes === null || e.slotMinutes === null)) {
          ctx.addIssue({ code: 'custom', path: ['startMinutes'], message: 'An extra session needs a start, an end and a slot length.' });
        }
        if ((e.startMinutes === null) !== (e.endMinutes === null)) {
          ctx.addIssue({ code: 'custom', path: ['endMinutes'], message: 'Give both a start and an end time, or neither for the whole day.' });
        }
        if (e.startMinutes !== null && e.endMinutes !== null && e.endMinutes <= e.startMinutes) {
          ctx.addIssue({ code: 'custom', path: ['endMinutes'], message: 'The end must be after the start.' });
        }
      }),
  ),
  'schedules.removeException': command<DoctorSchedule>()(z.object({ id: idField('Exception') })),
  'holidays.list': query<Holiday[]>()(z.object({ year: z.number().int().min(2000).max(2100).optional() }).strict()),
  'holidays.add': command<Holiday>()(z.object({ date: isoDate('Date'), name: text('Holiday name', 2, 80) })),
  'holidays.remove': command<{ removed: true }>()(z.object({ id: idField('Holiday') })),

  'appointments.day': query<DayView>()(z.object({ date: isoDate('Date'), doctorIds: z.array(idField('Doctor')).max(100).optional() })),
  'appointments.week': query<DayView[]>()(z.object({ doctorId: idField('Doctor'), weekStart: isoDate('Week start') })),
  'appointments.get': query<Appointment>()(z.object({ id: idField('Appointment') })),
  'appointments.queue': query<AppointmentSummary[]>()(z.object({ doctorId: idField('Doctor').optional() }).strict()),
  'appointments.book': command<Appointment>()(
    z.object({
      doctorId: idField('Doctor'),
      patientId: idField('Patient'),
      date: isoDate('Date'),
      startMinutes: minutesOfDay('Slot time'),
      type: appointmentType.default('new'),
      deskNotes: optionalText('Notes for the desk', 500),
      /** confirm (default), hold for pre-payment, or leave requested. */
      mode: z.enum(['confirm', 'hold', 'request'], { error: 'Choose confirm, hold or request.' }).default('confirm'),
      holdMinutes: z.number().int().min(1, 'A hold lasts at least 1 minute.').max(1440, 'A hold lasts at most a day.').default(15),
    }),
  ),
  'appointments.walkIn': command<Appointment>()(
    z.object({ doctorId: idField('Doctor'), patientId: idField('Patient'), type: appointmentType.default('new'), deskNotes: optionalText('Notes for the desk', 500) }),
  ),
  'appointments.transition': command<Appointment>()(
    z.object({
      id: idField('Appointment'),
      event: z.enum(APPOINTMENT_EVENTS, { error: 'That action is not known.' }),
      reason: optionalText('Reason', 300),
      holdMinutes: z.number().int().min(1, 'A hold lasts at least 1 minute.').max(1440, 'A hold lasts at most a day.').default(15),
    }),
  ),
  'appointments.reschedule': command<Appointment>()(
    z.object({ id: idField('Appointment'), date: isoDate('Date'), startMinutes: minutesOfDay('Slot time'), reason: optionalText('Reason', 300) }),
  ),

  /** First run only: join this PC to a clinic server with an enrolment code, and wait for the clinic and its staff. */
  'sync.join': command<SyncJoinResult>()(
    z.object({
      serverUrl,
      code: z.string({ error: 'Enter the enrolment code.' }).trim().min(1, 'Enter the enrolment code.').max(40, 'That is not an enrolment code.'),
      deviceName: text('Name of this PC', 1, 60),
    }),
  ),
  /**
   * A desk that has its clinic (set up here, perhaps used for months) brings it to a clinic server that has
   * none yet, with the set-up code the server printed: the clinic, staff and all its data are sent once, and
   * this PC becomes the clinic's first, admin, device.
   */
  'sync.connect': command<SyncJoinResult>()(
    z.object({
      serverUrl,
      code: z.string({ error: 'Enter the set-up code.' }).trim().min(1, 'Enter the set-up code the server printed.').max(40, 'That is not a set-up code.'),
      deviceName: text('Name of this PC', 1, 60),
    }),
  ),
  'sync.status': query<SyncStatus>()(none),
  /** "Needs attention": changes made here that the server refused, open ones first (oldest first), then resolved ones. */
  'inbox.list': query<InboxItem[]>()(z.object({ include: z.enum(['open', 'all']).default('open') })),
  /** Deals with one: book it again into the next free slot, keep the other desk's version, or discard it. */
  'inbox.resolve': command<InboxItem>()(
    z.object({ id: idField('Item'), action: z.enum(['rebook', 'keep_theirs', 'discard'], { error: 'Choose rebook, keep theirs or discard.' }) }),
  ),
  // ---- billing (issue 6) ----
  /** The tax profile in force (the clinic's particulars until an administrator saves one). */
  'billing.taxProfile': query<TaxProfile>()(none),
  /** Saves a new version of the tax profile (earlier versions are kept; issued documents keep their own copy). */
  'billing.saveTaxProfile': command<TaxProfile>()(taxProfileInput),
  'catalogue.list': query<CatalogueItem[]>()(z.object({ includeInactive: z.boolean().default(false) })),
  'catalogue.save': command<CatalogueItem>()(catalogueItemInput),
  'invoices.list': query<InvoiceSummary[]>()(invoiceListInput),
  'invoices.get': query<Invoice>()(z.object({ id: idField('Invoice') })),
  /** A draft for a visit: the doctor's consultation fee (from their profile) — or the open draft, if it has one. */
  'invoices.draftForVisit': command<Invoice>()(z.object({ appointmentId: idField('Visit') })),
  /** A day's visits that are checked in or seen and not billed yet. */
  'invoices.toBill': query<VisitToBill[]>()(toBillInput),
  'invoices.saveDraft': command<Invoice>()(saveDraftInput),
  'invoices.discard': command<Invoice>()(z.object({ id: idField('Invoice') })),
  /** Issues a draft with this PC's next number(s): it is locked from then on. */
  'invoices.issue': command<Invoice>()(z.object({ id: idField('Invoice') })),
  /** A credit note against an issued document (the whole of it, or some lines), with the refund of money paid beyond what is now owed. */
  'invoices.creditNote': command<Invoice>()(creditNoteInput),
  /** An administrator approves a discount above the biller's limit, with their password, on this PC. */
  'invoices.approveDiscount': command<{ approverId: string; approverName: string }>()(z.object({ username, password })),
  'payments.record': command<Invoice>()(recordPaymentInput),
  'payments.advance': command<Payment>()(advanceInput),
  /** Asks the clinic server for a Razorpay UPI QR code or payment link for (part of) a bill. */
  'payments.startOnline': command<OnlineRequest>()(startOnlineInput),
  /** Asks the server whether Razorpay has the money yet (it also learns by webhook); the payment then syncs here. */
  'payments.checkOnline': command<OnlineCheck>()(checkOnlineInput),
  /** Sends a credit note's refund of an online payment back through Razorpay (via the clinic server). */
  'payments.sendRefund': command<Invoice>()(sendRefundInput),
  'dayClosing.get': query<DayClosingView>()(z.object({ businessDate: isoDate('Date') })),
  'dayClosing.close': command<DayClosingView>()(closeDayInput),
  'gst.summary': query<GstSummary>()(gstMonthInput),
  // ---- consultation (issue 7) ----
  /** Everything the consult screen shows for one visit: patient, allergies, note and addenda, prescriptions, labs. */
  'consult.visit': query<ConsultVisit>()(z.object({ appointmentId: idField('Visit') })),
  /** The patient's history, newest first; what each entry says depends on the reader's role. */
  'consult.history': query<TimelineEntry[]>()(historyInput),
  /** Diagnoses from the bundled ICD-10 list, by code or by words. */
  'consult.searchDiagnoses': query<Icd10Entry[]>()(z.object({ query: z.string().trim().min(1, 'Type a code or a word.').max(80), limit: z.number().int().min(1).max(50).default(20) })),
  /** The signed-in doctor's SOAP templates and quick phrases. */
  'consult.templates': query<NoteTemplate[]>()(none),
  'consult.saveTemplate': command<NoteTemplate>()(templateInput),
  'consult.removeTemplate': command<{ removed: true }>()(z.object({ id: idField('Template') })),
  /** Saves a draft note or addendum (autosave calls it every few seconds); creates it when no noteId is given. */
  'notes.save': command<NoteRecord>()(saveNoteInput),
  /** Signs a draft note or addendum, and with a note the visit's draft prescription and diet plan: locked from then on. */
  'notes.sign': command<ConsultVisit>()(z.object({ noteId: idField('Note') })),
  'notes.discard': command<NoteRecord>()(z.object({ noteId: idField('Note') })),
  /** Saves the visit's draft prescription or diet plan (creates it when no id is given). */
  'prescriptions.save': command<PrescriptionRecord>()(savePrescriptionInput),
  /** A new draft version of a signed prescription or diet plan, to change it (the signed one stays as it was). */
  'prescriptions.revise': command<PrescriptionRecord>()(z.object({ prescriptionId: idField('Prescription') })),
  'prescriptions.sign': command<PrescriptionRecord>()(z.object({ prescriptionId: idField('Prescription') })),
  /** The patient's last signed prescription (or diet plan), to repeat it. */
  'prescriptions.last': query<{ prescription: PrescriptionRecord | null }>()(z.object({ patientId: idField('Patient'), kind: z.enum(PRESCRIPTION_KINDS).default('medication') })),
  /** What the printed prescription carries: letterhead, doctor and registration number, patient, drugs. */
  'prescriptions.print': query<PrescriptionPrint>()(z.object({ prescriptionId: idField('Prescription') })),
  'allergies.save': command<Allergy[]>()(allergyInput),
  'allergies.remove': command<Allergy[]>()(z.object({ id: idField('Allergy') })),
  'labs.order': command<LabResult[]>()(orderLabsInput),
  'labs.enterResult': command<LabResult>()(enterResultInput),
  'labs.list': query<LabResult[]>()(z.object({ patientId: idField('Patient') })),
  /** One test's values over time with its reference band; significant changes marked. */
  'labs.trend': query<LabTrend>()(z.object({ patientId: idField('Patient'), testName: text('Test', 1, 120) })),
  'covers.list': query<DoctorCover[]>()(none),
  /** An administrator names a covering doctor, who may then sign the doctor's notes between the dates. */
  'covers.set': command<DoctorCover>()(coverInput),
  /** Attaches a PDF or image (a lab report, a scan) to a patient, a visit or a test result. */
  'documents.attach': command<DocumentInfo>()(attachDocumentInput),
  'documents.list': query<DocumentInfo[]>()(z.object({ patientId: idField('Patient') })),
  /** The file itself (fetched from the clinic server, checksum checked, when this PC does not hold it yet). */
  'documents.open': query<{ document: DocumentInfo; dataBase64: string }>()(z.object({ id: idField('Document') })),
  /** Follow-ups the doctors asked for, for the front desk to book (soonest due first). */
  'tasks.list': query<FollowUpTask[]>()(z.object({ status: z.enum(TASK_STATUSES).default('open') })),
  /** Closes a follow-up task: booked (with the appointment) or no longer needed. */
  'tasks.close': command<FollowUpTask>()(closeTaskInput),
  'devices.list': query<EnrolledDeviceInfo[]>()(none),
  'devices.revoke': command<EnrolledDeviceInfo>()(z.object({ id: idField('Device') })),
  'devices.createEnrolmentCode': command<EnrolmentCodeInfo>()(
    z.object({
      expiresInHours: z
        .number({ error: 'The expiry must be a number of hours.' })
        .min(1 / 60, 'A code must last at least a minute.')
        .max(30 * 24, 'A code can last at most 30 days.')
        .optional(),
      stationRole: z.enum(STATION_ROLES, { error: 'Choose front desk, doctor, accounts or admin.' }).default('front_desk'),
    }),
  ),
} as const;

export type ClinicApiContract = typeof clinicApi;
export type MethodName = keyof ClinicApiContract;
export type MethodInput<M extends MethodName> = z.input<ClinicApiContract[M]['input']>;
export type MethodArgs<M extends MethodName> = z.output<ClinicApiContract[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<ClinicApiContract[M]['output']>;
export const METHOD_NAMES = Object.keys(clinicApi) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(clinicApi, name);
}
