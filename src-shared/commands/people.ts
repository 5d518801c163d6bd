import { z } from 'zod';
import { ApiError, notFound } from '../errors';
import { clinicApi, patientChanges } from '../api/contract';
import type { ClinicInfo, Patient, StaffMember } from '../api/types';
import { auditDiff } from '../audit';
import { todayIn } from '../dates';
import { decideRegisterPatient, mergePatient } from '../domain/patients';
import { isValidMrn } from '../mrn';
import type { Role } from '../roles';
import { newConventions, touched, type CommandEnv, type CommandOutput, type NewRow } from './env';
import { clinicFromRow, patientColumns, patientFromRow, staffFromRow } from './rows';

/** Patients, staff and the clinic's own details: the commands, run on the desk and again on the server. */

// ---- patients -------------------------------------------------------------------------------

export const registerArgs = z.object({ id: z.uuid(), mrn: z.string().refine(isValidMrn, 'not a patient number'), input: clinicApi['patients.register'].input.shape.patient });

export async function registerPatient(env: CommandEnv, { id, mrn, input }: z.output<typeof registerArgs>): Promise<CommandOutput<Patient>> {
  // Patient numbers never collide: each device issues from its own series, and no other.
  if (!mrn.startsWith(`${env.device.patientSeries}-`)) {
    throw new ApiError({ code: 'conflict', reason: 'mrn_series', message: `Patient number ${mrn} is not from this PC's series (${env.device.patientSeries}).` });
  }
  const { patient, changes } = decideRegisterPatient(input, { id, mrn }, { now: env.now, today: todayIn(env.clinic.timezone, new Date(env.now)) });
  await env.write.insert('patients', { ...patientColumns(patient), ...newConventions(env) });
  return { result: patient, audit: [{ action: 'patient.registered', entityType: 'patient', entityId: id, changes }], entities: ['patients'] };
}

/**
 * An edit carries only the fields it changed (as the patient record names them), so two desks editing
 * different fields of one patient both keep theirs: the server merges field by field, last writer wins
 * per field.
 */
export const updatePatientArgs = z.object({
  id: z.uuid(),
  set: z.object({ dobEstimated: z.boolean().optional() }).catchall(z.unknown()).pipe(
    z.custom<Record<string, unknown>>().transform((raw, ctx) => {
      const { dobEstimated, ...rest } = raw as { dobEstimated?: boolean } & Record<string, unknown>;
      const parsed = patientChanges.safeParse(rest);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        return z.NEVER;
      }
      const { ageYears: _age, ...fields } = parsed.data;
      return dobEstimated === undefined ? fields : { ...fields, dobEstimated };
    }),
  ),
});

export async function updatePatient(env: CommandEnv, { id, set }: z.output<typeof updatePatientArgs>): Promise<CommandOutput<Patient>> {
  const row = await env.db.selectFrom('patients').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('patient');
  const current = patientFromRow(row);
  const decision = mergePatient(current, set, env.now);
  if (!decision) return { result: current, audit: [], entities: [] };
  await env.write.update('patients', id, { ...patientColumns(decision.patient), ...touched(env) });
  return { result: decision.patient, audit: [{ action: 'patient.updated', entityType: 'patient', entityId: id, changes: decision.changes }], entities: ['patients'] };
}

// ---- staff ----------------------------------------------------------------------------------

const usernameTaken = () =>
  new ApiError({ code: 'conflict', reason: 'username_taken', fields: { username: 'This username is already taken.' }, message: 'This username is already taken. Choose another.' });

/** A password verifier, never a password (src-shared/passwords.ts). */
const verifier = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'not a password verifier');

export const createStaffArgs = clinicApi['staff.create'].input.omit({ password: true }).extend({ id: z.uuid(), passwordHash: verifier });
export const passwordArgs = z.object({ id: z.uuid(), passwordHash: verifier });

async function loadStaff(env: CommandEnv, id: string) {
  const row = await env.db.selectFrom('staff').selectAll().where('id', '=', id).where('clinic_id', '=', env.who.clinicId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('staff member');
  return row;
}

/** The clinic must always keep at least one active administrator. */
async function assertAnotherActiveAdmin(env: CommandEnv, exceptId: string) {
  const other = await env.db
    .selectFrom('staff')
    .select('id')
    .where('clinic_id', '=', env.who.clinicId)
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .where('deleted_at', 'is', null)
    .where('id', '!=', exceptId)
    .executeTakeFirst();
  if (!other) {
    throw new ApiError({ code: 'conflict', reason: 'last_admin', message: 'The clinic needs at least one active administrator. Make someone else an administrator first.' });
  }
}

export async function createStaff(env: CommandEnv, input: z.output<typeof createStaffArgs>): Promise<CommandOutput<StaffMember>> {
  const taken = await env.db.selectFrom('staff').select('id').where('clinic_id', '=', env.who.clinicId).where('username', '=', input.username).executeTakeFirst();
  if (taken) throw usernameTaken();
  const row: NewRow<'staff'> = { id: input.id, username: input.username, display_name: input.displayName, role: input.role, password_hash: input.passwordHash, active: 1, ...newConventions(env) };
  await env.write.insert('staff', row);
  const member = staffFromRow(row);
  return { result: member, audit: [{ action: 'staff.created', entityType: 'staff', entityId: row.id, changes: auditDiff(null, { ...member, passwordHash: input.passwordHash }) }], entities: ['staff'] };
}

export async function updateStaff(env: CommandEnv, { id, ...changes }: z.output<(typeof clinicApi)['staff.update']['input']>): Promise<CommandOutput<StaffMember>> {
  const row = await loadStaff(env, id);
  const values = { display_name: changes.displayName ?? row.display_name, role: (changes.role ?? row.role) as Role };
  if (row.role === 'admin' && values.role !== 'admin' && row.active === 1) await assertAnotherActiveAdmin(env, id);
  const next = { ...row, ...values, ...touched(env) };
  const diff = auditDiff({ ...staffFromRow(row) }, { ...staffFromRow(next) });
  if (diff.length === 0) return { result: staffFromRow(row), audit: [], entities: [] };
  await env.write.update('staff', id, { ...values, ...touched(env) });
  return { result: staffFromRow(next), audit: [{ action: 'staff.updated', entityType: 'staff', entityId: id, changes: diff }], entities: ['staff'] };
}

export async function setStaffActive(env: CommandEnv, { id, active }: z.output<(typeof clinicApi)['staff.setActive']['input']>): Promise<CommandOutput<StaffMember>> {
  if (!active && id === env.who.userId) throw new ApiError({ code: 'conflict', reason: 'self', message: 'You cannot deactivate your own account while signed in with it.' });
  const row = await loadStaff(env, id);
  if (!active && row.role === 'admin') await assertAnotherActiveAdmin(env, id);
  const next = { ...row, active: active ? 1 : 0, ...touched(env) };
  await env.write.update('staff', id, { active: next.active, ...touched(env) });
  return {
    result: staffFromRow(next),
    audit: [{ action: active ? 'staff.activated' : 'staff.deactivated', entityType: 'staff', entityId: id, changes: auditDiff({ ...staffFromRow(row) }, { ...staffFromRow(next) }) }],
    entities: ['staff'],
  };
}

export async function resetPassword(env: CommandEnv, { id, passwordHash }: z.output<typeof passwordArgs>): Promise<CommandOutput<null>> {
  const row = await loadStaff(env, id);
  await env.write.update('staff', id, { password_hash: passwordHash, ...touched(env) });
  return { result: null, audit: [{ action: 'staff.password_reset', entityType: 'staff', entityId: id, changes: auditDiff({ passwordHash: row.password_hash }, { passwordHash }) }], entities: ['staff'] };
}

/** A staff member changes their own password (checked against the current one on the desk they typed it at). */
export async function changeOwnPassword(env: CommandEnv, { id, passwordHash }: z.output<typeof passwordArgs>): Promise<CommandOutput<null>> {
  if (id !== env.who.userId) throw new ApiError({ code: 'permission', reason: 'not_self', message: 'Only the staff member can change their own password this way.' });
  const row = await loadStaff(env, id);
  await env.write.update('staff', id, { password_hash: passwordHash, ...touched(env) });
  return { result: null, audit: [{ action: 'staff.password_changed', entityType: 'staff', entityId: id, changes: auditDiff({ passwordHash: row.password_hash }, { passwordHash }) }], entities: ['staff'] };
}

// ---- the clinic -----------------------------------------------------------------------------

/** Like demographics, clinic details merge field by field: an edit carries the fields it changed. */
export const updateClinicArgs = z.object({ set: z.record(z.string(), z.unknown()) });

export async function updateClinic(env: CommandEnv, { set }: z.output<typeof updateClinicArgs>): Promise<CommandOutput<ClinicInfo>> {
  const row = await env.db.selectFrom('clinics').selectAll().where('id', '=', env.who.clinicId).executeTakeFirst();
  if (!row) throw notFound('clinic');
  const current = clinicFromRow(row);
  // The merged details must be valid as a whole (the GSTIN's state, say, against the clinic's state).
  const { id: _id, updatedAt: _u, ...editable } = current;
  const parsed = clinicApi['clinic.update'].input.safeParse({ ...editable, ...set });
  if (!parsed.success) throw new ApiError({ code: 'validation', reason: 'bad_clinic', message: `The clinic's details would not be valid: ${parsed.error.issues[0]?.message ?? 'check them'}` });
  const input = parsed.data;
  const values = {
    legal_name: input.legalName,
    trade_name: input.tradeName,
    address_line: input.addressLine,
    city: input.city,
    state_code: input.stateCode,
    pincode: input.pincode,
    phone: input.phone,
    gstin: input.gstin,
    timezone: input.timezone,
    idle_lock_minutes: input.idleLockMinutes,
    no_show_grace_minutes: input.noShowGraceMinutes ?? row.no_show_grace_minutes,
    ...touched(env),
  };
  const next = { ...row, ...values };
  const changes = auditDiff({ ...current }, { ...clinicFromRow(next) });
  if (changes.length === 0) throw new ApiError({ code: 'conflict', reason: 'no_change', message: 'Nothing was changed.' });
  await env.write.update('clinics', row.id, values);
  return { result: clinicFromRow(next), audit: [{ action: 'clinic.updated', entityType: 'clinic', entityId: row.id, changes }], entities: ['clinic'] };
}
