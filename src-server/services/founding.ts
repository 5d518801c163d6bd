import type { Kysely } from 'kysely';
import { z } from 'zod';
import { validationError } from '../../src-shared/api/validation';
import { ApiError } from '../../src-shared/errors';
import { isUuid, newId } from '../../src-shared/ids';
import { SHAPE_NAMES, SHAPES, type ShapeName, type ShapeTable } from '../../src-shared/sync/shapes';
import { hashSecret, newDeviceCredential, newEnrolmentCode, normalizeEnrolmentCode } from '../auth/secrets';
import type { CentralDatabase, DevicesTable } from '../db/schema';
import { lockFirstClinic } from './clinics';
import { allotInvoiceSeries, allotPatientSeries, enrolInput, type EnrolledDevice } from './devices';

/**
 * A server's first clinic, sent by the clinic's first PC — nothing to set up on the server:
 *  1. `npm run server` on a database without a clinic prints a set-up code (createSetupCode).
 *  2. The clinic's first desk — set up on its own, perhaps used for months — connects with the code
 *     (POST /v1/found): its clinic and staff (password verifiers as they are, so everyone signs in as
 *     before) become the server's, and the desk is enrolled as the clinic's first device, an admin
 *     station keeping its patient-number series.
 *  3. It uploads its other rows, table by table in dependency order (POST /v1/upload), each row
 *     checked against the shape's columns and for the clinic, then says it is done
 *     (POST /v1/upload/finish). From then on it syncs like any desk, and its admin makes enrolment codes
 *     for the other PCs from its Devices screen.
 * Uploading is idempotent (a row already there is left as it is) and a retry with the same code before
 * the upload finished resumes the same clinic, so a desk that lost the network half way simply tries again.
 */
export const SETUP_CODE_TTL_MS = 7 * 24 * 60 * 60_000;
/** Rows per upload request. */
export const MAX_UPLOAD_ROWS = 5_000;

const refused = {
  unknown: () =>
    new ApiError({
      code: 'unauthenticated',
      reason: 'code_unknown',
      message: 'That set-up code is not known to this server. Check it and the server address; restarting the server prints a new one.',
    }),
  expired: () => new ApiError({ code: 'unauthenticated', reason: 'code_expired', message: 'That set-up code has expired. Restart the server to get a new one.' }),
  used: () =>
    new ApiError({
      code: 'unauthenticated',
      reason: 'code_used',
      message: 'That set-up code has already brought a clinic to this server. Ask that clinic’s administrator for an enrolment code instead.',
    }),
  hasClinic: () =>
    new ApiError({
      code: 'conflict',
      reason: 'already_set_up',
      message: 'This server already holds a clinic. Ask its administrator for an enrolment code to join it.',
    }),
  uploadClosed: () =>
    new ApiError({ code: 'permission', reason: 'upload_closed', message: 'This PC has already sent its data to the server; it now syncs like every other PC.' }),
};

/** A new set-up code, if the server holds no clinic (older unused ones stop working). Null otherwise. */
export async function createSetupCode(db: Kysely<CentralDatabase>, opts: { now: Date; ttlMs?: number }): Promise<{ code: string; expiresAt: string } | null> {
  return db.transaction().execute(async (trx) => {
    await lockFirstClinic(trx);
    const clinic = await trx.selectFrom('clinics').select('id').limit(1).executeTakeFirst();
    if (clinic) return null;
    const now = opts.now.toISOString();
    await trx.updateTable('setup_codes').set({ expires_at: now }).where('used_at', 'is', null).where('expires_at', '>', now).execute();
    const code = newEnrolmentCode();
    const expiresAt = new Date(opts.now.getTime() + (opts.ttlMs ?? SETUP_CODE_TTL_MS)).toISOString();
    await trx
      .insertInto('setup_codes')
      .values({ id: newId(), code_hash: hashSecret(normalizeEnrolmentCode(code)!), created_at: now, expires_at: expiresAt, used_at: null, clinic_id: null, device_id: null, completed_at: null })
      .execute();
    return { code, expiresAt };
  });
}

/** A synced row as a desk sends it: the shape's columns but row_version (the server's to give). */
function rowSchema(table: ShapeName) {
  const spec: ShapeTable = SHAPES[table];
  const fields: Record<string, z.ZodType> = {};
  for (const [name, col] of Object.entries(spec.columns)) {
    if (name === 'row_version') continue;
    let field: z.ZodType;
    switch (col.type) {
      case 'int4':
      case 'int8':
        field = z.number().int();
        break;
      case 'bool':
        field = z.boolean();
        break;
      case 'date':
        field = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
        break;
      case 'timestamptz':
        field = z.string().refine((v) => !Number.isNaN(Date.parse(v)));
        break;
      case 'jsonb':
        field = z.unknown();
        break;
      default:
        field = z.string();
    }
    fields[name] = col.notNull ? field : field.nullable();
  }
  return z.object(fields);
}
const rowSchemas = new Map<ShapeName, ReturnType<typeof rowSchema>>();
const schemaOf = (table: ShapeName) => {
  let s = rowSchemas.get(table);
  if (!s) rowSchemas.set(table, (s = rowSchema(table)));
  return s;
};

function checkRows(table: ShapeName, rows: unknown[], clinicId: string): Record<string, unknown>[] {
  const schema = schemaOf(table);
  return rows.map((raw, i) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const path = parsed.error.issues[0]?.path.join('.') ?? '';
      throw new ApiError({ code: 'validation', reason: 'bad_row', message: `Row ${i + 1} of ${table} is not valid (${path || 'its shape'}). Nothing of this batch was kept.` });
    }
    const row = parsed.data as Record<string, unknown>;
    if (row.clinic_id !== clinicId || !isUuid(String(row.id))) {
      throw new ApiError({ code: 'permission', reason: 'other_clinic', message: `Row ${i + 1} of ${table} does not belong to this PC's clinic. Nothing of this batch was kept.` });
    }
    return row;
  });
}

export const foundInput = enrolInput.extend({
  clinic: z.unknown(),
  staff: z.array(z.unknown()).min(1).max(MAX_UPLOAD_ROWS),
});

/** Uses a set-up code: creates the clinic and its staff from the desk's rows and enrols the desk (admin station). */
export async function foundClinic(db: Kysely<CentralDatabase>, raw: unknown, opts: { now: Date }): Promise<EnrolledDevice> {
  const parsed = foundInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  const normalized = normalizeEnrolmentCode(input.code);
  if (!normalized) throw refused.unknown();
  const clinicCheck = schemaOf('clinics').safeParse(input.clinic);
  if (!clinicCheck.success) throw new ApiError({ code: 'validation', reason: 'bad_row', message: 'The clinic’s details are not complete. Check them under Settings and try again.' });
  const clinic = clinicCheck.data as Record<string, unknown> & { id: string; clinic_id: string; legal_name: string; trade_name: string | null };
  if (clinic.clinic_id !== clinic.id || !isUuid(clinic.id)) throw new ApiError({ code: 'validation', reason: 'bad_row', message: 'The clinic’s row is not valid.' });
  const staff = checkRows('staff', input.staff, clinic.id);
  if (!staff.some((s) => s.role === 'admin' && s.active === 1 && s.deleted_at === null)) {
    throw new ApiError({ code: 'validation', reason: 'no_admin', message: 'The clinic has no active administrator to bring to the server.' });
  }
  const now = opts.now.toISOString();
  const credential = newDeviceCredential();
  return db.transaction().execute(async (trx) => {
    await lockFirstClinic(trx);
    const code = await trx.selectFrom('setup_codes').selectAll().where('code_hash', '=', hashSecret(normalized)).forUpdate().executeTakeFirst();
    if (!code) throw refused.unknown();
    const resuming = code.used_at !== null;
    if (resuming && (code.completed_at !== null || code.clinic_id !== clinic.id)) throw refused.used();
    if (!resuming && Date.parse(code.expires_at) <= opts.now.getTime()) throw refused.expired();
    const others = await trx.selectFrom('clinics').select('id').where('id', '!=', clinic.id).limit(1).executeTakeFirst();
    if (others) throw refused.hasClinic();
    if (resuming) {
      // The same device again with a new credential: the first attempt's may never have reached the desk.
      const device = await trx
        .updateTable('devices')
        .set({ credential_hash: hashSecret(credential), name: input.deviceName, revoked_at: null, revoked_by: null })
        .where('id', '=', code.device_id!)
        .returningAll()
        .executeTakeFirstOrThrow();
      return enrolled(device, clinic, credential);
    }
    await trx.insertInto('clinics').values(withoutRowVersion(clinic) as never).execute();
    await trx.insertInto('staff').values(staff.map(withoutRowVersion) as never).execute();
    const device = await trx
      .insertInto('devices')
      .values({
        id: newId(),
        clinic_id: clinic.id,
        name: input.deviceName,
        credential_hash: hashSecret(credential),
        // The first device of the clinic: its own series are free.
        patient_series: allotPatientSeries(new Set(), input.patientSeries),
        invoice_series: allotInvoiceSeries(new Set()),
        enrolled_at: now,
        enrolment_code_id: null,
        last_seen_at: null,
        revoked_at: null,
        revoked_by: null,
        station_role: 'admin',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.updateTable('setup_codes').set({ used_at: now, clinic_id: clinic.id, device_id: device.id }).where('id', '=', code.id).execute();
    return enrolled(device, clinic, credential);
  });
}

function enrolled(device: DevicesTable, clinic: { id: string; legal_name: string; trade_name: string | null }, credential: string): EnrolledDevice {
  return {
    deviceId: device.id,
    clinicId: clinic.id,
    clinicName: clinic.trade_name ?? clinic.legal_name,
    credential,
    patientSeries: device.patient_series,
    invoiceSeries: device.invoice_series,
    enrolledAt: device.enrolled_at,
    stationRole: device.station_role,
  };
}

function withoutRowVersion(row: Record<string, unknown>): Record<string, unknown> {
  const { row_version: _ignored, ...rest } = row;
  return rest;
}

const uploadInput = z.object({
  table: z.enum(SHAPE_NAMES.filter((n) => n !== 'clinics') as [ShapeName, ...ShapeName[]], { error: 'That is not a table this server keeps.' }),
  rows: z.array(z.unknown()).max(MAX_UPLOAD_ROWS, `Send at most ${MAX_UPLOAD_ROWS} rows at a time.`),
});

async function openUpload(db: Kysely<CentralDatabase>, device: DevicesTable) {
  const code = await db.selectFrom('setup_codes').select(['id', 'completed_at']).where('device_id', '=', device.id).executeTakeFirst();
  if (!code || code.completed_at) throw refused.uploadClosed();
  return code;
}

/** One batch of the founding desk's rows of one table; rows already on the server are left as they are. */
export async function uploadRows(db: Kysely<CentralDatabase>, device: DevicesTable, raw: unknown): Promise<{ table: ShapeName; received: number; inserted: number }> {
  const parsed = uploadInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  await openUpload(db, device);
  const { table } = parsed.data;
  const rows = checkRows(table, parsed.data.rows, device.clinic_id).map(withoutRowVersion);
  if (rows.length === 0) return { table, received: 0, inserted: 0 };
  try {
    const result = await db
      .insertInto(table)
      .values(rows as never)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return { table, received: rows.length, inserted: Number(result.numInsertedOrUpdatedRows ?? 0n) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '23503') {
      throw new ApiError({ code: 'validation', reason: 'missing_reference', message: `Some ${table} rows refer to rows the server does not have yet. Nothing of this batch was kept.` });
    }
    if (code === '23505' || code === '23514') {
      throw new ApiError({ code: 'conflict', reason: 'row_refused', message: `The server refused some ${table} rows (a duplicate or a broken rule). Nothing of this batch was kept.` });
    }
    throw err;
  }
}

/** The founding desk has sent everything: the upload closes. */
export async function finishUpload(db: Kysely<CentralDatabase>, device: DevicesTable, opts: { now: Date }): Promise<{ completedAt: string }> {
  const code = await openUpload(db, device);
  const completedAt = opts.now.toISOString();
  await db.updateTable('setup_codes').set({ completed_at: completedAt }).where('id', '=', code.id).execute();
  return { completedAt };
}
