import type { MethodName } from './api/contract';
import type { Role } from './roles';

/**
 * The one permission table: who may call each ClinicApi method. The core enforces it on every
 * call; the UI reads it (can()) to show only what the signed-in role may do.
 *  - 'public': callable before sign-in (first-run setup, sign-in itself)
 *  - 'signed_in': any signed-in staff member, whatever the role
 *  - a list of roles: only those
 */
export type Access = 'public' | 'signed_in' | readonly Role[];

const ALL_STAFF = ['admin', 'front_desk', 'doctor', 'accounts'] as const satisfies readonly Role[];
const DESK = ['admin', 'front_desk'] as const satisfies readonly Role[];
const ADMIN = ['admin'] as const satisfies readonly Role[];
/** Who bills and takes money (small clinics bill at the front desk); crediting is narrower (the invoice machine). */
const BILLING = ['admin', 'accounts', 'front_desk'] as const satisfies readonly Role[];
const ACCOUNTS = ['admin', 'accounts'] as const satisfies readonly Role[];
/** Clinical records: doctors write them; administrators may read them; front desk and accounts never. */
const CLINICAL_READ = ['admin', 'doctor'] as const satisfies readonly Role[];
const CLINICAL_WRITE = ['doctor'] as const satisfies readonly Role[];

export const PERMISSIONS = {
  'setup.status': 'public',
  'setup.createClinic': 'public',
  'auth.signIn': 'public',
  'auth.session': 'signed_in',
  'auth.unlock': 'signed_in',
  'auth.lock': 'signed_in',
  'auth.signOut': 'signed_in',
  'auth.changePassword': 'signed_in',
  'clinic.get': 'signed_in',
  'clinic.update': ADMIN,
  'staff.list': ADMIN,
  'staff.create': ADMIN,
  'staff.update': ADMIN,
  'staff.setActive': ADMIN,
  'staff.resetPassword': ADMIN,
  'patients.search': ALL_STAFF,
  'patients.get': ALL_STAFF,
  'patients.findDuplicates': DESK,
  'patients.register': DESK,
  'patients.update': DESK,
  'patients.history': DESK,
  'doctors.list': ALL_STAFF,
  'doctors.saveProfile': ADMIN,
  'schedules.get': ALL_STAFF,
  'schedules.setWeekly': ADMIN,
  'schedules.addException': ADMIN,
  'schedules.removeException': ADMIN,
  'holidays.list': ALL_STAFF,
  'holidays.add': ADMIN,
  'holidays.remove': ADMIN,
  'appointments.day': ['admin', 'front_desk', 'doctor'],
  'appointments.week': ['admin', 'front_desk', 'doctor'],
  'appointments.get': ['admin', 'front_desk', 'doctor'],
  'appointments.queue': ['admin', 'front_desk', 'doctor'],
  // Doctors book their patients' follow-ups from the note.
  'appointments.book': ['admin', 'front_desk', 'doctor'],
  'appointments.walkIn': DESK,
  // Which lifecycle events a role may send is the machine's decision (its guards), not this table's.
  'appointments.transition': ['admin', 'front_desk', 'doctor'],
  'appointments.reschedule': DESK,
  // Joining is only possible while the desk has no clinic yet (checked by the handler).
  'sync.join': 'public',
  // The sign-in screen shows whether the clinic's data has arrived; nothing in it is about a patient.
  'sync.status': 'public',
  'sync.connect': ADMIN,
  // Anyone may see and deal with what the server refused; rebooking also needs appointments.book (the handler checks).
  'inbox.list': ALL_STAFF,
  'inbox.resolve': ALL_STAFF,
  'billing.taxProfile': BILLING,
  'billing.saveTaxProfile': ADMIN,
  'catalogue.list': BILLING,
  'catalogue.save': ADMIN,
  'invoices.list': BILLING,
  'invoices.get': BILLING,
  'invoices.draftForVisit': BILLING,
  'invoices.toBill': BILLING,
  'invoices.saveDraft': BILLING,
  'invoices.discard': BILLING,
  'invoices.issue': BILLING,
  'invoices.creditNote': ACCOUNTS,
  'invoices.approveDiscount': BILLING,
  'payments.record': BILLING,
  'payments.advance': BILLING,
  'payments.startOnline': BILLING,
  'payments.checkOnline': BILLING,
  'payments.sendRefund': ACCOUNTS,
  'dayClosing.get': BILLING,
  'dayClosing.close': BILLING,
  'gst.summary': ACCOUNTS,
  'consult.visit': CLINICAL_READ,
  // Every role reads a patient's timeline; what it carries is filtered by role (src-shared/api/consult.ts).
  'consult.history': ALL_STAFF,
  'consult.searchDiagnoses': CLINICAL_READ,
  'consult.templates': CLINICAL_WRITE,
  'consult.saveTemplate': CLINICAL_WRITE,
  'consult.removeTemplate': CLINICAL_WRITE,
  // Who may save or sign a given note is the note machine's decision (treating or covering doctor).
  'notes.save': CLINICAL_WRITE,
  'notes.sign': CLINICAL_WRITE,
  'notes.discard': CLINICAL_WRITE,
  'prescriptions.save': CLINICAL_WRITE,
  'prescriptions.revise': CLINICAL_WRITE,
  'prescriptions.sign': CLINICAL_WRITE,
  'prescriptions.last': CLINICAL_READ,
  'prescriptions.print': CLINICAL_READ,
  'allergies.save': CLINICAL_WRITE,
  'allergies.remove': CLINICAL_WRITE,
  'labs.order': CLINICAL_WRITE,
  'labs.enterResult': CLINICAL_WRITE,
  'labs.list': CLINICAL_READ,
  'labs.trend': CLINICAL_READ,
  'covers.list': CLINICAL_READ,
  'covers.set': ADMIN,
  'documents.attach': CLINICAL_WRITE,
  'documents.list': CLINICAL_READ,
  'documents.open': CLINICAL_READ,
  'tasks.list': ['admin', 'front_desk', 'doctor'],
  'tasks.close': ['admin', 'front_desk', 'doctor'],
  'devices.list': ADMIN,
  'devices.revoke': ADMIN,
  'devices.createEnrolmentCode': ADMIN,
} as const satisfies Record<MethodName, Access>;

/** Methods a locked session may still call (to unlock, or to give up and sign out). */
export const ALLOWED_WHILE_LOCKED: ReadonlySet<MethodName> = new Set<MethodName>(['auth.unlock', 'auth.signOut', 'auth.session']);

export function can(role: Role | null | undefined, method: MethodName): boolean {
  const access: Access = PERMISSIONS[method];
  if (access === 'public') return true;
  if (!role) return false;
  if (access === 'signed_in') return true;
  return access.includes(role);
}
