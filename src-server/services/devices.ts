import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { text } from '../../src-shared/api/fields';
import { validationError } from '../../src-shared/api/validation';
import { ApiError } from '../../src-shared/errors';
import { newId } from '../../src-shared/ids';
import { isValidSeriesPrefix, randomSeriesPrefix } from '../../src-shared/mrn';
import { STATION_ROLES, type StationRole } from '../../src-shared/sync/shapes';
import { hashSecret, looksLikeDeviceCredential, newDeviceCredential, newEnrolmentCode, normalizeEnrolmentCode } from '../auth/secrets';
import type { CentralDatabase, DevicesTable } from '../db/schema';

/**
 * Device enrolment and device authentication. A code is made by an admin (server command line or an
 * enrolled admin desk), used once before it expires; enrolling gives the desk a credential (shown once,
 * stored only as a hash) and its own series: patient numbers (MRN prefix, src-shared/mrn.ts) and
 * invoices (FD1, FD2, … as in FD1/2627/00042). Series are unique per clinic and never reused.
 */
export const DEFAULT_CODE_TTL_MS = 24 * 60 * 60_000;
export const MAX_CODE_TTL_MS = 30 * 24 * 60 * 60_000;

export const enrolInput = z.object({
  code: z.string({ error: 'Enter the enrolment code.' }).max(40, 'That is not an enrolment code.'),
  deviceName: text('Device name', 1, 60),
  /** A desk that was used standalone keeps its MRN series when no other device of the clinic has it. */
  patientSeries: z
    .string()
    .refine(isValidSeriesPrefix, 'The patient number series is not valid.')
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

/** A station role as given by an operator or an admin desk; front desk when not given. */
export const stationRoleInput = z
  .enum(STATION_ROLES, { error: `The station role must be one of: ${STATION_ROLES.join(', ')}.` })
  .optional()
  .transform((v): StationRole => v ?? 'front_desk');

export function isStationRole(value: string): value is StationRole {
  return (STATION_ROLES as readonly string[]).includes(value);
}

export interface EnrolmentCode {
  id: string;
  code: string;
  clinicId: string;
  expiresAt: string;
  stationRole: StationRole;
}

export interface EnrolledDevice {
  deviceId: string;
  clinicId: string;
  clinicName: string;
  /** The device's secret: sent once, here; the server keeps only its hash. */
  credential: string;
  patientSeries: string;
  invoiceSeries: string;
  enrolledAt: string;
  /** Which role's data the desk receives (chosen when the code was made). */
  stationRole: StationRole;
}

export interface DeviceInfo {
  id: string;
  clinicId: string;
  name: string;
  patientSeries: string;
  invoiceSeries: string;
  enrolledAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  stationRole: StationRole;
}

export function deviceInfo(row: DevicesTable): DeviceInfo {
  return {
    id: row.id,
    clinicId: row.clinic_id,
    name: row.name,
    patientSeries: row.patient_series,
    invoiceSeries: row.invoice_series,
    enrolledAt: row.enrolled_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    stationRole: row.station_role,
  };
}

export async function createEnrolmentCode(
  db: Kysely<CentralDatabase>,
  opts: { clinicId: string; createdBy: string | null; ttlMs?: number; now: Date; stationRole?: StationRole },
): Promise<EnrolmentCode> {
  const stationRole = opts.stationRole ?? 'front_desk';
  if (!isStationRole(stationRole)) {
    throw new ApiError({ code: 'validation', reason: 'bad_station_role', message: `The station role must be one of: ${STATION_ROLES.join(', ')}.` });
  }
  const ttl = opts.ttlMs ?? DEFAULT_CODE_TTL_MS;
  if (!Number.isFinite(ttl) || ttl < 60_000 || ttl > MAX_CODE_TTL_MS) {
    throw new ApiError({ code: 'validation', reason: 'bad_expiry', message: 'An enrolment code must last between 1 minute and 30 days.' });
  }
  const code = newEnrolmentCode();
  const id = newId();
  const expiresAt = new Date(opts.now.getTime() + ttl).toISOString();
  await db
    .insertInto('enrolment_codes')
    .values({
      id,
      clinic_id: opts.clinicId,
      code_hash: hashSecret(normalizeEnrolmentCode(code)!),
      created_at: opts.now.toISOString(),
      created_by: opts.createdBy,
      expires_at: expiresAt,
      used_at: null,
      used_by_device_id: null,
      station_role: stationRole,
    })
    .execute();
  return { id, code, clinicId: opts.clinicId, expiresAt, stationRole };
}

export const codeRefused = {
  unknown: () =>
    new ApiError({
      code: 'unauthenticated',
      reason: 'code_unknown',
      message: 'That enrolment code is not known to this server. Check it and the server address, or ask an administrator for a new code.',
    }),
  used: () =>
    new ApiError({ code: 'unauthenticated', reason: 'code_used', message: 'That enrolment code has already been used. Each code enrols one PC: ask an administrator for a new one.' }),
  expired: () =>
    new ApiError({ code: 'unauthenticated', reason: 'code_expired', message: 'That enrolment code has expired. Ask an administrator for a new one.' }),
};

/** Uses an enrolment code (once) and enrols the device. Throws ApiError with reason code_unknown / code_used / code_expired. */
export async function enrolDevice(db: Kysely<CentralDatabase>, raw: unknown, opts: { now: Date }): Promise<EnrolledDevice> {
  const parsed = enrolInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  const normalized = normalizeEnrolmentCode(input.code);
  if (!normalized) throw codeRefused.unknown();
  const now = opts.now.toISOString();
  const credential = newDeviceCredential();
  const deviceId = newId();
  return db.transaction().execute(async (trx) => {
    // The code row is locked until commit: two PCs racing with one code cannot both enrol.
    const code = await trx.selectFrom('enrolment_codes').selectAll().where('code_hash', '=', hashSecret(normalized)).forUpdate().executeTakeFirst();
    if (!code) throw codeRefused.unknown();
    if (code.used_at) throw codeRefused.used();
    if (Date.parse(code.expires_at) <= opts.now.getTime()) throw codeRefused.expired();
    // One enrolment at a time per clinic, so series are allotted without races.
    const clinic = await trx
      .selectFrom('clinics')
      .select(['id', 'legal_name', 'trade_name'])
      .where('id', '=', code.clinic_id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!clinic) throw codeRefused.unknown();
    const taken = await trx.selectFrom('devices').select(['patient_series', 'invoice_series']).where('clinic_id', '=', clinic.id).execute();
    const patientSeries = allotPatientSeries(new Set(taken.map((t) => t.patient_series)), input.patientSeries);
    const invoiceSeries = allotInvoiceSeries(new Set(taken.map((t) => t.invoice_series)));
    await trx
      .insertInto('devices')
      .values({
        id: deviceId,
        clinic_id: clinic.id,
        name: input.deviceName,
        credential_hash: hashSecret(credential),
        patient_series: patientSeries,
        invoice_series: invoiceSeries,
        enrolled_at: now,
        enrolment_code_id: code.id,
        last_seen_at: null,
        revoked_at: null,
        revoked_by: null,
        station_role: code.station_role,
      })
      .execute();
    await trx.updateTable('enrolment_codes').set({ used_at: now, used_by_device_id: deviceId }).where('id', '=', code.id).execute();
    return {
      deviceId,
      clinicId: clinic.id,
      clinicName: clinic.trade_name ?? clinic.legal_name,
      credential,
      patientSeries,
      invoiceSeries,
      enrolledAt: now,
      stationRole: code.station_role,
    };
  });
}

/** The desk's own series if free in the clinic, else a random free one (3 characters: 22 × 32 × 32 series). */
export function allotPatientSeries(taken: Set<string>, wanted: string | null): string {
  if (wanted && !taken.has(wanted)) return wanted;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = randomSeriesPrefix((n) => Array.from({ length: n }, () => randomInt(1 << 30)));
    if (!taken.has(candidate)) return candidate;
  }
  throw new ApiError({ code: 'conflict', reason: 'series_exhausted', message: 'This clinic has no free patient number series left. Call support.' });
}

/** FD1, FD2, …: the lowest number not yet given in the clinic (≤ 5 characters keeps FD123/2627/00042 within 16). */
export function allotInvoiceSeries(taken: Set<string>): string {
  for (let n = 1; n <= 999; n++) if (!taken.has(`FD${n}`)) return `FD${n}`;
  throw new ApiError({ code: 'conflict', reason: 'series_exhausted', message: 'This clinic has no free invoice series left. Call support.' });
}

export const credentialRefused = {
  missing: () =>
    new ApiError({ code: 'unauthenticated', reason: 'credential_missing', message: 'This request has no device credential. Enrol this PC with the server first.' }),
  bad: () =>
    new ApiError({ code: 'unauthenticated', reason: 'credential_unknown', message: 'This device credential is not known to the server. Enrol this PC again with a new code.' }),
  revoked: () =>
    new ApiError({ code: 'permission', reason: 'device_revoked', message: 'This PC has been removed from the clinic by an administrator. Ask an administrator to enrol it again.' }),
};

/** The device holding this credential, checked on every request (so a revocation applies at once). */
export async function authenticateDevice(db: Kysely<CentralDatabase>, credential: string | null): Promise<DevicesTable> {
  if (!credential) throw credentialRefused.missing();
  if (!looksLikeDeviceCredential(credential)) throw credentialRefused.bad();
  const device = await db.selectFrom('devices').selectAll().where('credential_hash', '=', hashSecret(credential)).executeTakeFirst();
  if (!device) throw credentialRefused.bad();
  if (device.revoked_at) throw credentialRefused.revoked();
  return device;
}

/** Records when the device was last heard from (at most once a minute); true when it wrote. */
export async function markSeen(db: Kysely<CentralDatabase>, deviceId: string, now: Date): Promise<boolean> {
  const cutoff = new Date(now.getTime() - 60_000).toISOString();
  const result = await db
    .updateTable('devices')
    .set({ last_seen_at: now.toISOString() })
    .where('id', '=', deviceId)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes a device. With clinicId, only a device of that clinic (anything else is "not found"). */
export async function revokeDevice(
  db: Kysely<CentralDatabase>,
  opts: { deviceId: string; clinicId?: string; by: string | null; now: Date },
): Promise<DeviceInfo> {
  let query = db.selectFrom('devices').selectAll().where('id', '=', opts.deviceId);
  if (opts.clinicId) query = query.where('clinic_id', '=', opts.clinicId);
  const device = await query.executeTakeFirst();
  if (!device) throw new ApiError({ code: 'not_found', reason: 'unknown_device', message: 'No enrolled device has that id. List the devices to see them.' });
  if (device.revoked_at) return deviceInfo(device);
  const updated = await db
    .updateTable('devices')
    .set({ revoked_at: opts.now.toISOString(), revoked_by: opts.by })
    .where('id', '=', device.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return deviceInfo(updated);
}

export async function listDevices(db: Kysely<CentralDatabase>, clinicId?: string): Promise<DeviceInfo[]> {
  let query = db.selectFrom('devices').selectAll().orderBy('enrolled_at').orderBy('id');
  if (clinicId) query = query.where('clinic_id', '=', clinicId);
  return (await query.execute()).map(deviceInfo);
}
