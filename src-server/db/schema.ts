import type { Generated } from 'kysely';
import { SHAPE_NAMES, type StationRole } from '../../src-shared/sync/shapes';

/**
 * The central database, typed (see db/central for the DDL). Values read back exactly as the desk holds
 * them: instants as UTC ISO strings, dates as 'YYYY-MM-DD', bigints as numbers (see types.ts).
 */
interface Conventions {
  clinic_id: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  /** Assigned by the database on every write; whatever is sent is replaced. */
  row_version: Generated<number>;
  deleted_at: string | null;
}

export interface ClinicsTable extends Conventions {
  id: string;
  legal_name: string;
  trade_name: string | null;
  address_line: string;
  city: string;
  state_code: string;
  pincode: string;
  phone: string | null;
  gstin: string | null;
  timezone: string;
  idle_lock_minutes: number;
  no_show_grace_minutes: number;
}

export interface StaffTable extends Conventions {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  active: number;
}

export interface PatientsTable extends Conventions {
  id: string;
  mrn: string;
  full_name: string;
  sex: string;
  date_of_birth: string | null;
  dob_estimated: number;
  mobile: string;
  email: string | null;
  address_line: string | null;
  city: string | null;
  state_code: string | null;
  pincode: string | null;
  emergency_name: string | null;
  emergency_relation: string | null;
  emergency_phone: string | null;
  abha_number: string | null;
  consent_messages: number;
  consent_messages_at: string | null;
  consent_data_processing: number;
  consent_data_processing_at: string | null;
}

export interface DoctorProfilesTable extends Conventions {
  id: string;
  staff_id: string;
  specialty: string;
  registration_number: string;
  consultation_fee_paise: number;
  room: string | null;
}

export interface ScheduleSessionsTable extends Conventions {
  id: string;
  doctor_id: string;
  weekday: number;
  start_minutes: number;
  end_minutes: number;
  slot_minutes: number;
  capacity: number;
}

export interface ScheduleExceptionsTable extends Conventions {
  id: string;
  doctor_id: string;
  date: string;
  kind: string;
  start_minutes: number | null;
  end_minutes: number | null;
  slot_minutes: number | null;
  capacity: number | null;
  reason: string | null;
}

export interface ClinicHolidaysTable extends Conventions {
  id: string;
  date: string;
  name: string;
}

export interface AppointmentsTable extends Conventions {
  id: string;
  patient_id: string;
  doctor_id: string;
  date: string;
  start_minutes: number | null;
  end_minutes: number | null;
  kind: string;
  type: string;
  status: string;
  machine_version: number;
  hold_expires_at: string | null;
  token: number | null;
  checked_in_at: string | null;
  desk_notes: string | null;
  cancel_reason: string | null;
}

export interface AppointmentTransitionsTable extends Conventions {
  id: string;
  appointment_id: string;
  at: string;
  user_id: string;
  event: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  details: string | null;
}

export interface ChangeLogTable {
  seq: number;
  /** xid8 of the writing transaction, as text (compare it in SQL, not in JavaScript). */
  txid: Generated<string>;
  clinic_id: string;
  table_name: string;
  row_id: string;
  operation: 'insert' | 'update' | 'delete';
  logged_at: Generated<string>;
}

export interface EnrolmentCodesTable {
  id: string;
  clinic_id: string;
  code_hash: string;
  created_at: string;
  created_by: string | null;
  expires_at: string;
  used_at: string | null;
  used_by_device_id: string | null;
  /** The station role the enrolled device will have (migration 0004). */
  station_role: StationRole;
}

export interface DevicesTable {
  id: string;
  clinic_id: string;
  name: string;
  credential_hash: string;
  patient_series: string;
  invoice_series: string;
  enrolled_at: string;
  enrolment_code_id: string | null;
  last_seen_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  /** Which role's shapes the desk receives (src-shared/sync/shapes.ts), fixed at enrolment. */
  station_role: StationRole;
}

/** A set-up code: a server's first clinic sent by its first PC (db/central 0005, services/founding.ts). */
export interface SetupCodesTable {
  id: string;
  code_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  clinic_id: string | null;
  device_id: string | null;
  completed_at: string | null;
}

/** The handles of each shape (clinic × table × station); see db/central 0004 and services/shapes.ts. */
export interface ShapeHandlesTable {
  handle: string;
  clinic_id: string;
  table_name: string;
  station_role: StationRole;
  created_at: Generated<string>;
  retired_at: string | null;
}

/** One row: the change log's compaction horizon (xid8 as text). */
export interface ChangeLogHorizonTable {
  id: number;
  horizon: string;
  compacted_at: string | null;
  deleted: Generated<number>;
}

export interface CentralDatabase {
  clinics: ClinicsTable;
  staff: StaffTable;
  patients: PatientsTable;
  doctor_profiles: DoctorProfilesTable;
  schedule_sessions: ScheduleSessionsTable;
  schedule_exceptions: ScheduleExceptionsTable;
  clinic_holidays: ClinicHolidaysTable;
  appointments: AppointmentsTable;
  appointment_transitions: AppointmentTransitionsTable;
  change_log: ChangeLogTable;
  enrolment_codes: EnrolmentCodesTable;
  devices: DevicesTable;
  shape_handles: ShapeHandlesTable;
  change_log_horizon: ChangeLogHorizonTable;
  setup_codes: SetupCodesTable;
}

/** The tables desks receive, one shape each: the list in src-shared/sync/shapes.ts, checked here to be central tables. */
export const SYNCED_TABLES = SHAPE_NAMES satisfies readonly (keyof CentralDatabase)[];
