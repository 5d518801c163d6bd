/**
 * `npm run bench -- sync-live`: the write path end to end (issue 5). Two desk cores (each its own SQLite
 * file) and the real sync server in its own process (PostgreSQL when DATABASE_URL is set, else embedded
 * PGlite):
 *  - propagation: desk A books 200 appointments 50 ms apart through the ClinicApi; each is timed from the
 *    moment A's command returns (committed locally, pushed by itself) until desk B's local database holds
 *    the row (B applies it from its live shape stream; B's change event triggers the check);
 *  - offline burst: desk A loses its network, books 1,000 appointments, gets its network back; timed from
 *    the network coming back until B's database holds all 1,000. The desk notices the network within its
 *    push retry interval (100 ms in this run), which is included.
 * Every mutation is re-validated by the server (permission, clinic, slot capacity, machine) as in use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE_NAME, openCore, type ClinicCore } from '../src-main/core/core';
import { todayIn } from '../src-shared/dates';
import { openCentralDatabase } from '../src-server/db/open';
import { createClinic } from '../src-server/services/clinics';
import { createEnrolmentCode } from '../src-server/services/devices';
import { createPostgresDatabase } from '../src-server/test/backends';
import { spawnServer, type SpawnedServer } from '../src-server/test/spawn';
import { newId } from '../src-shared/ids';
import { patientRow } from '../tests/rows';
import { network } from '../tests/sync-world';
import { addDays, format, parseISO } from 'date-fns';
import { BENCH_SCRYPT, call } from './patients';
import { elapsedMs, now, summarize } from './stats';

export interface SyncLiveOptions {
  bookings: number;
  spacingMs: number;
  offline: number;
  postgres: boolean;
  resultsFile: string | null;
  log: (line: string) => void;
}

export const SYNC_LIVE_DEFAULTS = { bookings: 200, spacingMs: 50, offline: 1_000 };
export const SYNC_LIVE_TARGETS = { propagation_p95_ms: 40, offline_1000_s: 1.5 };

const ADMIN = { username: 'admin', password: 'bench-admin-password' };
const SLOT_MINUTES = 5;
const DAY_START = 8 * 60;
const DAY_END = 20 * 60;
const SLOTS_PER_DAY = (DAY_END - DAY_START) / SLOT_MINUTES;

export async function runSyncLiveBench(opts: SyncLiveOptions): Promise<Record<string, unknown>> {
  const log = opts.log;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-sync-live-'));
  const pgDb = opts.postgres ? await createPostgresDatabase() : null;
  const backend = pgDb ? 'postgres' : 'pglite';
  let server: SpawnedServer | null = null;
  const desks: ClinicCore[] = [];
  try {
    // The clinic on the server: an admin, one doctor seeing patients 08:00–20:00 in 5-minute slots every day,
    // and patients to book.
    const central = await openCentralDatabase(pgDb ? { kind: 'postgres', url: pgDb.url } : { kind: 'pglite', dataDir: path.join(workDir, 'central') });
    const started = new Date();
    const { clinicId, adminId } = await createClinic(
      central.db,
      { clinic: { legalName: 'Bench Clinic', addressLine: '12 MG Road', city: 'Pune', stateCode: '27', pincode: '411001' }, admin: { displayName: 'Asha Kulkarni', ...ADMIN } },
      { now: started, scrypt: BENCH_SCRYPT },
    );
    const conv = { clinic_id: clinicId, created_at: started.toISOString(), updated_at: started.toISOString(), updated_by: adminId, deleted_at: null };
    const doctorId = newId();
    await central.db.insertInto('staff').values({ id: doctorId, username: 'drrao', display_name: 'Dr Meera Rao', role: 'doctor', password_hash: 'scrypt$unused', active: 1, ...conv }).execute();
    await central.db
      .insertInto('schedule_sessions')
      .values([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ id: newId(), doctor_id: doctorId, weekday, start_minutes: DAY_START, end_minutes: DAY_END, slot_minutes: SLOT_MINUTES, capacity: 1, ...conv })))
      .execute();
    const patients = Array.from({ length: 300 }, (_, i) =>
      patientRow(clinicId, { mrn: `SRV-${String(i + 1).padStart(5, '0')}-B`, full_name: `Bench Patient ${String.fromCharCode(65 + (i % 26))}`, mobile: `98${String(10_000_000 + i)}`, created_at: started.toISOString(), updated_at: started.toISOString() }),
    );
    await central.db.insertInto('patients').values(patients).execute();
    const patientIds = patients.map((p) => p.id);
    const codes = [];
    for (let i = 0; i < 2; i++) codes.push((await createEnrolmentCode(central.db, { clinicId, createdBy: adminId, now: new Date(), stationRole: 'front_desk' })).code);
    await central.close();

    const env: NodeJS.ProcessEnv = { ...process.env, CLINICDESK_LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    if (pgDb) env.DATABASE_URL = pgDb.url;
    server = await spawnServer({ env, dataDir: path.join(workDir, 'central'), output: process.env.BENCH_SERVER_LOG ? fs.createWriteStream(process.env.BENCH_SERVER_LOG) : undefined });
    log(`sync-live bench on ${backend}: server in its own process at ${server.url}`);

    const netA = network();
    const openDesk = async (name: string, code: string, fetchFn: typeof fetch) => {
      const core = await openCore({
        dataDir: path.join(workDir, name),
        scrypt: BENCH_SCRYPT,
        integrityCheck: 'off',
        sync: { fetch: fetchFn, joinTimeoutMs: 60_000, pushRetry: { initialDelay: 50, maxDelay: 100 }, backoff: { initialDelay: 50, maxDelay: 100 } },
      });
      desks.push(core);
      await call(core, 'sync.join', { serverUrl: server!.url, code, deviceName: name }, null);
      const token = (await call(core, 'auth.signIn', ADMIN, null)).token;
      for (;;) {
        const s = await call(core, 'sync.status', {}, null);
        if (s.shapes.length > 0 && s.shapes.every((x) => x.upToDate)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { core, token };
    };
    const a = await openDesk('desk-a', codes[0]!, netA.fetch);
    const b = await openDesk('desk-b', codes[1]!, (input, init) => fetch(input, init));

    // B's database, read as B's screens would, checked each time B says its appointments changed.
    const bFile = new Database(path.join(workDir, 'desk-b', DB_FILE_NAME), { readonly: true });
    const has = bFile.prepare('SELECT count(*) FROM appointments WHERE id IN (SELECT value FROM json_each(?))').pluck();
    const waiting = new Map<string, bigint>();
    const arrived: number[] = [];
    let burst: { ids: Set<string>; seen: number; done: () => void } | null = null;
    const check = () => {
      if (waiting.size > 0) {
        const ids = [...waiting.keys()];
        const found = bFile.prepare(`SELECT id FROM appointments WHERE id IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(ids)) as string[];
        for (const id of found) {
          arrived.push(elapsedMs(waiting.get(id)!));
          waiting.delete(id);
        }
      }
      if (burst) {
        burst.seen = has.get(JSON.stringify([...burst.ids])) as number;
        if (burst.seen === burst.ids.size) burst.done();
      }
    };
    b.core.subscribe((e) => {
      if (e.entities.includes('appointments')) check();
    });
    const poll = setInterval(check, 25); // a safety net: the change events are what make it fast

    // 1. Live propagation: bookings 50 ms apart, each timed from A's command returning until B has it.
    const tomorrow = todayIn('Asia/Kolkata', new Date(Date.now() + 86_400_000));
    const slot = (n: number) => ({ date: format(addDays(parseISO(tomorrow), Math.floor(n / SLOTS_PER_DAY)), 'yyyy-MM-dd'), startMinutes: DAY_START + (n % SLOTS_PER_DAY) * SLOT_MINUTES });
    const liveStart = now();
    for (let i = 0; i < opts.bookings; i++) {
      const due = i * opts.spacingMs;
      const wait = due - elapsedMs(liveStart);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const booked = await call(a.core, 'appointments.book', { doctorId, patientId: patientIds[i % patientIds.length]!, ...slot(i), mode: 'confirm' }, a.token);
      waiting.set(booked.id, now());
      check();
    }
    const deadline = Date.now() + 30_000;
    while (waiting.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (waiting.size > 0) throw new Error(`${waiting.size} bookings never reached desk B`);
    const propagation = summarize(arrived);
    log(`propagation A → server → B over ${opts.bookings} bookings ${opts.spacingMs} ms apart: p50 ${propagation.p50_ms} ms, p95 ${propagation.p95_ms} ms, max ${propagation.max_ms} ms`);

    // 2. Offline burst: A without a network books `offline` appointments; then the network comes back.
    netA.online = false;
    await new Promise((r) => setTimeout(r, 300)); // A notices (its live requests fail)
    const offlineIds = new Set<string>();
    const madeStart = now();
    for (let i = 0; i < opts.offline; i++) {
      const booked = await call(a.core, 'appointments.book', { doctorId, patientId: patientIds[(i * 7) % patientIds.length]!, ...slot(opts.bookings + i), mode: 'confirm' }, a.token);
      offlineIds.add(booked.id);
    }
    const madeMs = elapsedMs(madeStart);
    log(`offline: ${opts.offline} bookings made on A in ${(madeMs / 1000).toFixed(2)} s (pending: ${(await call(a.core, 'sync.status', {}, a.token)).pendingMutations})`);
    const reconnect = now();
    const all = new Promise<void>((resolve) => {
      burst = { ids: offlineIds, seen: 0, done: resolve };
    });
    netA.online = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      all,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`B had only ${burst?.seen} of ${opts.offline} offline bookings after 120 s`)), 120_000);
      }),
    ]);
    clearTimeout(timer);
    const offlineS = elapsedMs(reconnect) / 1000;
    clearInterval(poll);
    bFile.close();
    log(`offline burst: B had all ${opts.offline} of A's offline bookings ${offlineS.toFixed(3)} s after A's network came back`);
    for (let i = 0; i < 500 && (await call(a.core, 'sync.status', {}, a.token)).pendingMutations > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const aStatus = await call(a.core, 'sync.status', {}, a.token);
    if (aStatus.pendingMutations !== 0 || aStatus.needsAttention !== 0) throw new Error(`A ended with ${aStatus.pendingMutations} pending and ${aStatus.needsAttention} refused`);

    const result = {
      propagation_p50_ms: propagation.p50_ms,
      propagation_p95_ms: propagation.p95_ms,
      offline_1000_s: Math.round(offlineS * 1000) / 1000,
      propagation: propagation,
      offline_made_s: Math.round(madeMs) / 1000,
      targets: SYNC_LIVE_TARGETS,
      targets_met: { propagation_p95_ms: propagation.p95_ms <= SYNC_LIVE_TARGETS.propagation_p95_ms, offline_1000_s: offlineS <= SYNC_LIVE_TARGETS.offline_1000_s },
      data: { backend, bookings: opts.bookings, spacing_ms: opts.spacingMs, offline: opts.offline, desks: 'two cores in this process; the server in its own' },
      machine: { cpu: os.cpus()[0]?.model.split(' ').slice(0, 2).join(' '), cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_average_1m: os.loadavg()[0] },
      measured_at: new Date().toISOString(),
    };
    log(
      `targets: propagation p95 ${result.propagation_p95_ms} ≤ ${SYNC_LIVE_TARGETS.propagation_p95_ms} ms ${result.targets_met.propagation_p95_ms ? 'OK' : 'MISSED'}; ` +
        `offline ${result.offline_1000_s} ≤ ${SYNC_LIVE_TARGETS.offline_1000_s} s ${result.targets_met.offline_1000_s ? 'OK' : 'MISSED'}`,
    );
    if (opts.resultsFile) {
      fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
      fs.writeFileSync(opts.resultsFile, JSON.stringify(result, null, 2) + '\n');
      log(`wrote ${path.relative(process.cwd(), opts.resultsFile)}`);
    }
    return result;
  } finally {
    for (const d of desks) await d.close().catch(() => undefined);
    await server?.stop();
    await pgDb?.drop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
