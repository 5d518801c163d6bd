import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CentralDatabase } from './db/schema';
import { createClinic, findClinic, listClinics } from './services/clinics';
import { STATION_ROLES } from '../src-shared/sync/shapes';
import { createEnrolmentCode, DEFAULT_CODE_TTL_MS, listDevices, revokeDevice } from './services/devices';
import { compactChangeLog, DEFAULT_RETENTION_MS, resetShapes } from './services/shapes';

/**
 * The operator's commands (init-clinic, enrol-code, revoke-device, list-devices, list-clinics, compact,
 * reset-shapes), run by
 * the command line on the database directly — or, when an embedded PGlite folder is held by the running
 * server (one process per folder), sent to that server over loopback with the admin token it wrote
 * into the folder, which runs exactly this function.
 */
export const adminCommand = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('init-clinic'),
    input: z.unknown(),
    additional: z.boolean().default(false),
    /** Also make the first desk's enrolment code, for a station of this role. */
    firstCodeStationRole: z.enum(STATION_ROLES).nullable().default(null),
  }),
  z.object({
    command: z.literal('enrol-code'),
    clinic: z.string().min(1),
    ttlMs: z.number().int().default(DEFAULT_CODE_TTL_MS),
    stationRole: z.enum(STATION_ROLES).default('front_desk'),
  }),
  z.object({ command: z.literal('compact'), retentionMs: z.number().int().min(0).default(DEFAULT_RETENTION_MS) }),
  z.object({ command: z.literal('reset-shapes'), clinic: z.string().min(1).nullable().default(null) }),
  z.object({ command: z.literal('revoke-device'), deviceId: z.string().min(1) }),
  z.object({ command: z.literal('list-devices'), clinic: z.string().min(1).nullable().default(null) }),
  z.object({ command: z.literal('list-clinics') }),
]);
export type AdminCommand = z.input<typeof adminCommand>;

export async function runAdminCommand(db: Kysely<CentralDatabase>, raw: AdminCommand, now: Date): Promise<Record<string, unknown>> {
  const cmd = adminCommand.parse(raw);
  switch (cmd.command) {
    case 'init-clinic': {
      const created = await createClinic(db, cmd.input, { now, additional: cmd.additional });
      if (!cmd.firstCodeStationRole) return { ...created };
      const code = await createEnrolmentCode(db, { clinicId: created.clinicId, createdBy: null, now, stationRole: cmd.firstCodeStationRole });
      return { ...created, enrolmentCode: { code: code.code, expiresAt: code.expiresAt, stationRole: code.stationRole } };
    }
    case 'enrol-code': {
      const clinic = await findClinic(db, cmd.clinic);
      const code = await createEnrolmentCode(db, { clinicId: clinic.id, createdBy: null, ttlMs: cmd.ttlMs, now, stationRole: cmd.stationRole });
      return { code: code.code, clinicId: clinic.id, clinicName: clinic.name, expiresAt: code.expiresAt, stationRole: code.stationRole };
    }
    case 'reset-shapes': {
      const clinic = cmd.clinic ? await findClinic(db, cmd.clinic) : null;
      return { retired: await resetShapes(db, { ...(clinic ? { clinicId: clinic.id } : {}), now }) };
    }
    case 'compact':
      return { ...(await compactChangeLog(db, { retentionMs: cmd.retentionMs, now })), retentionMs: cmd.retentionMs };
    case 'revoke-device':
      return { device: await revokeDevice(db, { deviceId: cmd.deviceId, by: null, now }) };
    case 'list-devices': {
      const clinic = cmd.clinic ? await findClinic(db, cmd.clinic) : null;
      return { devices: await listDevices(db, clinic?.id) };
    }
    case 'list-clinics':
      return { clinics: await listClinics(db) };
  }
}
