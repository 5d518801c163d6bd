import { newId } from '../src-shared/ids';
import type { ShapeRow } from '../src-shared/sync/shapes';

/**
 * Synced rows as both databases store them (the shape's columns, without row_version, which the server
 * assigns), for tests that write the server's side directly or feed the desk's apply step. One place, so a
 * new column is added once. Defaults are a plain, valid row; `over` changes what a test is about.
 */
type Row<T extends 'patients' | 'appointments'> = Omit<ShapeRow<T>, 'row_version'>;

export const ROW_AT = '2026-03-02T05:00:00.000Z';

let mrnSeq = 0;

const conventions = (clinicId: string, at: string) => ({ clinic_id: clinicId, created_at: at, updated_at: at, updated_by: null, deleted_at: null });

export function patientRow(clinicId: string, over: Partial<Row<'patients'>> = {}): Row<'patients'> {
  const at = over.created_at ?? ROW_AT;
  return {
    id: newId(),
    mrn: `K7M-${String(++mrnSeq).padStart(5, '0')}-X`,
    full_name: `Patient ${mrnSeq}`,
    sex: 'female',
    date_of_birth: '1990-07-14',
    dob_estimated: 0,
    mobile: '9876543210',
    email: null,
    address_line: null,
    city: 'Pune',
    state_code: '27',
    pincode: null,
    emergency_name: null,
    emergency_relation: null,
    emergency_phone: null,
    abha_number: null,
    consent_messages: 0,
    consent_messages_at: null,
    consent_data_processing: 1,
    consent_data_processing_at: at,
    ...conventions(clinicId, at),
    ...over,
  };
}

export function appointmentRow(clinicId: string, refs: { patientId: string; doctorId: string }, over: Partial<Row<'appointments'>> = {}): Row<'appointments'> {
  const at = over.created_at ?? ROW_AT;
  return {
    id: newId(),
    patient_id: refs.patientId,
    doctor_id: refs.doctorId,
    date: '2026-03-02',
    start_minutes: 600,
    end_minutes: 615,
    kind: 'slot',
    type: 'new',
    status: 'confirmed',
    machine_version: 1,
    hold_expires_at: null,
    token: null,
    checked_in_at: null,
    desk_notes: null,
    cancel_reason: null,
    ...conventions(clinicId, at),
    ...over,
  };
}
