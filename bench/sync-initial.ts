/**
 * `npm run bench -- sync-initial`: an empty desk's first sync from a clinic of 200,000 patients and
 * 1,000,000 appointments, end to end — the real sync server (PostgreSQL when DATABASE_URL is set, else
 * embedded PGlite), the unmodified Electric ShapeStream in the desk core, rows applied into the desk's
 * SQLite — timed from sync.join until every shape is up to date. In the same run, the floor: the same
 * rows inserted straight into a fresh desk database with better-sqlite3 (same schema, indexes, triggers,
 * synchronous=FULL, the same bulk load for large tables), no server, no network, no parsing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ShapeStream } from '@electric-sql/client';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { DB_FILE_NAME, openCore } from '../src-main/core/core';
import { beginBulk, finishBulk } from '../src-main/core/db/bulk';
import { BULK_MIN_ROWS, shapeParser } from '../src-main/core/sync/apply';
import { SHAPE_NAMES, shapeColumns, type ShapeName } from '../src-shared/sync/shapes';
import { openCentralDatabase, type CentralDb } from '../src-server/db/open';
import { createClinic } from '../src-server/services/clinics';
import { createEnrolmentCode } from '../src-server/services/devices';
import { createPostgresDatabase } from '../src-server/test/backends';
import { spawnServer, type SpawnedServer } from '../src-server/test/spawn';
import { BENCH_SCRYPT, call } from './patients';
import { elapsedMs, now } from './stats';

export interface SyncInitialOptions {
  patients: number;
  appointments: number;
  doctors: number;
  /** On the PostgreSQL of DATABASE_URL (a fresh database, dropped afterwards); otherwise embedded PGlite. */
  postgres: boolean;
  resultsFile: string | null;
  log: (line: string) => void;
}

export const SYNC_INITIAL_DEFAULTS = { patients: 200_000, appointments: 1_000_000, doctors: 20 };
export const SYNC_INITIAL_TARGETS = { initial_rows_per_s: 50_000, vs_raw: 0.25 };

const ADMIN_PASSWORD = 'bench-admin-password';
const FIRST_NAMES = ['Aarav', 'Aditi', 'Amit', 'Ananya', 'Arjun', 'Bhavna', 'Deepak', 'Divya', 'Farhan', 'Gaurav', 'Harini', 'Ishaan', 'Kavya', 'Lakshmi', 'Manoj', 'Meera', 'Nikhil', 'Pooja', 'Priya', 'Rahul', 'Ravi', 'Sanjay', 'Shreya', 'Sunita', 'Tanvi', 'Vikram', 'Zoya', 'Kiran', 'Suresh', 'Anjali'];
const SURNAMES = ['Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Kulkarni', 'Deshpande', 'Khan', 'Singh', 'Joshi', 'Menon', 'Rao', 'Das', 'Chatterjee', 'Pillai', 'Bhat', 'Shetty', 'Verma', 'Mishra'];

const pgArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

/** The clinic's rows, generated inside the central database (INSERT … SELECT generate_series), in batches. */
async function seedCentral(central: CentralDb, opts: SyncInitialOptions, log: (line: string) => void): Promise<{ clinicId: string; adminId: string }> {
  const { clinicId, adminId } = await createClinic(
    central.db,
    { clinic: { legalName: 'Bench Multispeciality Clinic', addressLine: '12 MG Road', city: 'Pune', stateCode: '27', pincode: '411001' }, admin: { displayName: 'Asha Kulkarni', username: 'admin', password: ADMIN_PASSWORD } },
    { now: new Date('2024-01-01T03:30:00Z'), scrypt: BENCH_SCRYPT },
  );
  const db = central.db;
  // Ids as desks make them (UUIDv7: a millisecond timestamp first, so rows made later sort later), from the
  // row's kind, number and creation instant — deterministic, so an appointment can name its patient's id.
  await sql
    .raw(
      `CREATE FUNCTION bench_uuid7(kind text, n bigint, ts timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
         SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12)
         FROM (SELECT lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(kind || n), 1, 3) || '8' || substr(md5(kind || n), 4, 15) AS h) x
       $$`,
    )
    .execute(db);
  const at = (n: string) => `timestamptz '2024-01-01T04:00:00Z' + ${n} * interval '1 second'`;
  const conv = `'${clinicId}', ${at('i')}, ${at('i')}, '${adminId}', NULL`;
  const convCols = 'clinic_id, created_at, updated_at, updated_by, deleted_at';
  await sql
    .raw(
      `INSERT INTO staff (id, username, display_name, role, password_hash, active, ${convCols})
       SELECT bench_uuid7('doctor', i, ${at('i')}), 'doctor' || i, 'Dr ' || (${pgArray(FIRST_NAMES)})[1 + i % 30] || ' ' || (${pgArray(SURNAMES)})[1 + i % 20], 'doctor',
              (SELECT password_hash FROM staff WHERE id = '${adminId}'), 1, ${conv}
       FROM generate_series(1, ${opts.doctors}) AS i`,
    )
    .execute(db);
  await sql
    .raw(
      `INSERT INTO doctor_profiles (id, staff_id, specialty, registration_number, consultation_fee_paise, room, ${convCols})
       SELECT bench_uuid7('profile', i, ${at('i')}), bench_uuid7('doctor', i, ${at('i')}), 'General medicine', 'MMC-' || (40000 + i), 50000, 'Room ' || i, ${conv}
       FROM generate_series(1, ${opts.doctors}) AS i`,
    )
    .execute(db);
  const BATCH = 50_000;
  let started = now();
  for (let from = 1; from <= opts.patients; from += BATCH) {
    const to = Math.min(opts.patients, from + BATCH - 1);
    await sql
      .raw(
        `INSERT INTO patients (id, mrn, full_name, sex, date_of_birth, dob_estimated, mobile, email, address_line, city, state_code, pincode,
           emergency_name, emergency_relation, emergency_phone, abha_number, consent_messages, consent_messages_at, consent_data_processing, consent_data_processing_at, ${convCols})
         SELECT bench_uuid7('patient', i, ${at('i')}), 'SRV-' || lpad(i::text, 7, '0') || '-B',
                (${pgArray(FIRST_NAMES)})[1 + i % 30] || ' ' || (${pgArray(SURNAMES)})[1 + (i / 30) % 20] || CASE WHEN i % 3 = 0 THEN ' ' || (${pgArray(FIRST_NAMES)})[1 + (i / 7) % 30] ELSE '' END,
                CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, date '1950-01-01' + (i % 25000), 0,
                '9' || lpad(((i::bigint * 7919) % 1000000000)::text, 9, '0'), NULL, (1 + i % 300) || ' Station Road', 'Pune', '27', '4110' || lpad((i % 99)::text, 2, '0'),
                NULL, NULL, NULL, NULL, 1, timestamptz '2024-01-01T04:00:00Z', 1, timestamptz '2024-01-01T04:00:00Z', ${conv}
         FROM generate_series(${from}, ${to}) AS i`,
      )
      .execute(db);
  }
  log(`  central: ${opts.patients.toLocaleString('en-IN')} patients in ${(elapsedMs(started) / 1000).toFixed(1)} s`);
  started = now();
  for (let from = 1; from <= opts.appointments; from += BATCH) {
    const to = Math.min(opts.appointments, from + BATCH - 1);
    await sql
      .raw(
        `INSERT INTO appointments (id, patient_id, doctor_id, date, start_minutes, end_minutes, kind, type, status, machine_version,
           hold_expires_at, token, checked_in_at, desk_notes, cancel_reason, ${convCols})
         SELECT bench_uuid7('appt', i, ${at('i')}), bench_uuid7('patient', 1 + (i::bigint * 7919) % ${opts.patients}, ${at(`(1 + (i::bigint * 7919) % ${opts.patients})`)}),
                bench_uuid7('doctor', 1 + i % ${opts.doctors}, ${at(`(1 + i % ${opts.doctors})`)}),
                date '2024-01-01' + (i / 1000)::int, 540 + ((i / ${opts.doctors}) % 48) * 10, 550 + ((i / ${opts.doctors}) % 48) * 10,
                'slot', CASE WHEN i % 5 = 0 THEN 'new' ELSE 'follow_up' END, CASE WHEN i % 23 = 0 THEN 'cancelled' ELSE 'completed' END, 1,
                NULL, NULL, NULL, CASE WHEN i % 11 = 0 THEN 'Bring earlier reports' ELSE NULL END, CASE WHEN i % 23 = 0 THEN 'Patient called to cancel' ELSE NULL END, ${conv}
         FROM generate_series(${from}, ${to}) AS i`,
      )
      .execute(db);
  }
  log(`  central: ${opts.appointments.toLocaleString('en-IN')} appointments in ${(elapsedMs(started) / 1000).toFixed(1)} s`);
  await sql.raw('ANALYZE').execute(db);
  return { clinicId, adminId };
}

/**
 * The floor: the desk's rows inserted into a fresh desk database directly, table by table, 10,000 a
 * transaction, a large table loaded as the sync loads it (secondary indexes and triggers set aside and
 * rebuilt at the end, src-main/core/db/bulk.ts) — the fastest this schema takes these rows locally.
 */
async function rawInsertRate(syncedFile: string, station: 'front_desk', workDir: string): Promise<{ rows: number; ms: number; perTable: Record<string, { rows: number; rows_per_s: number }> }> {
  const perTable: Record<string, { rows: number; rows_per_s: number }> = {};
  const dir = path.join(workDir, 'raw');
  const probe = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
  await probe.close();
  const source = new Database(syncedFile, { readonly: true });
  const target = new Database(path.join(dir, DB_FILE_NAME));
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = FULL');
  target.pragma('foreign_keys = ON');
  target.pragma('cache_size = -65536'); // as the desk's own connection
  let rows = 0;
  let ms = 0;
  try {
    for (const table of SHAPE_NAMES) {
      // The rows as they end up on the desk: the station's columns and the desk's own derived ones
      // (an appointment's patient label), so the floor does no work the sync does not.
      const local = (source.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).filter((c) => c === 'patient_name' || c === 'patient_mrn');
      const columns = [...shapeColumns(table, station), ...local];
      const all = source.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw(true).all() as unknown[][];
      const insert = target.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      const batch = target.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) insert.run(all[i]!);
      });
      const t = now();
      // The same bulk path the sync takes for a large first snapshot: indexes and triggers aside, rebuilt at the end.
      const bulk = all.length >= BULK_MIN_ROWS;
      if (bulk) target.transaction(() => beginBulk(target, table))();
      for (let i = 0; i < all.length; i += 10_000) batch(i, Math.min(all.length, i + 10_000));
      if (bulk) target.transaction(() => finishBulk(target, table))();
      const took = elapsedMs(t);
      ms += took;
      rows += all.length;
      perTable[table] = { rows: all.length, rows_per_s: Math.round(all.length / Math.max(took / 1000, 1e-9)) };
    }
  } finally {
    source.close();
    target.close();
  }
  return { rows, ms, perTable };
}

/**
 * What the desk's sync costs before SQLite: the same snapshots of the large tables streamed again from the
 * running server through the unmodified ShapeStream (with the desk's parser), concurrently as the desk
 * streams them, counted and dropped. The ceiling of initial_rows_per_s on this machine whatever the apply does.
 */
async function transportRate(serverUrl: string, deskFile: string, tables: ShapeName[]): Promise<{ rows: number; ms: number }> {
  const desk = new Database(deskFile, { readonly: true });
  const credential = desk.prepare('SELECT credential FROM sync_connection').pluck().get() as string;
  desk.close();
  const started = now();
  const counts = await Promise.all(
    tables.map(
      (table) =>
        new Promise<number>((resolve, reject) => {
          const controller = new AbortController();
          let rows = 0;
          const stream = new ShapeStream({
            url: `${serverUrl}/v1/shape`,
            params: { table },
            headers: { Authorization: `Bearer ${credential}` },
            parser: shapeParser,
            signal: controller.signal,
            onError: (err) => {
              controller.abort();
              reject(err);
            },
          });
          stream.subscribe((messages) => {
            for (const m of messages) {
              if ('value' in m) rows++;
              else if ((m.headers as { control?: string }).control === 'up-to-date') {
                controller.abort();
                resolve(rows);
              }
            }
          });
        }),
    ),
  );
  return { rows: counts.reduce((a, b) => a + b, 0), ms: elapsedMs(started) };
}

export async function runSyncInitialBench(opts: SyncInitialOptions): Promise<Record<string, unknown>> {
  const log = opts.log;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-sync-bench-'));
  const pgDb = opts.postgres ? await createPostgresDatabase() : null;
  const central = await openCentralDatabase(pgDb ? { kind: 'postgres', url: pgDb.url } : { kind: 'pglite', dataDir: path.join(workDir, 'central') });
  const backend = pgDb ? 'postgres' : 'pglite';
  log(`sync-initial bench on ${backend}: ${opts.patients.toLocaleString('en-IN')} patients, ${opts.appointments.toLocaleString('en-IN')} appointments, ${opts.doctors} doctors`);
  let server: SpawnedServer | null = null;
  let centralOpen = true;
  try {
    const seedStarted = now();
    const { clinicId, adminId } = await seedCentral(central, opts, log);
    const seedS = elapsedMs(seedStarted) / 1000;
    const code = await createEnrolmentCode(central.db, { clinicId, createdBy: adminId, now: new Date(), stationRole: 'front_desk' });
    // The server in its own process, as deployed (and on a machine of its own, in a real clinic): the desk's
    // JavaScript thread is not shared with it.
    await central.close();
    centralOpen = false;
    const env: NodeJS.ProcessEnv = { ...process.env, CLINICDESK_LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    if (pgDb) env.DATABASE_URL = pgDb.url;
    server = await spawnServer({ env, dataDir: path.join(workDir, 'central') });

    const deskDir = path.join(workDir, 'desk');
    const desk = await openCore({ dataDir: deskDir, scrypt: BENCH_SCRYPT, integrityCheck: 'off', sync: { joinTimeoutMs: 30 * 60_000 } });
    let initialMs: number;
    let initialRows: number;
    try {
      const started = now();
      await call(desk, 'sync.join', { serverUrl: server.url, code: code.code, deviceName: 'Bench desk' }, null);
      for (;;) {
        const status = await call(desk, 'sync.status', {}, null);
        if (status.state === 'revoked') throw new Error('the bench desk was refused by the server');
        if (status.shapes.length > 0 && status.shapes.every((s) => s.upToDate)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      initialMs = elapsedMs(started);
      const file = path.join(deskDir, DB_FILE_NAME);
      const check = new Database(file, { readonly: true });
      initialRows = SHAPE_NAMES.reduce((n, table) => n + (check.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number), 0);
      const expected = opts.patients + opts.appointments;
      const got = (check.prepare('SELECT count(*) FROM patients').pluck().get() as number) + (check.prepare('SELECT count(*) FROM appointments').pluck().get() as number);
      check.close();
      if (got !== expected) throw new Error(`the desk holds ${got} patients + appointments after sync, expected ${expected}`);
    } finally {
      await desk.close();
    }
    const initialRowsPerS = initialRows / (initialMs / 1000);
    log(`initial sync: ${initialRows.toLocaleString('en-IN')} rows in ${(initialMs / 1000).toFixed(1)} s = ${Math.round(initialRowsPerS).toLocaleString('en-IN')} rows/s`);

    const transport = await transportRate(server.url, path.join(deskDir, DB_FILE_NAME), ['patients', 'appointments']);
    log(
      `transport alone (server + HTTP + the unmodified ShapeStream parsing, nothing written): ${transport.rows.toLocaleString('en-IN')} rows in ${(transport.ms / 1000).toFixed(1)} s = ${Math.round(transport.rows / (transport.ms / 1000)).toLocaleString('en-IN')} rows/s`,
    );

    const raw = await rawInsertRate(path.join(deskDir, DB_FILE_NAME), 'front_desk', workDir);
    const rawRowsPerS = raw.rows / (raw.ms / 1000);
    log(`raw better-sqlite3 insert of the same rows: ${raw.rows.toLocaleString('en-IN')} rows in ${(raw.ms / 1000).toFixed(1)} s = ${Math.round(rawRowsPerS).toLocaleString('en-IN')} rows/s`);
    log(`  raw per table: ${JSON.stringify(raw.perTable)}`);
    const ratio = initialRowsPerS / rawRowsPerS;
    const result = {
      initial_rows: initialRows,
      initial_rows_per_s: Math.round(initialRowsPerS),
      raw_insert_rows_per_s: Math.round(rawRowsPerS),
      initial_vs_raw: Math.round(ratio * 1000) / 1000,
      initial_s: Math.round(initialMs / 100) / 10,
      raw_per_table: raw.perTable,
      transport_rows_per_s: Math.round(transport.rows / (transport.ms / 1000)),
      targets: SYNC_INITIAL_TARGETS,
      targets_met: { initial_rows_per_s: initialRowsPerS >= SYNC_INITIAL_TARGETS.initial_rows_per_s, vs_raw: ratio >= SYNC_INITIAL_TARGETS.vs_raw },
      data: { backend, patients: opts.patients, appointments: opts.appointments, doctors: opts.doctors, station: 'front_desk', central_seed_s: Math.round(seedS * 10) / 10 },
      machine: { cpu: os.cpus()[0]?.model.split(' ').slice(0, 2).join(' '), cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_average_1m: os.loadavg()[0] },
      measured_at: new Date().toISOString(),
    };
    log(
      `targets: ${result.initial_rows_per_s} ≥ ${SYNC_INITIAL_TARGETS.initial_rows_per_s} rows/s ${result.targets_met.initial_rows_per_s ? 'OK' : 'MISSED'}; ` +
        `${result.initial_vs_raw} ≥ ${SYNC_INITIAL_TARGETS.vs_raw} × raw ${result.targets_met.vs_raw ? 'OK' : 'MISSED'}`,
    );
    if (opts.resultsFile) {
      fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
      fs.writeFileSync(opts.resultsFile, JSON.stringify(result, null, 2) + '\n');
      log(`wrote ${path.relative(process.cwd(), opts.resultsFile)}`);
    }
    return result;
  } finally {
    await server?.stop();
    if (centralOpen) await central.close();
    await pgDb?.drop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
