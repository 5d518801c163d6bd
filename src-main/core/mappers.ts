import type { Selectable } from 'kysely';
import type { ClinicInfo, Patient, PatientSummary, Sex, StaffMember } from '../../src-shared/api/types';
import type { Role } from '../../src-shared/roles';
import type { ClinicsTable, PatientsTable, StaffTable } from './db/schema';

export function clinicFromRow(r: Selectable<ClinicsTable>): ClinicInfo {
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

export function staffFromRow(r: Selectable<StaffTable>): StaffMember {
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

export function patientFromRow(r: Selectable<PatientsTable>): Patient {
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
    rowVersion: r.row_version,
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

export function patientSummaryFromRow(r: Pick<Selectable<PatientsTable>, (typeof PATIENT_SUMMARY_COLUMNS)[number]>): PatientSummary {
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
