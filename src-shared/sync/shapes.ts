import type { Role } from '../roles';

/**
 * The synced tables as shapes: one place that says which tables a desk receives, their columns, and what
 * each kind of workstation may see. The sync server builds every shape's rows and columns from this (a
 * desk's `where`/`columns` parameters are never trusted); the desk's sync client applies exactly these
 * columns into its SQLite copy. Local-only columns (e.g. appointments.patient_name, a label the desk's
 * triggers fill) are not listed here and never travel.
 *
 * Stations: a desk is enrolled as the workstation of one role (front desk PC, consult room, accounts, or
 * an admin's PC). Its shapes are that role's view, so whoever signs in there — offline too — finds the
 * data the station needs already on the PC. Minimum necessary: a station receives only the columns its
 * role works with (accounts never receives emergency contacts or ABHA numbers; clinical text, when the
 * consultation module adds it, is withheld from front desk and accounts the same way).
 */

export const STATION_ROLES = ['front_desk', 'doctor', 'accounts', 'admin'] as const satisfies readonly Role[];
export type StationRole = (typeof STATION_ROLES)[number];

/** Postgres column types as the shape protocol's `electric-schema` header names them. */
export type ShapeColumnType = 'text' | 'int4' | 'int8' | 'bool' | 'date' | 'timestamptz' | 'jsonb';

export interface ShapeColumn {
  type: ShapeColumnType;
  notNull: boolean;
}

export interface ShapeTable {
  /** Every synced table's primary key is `id` (UUIDv7 text). */
  columns: Readonly<Record<string, ShapeColumn>>;
  /** Columns withheld from a station role. */
  withheldFrom?: Partial<Record<StationRole, readonly string[]>>;
  /** The only station roles that receive this table at all (every station when absent). */
  stations?: readonly StationRole[];
}

/**
 * Clinical records (issue 7) reach only consult-room and admin PCs: front desk and accounts stations never
 * receive note text, diagnoses, prescriptions or lab values — not a column of them.
 */
const CLINICAL_STATIONS = ['doctor', 'admin'] as const satisfies readonly StationRole[];

// Literal types (not ShapeColumn) so that ShapeRow below can read each column's type and nullability.
// (Overloads, not a type parameter: SHAPES' `satisfies` would otherwise widen notNull to boolean.)
function column<T extends ShapeColumnType>(type: T) {
  function make(): { type: T; notNull: true };
  function make(notNull: false): { type: T; notNull: false };
  function make(notNull = true): { type: T; notNull: boolean } {
    return { type, notNull };
  }
  return make;
}
const t = column('text');
const i4 = column('int4');
const ts = column('timestamptz');
const date = column('date');
const i8 = column('int8');

/** The conventions every synced row carries (DESIGN.md §3). */
const CONVENTIONS = {
  clinic_id: t(),
  created_at: ts(),
  updated_at: ts(),
  updated_by: t(false),
  row_version: column('int8')(),
  deleted_at: ts(false),
} as const satisfies Record<string, ShapeColumn>;

/**
 * In dependency order: a desk applying a first snapshot table by table never writes a row before the
 * rows it refers to.
 */
export const SHAPES = {
  clinics: {
    columns: {
      id: t(),
      legal_name: t(),
      trade_name: t(false),
      address_line: t(),
      city: t(),
      state_code: t(),
      pincode: t(),
      phone: t(false),
      gstin: t(false),
      timezone: t(),
      idle_lock_minutes: i4(),
      no_show_grace_minutes: i4(),
      ...CONVENTIONS,
    },
  },
  staff: {
    // password_hash is the scrypt verifier: every station needs it so anyone can sign in offline.
    columns: {
      id: t(),
      username: t(),
      display_name: t(),
      role: t(),
      password_hash: t(),
      active: i4(),
      ...CONVENTIONS,
    },
  },
  patients: {
    columns: {
      id: t(),
      mrn: t(),
      full_name: t(),
      sex: t(),
      date_of_birth: date(false),
      dob_estimated: i4(),
      mobile: t(),
      email: t(false),
      address_line: t(false),
      city: t(false),
      state_code: t(false),
      pincode: t(false),
      emergency_name: t(false),
      emergency_relation: t(false),
      emergency_phone: t(false),
      abha_number: t(false),
      consent_messages: i4(),
      consent_messages_at: ts(false),
      consent_data_processing: i4(),
      consent_data_processing_at: ts(false),
      ...CONVENTIONS,
    },
    withheldFrom: {
      accounts: ['emergency_name', 'emergency_relation', 'emergency_phone', 'abha_number'],
    },
  },
  doctor_profiles: {
    columns: {
      id: t(),
      staff_id: t(),
      specialty: t(),
      registration_number: t(),
      consultation_fee_paise: i4(),
      room: t(false),
      ...CONVENTIONS,
    },
  },
  schedule_sessions: {
    columns: {
      id: t(),
      doctor_id: t(),
      weekday: i4(),
      start_minutes: i4(),
      end_minutes: i4(),
      slot_minutes: i4(),
      capacity: i4(),
      ...CONVENTIONS,
    },
  },
  schedule_exceptions: {
    columns: {
      id: t(),
      doctor_id: t(),
      date: date(),
      kind: t(),
      start_minutes: i4(false),
      end_minutes: i4(false),
      slot_minutes: i4(false),
      capacity: i4(false),
      reason: t(false),
      ...CONVENTIONS,
    },
  },
  clinic_holidays: {
    columns: { id: t(), date: date(), name: t(), ...CONVENTIONS },
  },
  appointments: {
    columns: {
      id: t(),
      patient_id: t(),
      doctor_id: t(),
      date: date(),
      start_minutes: i4(false),
      end_minutes: i4(false),
      kind: t(),
      type: t(),
      status: t(),
      machine_version: i4(),
      hold_expires_at: ts(false),
      token: i4(false),
      checked_in_at: ts(false),
      desk_notes: t(false),
      cancel_reason: t(false),
      ...CONVENTIONS,
    },
  },
  appointment_transitions: {
    columns: {
      id: t(),
      appointment_id: t(),
      at: ts(),
      user_id: t(),
      event: t(),
      from_status: t(false),
      to_status: t(),
      reason: t(false),
      details: t(false),
      ...CONVENTIONS,
    },
  },
  // Billing (issue 6). The tax profile keeps its history: each save is a new row, the newest in force.
  tax_profiles: {
    columns: {
      id: t(),
      legal_name: t(),
      trade_name: t(false),
      address_line: t(),
      city: t(),
      state_code: t(),
      pincode: t(),
      gstin: t(false),
      rounding: t(),
      footer_text: t(false),
      signatory: t(),
      discount_limits: t(),
      ...CONVENTIONS,
    },
  },
  catalogue_items: {
    columns: {
      id: t(),
      code: t(),
      name: t(),
      kind: t(),
      sac_hsn: t(),
      unit: t(),
      exempt: i4(),
      price_paise: i8(),
      price_includes_tax: i4(),
      active: i4(),
      ...CONVENTIONS,
    },
  },
  /** GST rates are data with an effective date: the rate of an item on a day is its newest rate from on or before it. */
  catalogue_rates: {
    columns: { id: t(), item_id: t(), rate_bp: i4(), effective_from: date(), ...CONVENTIONS },
  },
  invoices: {
    columns: {
      id: t(),
      doc_type: t(),
      status: t(),
      machine_version: i4(),
      series: t(false),
      financial_year: t(false),
      sequence: i4(false),
      number: t(false),
      issue_date: date(false),
      issued_at: ts(false),
      issued_by: t(false),
      patient_id: t(false),
      recipient_name: t(),
      recipient_address: t(false),
      recipient_state_code: t(false),
      recipient_gstin: t(false),
      appointment_id: t(false),
      original_id: t(false),
      group_id: t(false),
      reason: t(false),
      supplier: t(false),
      rounding: t(),
      taxable_paise: i8(),
      exempt_paise: i8(),
      cgst_paise: i8(),
      sgst_paise: i8(),
      igst_paise: i8(),
      round_off_paise: i8(),
      total_paise: i8(),
      paid_paise: i8(),
      credited_paise: i8(),
      discount_approved_by: t(false),
      ...CONVENTIONS,
    },
  },
  invoice_lines: {
    columns: {
      id: t(),
      invoice_id: t(),
      position: i4(),
      item_id: t(false),
      code: t(false),
      description: t(),
      sac_hsn: t(false),
      kind: t(),
      unit: t(),
      quantity_milli: i8(),
      unit_price_paise: i8(),
      price_includes_tax: i4(),
      discount_paise: i8(),
      rate_bp: i4(),
      exempt: i4(),
      delivered_to_state_code: t(false),
      /** On a credit note: the line of the original document it reverses. */
      credits_line_id: t(false),
      place_of_supply: t(),
      taxable_paise: i8(),
      cgst_paise: i8(),
      sgst_paise: i8(),
      igst_paise: i8(),
      total_paise: i8(),
      ...CONVENTIONS,
    },
  },
  /**
   * Money in and out: payments against an invoice, advances (no invoice yet) and refunds. `desk_series` is
   * the invoice series of the PC that took it: the day's closing is per desk and user.
   */
  payments: {
    columns: {
      id: t(),
      invoice_id: t(false),
      patient_id: t(false),
      kind: t(),
      mode: t(),
      amount_paise: i8(),
      tendered_paise: i8(false),
      reference: t(false),
      razorpay_payment_id: t(false),
      credit_note_id: t(false),
      status: t(),
      received_at: ts(),
      received_by: t(),
      business_date: date(),
      desk_series: t(),
      ...CONVENTIONS,
    },
  },
  day_closings: {
    columns: {
      id: t(),
      desk_series: t(),
      user_id: t(),
      business_date: date(),
      expected: t(),
      counted: t(),
      difference_paise: i8(),
      reason: t(false),
      closed_at: ts(),
      ...CONVENTIONS,
    },
  },
  // Consultation (issue 7). A visit is the appointment once checked in (walk-ins are appointments too).
  /** Who covers for whom: a covering doctor may sign the doctor's notes between the two dates (inclusive). */
  doctor_covers: {
    columns: { id: t(), doctor_id: t(), covering_doctor_id: t(), from_date: date(), to_date: date(), ...CONVENTIONS },
  },
  /** A doctor's SOAP templates and quick phrases (`body` is JSON: the four SOAP texts, or one phrase). */
  note_templates: {
    columns: { id: t(), doctor_id: t(), kind: t(), name: t(), body: t(), active: i4(), ...CONVENTIONS },
    stations: CLINICAL_STATIONS,
  },
  /**
   * Work for the front desk that a consultation leaves behind (issue 7): "book a follow-up with Dr Rao by
   * 12-12-2026". Its title is made from structure (doctor, date), never from the note, so every station may
   * receive it.
   */
  tasks: {
    columns: {
      id: t(),
      kind: t(),
      patient_id: t(),
      doctor_id: t(false),
      source_appointment_id: t(false),
      title: t(),
      due_date: date(false),
      status: t(),
      appointment_id: t(false),
      done_by: t(false),
      done_at: ts(false),
      ...CONVENTIONS,
    },
  },
  /** Recorded allergies (a prescribed drug matching one is warned about). */
  allergies: {
    columns: { id: t(), patient_id: t(), substance: t(), reaction: t(false), severity: t(), ...CONVENTIONS },
    stations: CLINICAL_STATIONS,
  },
  /**
   * SOAP notes and their addenda. Signed means locked: `content_hash` is the SHA-256 of the signed content
   * (src-shared/clinical/hash.ts), and the server's trigger refuses any change to a signed row.
   * `vitals` and `diagnoses` are JSON (src-shared/api/consult.ts says their form).
   */
  clinical_notes: {
    columns: {
      id: t(),
      patient_id: t(),
      appointment_id: t(),
      doctor_id: t(),
      author_id: t(),
      kind: t(),
      parent_id: t(false),
      status: t(),
      machine_version: i4(),
      subjective: t(false),
      objective: t(false),
      assessment: t(false),
      plan: t(false),
      vitals: t(false),
      diagnoses: t(),
      follow_up_date: date(false),
      follow_up_appointment_id: t(false),
      signed_by: t(false),
      signed_at: ts(false),
      content_hash: t(false),
      ...CONVENTIONS,
    },
    stations: CLINICAL_STATIONS,
  },
  /**
   * Prescriptions and diet plans (`kind`), versioned: a change after signing is a new row with the next
   * `version` and `supersedes_id` naming the one it replaces. `items` is JSON (src-shared/api/consult.ts).
   */
  prescriptions: {
    columns: {
      id: t(),
      patient_id: t(),
      appointment_id: t(),
      note_id: t(false),
      doctor_id: t(),
      author_id: t(),
      kind: t(),
      version: i4(),
      supersedes_id: t(false),
      status: t(),
      machine_version: i4(),
      items: t(),
      advice: t(false),
      print_hindi: i4(),
      signed_by: t(false),
      signed_at: ts(false),
      content_hash: t(false),
      ...CONVENTIONS,
    },
    stations: CLINICAL_STATIONS,
  },
  /** Tests ordered and their results: values are decimal text as the report gives them; `abnormal` is computed from the range. */
  lab_results: {
    columns: {
      id: t(),
      patient_id: t(),
      appointment_id: t(false),
      test_code: t(false),
      test_name: t(),
      status: t(),
      ordered_by: t(),
      ordered_at: ts(),
      value: t(false),
      unit: t(false),
      ref_low: t(false),
      ref_high: t(false),
      abnormal: t(false),
      collected_on: date(false),
      report_ref: t(false),
      remarks: t(false),
      resulted_by: t(false),
      resulted_at: ts(false),
      ...CONVENTIONS,
    },
    stations: CLINICAL_STATIONS,
  },
  /**
   * Attached documents (lab reports, scans: PDF or images). The row syncs like any other; the file itself is
   * content-addressed by `sha256` and travels through the server's blob endpoint, checked against it.
   */
  documents: {
    columns: {
      id: t(),
      patient_id: t(),
      appointment_id: t(false),
      lab_result_id: t(false),
      title: t(),
      mime_type: t(),
      size_bytes: i8(),
      sha256: t(),
      uploaded_by: t(),
      ...CONVENTIONS,
    },
    stations: CLINICAL_STATIONS,
  },
} as const satisfies Record<string, ShapeTable>;

export type ShapeName = keyof typeof SHAPES;
export const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];

export function isShapeName(value: string): value is ShapeName {
  return Object.prototype.hasOwnProperty.call(SHAPES, value);
}

/** Does a station of this role receive this table at all? (Clinical tables go only to consult rooms and admins.) */
export function stationReceives(table: ShapeName, station: StationRole): boolean {
  const shape: ShapeTable = SHAPES[table];
  return !shape.stations || shape.stations.includes(station);
}

/** The tables a station receives, in dependency order. */
export function stationShapes(station: StationRole): ShapeName[] {
  return SHAPE_NAMES.filter((table) => stationReceives(table, station));
}

/** The columns of a shape a station receives, in declaration order (`id` first). */
export function shapeColumns(table: ShapeName, station: StationRole): string[] {
  const shape: ShapeTable = SHAPES[table];
  const withheld = new Set(shape.withheldFrom?.[station] ?? []);
  return Object.keys(shape.columns).filter((column) => !withheld.has(column));
}

/** A column's value as both databases hand it to code: instants and dates as ISO strings, integers as numbers. */
type ShapeValue<C> = C extends { type: 'text' | 'date' | 'timestamptz' }
  ? string
  : C extends { type: 'int4' | 'int8' }
    ? number
    : C extends { type: 'bool' }
      ? boolean
      : unknown;

/**
 * A synced table's row, from its shape: the one definition of the synced columns (the server's table types
 * are these; the desk's, with narrower types for some columns, are checked against them).
 */
export type ShapeRow<T extends ShapeName> = {
  -readonly [K in keyof (typeof SHAPES)[T]['columns']]: (typeof SHAPES)[T]['columns'][K] extends { notNull: true }
    ? ShapeValue<(typeof SHAPES)[T]['columns'][K]>
    : ShapeValue<(typeof SHAPES)[T]['columns'][K]> | null;
};

/** The clinical tables: received by consult-room and admin stations only. */
export const CLINICAL_TABLES: readonly ShapeName[] = SHAPE_NAMES.filter((table) => !stationReceives(table, 'front_desk'));
