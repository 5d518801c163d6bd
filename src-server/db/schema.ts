import type { Generated } from 'kysely';
import { SHAPE_NAMES, type ShapeName, type ShapeRow, type StationRole } from '../../src-shared/sync/shapes';

/**
 * The central database, typed (see db/central for the DDL). Values read back exactly as the desk holds
 * them: instants as UTC ISO strings, dates as 'YYYY-MM-DD', bigints as numbers (see types.ts).
 */
/**
 * A synced table as the server keeps it: exactly its shape's columns (src-shared/sync/shapes.ts, the one
 * definition of them), with row_version assigned by the database on every write (whatever is sent is
 * replaced).
 */
type SyncedTable<T extends ShapeName> = Omit<ShapeRow<T>, 'row_version'> & { row_version: Generated<number> };

export type ClinicsTable = SyncedTable<'clinics'>;
export type StaffTable = SyncedTable<'staff'>;
export type PatientsTable = SyncedTable<'patients'>;
export type DoctorProfilesTable = SyncedTable<'doctor_profiles'>;
export type ScheduleSessionsTable = SyncedTable<'schedule_sessions'>;
export type ScheduleExceptionsTable = SyncedTable<'schedule_exceptions'>;
export type ClinicHolidaysTable = SyncedTable<'clinic_holidays'>;
export type AppointmentsTable = SyncedTable<'appointments'>;
export type AppointmentTransitionsTable = SyncedTable<'appointment_transitions'>;
export type TaxProfilesTable = SyncedTable<'tax_profiles'>;
export type CatalogueItemsTable = SyncedTable<'catalogue_items'>;
export type CatalogueRatesTable = SyncedTable<'catalogue_rates'>;
export type InvoicesTable = SyncedTable<'invoices'>;
export type InvoiceLinesTable = SyncedTable<'invoice_lines'>;
export type PaymentsTable = SyncedTable<'payments'>;
export type DayClosingsTable = SyncedTable<'day_closings'>;
export type DoctorCoversTable = SyncedTable<'doctor_covers'>;
export type NoteTemplatesTable = SyncedTable<'note_templates'>;
export type TasksTable = SyncedTable<'tasks'>;
export type AllergiesTable = SyncedTable<'allergies'>;
export type ClinicalNotesTable = SyncedTable<'clinical_notes'>;
export type PrescriptionsTable = SyncedTable<'prescriptions'>;
export type LabResultsTable = SyncedTable<'lab_results'>;
export type DocumentsTable = SyncedTable<'documents'>;

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

/** Every mutation a desk pushed, once, with its outcome (db/central 0006, services/mutations.ts). */
export interface MutationsTable {
  mutation_id: string;
  clinic_id: string;
  device_id: string;
  user_id: string;
  name: string;
  made_at: string;
  received_at: Generated<string>;
  status: 'applied' | 'rejected';
  reason: string | null;
  message: string | null;
  details: unknown;
  /** [table, id] pairs: the rows the mutation wrote (applied) or the desk had written (rejected). */
  rows: unknown;
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
  change_log: ChangeLogTable;
  enrolment_codes: EnrolmentCodesTable;
  devices: DevicesTable;
  shape_handles: ShapeHandlesTable;
  change_log_horizon: ChangeLogHorizonTable;
  setup_codes: SetupCodesTable;
  mutations: MutationsTable;
  razorpay_orders: RazorpayOrdersTable;
  razorpay_events: RazorpayEventsTable;
  razorpay_payments: RazorpayPaymentsTable;
  razorpay_refunds: RazorpayRefundsTable;
  blobs: BlobsTable;
}

/** The tables desks receive, one shape each: the list in src-shared/sync/shapes.ts, checked here to be central tables. */
export const SYNCED_TABLES = SHAPE_NAMES satisfies readonly (keyof CentralDatabase)[];

/** What the server created at Razorpay for an invoice (db/central 0008, src-server/payments/razorpay.ts). */
export interface RazorpayOrdersTable {
  /** The Razorpay object's id: order_…, plink_… or qr_…. */
  external_id: string;
  /** The Razorpay order behind it: an order's own id, a payment link's once known, null for a QR code. */
  order_id: string | null;
  kind: 'order' | 'payment_link' | 'qr';
  clinic_id: string;
  invoice_id: string;
  amount_paise: number;
  status: string;
  created_at: string;
  device_id: string | null;
}

/** Each Razorpay webhook event once, by its event id; outcome 'processing' while one delivery handles it. */
export interface RazorpayEventsTable {
  event_id: string;
  event: string;
  received_at: string;
  payment_id: string | null;
  outcome: string;
}

/** Each Razorpay payment handed to billing (the OnlinePaymentSink) and billing's answer. */
export interface RazorpayPaymentsTable {
  payment_id: string;
  clinic_id: string;
  invoice_id: string;
  source_id: string;
  amount_paise: number;
  method: string;
  outcome: 'recorded' | 'duplicate' | 'refund_due';
  synced_payment_id: string;
  recorded_at: string;
}

/** Refunds asked of Razorpay, at most one per credit note. */
export interface RazorpayRefundsTable {
  refund_id: string;
  payment_id: string;
  amount_paise: number;
  credit_note_id: string;
  clinic_id: string;
  status: string;
  created_at: string;
}

/** Attached files, per clinic, by their SHA-256 (migration 0009; server-only). */
export interface BlobsTable {
  clinic_id: string;
  sha256: string;
  size_bytes: number;
  data: Uint8Array;
  created_at: string | Date;
  device_id: string;
}
