import { ApiError, unauthenticated } from '../../../src-shared/errors';
import type { SessionInfo } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { auditDiff } from '../../../src-shared/audit';
import { newClinicRows } from '../../../src-shared/domain/clinic';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../auth/password';
import type { Session } from '../auth/sessions';
import { runCommand, runMutation, type CallContext, type CoreDeps, type Handlers } from '../context';
import { clinicFromRow, staffFromRow } from '../../../src-shared/commands/rows';

const MAX_FREE_FAILURES = 5;
const BASE_LOCKOUT_MS = 30_000;
const MAX_LOCKOUT_MS = 15 * 60_000;

const wrongCredentials = () =>
  new ApiError({ code: 'unauthenticated', reason: 'wrong_credentials', message: 'That username and password do not match. Please try again.' });

function waitWords(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`;
}

/** Refuses while a username is locked out after repeated wrong passwords. */
async function checkThrottle(ctx: CoreDeps, username: string): Promise<void> {
  const row = await ctx.db.selectFrom('sign_in_throttle').selectAll().where('username', '=', username).executeTakeFirst();
  const now = ctx.clock().getTime();
  if (row?.locked_until && Date.parse(row.locked_until) > now) {
    throw new ApiError({
      code: 'rate_limited',
      message: `Too many wrong passwords. Wait ${waitWords(Date.parse(row.locked_until) - now)} and try again.`,
    });
  }
}

async function recordFailure(ctx: CoreDeps, username: string): Promise<void> {
  const row = await ctx.db.selectFrom('sign_in_throttle').selectAll().where('username', '=', username).executeTakeFirst();
  const failures = (row?.failures ?? 0) + 1;
  const lockMs = failures >= MAX_FREE_FAILURES ? Math.min(MAX_LOCKOUT_MS, BASE_LOCKOUT_MS * 2 ** (failures - MAX_FREE_FAILURES)) : 0;
  const locked_until = lockMs ? new Date(ctx.clock().getTime() + lockMs).toISOString() : null;
  await ctx.db
    .insertInto('sign_in_throttle')
    .values({ username, failures, locked_until })
    .onConflict((oc) => oc.column('username').doUpdateSet({ failures, locked_until }))
    .execute();
  ctx.log.log('warn', 'auth.sign_in_failed', { failures, lockedOut: lockMs > 0 });
}

async function clearFailures(ctx: CoreDeps, username: string): Promise<void> {
  await ctx.db.deleteFrom('sign_in_throttle').where('username', '=', username).execute();
}

export async function sessionInfo(ctx: CoreDeps, session: Session): Promise<SessionInfo> {
  const user = await ctx.db.selectFrom('staff').selectAll().where('id', '=', session.userId).executeTakeFirst();
  const clinic = await ctx.clinic();
  if (!user || !clinic) throw unauthenticated();
  return {
    token: session.token,
    user: staffFromRow(user),
    clinic,
    deviceId: ctx.deviceId,
    idleLockMinutes: clinic.idleLockMinutes,
    locked: session.locked,
  };
}

function requireSession(ctx: CallContext): Session {
  if (!ctx.session) throw unauthenticated();
  return ctx.session;
}

export const authHandlers: Pick<
  Handlers,
  'setup.status' | 'setup.createClinic' | 'auth.signIn' | 'auth.session' | 'auth.unlock' | 'auth.lock' | 'auth.signOut' | 'auth.changePassword'
> = {
  async 'setup.status'(ctx) {
    const clinic = await ctx.clinic();
    return { needsSetup: clinic === null, clinicName: clinic?.tradeName ?? clinic?.legalName ?? null };
  },

  async 'setup.createClinic'(ctx, { clinic, admin }) {
    if (await ctx.clinic()) {
      throw new ApiError({ code: 'conflict', reason: 'already_set_up', message: 'This desk is already set up. Sign in instead.' });
    }
    const clinicId = newId();
    const adminId = newId();
    const passwordHash = await hashPassword(admin.password, ctx.scrypt);
    await runCommand(
      ctx,
      'setup.createClinic',
      async (trx, now) => {
        const conventions = { clinic_id: clinicId, created_at: now, updated_at: now, updated_by: adminId, row_version: null, deleted_at: null };
        const rows = newClinicRows({ clinic, admin }, { clinicId, adminId }, passwordHash);
        const clinicRow = { ...rows.clinic, ...conventions };
        // Checked again inside the transaction: two first-run screens cannot both create a clinic.
        const existing = await trx.selectFrom('clinics').select('id').executeTakeFirst();
        if (existing) throw new ApiError({ code: 'conflict', reason: 'already_set_up', message: 'This desk is already set up. Sign in instead.' });
        await trx.insertInto('clinics').values(clinicRow).execute();
        const adminRow = { ...rows.admin, ...conventions };
        await trx.insertInto('staff').values(adminRow).execute();
        await trx.updateTable('device').set({ clinic_id: clinicId }).execute();
        const adminPublic = staffFromRow(adminRow);
        return {
          result: null,
          audit: [
            { action: 'clinic.created', entityType: 'clinic', entityId: clinicId, changes: auditDiff(null, { ...clinicFromRow(clinicRow) }) },
            { action: 'staff.created', entityType: 'staff', entityId: adminId, changes: auditDiff(null, { ...adminPublic, passwordHash }) },
          ],
          mutationArgs: { clinic: clinicRow, admin: { ...adminRow } },
          entities: ['clinic', 'staff'],
        };
      },
      { userId: adminId, clinicId },
    );
    ctx.invalidateClinic();
    ctx.log.log('info', 'setup.clinic_created', { clinicId });
    const session = ctx.sessions.create({ userId: adminId, role: 'admin', clinicId }, ctx.clock().getTime());
    return sessionInfo(ctx, session);
  },

  async 'auth.signIn'(ctx, { username, password }) {
    await checkThrottle(ctx, username);
    const clinic = await ctx.clinic();
    const user = clinic
      ? await ctx.db.selectFrom('staff').selectAll().where('username', '=', username).where('clinic_id', '=', clinic.id).where('deleted_at', 'is', null).executeTakeFirst()
      : undefined;
    if (!user) {
      await burnPasswordCheck(password, ctx.scrypt);
      await recordFailure(ctx, username);
      throw wrongCredentials();
    }
    if (!(await verifyPassword(password, user.password_hash))) {
      await recordFailure(ctx, username);
      throw wrongCredentials();
    }
    if (user.active !== 1) {
      throw new ApiError({ code: 'permission', reason: 'inactive', message: 'This account has been deactivated. Ask an administrator to turn it back on.' });
    }
    await clearFailures(ctx, username);
    const session = ctx.sessions.create({ userId: user.id, role: staffFromRow(user).role, clinicId: user.clinic_id }, ctx.clock().getTime());
    ctx.log.log('info', 'auth.signed_in', { userId: user.id, role: user.role });
    return sessionInfo(ctx, session);
  },

  async 'auth.session'(ctx) {
    return sessionInfo(ctx, requireSession(ctx));
  },

  async 'auth.unlock'(ctx, { password }) {
    const session = requireSession(ctx);
    const user = await ctx.db.selectFrom('staff').selectAll().where('id', '=', session.userId).executeTakeFirst();
    if (!user || user.active !== 1) throw unauthenticated();
    await checkThrottle(ctx, user.username);
    if (!(await verifyPassword(password, user.password_hash))) {
      await recordFailure(ctx, user.username);
      throw new ApiError({ code: 'unauthenticated', reason: 'wrong_password', message: 'That password is not right. Please try again.' });
    }
    await clearFailures(ctx, user.username);
    session.locked = false;
    ctx.sessions.touch(session, ctx.clock().getTime());
    return sessionInfo(ctx, session);
  },

  async 'auth.lock'(ctx) {
    requireSession(ctx).locked = true;
    return { locked: true as const };
  },

  async 'auth.signOut'(ctx) {
    const session = requireSession(ctx);
    ctx.sessions.delete(session.token);
    ctx.log.log('info', 'auth.signed_out', { userId: session.userId });
    return { signedOut: true as const };
  },

  async 'auth.changePassword'(ctx, { currentPassword, newPassword }) {
    const session = requireSession(ctx);
    const user = await ctx.db.selectFrom('staff').selectAll().where('id', '=', session.userId).executeTakeFirstOrThrow();
    if (!(await verifyPassword(currentPassword, user.password_hash))) {
      await recordFailure(ctx, user.username);
      throw new ApiError({ code: 'validation', fields: { currentPassword: 'Your current password is not right.' }, message: 'Your current password is not right.' });
    }
    const passwordHash = await hashPassword(newPassword, ctx.scrypt);
    await runMutation(ctx, 'auth.changePassword', { id: user.id, passwordHash });
    return { changed: true as const };
  },
};
