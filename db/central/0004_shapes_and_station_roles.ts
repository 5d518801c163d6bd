import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The shape read path (src-server/services/shapes.ts) and station roles.
 *
 *  - devices.station_role: a desk is enrolled as the workstation of one role (front_desk, doctor,
 *    accounts, admin); its shapes carry that role's columns (src-shared/sync/shapes.ts). The role is chosen
 *    when the enrolment code is made (enrolment_codes.station_role) and copied to the device at enrolment.
 *    Devices enrolled before this migration are front desk stations.
 *  - shape_handles: the handles of each shape (clinic × table × station). A handle stays valid until it is
 *    retired (a server-side reset); the newest unretired one is what a fresh snapshot gets. Offsets, not
 *    handles, carry the read position, so a desk resumes with any valid handle of its shape.
 *  - change_log_horizon: one row, the compaction horizon H (an xid8). Every change_log entry of a
 *    transaction with txid < H has been deleted; a desk whose offset is below H must re-snapshot (409).
 *  - NOTIFY: every transaction that writes a synced table notifies channel `clinicdesk_changes` with
 *    "<clinic_id>:<table>" (Postgres folds identical notifications of one transaction into one), so a
 *    waiting live request wakes without polling; revoking a device notifies `clinicdesk_devices` with its
 *    id, so its waiting live requests end at once. Payloads carry ids and table names only, never values.
 *  - (clinic_id, row_version) indexes: a snapshot pages each table by row_version (see shapes.ts).
 */
const SYNCED_TABLES = [
  'clinics',
  'staff',
  'patients',
  'doctor_profiles',
  'schedule_sessions',
  'schedule_exceptions',
  'clinic_holidays',
  'appointments',
  'appointment_transitions',
];

const STATION_ROLE_CHECK = `CHECK (station_role IN ('front_desk', 'doctor', 'accounts', 'admin'))`;

export const migration0004: Migration = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are frozen in time: untyped on purpose
  async up(db: Kysely<any>) {
    const statements = [
      `ALTER TABLE enrolment_codes ADD COLUMN station_role text NOT NULL DEFAULT 'front_desk' ${STATION_ROLE_CHECK}`,
      `ALTER TABLE devices ADD COLUMN station_role text NOT NULL DEFAULT 'front_desk' ${STATION_ROLE_CHECK}`,
      `CREATE TABLE shape_handles (
        handle        text PRIMARY KEY,
        clinic_id     text NOT NULL REFERENCES clinics (id),
        table_name    text NOT NULL,
        station_role  text NOT NULL ${STATION_ROLE_CHECK},
        created_at    timestamptz NOT NULL DEFAULT now(),
        retired_at    timestamptz
      )`,
      `CREATE INDEX shape_handles_shape ON shape_handles (clinic_id, table_name, station_role, created_at)`,
      `CREATE TABLE change_log_horizon (
        id            smallint PRIMARY KEY CHECK (id = 1),
        horizon       xid8 NOT NULL,
        compacted_at  timestamptz,
        deleted       bigint NOT NULL DEFAULT 0
      )`,
      `INSERT INTO change_log_horizon (id, horizon) VALUES (1, '0')`,
      `CREATE FUNCTION clinicdesk_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('clinicdesk_changes', NEW.clinic_id || ':' || NEW.table_name);
        RETURN NULL;
      END
      $$`,
      `CREATE TRIGGER change_log_notify AFTER INSERT ON change_log FOR EACH ROW EXECUTE FUNCTION clinicdesk_notify_change()`,
      `CREATE FUNCTION clinicdesk_notify_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('clinicdesk_devices', NEW.id);
        RETURN NULL;
      END
      $$`,
      `CREATE TRIGGER devices_revoked_notify AFTER UPDATE OF revoked_at ON devices FOR EACH ROW
        WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL) EXECUTE FUNCTION clinicdesk_notify_revoked()`,
    ];
    for (const table of SYNCED_TABLES) statements.push(`CREATE INDEX ${table}_shape ON ${table} (clinic_id, row_version)`);
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
