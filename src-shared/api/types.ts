import type { Role } from '../roles';

/** Results the ClinicApi returns. Dates yyyy-MM-dd, instants UTC ISO strings, camelCase fields. */

export interface ClinicInfo {
  id: string;
  legalName: string;
  tradeName: string | null;
  addressLine: string;
  city: string;
  stateCode: string;
  pincode: string;
  phone: string | null;
  gstin: string | null;
  timezone: string;
  idleLockMinutes: number;
  /** Minutes after a slot starts before the desk may mark a no-show. */
  noShowGraceMinutes: number;
  updatedAt: string;
}

export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionInfo {
  token: string;
  user: StaffMember;
  clinic: ClinicInfo;
  deviceId: string;
  idleLockMinutes: number;
  /** A locked session (idle too long, or locked by hand) only accepts auth.unlock and auth.signOut. */
  locked: boolean;
}

export type Sex = 'female' | 'male' | 'other';

export interface Patient {
  id: string;
  mrn: string;
  fullName: string;
  sex: Sex;
  dateOfBirth: string | null;
  dobEstimated: boolean;
  mobile: string;
  email: string | null;
  addressLine: string | null;
  city: string | null;
  stateCode: string | null;
  pincode: string | null;
  emergencyName: string | null;
  emergencyRelation: string | null;
  emergencyPhone: string | null;
  abhaNumber: string | null;
  consentMessages: boolean;
  consentMessagesAt: string | null;
  consentDataProcessing: boolean;
  consentDataProcessingAt: string | null;
  createdAt: string;
  updatedAt: string;
  rowVersion: number | null;
}

/** One row of a search result list: enough to recognise the patient. */
export interface PatientSummary {
  id: string;
  mrn: string;
  fullName: string;
  sex: Sex;
  dateOfBirth: string | null;
  dobEstimated: boolean;
  mobile: string;
  city: string | null;
}

export interface PatientSearchResult {
  query: string;
  /** How the query was read: a name, a mobile number prefix or an MRN. */
  kind: 'name' | 'mobile' | 'mrn' | 'empty';
  patients: PatientSummary[];
  /** True when there were more matches than shown. */
  more: boolean;
}

export interface AuditChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  entityType: string;
  entityId: string;
  userId: string;
  userName: string;
  changes: AuditChange[];
}

export interface DoctorProfile {
  staffId: string;
  displayName: string;
  active: boolean;
  /** False until an admin has filled in the profile. */
  hasProfile: boolean;
  specialty: string | null;
  registrationNumber: string | null;
  consultationFeePaise: number | null;
  room: string | null;
}

export interface WeeklySessionInfo {
  id: string;
  weekday: number;
  startMinutes: number;
  endMinutes: number;
  slotMinutes: number;
  capacity: number;
}

export interface ScheduleExceptionInfo {
  id: string;
  date: string;
  kind: 'leave' | 'extra';
  startMinutes: number | null;
  endMinutes: number | null;
  slotMinutes: number | null;
  capacity: number | null;
  reason: string | null;
}

export interface DoctorSchedule {
  doctorId: string;
  weekly: WeeklySessionInfo[];
  exceptions: ScheduleExceptionInfo[];
}

export interface Holiday {
  id: string;
  date: string;
  name: string;
}

export type AppointmentStatusName = 'requested' | 'tentative' | 'confirmed' | 'checked_in' | 'in_consult' | 'completed' | 'no_show' | 'cancelled';
export type AppointmentType = 'new' | 'follow_up' | 'procedure';

export interface AppointmentSummary {
  id: string;
  doctorId: string;
  patientId: string;
  patientName: string;
  patientMrn: string;
  date: string;
  startMinutes: number | null;
  endMinutes: number | null;
  kind: 'slot' | 'walk_in';
  type: AppointmentType;
  status: AppointmentStatusName;
  token: number | null;
  checkedInAt: string | null;
  holdExpiresAt: string | null;
  deskNotes: string | null;
  /** Exactly the lifecycle events the signed-in user may send now (the UI shows only these). */
  allowedEvents: string[];
}

export interface AppointmentTransition {
  id: string;
  at: string;
  event: string;
  fromStatus: AppointmentStatusName | null;
  toStatus: AppointmentStatusName;
  reason: string | null;
  userName: string;
  details: Record<string, unknown> | null;
}

export interface Appointment extends AppointmentSummary {
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
  timeline: AppointmentTransition[];
}

export interface DaySlot {
  startMinutes: number;
  endMinutes: number;
  capacity: number;
  appointments: AppointmentSummary[];
}

export interface DoctorDay {
  doctor: DoctorProfile;
  slots: DaySlot[];
  /** Walk-ins and appointments outside today's slots (e.g. booked before a leave was added). */
  unslotted: AppointmentSummary[];
}

export interface DayView {
  date: string;
  isHoliday: boolean;
  holidayName: string | null;
  doctors: DoctorDay[];
  /** Checked-in patients waiting, in token order per doctor. */
  waiting: AppointmentSummary[];
}

// ---- sync with the clinic server ---------------------------------------------------------------

/**
 * standalone: never joined a server; offline: joined, server not answering; syncing: catching up;
 * online: every shape up to date; revoked: the server no longer accepts this PC.
 */
export type SyncState = 'standalone' | 'offline' | 'syncing' | 'online' | 'revoked';

export interface SyncShapeStatus {
  name: string;
  /** Rows written by sync into this table since the desk joined. */
  rows: number;
  upToDate: boolean;
}

export interface SyncStatus {
  state: SyncState;
  serverUrl: string | null;
  /** When every shape was last known up to date (the oldest of them), or null. */
  lastSyncedAt: string | null;
  /** Outbox mutations not yet sent to the server. */
  pendingMutations: number;
  /** Changes the server refused that nobody has dealt with yet (the "Needs attention" inbox). */
  needsAttention: number;
  /** Which role's data this PC receives (null when standalone). */
  stationRole: 'front_desk' | 'doctor' | 'accounts' | 'admin' | null;
  shapes: SyncShapeStatus[];
}

export interface SyncJoinResult {
  clinicName: string;
  deviceId: string;
  stationRole: 'front_desk' | 'doctor' | 'accounts' | 'admin';
  patientSeries: string;
  invoiceSeries: string;
}

export interface EnrolledDeviceInfo {
  id: string;
  name: string;
  patientSeries: string;
  invoiceSeries: string;
  stationRole: 'front_desk' | 'doctor' | 'accounts' | 'admin';
  enrolledAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  /** This PC. */
  thisDevice: boolean;
}

export interface EnrolmentCodeInfo {
  /** Shown once to the administrator, to type on the new PC. */
  code: string;
  expiresAt: string;
  stationRole: 'front_desk' | 'doctor' | 'accounts' | 'admin';
}

export type InboxAction = 'rebook' | 'keep_theirs' | 'discard';
export type InboxResolution = 'rebooked' | 'kept_theirs' | 'discarded';

/** A change made on this PC that the server refused: what it was, why, and what can be done about it. */
export interface InboxItem {
  id: string;
  /** What the change was, in words ("Booking: Rohan Shetty with Dr Rao, 27-11-2026 at 10:00"). */
  title: string;
  /** Why the server refused it, in words. */
  explanation: string;
  reason: string;
  madeAt: string;
  madeBy: string;
  receivedAt: string;
  /** What was typed, field by field, so nothing is lost even when it is discarded. */
  typed: Array<{ label: string; value: string }>;
  actions: InboxAction[];
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: InboxResolution | null;
  resolutionNote: string | null;
  /** For a booking: the appointment it became when it was booked again. */
  appointmentId: string | null;
}
