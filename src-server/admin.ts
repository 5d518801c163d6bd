import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CentralDatabase } from './db/schema';
import { createClinic, findClinic, listClinics } from './services/clinics';
import { createEnrolmentCode, DEFAULT_CODE_TTL_MS, listDevices, revokeDevice } from './services/devices';

/**
 * The operator's commands (init-clinic, enrol-code, revoke-device, list-devices, list-clinics), run by
 * the command line on the database directly — or, when an embedded PGlite folder is held by the running
 * server (one process per folder), sent to that server over loopback with the admin token it wrote
 * into the folder, which runs exactly this function.
 */
export const adminCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('init-clinic'), input: z.unknown(), additional: z.boolean().default(false) }),
  z.object({ command: z.literal('enrol-code'), clinic: z.string().min(1), ttlMs: z.number().int().default(DEFAULT_CODE_TTL_MS) }),
  z.object({ command: z.literal('revoke-device'), deviceId: z.string().min(1) }),
  z.object({ command: z.literal('list-devices'), clinic: z.string().min(1).nullable().default(null) }),
  z.object({ command: z.literal('list-clinics') }),
]);
export type AdminCommand = z.input<typeof adminCommand>;

export async function runAdminCommand(db: Kysely<CentralDatabase>, raw: AdminCommand, now: Date): Promise<Record<string, unknown>> {
  const cmd = adminCommand.parse(raw);
  switch (cmd.command) {
    case 'init-clinic':
      return { ...(await createClinic(db, cmd.input, { now, additional: cmd.additional })) };
    case 'enrol-code': {
      const clinic = await findClinic(db, cmd.clinic);
      const code = await createEnrolmentCode(db, { clinicId: clinic.id, createdBy: null, ttlMs: cmd.ttlMs, now });
      return { code: code.code, clinicId: clinic.id, clinicName: clinic.name, expiresAt: code.expiresAt };
    }
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
