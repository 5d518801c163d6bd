import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { clinicApi, isMethodName, type MethodName } from '../../src-shared/api/contract';
import type { ClinicInfo } from '../../src-shared/api/types';
import { validationError } from '../../src-shared/api/validation';
import { ApiError, permissionDenied, unauthenticated, type ApiResult } from '../../src-shared/errors';
import { newId } from '../../src-shared/ids';
import { randomSeriesPrefix } from '../../src-shared/mrn';
import { ALLOWED_WHILE_LOCKED, PERMISSIONS, can } from '../../src-shared/permissions';
import { DEFAULT_SCRYPT, type ScryptParams } from './auth/password';
import { SessionStore } from './auth/sessions';
import { mergeHandlers, type CallContext, type ChangeEvent, type CoreDeps } from './context';
import { openLocalDatabase, type IntegrityCheck } from './db/open';
import { authHandlers } from './handlers/auth';
import { clinicHandlers } from './handlers/clinic';
import { patientHandlers } from './handlers/patients';
import { staffHandlers } from './handlers/staff';
import { scheduleHandlers } from './handlers/schedules';
import { appointmentHandlers, expireLapsedHolds } from './handlers/appointments';
import { syncHandlers } from './handlers/sync';
import { inboxHandlers } from './handlers/inbox';
import { billingHandlers, onlinePaymentHandlers } from './handlers/billing';
import { consultHandlers, documentHandlers } from './handlers/consult';
import { FileStore } from './files';
import { SyncManager, type SyncOptions } from './sync/manager';
import { clinicFromRow } from '../../src-shared/commands/rows';
import { silentLogger, type Logger } from './log';

export interface CoreOptions {
  /** Folder holding the desk database (clinicdesk.sqlite). */
  dataDir: string;
  logger?: Logger;
  clock?: () => Date;
  scrypt?: ScryptParams;
  integrityCheck?: IntegrityCheck;
  /** How often lapsed appointment holds are released (ms). */
  holdSweepMs?: number;
  /** The desk's sync with its clinic server (the server's address itself comes from sync.join, saved in the database). */
  sync?: SyncOptions;
}

export interface ClinicCore {
  readonly deviceId: string;
  readonly dbFile: string;
  /** One ClinicApi call. Never throws: errors come back typed, with a message for the desk. */
  call(method: string, input: unknown, auth: { token?: string | null }): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}

const baseHandlers = [authHandlers, clinicHandlers, staffHandlers, patientHandlers, scheduleHandlers, appointmentHandlers, inboxHandlers, billingHandlers, consultHandlers] as const;

export const DB_FILE_NAME = 'clinicdesk.sqlite';

export async function openCore(options: CoreOptions): Promise<ClinicCore> {
  const log = options.logger ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const opened = await openLocalDatabase(path.join(options.dataDir, DB_FILE_NAME), { integrityCheck: options.integrityCheck });
  const { db } = opened;

  let device = await db.selectFrom('device').selectAll().executeTakeFirst();
  if (!device) {
    device = {
      id: newId(),
      singleton: 1,
      clinic_id: null,
      name: os.hostname().slice(0, 60),
      patient_series: randomSeriesPrefix((n) => Array.from({ length: n }, () => randomInt(1 << 30))),
      patient_next: 1,
      created_at: clock().toISOString(),
    };
    await db.insertInto('device').values(device).execute();
  }
  const deviceId = device.id;

  let clinicCache: ClinicInfo | null | undefined;
  const listeners = new Set<(event: ChangeEvent) => void>();
  const deps: CoreDeps = {
    db,
    deviceId,
    clock,
    log,
    sessions: new SessionStore(),
    scrypt: options.scrypt ?? DEFAULT_SCRYPT,
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          log.log('error', 'core.listener_failed', { error: err instanceof Error ? err.name : 'unknown' });
        }
      }
    },
    async clinic() {
      if (clinicCache === undefined) {
        const row = await db.selectFrom('clinics').selectAll().where('deleted_at', 'is', null).executeTakeFirst();
        clinicCache = row ? clinicFromRow(row) : null;
      }
      return clinicCache;
    },
    invalidateClinic() {
      clinicCache = undefined;
    },
    // Wired to the sync manager below, once it exists.
    outboxChanged() {},
    writesPaused: () => null,
  };
  log.log('info', 'core.opened', { deviceId });

  // Sync with the clinic server: resumes at open when this desk has joined one.
  const sync = new SyncManager(
    {
      db,
      readDb: opened.readDb,
      sqlite: opened.sqlite,
      log,
      clock,
      emit: (event) => deps.emit(event),
      clinicExists: async () => (await deps.clinic()) !== null,
      invalidateClinic: () => deps.invalidateClinic(),
      adoptDeviceId: (id) => {
        deps.deviceId = id;
      },
    },
    options.sync,
  );
  deps.outboxChanged = () => sync.kick();
  deps.writesPaused = () => sync.writesPaused();
  const files = new FileStore(options.dataDir);
  const handlers = mergeHandlers(...baseHandlers, syncHandlers(sync), onlinePaymentHandlers(sync), documentHandlers(sync, files));
  try {
    await sync.open();
  } catch (err) {
    await opened.close();
    throw err;
  }

  // Holds expire by themselves: the core releases lapsed holds every few seconds, as the system.
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      const clinic = await deps.clinic();
      if (clinic) await expireLapsedHolds(deps, clinic.id);
    } catch (err) {
      log.log('error', 'core.hold_sweep_failed', { error: err instanceof Error ? err.name : 'unknown' });
    } finally {
      sweeping = false;
    }
  };
  const sweeper = setInterval(() => void sweep(), options.holdSweepMs ?? 10_000);
  sweeper.unref();

  async function call(method: string, input: unknown, auth: { token?: string | null }): Promise<ApiResult<unknown>> {
    const started = performance.now();
    let name: MethodName | null = null;
    try {
      if (!isMethodName(method)) {
        throw new ApiError({ code: 'not_found', message: 'This action is not available in this version of ClinicDesk.' });
      }
      name = method;
      const access = PERMISSIONS[method];
      const token = auth.token ?? null;
      let session = null;
      if (access !== 'public') {
        const clinic = await deps.clinic();
        const now = clock().getTime();
        session = deps.sessions.get(token, now, clinic?.idleLockMinutes ?? 10);
        if (!session) throw unauthenticated();
        if (session.locked && !ALLOWED_WHILE_LOCKED.has(method)) {
          throw new ApiError({ code: 'locked', message: 'The screen is locked. Enter your password to continue.' });
        }
        if (!can(session.role, method)) {
          log.log('warn', 'api.permission_denied', { method, role: session.role, userId: session.userId });
          throw permissionDenied();
        }
        if (!session.locked) deps.sessions.touch(session, now);
      }
      const parsed = clinicApi[method].input.safeParse(input ?? {});
      if (!parsed.success) throw validationError(parsed.error);
      const ctx: CallContext = { ...deps, db: clinicApi[method].kind === 'query' ? opened.readDb : db, session, token };
      const handler = handlers[method] as (ctx: CallContext, args: unknown) => Promise<unknown>;
      const data = await handler(ctx, parsed.data);
      log.log('debug', 'api.call', { method, ms: Math.round(performance.now() - started) });
      return { ok: true, data };
    } catch (err) {
      if (err instanceof ApiError) {
        log.log(err.code === 'validation' ? 'debug' : 'info', 'api.refused', { method: name ?? 'unknown', code: err.code, reason: err.reason });
        return { ok: false, error: err.toBody() };
      }
      // Unexpected: log the kind of error, not its message (it may quote data).
      log.log('error', 'api.failed', { method: name ?? 'unknown', error: err instanceof Error ? err.name : typeof err, code: (err as { code?: string })?.code });
      return {
        ok: false,
        error: { code: 'internal', message: 'Something went wrong and nothing was saved. Please try again; if it keeps happening, call support.' },
      };
    }
  }

  return {
    get deviceId() {
      return deps.deviceId;
    },
    dbFile: opened.file,
    call,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      clearInterval(sweeper);
      await sync.close();
      while (sweeping) await new Promise((r) => setTimeout(r, 5));
      listeners.clear();
      await opened.close();
    },
  };
}
