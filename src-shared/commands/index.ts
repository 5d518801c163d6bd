import { z } from 'zod';
import { ApiError } from '../errors';
import { clinicApi, type MethodName } from '../api/contract';
import { can } from '../permissions';
import type { Role } from '../roles';
import {
  bookAppointment,
  bookArgs,
  expireHolds,
  expireHoldsArgs,
  rescheduleAppointment,
  transitionAppointment,
  walkIn,
  walkInArgs,
} from './appointments';
import type { CommandEnv, CommandOutput } from './env';
import { documentArgs } from '../api/consult';
import {
  attachDocument,
  closeTask,
  discardNote,
  enterLabResult,
  orderLabs,
  removeAllergy,
  removeTemplate,
  revisePrescription,
  saveAllergy,
  saveNote,
  savePrescription,
  saveTemplate,
  setCover,
  signNote,
  signPrescription,
} from './consult';
import {
  advanceArgs,
  closeDay,
  closeDayArgs,
  creditNoteArgs,
  discardArgs,
  discardDraft,
  issueArgs,
  issueInvoice,
  onlinePaymentArgs,
  raiseCreditNote,
  recordRefundSent,
  refundSentArgs,
  recordAdvance,
  recordOnlinePayment,
  recordPayment,
  recordPaymentArgs,
  saveCatalogueItem,
  saveDraft,
  saveDraftArgs,
  saveItemArgs,
  saveTaxProfile,
  saveTaxProfileArgs,
} from './billing';
import {
  changeOwnPassword,
  createStaff,
  createStaffArgs,
  passwordArgs,
  registerArgs,
  registerPatient,
  resetPassword,
  setStaffActive,
  updateClinic,
  updateClinicArgs,
  updatePatient,
  updatePatientArgs,
  updateStaff,
} from './people';
import { addHoliday, addScheduleException, removeHoliday, removeScheduleException, saveDoctorProfile, setWeeklySchedule } from './schedules';

export * from './env';

/**
 * Every command that writes synced rows, by the name its outbox mutations carry: what travels (`args`,
 * checked again by the server) and what runs. The ClinicApi method of the same name is the permission
 * (src-shared/permissions.ts); `appointments.expireHolds` is the system's own.
 */
interface MutationSpec<S extends z.ZodType> {
  args: S;
  run(env: CommandEnv, args: z.output<S>): Promise<CommandOutput>;
}

function spec<S extends z.ZodType>(args: S, run: (env: CommandEnv, args: z.output<S>) => Promise<CommandOutput>): MutationSpec<S> {
  return { args, run };
}

/**
 * The clinic's first run on a desk: the clinic and its first administrator. They reach a server only by
 * the founding upload (src-server/services/founding.ts), which settles this mutation on the desk; sent
 * again, it changes nothing.
 */
const createClinicArgs = z.object({ clinic: z.object({ id: z.uuid() }).loose(), admin: z.object({ id: z.uuid() }).loose() });
async function clinicAlreadyThere(env: CommandEnv, args: z.output<typeof createClinicArgs>): Promise<CommandOutput> {
  const clinic = await env.db.selectFrom('clinics').select('id').where('id', '=', args.clinic.id).executeTakeFirst();
  if (!clinic || clinic.id !== env.who.clinicId) throw new ApiError({ code: 'conflict', reason: 'not_founded', message: 'This clinic was set up on a PC that has not brought it to the server.' });
  return { result: null, audit: [], entities: [] };
}

export const MUTATIONS = {
  'setup.createClinic': spec(createClinicArgs, clinicAlreadyThere),
  'auth.changePassword': spec(passwordArgs, changeOwnPassword),
  'clinic.update': spec(updateClinicArgs, updateClinic),
  'staff.create': spec(createStaffArgs, createStaff),
  'staff.update': spec(clinicApi['staff.update'].input, updateStaff),
  'staff.setActive': spec(clinicApi['staff.setActive'].input, setStaffActive),
  'staff.resetPassword': spec(passwordArgs, resetPassword),
  'patients.register': spec(registerArgs, registerPatient),
  'patients.update': spec(updatePatientArgs, updatePatient),
  'doctors.saveProfile': spec(clinicApi['doctors.saveProfile'].input, saveDoctorProfile),
  'schedules.setWeekly': spec(clinicApi['schedules.setWeekly'].input, setWeeklySchedule),
  'schedules.addException': spec(clinicApi['schedules.addException'].input, addScheduleException),
  'schedules.removeException': spec(clinicApi['schedules.removeException'].input, removeScheduleException),
  'holidays.add': spec(clinicApi['holidays.add'].input, addHoliday),
  'holidays.remove': spec(clinicApi['holidays.remove'].input, removeHoliday),
  'appointments.book': spec(bookArgs, bookAppointment),
  'appointments.walkIn': spec(walkInArgs, walkIn),
  'appointments.transition': spec(clinicApi['appointments.transition'].input, transitionAppointment),
  'appointments.reschedule': spec(clinicApi['appointments.reschedule'].input, rescheduleAppointment),
  'appointments.expireHolds': spec(expireHoldsArgs, expireHolds),
  'billing.saveTaxProfile': spec(saveTaxProfileArgs, saveTaxProfile),
  'catalogue.save': spec(saveItemArgs, saveCatalogueItem),
  'invoices.saveDraft': spec(saveDraftArgs, saveDraft),
  'invoices.discard': spec(discardArgs, discardDraft),
  'invoices.issue': spec(issueArgs, issueInvoice),
  'invoices.creditNote': spec(creditNoteArgs, raiseCreditNote),
  'payments.record': spec(recordPaymentArgs, recordPayment),
  'payments.advance': spec(advanceArgs, recordAdvance),
  'payments.recordOnline': spec(onlinePaymentArgs, recordOnlinePayment),
  'payments.refundSent': spec(refundSentArgs, recordRefundSent),
  'dayClosing.close': spec(closeDayArgs, closeDay),
  'consult.saveTemplate': spec(clinicApi['consult.saveTemplate'].input, saveTemplate),
  'consult.removeTemplate': spec(clinicApi['consult.removeTemplate'].input, removeTemplate),
  'notes.save': spec(clinicApi['notes.save'].input, saveNote),
  'notes.sign': spec(clinicApi['notes.sign'].input, signNote),
  'notes.discard': spec(clinicApi['notes.discard'].input, discardNote),
  'prescriptions.save': spec(clinicApi['prescriptions.save'].input, savePrescription),
  'prescriptions.revise': spec(clinicApi['prescriptions.revise'].input, revisePrescription),
  'prescriptions.sign': spec(clinicApi['prescriptions.sign'].input, signPrescription),
  'allergies.save': spec(clinicApi['allergies.save'].input, saveAllergy),
  'allergies.remove': spec(clinicApi['allergies.remove'].input, removeAllergy),
  'labs.order': spec(clinicApi['labs.order'].input, orderLabs),
  'labs.enterResult': spec(clinicApi['labs.enterResult'].input, enterLabResult),
  'covers.set': spec(clinicApi['covers.set'].input, setCover),
  'tasks.close': spec(clinicApi['tasks.close'].input, closeTask),
  'documents.attach': spec(documentArgs, attachDocument),
} as const;

export type MutationName = keyof typeof MUTATIONS;
export type MutationArgs<N extends MutationName> = z.output<(typeof MUTATIONS)[N]['args']>;

export function isMutationName(name: string): name is MutationName {
  return Object.prototype.hasOwnProperty.call(MUTATIONS, name);
}

/** The system's own mutations (no staff member behind them). */
const SYSTEM_MUTATIONS: ReadonlySet<MutationName> = new Set(['appointments.expireHolds']);
/** Mutations only the server makes (a payment Razorpay confirmed): never accepted from a desk's outbox. */
export const SERVER_ONLY_MUTATIONS: ReadonlySet<MutationName> = new Set(['payments.recordOnline', 'payments.refundSent']);
export const SYSTEM_USER = 'system';

/** May this user (role) make this mutation? The same permission table the desk enforced when it was made. */
export function mayMutate(name: MutationName, user: { id: string; role: Role | 'system' }): boolean {
  if (SERVER_ONLY_MUTATIONS.has(name)) return false;
  if (SYSTEM_MUTATIONS.has(name)) return true;
  if (user.role === 'system') return false;
  if (name === 'setup.createClinic') return user.role === 'admin';
  return can(user.role, name as MethodName);
}

/** Runs one mutation's command; the arguments are checked first (a refusal in plain words otherwise). */
export async function runMutation(env: CommandEnv, name: MutationName, rawArgs: unknown): Promise<CommandOutput> {
  const spec = MUTATIONS[name] as MutationSpec<z.ZodType>;
  const parsed = spec.args.safeParse(rawArgs);
  if (!parsed.success) {
    throw new ApiError({ code: 'validation', reason: 'bad_args', message: `The change could not be read (${parsed.error.issues[0]?.path.join('.') || 'its details'}: ${parsed.error.issues[0]?.message ?? 'not valid'}).` });
  }
  return spec.run(env, parsed.data);
}
