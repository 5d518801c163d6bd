import type { ClinicInfo, Patient, PatientSummary, Sex, StaffMember } from '../api/types';
import type { Role } from '../roles';
import type { ShapeRow } from '../sync/shapes';

/**
 * Synced rows ⇄ the records the ClinicApi speaks, the same on the desk and the server. A row as either side
 * stores it: row_version is null on a desk until the server has seen the row (and absent from a row a
 * command is about to write).
 */
type Stored<T extends 'clinics' | 'staff' | 'patients'> = Omit<ShapeRow<T>, 'row_version' | 'no_show_grace_minutes'> & {
  row_version?: number | null;
} & (T extends 'clinics' ? { no_show_grace_minutes: number | null } : unknown);

export function clinicFromRow(r: Stored<'clinics'>): ClinicInfo {
  return {
    id: r.id,
    legalName: r.legal_name,
    tradeName: r.trade_name,
    addressLine: r.address_line,
    city: r.city,
    stateCode: r.state_code,
    pincode: r.pincode,
    phone: r.phone,
    gstin: r.gstin,
    timezone: r.timezone,
    idleLockMinutes: r.idle_lock_minutes,
    noShowGraceMinutes: r.no_show_grace_minutes ?? 15,
    updatedAt: r.updated_at,
  };
}

export function staffFromRow(r: Stored<'staff'>): StaffMember {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function patientFromRow(r: Stored<'patients'>): Patient {
  return {
    id: r.id,
    mrn: r.mrn,
    fullName: r.full_name,
    sex: r.sex as Sex,
    dateOfBirth: r.date_of_birth,
    dobEstimated: r.dob_estimated === 1,
    mobile: r.mobile,
    email: r.email,
    addressLine: r.address_line,
    city: r.city,
    stateCode: r.state_code,
    pincode: r.pincode,
    emergencyName: r.emergency_name,
    emergencyRelation: r.emergency_relation,
    emergencyPhone: r.emergency_phone,
    abhaNumber: r.abha_number,
    consentMessages: r.consent_messages === 1,
    consentMessagesAt: r.consent_messages_at,
    consentDataProcessing: r.consent_data_processing === 1,
    consentDataProcessingAt: r.consent_data_processing_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rowVersion: r.row_version ?? null,
  };
}

/** Patient → the columns it is stored in (domain columns only; conventions are added by the caller). */
export function patientColumns(p: Patient) {
  return {
    id: p.id,
    mrn: p.mrn,
    full_name: p.fullName,
    sex: p.sex,
    date_of_birth: p.dateOfBirth,
    dob_estimated: p.dobEstimated ? 1 : 0,
    mobile: p.mobile,
    email: p.email,
    address_line: p.addressLine,
    city: p.city,
    state_code: p.stateCode,
    pincode: p.pincode,
    emergency_name: p.emergencyName,
    emergency_relation: p.emergencyRelation,
    emergency_phone: p.emergencyPhone,
    abha_number: p.abhaNumber,
    consent_messages: p.consentMessages ? 1 : 0,
    consent_messages_at: p.consentMessagesAt,
    consent_data_processing: p.consentDataProcessing ? 1 : 0,
    consent_data_processing_at: p.consentDataProcessingAt,
  };
}

export const PATIENT_SUMMARY_COLUMNS = ['id', 'mrn', 'full_name', 'sex', 'date_of_birth', 'dob_estimated', 'mobile', 'city'] as const;

export function patientSummaryFromRow(r: Pick<Stored<'patients'>, (typeof PATIENT_SUMMARY_COLUMNS)[number]>): PatientSummary {
  return {
    id: r.id,
    mrn: r.mrn,
    fullName: r.full_name,
    sex: r.sex as Sex,
    dateOfBirth: r.date_of_birth,
    dobEstimated: r.dob_estimated === 1,
    mobile: r.mobile,
    city: r.city,
  };
}
