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
