import type { ColumnType, Generated, Selectable } from 'kysely';
import type { ShapeName, ShapeRow } from '../../../src-shared/sync/shapes';

/** The desk database, typed. Column names are the SQL ones (snake_case); see db/local for the DDL. */
interface Conventions {
  clinic_id: string;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  row_version: number | null;
  deleted_at: string | null;
}

export interface DeviceTable {
  id: string;
  singleton: Generated<number>;
  clinic_id: string | null;
  name: string;
  patient_series: string;
  patient_next: Generated<number>;
  created_at: string;
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
  no_show_grace_minutes: Generated<number>;
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
  rid: Generated<number>;
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

export interface AuditEventsTable extends Conventions {
  id: string;
  at: string;
  user_id: string;
  device_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: string;
}

export interface OutboxTable {
  seq: Generated<number>;
  mutation_id: string;
  name: string;
  args: string;
  device_id: string;
  user_id: string | null;
  created_at: string;
  status: Generated<'pending' | 'applied' | 'rejected'>;
  /** JSON: the new-row ids the command made, in order (migration 0008). */
  ids: Generated<string>;
  /** JSON: [table, id] of every synced row the command wrote here. */
  rows: Generated<string>;
}

/** The rows pending mutations wrote: never overwritten by streamed rows until settled (migration 0008). */
export interface OutboxRowsTable {
  row_id: string;
  seq: number;
  table_name: string;
}

/** A streamed row that arrived while a pending mutation held its row: applied by row_version once settled. */
export interface SyncHeldTable {
  table_name: string;
  row_id: string;
  row_version: number;
  data: string;
}

export type InboxResolution = 'rebooked' | 'kept_theirs' | 'discarded';

/** "Needs attention": mutations the server refused (migration 0008). */
export interface InboxTable {
  id: string;
  mutation_id: string;
  name: string;
  args: string;
  user_id: string | null;
  made_at: string;
  reason: string;
  message: string;
  details: string | null;
  received_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: InboxResolution | null;
  resolution_note: string | null;
}

export interface SignInThrottleTable {
  username: string;
  failures: number;
  locked_until: string | null;
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
  kind: 'leave' | 'extra';
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
  kind: 'slot' | 'walk_in';
  type: 'new' | 'follow_up' | 'procedure';
  status: string;
  machine_version: number;
  hold_expires_at: string | null;
  token: number | null;
  checked_in_at: string | null;
  desk_notes: string | null;
  cancel_reason: string | null;
  /**
   * The patient's name and MRN, copied for the day view (migration 0003): given at insert by the command
   * that has just read the patient, otherwise filled and kept in step by triggers; never updated by code.
   */
  patient_name: ColumnType<string | null, string | undefined, never>;
  patient_mrn: ColumnType<string | null, string | undefined, never>;
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

/** The billing tables (migration 0009): exactly their shapes' columns (src-shared/sync/shapes.ts). */
type Synced<T extends ShapeName> = Omit<ShapeRow<T>, 'row_version'> & { row_version: number | null };
export type TaxProfilesTable = Synced<'tax_profiles'>;
export type CatalogueItemsTable = Synced<'catalogue_items'>;
export type CatalogueRatesTable = Synced<'catalogue_rates'>;
export type InvoicesTable = Synced<'invoices'>;
export type InvoiceLinesTable = Synced<'invoice_lines'>;
export type PaymentsTable = Synced<'payments'>;
export type DayClosingsTable = Synced<'day_closings'>;
/** The consultation tables (migration 0010): exactly their shapes' columns. */
export type DoctorCoversTable = Synced<'doctor_covers'>;
export type NoteTemplatesTable = Synced<'note_templates'>;
export type TasksTable = Synced<'tasks'>;
export type AllergiesTable = Synced<'allergies'>;
export type ClinicalNotesTable = Synced<'clinical_notes'>;
export type PrescriptionsTable = Synced<'prescriptions'>;
export type LabResultsTable = Synced<'lab_results'>;
export type DocumentsTable = Synced<'documents'>;

/** Attached files this desk holds that the server has not confirmed yet (local; migration 0010). */
export interface BlobUploadsTable {
  sha256: string;
  queued_at: string;
  uploaded_at: string | null;
}

/** The last number this desk gave in each series and financial year (local: survives a refused document). */
export interface DocumentCountersTable {
  series: string;
  financial_year: string;
  last: number;
}

export interface SyncConnectionTable {
  singleton: Generated<number>;
  server_url: string;
  device_id: string;
  /** The device credential: never logged, never returned by the ClinicApi. */
  credential: string;
  clinic_id: string;
  clinic_name: string;
  station_role: 'front_desk' | 'doctor' | 'accounts' | 'admin';
  patient_series: string;
  invoice_series: string;
  enrolled_at: string;
  revoked_at: string | null;
}

/** The saved connection as read back (and as the sync code passes it around). */
export type SyncConnection = Selectable<SyncConnectionTable>;

export interface SyncShapesTable {
  name: string;
  handle: string | null;
  offset: Generated<string>;
  up_to_date_at: string | null;
  rows_applied: Generated<number>;
  refetching: Generated<number>;
}

export interface SyncRefetchTable {
  shape: string;
  row_id: string;
}

/** Secondary indexes and triggers set aside while a table's first snapshot downloads (db/bulk.ts). */
export interface SyncDeferredTable {
  name: string;
  tbl: string;
  type: 'index' | 'trigger';
  sql: string;
}

export interface LocalDatabase {
  doctor_profiles: DoctorProfilesTable;
  schedule_sessions: ScheduleSessionsTable;
  schedule_exceptions: ScheduleExceptionsTable;
  clinic_holidays: ClinicHolidaysTable;
  appointments: AppointmentsTable;
  appointment_transitions: AppointmentTransitionsTable;
  tax_profiles: TaxProfilesTable;
  catalogue_items: CatalogueItemsTable;
  catalogue_rates: CatalogueRatesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
  day_closings: DayClosingsTable;
  doctor_covers: DoctorCoversTable;
  note_templates: NoteTemplatesTable;
  tasks: TasksTable;
  allergies: AllergiesTable;
  clinical_notes: ClinicalNotesTable;
  prescriptions: PrescriptionsTable;
  lab_results: LabResultsTable;
  documents: DocumentsTable;
  document_counters: DocumentCountersTable;
  blob_uploads: BlobUploadsTable;
  device: DeviceTable;
  clinics: ClinicsTable;
  staff: StaffTable;
  patients: PatientsTable;
  audit_events: AuditEventsTable;
  outbox: OutboxTable;
  outbox_rows: OutboxRowsTable;
  sync_held: SyncHeldTable;
  inbox: InboxTable;
  sign_in_throttle: SignInThrottleTable;
  sync_connection: SyncConnectionTable;
  sync_shapes: SyncShapesTable;
  sync_refetch: SyncRefetchTable;
  sync_deferred: SyncDeferredTable;
}

/**
 * Checked by the compiler: each synced table of the desk holds every column of its shape
 * (src-shared/sync/shapes.ts, which the server's tables are made from) with a type the shape's values fit,
 * so sync never writes a column the desk lacks nor one of another type. (row_version is null here until
 * the server has seen the row.) An error on a line below names the table that drifted.
 */
type DeskColumns<Desk, T extends ShapeName> = Pick<Selectable<Desk>, keyof ShapeRow<T> & keyof Selectable<Desk>>;
type HoldsShape<Desk, T extends ShapeName> = [keyof ShapeRow<T>] extends [keyof Selectable<Desk>]
  ? [DeskColumns<Desk, T>] extends [Omit<ShapeRow<T>, 'row_version'> & { row_version: number | null }]
    ? true
    : false
  : false;
export const DESK_HOLDS_SHAPES: Record<ShapeName, true> = {
  clinics: true satisfies HoldsShape<ClinicsTable, 'clinics'>,
  staff: true satisfies HoldsShape<StaffTable, 'staff'>,
  patients: true satisfies HoldsShape<PatientsTable, 'patients'>,
  doctor_profiles: true satisfies HoldsShape<DoctorProfilesTable, 'doctor_profiles'>,
  schedule_sessions: true satisfies HoldsShape<ScheduleSessionsTable, 'schedule_sessions'>,
  schedule_exceptions: true satisfies HoldsShape<ScheduleExceptionsTable, 'schedule_exceptions'>,
  clinic_holidays: true satisfies HoldsShape<ClinicHolidaysTable, 'clinic_holidays'>,
  appointments: true satisfies HoldsShape<AppointmentsTable, 'appointments'>,
  appointment_transitions: true satisfies HoldsShape<AppointmentTransitionsTable, 'appointment_transitions'>,
  tax_profiles: true satisfies HoldsShape<TaxProfilesTable, 'tax_profiles'>,
  catalogue_items: true satisfies HoldsShape<CatalogueItemsTable, 'catalogue_items'>,
  catalogue_rates: true satisfies HoldsShape<CatalogueRatesTable, 'catalogue_rates'>,
  invoices: true satisfies HoldsShape<InvoicesTable, 'invoices'>,
  invoice_lines: true satisfies HoldsShape<InvoiceLinesTable, 'invoice_lines'>,
  payments: true satisfies HoldsShape<PaymentsTable, 'payments'>,
  day_closings: true satisfies HoldsShape<DayClosingsTable, 'day_closings'>,
  doctor_covers: true satisfies HoldsShape<DoctorCoversTable, 'doctor_covers'>,
  note_templates: true satisfies HoldsShape<NoteTemplatesTable, 'note_templates'>,
  tasks: true satisfies HoldsShape<TasksTable, 'tasks'>,
  allergies: true satisfies HoldsShape<AllergiesTable, 'allergies'>,
  clinical_notes: true satisfies HoldsShape<ClinicalNotesTable, 'clinical_notes'>,
  prescriptions: true satisfies HoldsShape<PrescriptionsTable, 'prescriptions'>,
  lab_results: true satisfies HoldsShape<LabResultsTable, 'lab_results'>,
  documents: true satisfies HoldsShape<DocumentsTable, 'documents'>,
};
