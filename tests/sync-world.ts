import Database from 'better-sqlite3';
import path from 'node:path';
import { DB_FILE_NAME } from '../src-main/core/core';
import { todayIn } from '../src-shared/dates';
import { SHAPE_NAMES, shapeColumns, type ShapeName, type StationRole } from '../src-shared/sync/shapes';
import { jsonLogger } from '../src-server/log';
import { startServer, type RunningServer } from '../src-server/http/server';
import { createSetupCode } from '../src-server/services/founding';
import { freshDatabase, TEST_PG_URL, type TestDatabase } from '../src-server/test/backends';
import { addStaff, captureLogger, openTestDesk, tempDir, until, type TestDesk } from './helpers';

/**
 * Several desks and one real sync server in one test process (each desk its own SQLite file and core),
 * for the write path's tests: desk 0 brings its clinic to an empty server with the set-up code, the others
 * join with enrolment codes made on it. Every desk has its own network that a test can switch off.
 */
export const kind = TEST_PG_URL ? 'postgres' : 'pglite';

/** 0 → "Aa", 1 → "Ab", …: distinct name parts for generated patients (names may hold letters only). */
export const letters = (i: number) => String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26));

/** A desk's network: switched off, every request fails as if the cable were out. */
export interface Network {
  online: boolean;
  /** Called with each /v1/mutations response before the desk sees it; return false to lose the reply. */
  onPushReply: null | ((res: Response) => boolean);
  fetch: typeof fetch;
}

export function network(): Network {
  const net: Network = {
    online: true,
    onPushReply: null,
    fetch: async (input, init) => {
      if (!net.online) throw new TypeError('fetch failed');
      const url = String(input instanceof Request ? input.url : input);
      const res = await fetch(input, init);
      if (url.endsWith('/v1/mutations') && net.onPushReply && !net.onPushReply(res)) throw new TypeError('fetch failed');
      return res;
    },
  };
  return net;
}

export const SYNC = { joinTimeoutMs: 30_000, backoff: { initialDelay: 20, maxDelay: 200 }, restartDelayMs: 100, pushRetry: { initialDelay: 20, maxDelay: 200 } };

export interface WorldDesk {
  desk: TestDesk;
  net: Network;
  /** A front-desk user's session on this desk. */
  frontDesk: string;
  /** What the desk logged (JSON lines). */
  logs: string[];
}

export interface World {
  t: TestDatabase;
  server: RunningServer;
  desks: WorldDesk[];
  doctorId: string;
  /** Tomorrow in the clinic's calendar (bookings are for today or later). */
  tomorrow: string;
  /** Stops the server and starts it again on the same port and database. */
  restartServer(): Promise<void>;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): Promise<void>;
}

/** The doctor sees patients 09:00–13:00 every day in 15-minute slots of one place (or as given). */
export async function openWorld(opts: {
  desks: number;
  sessions?: { startMinutes: number; endMinutes: number; slotMinutes: number; capacity: number };
  /** More server options (Razorpay's keys, say). */
  server?: Partial<Parameters<typeof startServer>[0]>;
  /** The station role of each desk after the first (the founding desk is the admin's); front desk by default. */
  stations?: StationRole[];
}): Promise<World> {
  const t = await freshDatabase(kind);
  const serverLog: string[] = [];
  const serverOptions = () => ({ central: t.central, log: jsonLogger((l) => serverLog.push(l), 'warn'), shapes: { liveTimeoutMs: 1_000 }, ...opts.server });
  let server: RunningServer | null = await startServer({ ...serverOptions(), port: 0 });
  const port = server.port;
  const url = server.url;
  const desks: WorldDesk[] = [];
  const net0 = network();
  const log0 = captureLogger();
  const first = await openTestDesk({ logger: log0, sync: { ...SYNC, fetch: net0.fetch } });
  const frontDesk0 = await addStaff(first, 'front_desk', 'farah');
  await addStaff(first, 'doctor', 'drrao');
  const doctorId = (await first.call('doctors.list', {})).find((x) => x.displayName === 'Test doctor')!.staffId;
  const s = opts.sessions ?? { startMinutes: 540, endMinutes: 780, slotMinutes: 15, capacity: 1 };
  await first.call('schedules.setWeekly', { doctorId, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, ...s })) });
  const setup = (await createSetupCode(t.central.db, { now: new Date() }))!;
  await first.call('sync.connect', { serverUrl: url, code: setup.code, deviceName: 'Reception 1' });
  desks.push({ desk: first, net: net0, frontDesk: frontDesk0, logs: log0.lines });
  for (let i = 1; i < opts.desks; i++) {
    const { code } = await first.call('devices.createEnrolmentCode', { stationRole: opts.stations?.[i - 1] ?? 'front_desk' });
    const net = network();
    const logger = captureLogger();
    const desk = await openTestDesk({ dataDir: tempDir(), setup: false, logger, sync: { ...SYNC, fetch: net.fetch } });
    await desk.call('sync.join', { serverUrl: url, code, deviceName: `Reception ${i + 1}` }, null);
    const frontDesk = (await desk.call('auth.signIn', { username: 'farah', password: 'pw-farah-123' }, null)).token;
    desk.adminToken = (await desk.call('auth.signIn', { username: 'asha', password: 'correct horse 1' }, null)).token;
    await until(async () => (await desk.call('schedules.get', { doctorId })).weekly.length === 7, `the schedule on desk ${i + 1}`);
    desks.push({ desk, net, frontDesk, logs: logger.lines });
  }
  const world: World = {
    t,
    get server() {
      return server!;
    },
    desks,
    doctorId,
    tomorrow: todayIn('Asia/Kolkata', new Date(Date.now() + 86_400_000)),
    async stopServer() {
      await server?.close();
      server = null;
    },
    async startServer() {
      if (!server) server = await startServer({ ...serverOptions(), port });
    },
    async restartServer() {
      await world.stopServer();
      await world.startServer();
    },
    async close() {
      for (const d of desks) await d.desk.close();
      await server?.close();
      await t.dispose();
    },
  };
  return world;
}

export function readDesk<T>(desk: TestDesk, query: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(desk.dir, DB_FILE_NAME), { readonly: true });
  db.pragma('busy_timeout = 5000');
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}

export const pendingOn = (desk: TestDesk) => readDesk<{ n: number }>(desk, `SELECT count(*) AS n FROM outbox WHERE status = 'pending'`)[0]!.n;

/** Every synced table of a desk, as the server would list it (shape columns, by id). */
export function deskTables(desk: TestDesk): Record<ShapeName, Record<string, unknown>[]> {
  const out = {} as Record<ShapeName, Record<string, unknown>[]>;
  for (const table of SHAPE_NAMES) {
    const cols = shapeColumns(table, 'front_desk');
    out[table] = readDesk(desk, `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}" ORDER BY id`);
  }
  return out;
}

export async function serverTables(t: TestDatabase, clinicId?: string): Promise<Record<ShapeName, Record<string, unknown>[]>> {
  const out = {} as Record<ShapeName, Record<string, unknown>[]>;
  for (const table of SHAPE_NAMES) {
    const cols = shapeColumns(table, 'front_desk');
    let q = t.central.db.selectFrom(table).select(cols as never[]);
    if (clinicId) q = q.where('clinic_id', '=', clinicId);
    out[table] = (await q.orderBy('id').execute()) as Record<string, unknown>[];
  }
  return out;
}
