import type { Kysely } from 'kysely';
import { clinicApi, type MethodArgs } from '../../src-shared/api/contract';
import { validationError } from '../../src-shared/api/validation';
import { ApiError } from '../../src-shared/errors';
import { isUuid, newId } from '../../src-shared/ids';
import { newClinicRows } from '../../src-shared/domain/clinic';
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams } from '../auth/password';
import type { CentralDatabase } from '../db/schema';

/** The same input, and so the same validation, as the desk's first-run setup (setup.createClinic). */
export const createClinicInput = clinicApi['setup.createClinic'].input;
export type CreateClinicInput = MethodArgs<'setup.createClinic'>;

export interface ClinicRef {
  id: string;
  name: string;
}

/**
 * Held until the transaction ends by whatever gives a server "its first clinic" (createClinic here, a
 * founding desk in founding.ts), so two of them cannot both do it.
 */
export async function lockFirstClinic(trx: Kysely<CentralDatabase>): Promise<void> {
  await trx.selectNoFrom((eb) => eb.fn('pg_advisory_xact_lock', [eb.lit(4_780_001)]).as('locked')).execute();
}

/**
 * Creates a clinic and its first administrator on the server. Refused when the server already holds a
 * clinic, unless `additional` is set (one server may host several clinics).
 */
export async function createClinic(
  db: Kysely<CentralDatabase>,
  raw: unknown,
  opts: { now: Date; additional?: boolean; scrypt?: ScryptParams },
): Promise<{ clinicId: string; adminId: string }> {
  const parsed = createClinicInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const { clinic, admin } = parsed.data;
  const clinicId = newId();
  const adminId = newId();
  const passwordHash = await hashPassword(admin.password, opts.scrypt ?? DEFAULT_SCRYPT);
  const now = opts.now.toISOString();
  await db.transaction().execute(async (trx) => {
    // Taken inside the transaction, so two first runs cannot both create "the" clinic.
    await lockFirstClinic(trx);
    const existing = await trx.selectFrom('clinics').select(['id', 'legal_name']).where('deleted_at', 'is', null).execute();
    if (existing.length > 0 && !opts.additional) {
      throw new ApiError({
        code: 'conflict',
        reason: 'already_set_up',
        message: 'This server already holds a clinic. To host another clinic on it, run init-clinic again with --additional.',
      });
    }
    if (existing.some((c) => c.legal_name.toLowerCase() === clinic.legalName.toLowerCase())) {
      throw new ApiError({ code: 'conflict', reason: 'clinic_exists', message: 'A clinic with this legal name already exists on this server.' });
    }
    const conventions = { clinic_id: clinicId, created_at: now, updated_at: now, updated_by: adminId, deleted_at: null };
    const rows = newClinicRows(parsed.data, { clinicId, adminId }, passwordHash);
    await trx.insertInto('clinics').values({ ...rows.clinic, ...conventions }).execute();
    await trx.insertInto('staff').values({ ...rows.admin, ...conventions }).execute();
  });
  return { clinicId, adminId };
}

/** A clinic by its id, or by its legal or trade name (any case); refuses an ambiguous or unknown name. */
export async function findClinic(db: Kysely<CentralDatabase>, idOrName: string): Promise<ClinicRef> {
  const wanted = idOrName.trim();
  const rows = await db
    .selectFrom('clinics')
    .select(['id', 'legal_name', 'trade_name'])
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(isUuid(wanted) ? [eb('id', '=', wanted)] : []),
        eb(eb.fn('lower', ['legal_name']), '=', wanted.toLowerCase()),
        eb(eb.fn('lower', ['trade_name']), '=', wanted.toLowerCase()),
      ]),
    )
    .execute();
  if (rows.length === 0) {
    throw new ApiError({ code: 'not_found', reason: 'unknown_clinic', message: 'No clinic on this server has that id or name. Run list-clinics to see them.' });
  }
  if (rows.length > 1) {
    throw new ApiError({ code: 'conflict', reason: 'ambiguous_clinic', message: 'More than one clinic has that name. Give the clinic id instead (see list-clinics).' });
  }
  const row = rows[0]!;
  return { id: row.id, name: row.trade_name ?? row.legal_name };
}

export async function listClinics(db: Kysely<CentralDatabase>): Promise<Array<ClinicRef & { devices: number }>> {
  const rows = await db
    .selectFrom('clinics')
    .leftJoin('devices', (join) => join.onRef('devices.clinic_id', '=', 'clinics.id').on('devices.revoked_at', 'is', null))
    .select((eb) => ['clinics.id', 'clinics.legal_name', 'clinics.trade_name', eb.fn.count<string>('devices.id').as('devices')])
    .where('clinics.deleted_at', 'is', null)
    .groupBy(['clinics.id', 'clinics.legal_name', 'clinics.trade_name'])
    .orderBy('clinics.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.trade_name ?? r.legal_name, devices: Number(r.devices) }));
}
