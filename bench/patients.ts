/**
 * Patient benchmark: a desk database seeded with N generated patients, then patients.search and
 * patients.register measured through the core's ClinicApi (core.call), against the raw FTS5 floor.
 *
 *   npm run bench -- patients [--count 1000000] [--seed 20240601] [--queries 1000] [--warmup 50]
 *                             [--registrations 300] [--reuse] [--no-full-check] [--seed-batch 50000] [--out file.json]
 *
 * Each run seeds a fresh database in bench/.data/ (about a minute at 1M). --reuse keeps a pristine
 * copy of the seeded file and reuses it while the generator version, seed, count, batch and schema match.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { DB_FILE_NAME, openCore, type ClinicCore } from '../src-main/core/core';
import type { MethodInput, MethodName, MethodOutput } from '../src-shared/api/contract';
import type { PatientSearchResult } from '../src-shared/api/types';
import { classifyPatientQuery, patientFtsMatch } from '../src-shared/domain/patientSearch';
import { formatMrn } from '../src-shared/mrn';
import { formatIndianMobile } from '../src-shared/validation/phone';
import { GENERATOR_VERSION, PatientGenerator, Rng, makeQueries, randomMobile, seededUuidV7, type BenchQuery, type GeneratedPatient } from './generate';
import { elapsedMs, ms, now, summarize } from './stats';

export const BENCH_SCRYPT = { log2N: 10, r: 8, p: 1 };
export const DESK_USER = { username: 'desk', password: 'bench-desk-password' };
const CLINIC = {
  legalName: 'Sahyadri Family Clinic LLP',
  tradeName: 'Sahyadri Clinic',
  addressLine: '221, Karve Road, Kothrud',
  city: 'Pune',
  stateCode: '27',
  pincode: '411038',
};
export const ADMIN = { displayName: 'Asha Kulkarni', username: 'admin', password: 'bench-admin-password' };

export const TARGETS = { search_p95_ms: 15, search_vs_raw_p95: 3, register_p95_ms: 10 };

export interface PatientsBenchOptions {
  /** Folder for the databases (bench/.data by default). */
  dataDir: string;
  count: number;
  seed: number;
  queries: number;
  warmup: number;
  registrations: number;
  /** Uncounted registrations first (JIT, statement caches). */
  registerWarmup: number;
  /** Where to write the JSON result (null: do not write). */
  resultsFile: string | null;
  /** Reuse a cached seeded database when its generator version, seed, count and schema match. */
  reuse: boolean;
  /** Time PRAGMA integrity_check (full) on the seeded database. */
  fullIntegrityCheck: boolean;
  /**
   * Patients per seeding transaction. 1 builds the FTS index exactly as one-by-one registrations do
   * (many small segments, automerged) — slow, for checking that bulk seeding does not flatter search.
   */
  seedBatch: number;
  log: (line: string) => void;
}

export const DEFAULTS: Omit<PatientsBenchOptions, 'dataDir' | 'resultsFile' | 'log'> = {
  count: 1_000_000,
  seed: 20240601,
  queries: 1000,
  warmup: 50,
  registrations: 300,
  registerWarmup: 10,
  reuse: false,
  fullIntegrityCheck: true,
  seedBatch: 50_000,
};

export async function call<M extends MethodName>(core: ClinicCore, method: M, input: MethodInput<M>, token: string | null): Promise<MethodOutput<M>> {
  const r = await core.call(method, input, { token });
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.reason ?? ''} ${r.error.message}`);
  return r.data as MethodOutput<M>;
}

const INSERT_COLUMNS = [
  'rid', 'id', 'mrn', 'full_name', 'sex', 'date_of_birth', 'dob_estimated', 'mobile', 'email', 'address_line', 'city', 'state_code',
  'pincode', 'emergency_name', 'emergency_relation', 'emergency_phone', 'abha_number', 'consent_messages', 'consent_messages_at',
  'consent_data_processing', 'consent_data_processing_at', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at',
];

/** What the seeded database depends on: a cached copy is reused only when all of it matches. */
function seedKey(opts: Pick<PatientsBenchOptions, 'count' | 'seed' | 'seedBatch'>, schemaSql: string) {
  return {
    generatorVersion: GENERATOR_VERSION,
    seed: opts.seed,
    count: opts.count,
    seedBatch: opts.seedBatch,
    schema: createHash('sha256').update(schemaSql).digest('hex').slice(0, 16),
  };
}

export function schemaSql(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").all() as { sql: string }[];
    return rows.map((r) => r.sql).join(';\n');
  } finally {
    db.close();
  }
}

/** Copies a database file and flushes it to disk, so its write-back does not disturb the measurements. */
export function copyDurably(from: string, to: string): void {
  fs.copyFileSync(from, to);
  const fd = fs.openSync(to, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}

export interface SeedOutcome {
  seedMs: number;
  insertMs: number;
  reused: boolean;
  series: string;
}

/**
 * A fresh desk: clinic and staff made through the core, then the patients inserted directly in big
 * transactions (the FTS triggers index them, as they would every registration).
 */
async function seed(dir: string, opts: PatientsBenchOptions): Promise<SeedOutcome> {
  const file = path.join(dir, DB_FILE_NAME);
  const started = now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
  try {
    const admin = await call(core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN }, null);
    await call(core, 'staff.create', { displayName: 'Front Desk', username: DESK_USER.username, role: 'front_desk', password: DESK_USER.password }, admin.token);
  } finally {
    await core.close();
  }

  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // As the app. Only tiny experimental batches skip the fsyncs: the file's contents are the same either way.
  db.pragma(opts.seedBatch >= 1000 ? 'synchronous = FULL' : 'synchronous = OFF');
  const device = db.prepare('SELECT patient_series, patient_next FROM device').get() as { patient_series: string; patient_next: number };
  const admin = db.prepare("SELECT id, clinic_id FROM staff WHERE role = 'admin'").get() as { id: string; clinic_id: string };
  const insert = db.prepare(`INSERT INTO patients (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`);
  const generator = new PatientGenerator(opts.seed, { count: opts.count });
  const idRng = new Rng(opts.seed ^ 0x5eed1d5);
  const insertStarted = now();
  const BATCH = Math.max(1, opts.seedBatch);
  const reportEvery = Math.max(1, Math.round(200_000 / BATCH));
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = generator.next();
      const at = new Date(p.registeredAtMs).toISOString();
      const seq = device.patient_next + i;
      insert.run(
        seq,
        seededUuidV7(idRng, p.registeredAtMs),
        formatMrn(device.patient_series, seq),
        p.fullName,
        p.sex,
        p.dateOfBirth,
        p.dobEstimated ? 1 : 0,
        p.mobile,
        p.email,
        p.addressLine,
        p.city,
        p.stateCode,
        p.pincode,
        p.emergencyName,
        p.emergencyRelation,
        p.emergencyPhone,
        p.abhaNumber,
        p.consentMessages ? 1 : 0,
        p.consentMessages ? at : null,
        p.consentDataProcessing ? 1 : 0,
        p.consentDataProcessing ? at : null,
        admin.clinic_id,
        at,
        at,
        admin.id,
        null,
        null,
      );
    }
  });
  for (let from = 0; from < opts.count; from += BATCH) {
    insertBatch(from, Math.min(opts.count, from + BATCH));
    if ((from / BATCH) % reportEvery === reportEvery - 1) opts.log(`  seeded ${Math.min(opts.count, from + BATCH).toLocaleString('en-IN')} patients (${(elapsedMs(insertStarted) / 1000).toFixed(1)} s)`);
  }
  // Later registrations continue the desk's series.
  db.prepare('UPDATE device SET patient_next = ?').run(device.patient_next + opts.count);
  const insertMs = elapsedMs(insertStarted);
  // Everything on disk before measuring: no write-back of the seed competing with the measured fsyncs.
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seedMs: elapsedMs(started), insertMs, reused: false, series: device.patient_series };
}

/** Seeds, or copies a cached seeded database when --reuse and the cache matches exactly. */
export async function prepareDatabase(dir: string, opts: PatientsBenchOptions): Promise<SeedOutcome> {
  const file = path.join(dir, DB_FILE_NAME);
  const cacheFile = path.join(opts.dataDir, `patients-${opts.count}${opts.seedBatch === DEFAULTS.seedBatch ? '' : `-batch${opts.seedBatch}`}.seeded.sqlite`);
  const metaFile = `${cacheFile}.json`;
  if (opts.reuse && fs.existsSync(cacheFile) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as ReturnType<typeof seedKey> & { seedMs: number; insertMs: number; series: string };
    const expected = seedKey(opts, schemaSql(cacheFile));
    if (meta.generatorVersion === expected.generatorVersion && meta.seed === expected.seed && meta.count === expected.count && meta.seedBatch === expected.seedBatch && meta.schema === expected.schema) {
      // The schema compared is the cached file's; check it matches what this build's migrations make.
      const fresh = path.join(opts.dataDir, 'schema-probe');
      fs.rmSync(fresh, { recursive: true, force: true });
      const probe = await openCore({ dataDir: fresh, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
      await probe.close();
      const currentSchema = seedKey(opts, schemaSql(path.join(fresh, DB_FILE_NAME))).schema;
      fs.rmSync(fresh, { recursive: true, force: true });
      if (currentSchema === meta.schema) {
        opts.log(`reusing cached seeded database ${path.relative(process.cwd(), cacheFile)}`);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        copyDurably(cacheFile, file);
        return { seedMs: meta.seedMs, insertMs: meta.insertMs, reused: true, series: meta.series };
      }
    }
    opts.log('cached seeded database does not match (generator, seed, count or schema): seeding afresh');
  }
  const outcome = await seed(dir, opts);
  if (opts.reuse) {
    removeDb(cacheFile);
    copyDurably(file, cacheFile);
    fs.writeFileSync(metaFile, JSON.stringify({ ...seedKey(opts, schemaSql(file)), seedMs: outcome.seedMs, insertMs: outcome.insertMs, series: outcome.series }, null, 2));
  }
  return outcome;
}

function timePragma(file: string, pragma: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const t = now();
    const rows = db.pragma(pragma) as Array<Record<string, string>>;
    const took = elapsedMs(t);
    const first = rows[0] ? Object.values(rows[0])[0] : 'ok';
    if (rows.length !== 1 || first !== 'ok') throw new Error(`${pragma} failed: ${JSON.stringify(rows.slice(0, 5))}`);
    return took;
  } finally {
    db.close();
  }
}

/** A registration as the desk's form sends it (mobile typed as "+91 98765 43210" now and then). */
export function registrationInput(p: GeneratedPatient, mobile: string, rng: Rng): MethodInput<'patients.register'>['patient'] {
  const ageYears = Math.floor((Date.UTC(2026, 0, 1) - Date.parse(`${p.dateOfBirth}T00:00:00Z`)) / (365.2425 * 86400000));
  return {
    fullName: p.fullName,
    sex: p.sex,
    ...(p.dobEstimated ? { ageYears: Math.max(0, ageYears) } : { dateOfBirth: p.dateOfBirth }),
    mobile: rng.chance(0.3) ? formatIndianMobile(mobile) : mobile,
    email: p.email ?? '',
    addressLine: p.addressLine ?? '',
    city: p.city ?? '',
    stateCode: p.stateCode,
    pincode: p.pincode ?? '',
    emergencyName: p.emergencyName ?? '',
    emergencyRelation: p.emergencyRelation ?? '',
    emergencyPhone: p.emergencyPhone ?? '',
    abhaNumber: p.abhaNumber ?? '',
    consentMessages: p.consentMessages,
    consentDataProcessing: p.consentDataProcessing,
  };
}

export interface PatientsBenchResult {
  patients: number;
  search_p50_ms: number;
  search_p95_ms: number;
  raw_search_p95_ms: number;
  register_p95_ms: number;
  [extra: string]: unknown;
}

export async function runPatientsBench(opts: PatientsBenchOptions): Promise<PatientsBenchResult> {
  const log = opts.log;
  const dir = path.join(opts.dataDir, `patients-${opts.count}${opts.seedBatch === DEFAULTS.seedBatch ? '' : `-batch${opts.seedBatch}`}`);
  const file = path.join(dir, DB_FILE_NAME);
  log(`patients benchmark: ${opts.count.toLocaleString('en-IN')} patients, seed ${opts.seed}, ${opts.queries} queries (+${opts.warmup} warm-up), ${opts.registrations} registrations`);

  // 1. Seed.
  const seeded = await prepareDatabase(dir, opts);
  log(
    seeded.reused
      ? `seeded database copied from cache (it took ${(seeded.seedMs / 1000).toFixed(1)} s to seed)`
      : `seeded in ${(seeded.seedMs / 1000).toFixed(1)} s (patient inserts ${(seeded.insertMs / 1000).toFixed(1)} s, ${Math.round(opts.count / (seeded.insertMs / 1000)).toLocaleString('en-IN')}/s)`,
  );
  const dbSizeBytes = fs.statSync(file).size;
  log(`database size ${(dbSizeBytes / 1024 / 1024).toFixed(1)} MiB`);

  // 2. Integrity checks, timed on their own.
  const quickCheckMs = timePragma(file, 'quick_check');
  log(`quick_check ${(quickCheckMs / 1000).toFixed(2)} s`);
  let fullCheckMs: number | null = null;
  if (opts.fullIntegrityCheck) {
    fullCheckMs = timePragma(file, 'integrity_check');
    log(`integrity_check (full) ${(fullCheckMs / 1000).toFixed(2)} s`);
  }

  // 3. Open the desk as the app does (quick check at this size) and sign in at the front desk.
  const loadBefore = os.loadavg();
  const openStarted = now();
  const core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'quick' });
  const coreOpenMs = elapsedMs(openStarted);
  const raw = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const session = await call(core, 'auth.signIn', DESK_USER, null);
    const token = session.token;

    // 4. Queries from the seeded data.
    const sampleStmt = raw.prepare('SELECT rid, full_name AS fullName, mobile, mrn FROM patients WHERE rid = ?');
    const all = makeQueries(opts.seed + 1, opts.warmup + opts.queries, opts.count, (rid) => sampleStmt.get(rid) as ReturnType<Parameters<typeof makeQueries>[3]>);
    const warm = all.slice(0, opts.warmup);
    const queries = all.slice(opts.warmup);

    const rawStmt = raw.prepare('SELECT rowid FROM patients_fts WHERE patients_fts MATCH ? ORDER BY rowid DESC LIMIT 51');
    const rawSearch = (q: BenchQuery) => {
      const match = patientFtsMatch(classifyPatientQuery(q.text));
      return match ? (rawStmt.all(match) as unknown[]).length : 0;
    };
    const coreSearch = (q: BenchQuery) => call(core, 'patients.search', { query: q.text, limit: 50 }, token) as Promise<PatientSearchResult>;

    for (const q of warm) rawSearch(q);
    for (const q of warm) await coreSearch(q);

    // Raw FTS5 floor and the core, interleaved query by query (alternating which goes first), so
    // both see the same machine: other work on a shared box shifts them alike.
    const rawTimes: number[] = [];
    const rawHits: number[] = [];
    const searchTimes: number[] = [];
    const results: PatientSearchResult[] = [];
    const measureRaw = (q: BenchQuery) => {
      const t = now();
      rawHits.push(rawSearch(q));
      rawTimes.push(elapsedMs(t));
    };
    const measureCore = async (q: BenchQuery) => {
      const t = now();
      const result = await coreSearch(q);
      searchTimes.push(elapsedMs(t));
      results.push(result);
    };
    for (const [i, q] of queries.entries()) {
      if (i % 2 === 0) measureRaw(q);
      await measureCore(q);
      if (i % 2 === 1) measureRaw(q);
    }
    let found = 0;
    let more = 0;
    let totalResults = 0;
    for (const [i, q] of queries.entries()) {
      const result = results[i]!;
      totalResults += result.patients.length;
      if (result.more) more++;
      if (Math.min(rawHits[i]!, 50) !== result.patients.length) {
        throw new Error(`search "${q.text}" returned ${result.patients.length} patients, the raw index ${rawHits[i]}`);
      }
      if (result.kind !== q.kind) throw new Error(`search "${q.text}" was read as ${result.kind}, made as ${q.kind}`);
      const sourceMrn = (sampleStmt.get(q.sourceRid) as { mrn: string }).mrn;
      if (result.patients.some((p) => p.mrn === sourceMrn)) found++;
    }
    const search = summarize(searchTimes);
    const rawSummary = summarize(rawTimes);
    log(`search  p50 ${search.p50_ms} ms  p95 ${search.p95_ms} ms  p99 ${search.p99_ms} ms  max ${search.max_ms} ms`);
    log(`raw FTS p50 ${rawSummary.p50_ms} ms  p95 ${rawSummary.p95_ms} ms  p99 ${rawSummary.p99_ms} ms  max ${rawSummary.max_ms} ms`);

    const byKey = (key: (q: BenchQuery) => string) => {
      const groups = new Map<string, number[]>();
      queries.forEach((q, i) => {
        const k = key(q);
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k)!.push(i);
      });
      return Object.fromEntries(
        [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, idx]) => {
          const s = summarize(idx.map((i) => searchTimes[i]!));
          const r = summarize(idx.map((i) => rawTimes[i]!));
          return [k, { n: s.n, search_p50_ms: s.p50_ms, search_p95_ms: s.p95_ms, search_max_ms: s.max_ms, raw_p50_ms: r.p50_ms, raw_p95_ms: r.p95_ms, raw_max_ms: r.max_ms }];
        }),
      );
    };
    const perKind = byKey((q) => q.kind);
    const perVariant = byKey((q) => q.variant);
    for (const [k, v] of Object.entries(perKind)) log(`  ${k.padEnd(7)} n=${v.n}  search p95 ${v.search_p95_ms} ms  raw p95 ${v.raw_p95_ms} ms`);
    const slowest = queries
      .map((q, i) => ({ query: q.text, variant: q.variant, search_ms: ms(searchTimes[i]!), raw_ms: ms(rawTimes[i]!), raw_hits: rawHits[i]! }))
      .sort((a, b) => b.search_ms - a.search_ms)
      .slice(0, 10);

    // 5. Registrations through the core: new, unused mobile numbers (no duplicate warning).
    const regRng = new Rng(opts.seed + 2);
    const regGenerator = new PatientGenerator(opts.seed + 3, { count: opts.registerWarmup + opts.registrations });
    const mobileTaken = raw.prepare('SELECT 1 FROM patients WHERE mobile = ? LIMIT 1').pluck();
    const used = new Set<string>();
    const freshMobile = () => {
      for (;;) {
        const m = randomMobile(regRng);
        if (!used.has(m) && mobileTaken.get(m) === undefined) {
          used.add(m);
          return m;
        }
      }
    };
    const registerTimes: number[] = [];
    let firstMrn: string | null = null;
    let lastRegistered: { id: string; mobile: string; mrn: string } | null = null;
    for (let i = 0; i < opts.registerWarmup + opts.registrations; i++) {
      const input = registrationInput(regGenerator.next(), freshMobile(), regRng);
      const t = now();
      const patient = await call(core, 'patients.register', { patient: input, confirmNotDuplicate: false }, token);
      const took = elapsedMs(t);
      if (i >= opts.registerWarmup) registerTimes.push(took);
      firstMrn ??= patient.mrn;
      lastRegistered = { id: patient.id, mobile: patient.mobile, mrn: patient.mrn };
    }
    const register = summarize(registerTimes);
    log(`register p50 ${register.p50_ms} ms  p95 ${register.p95_ms} ms  p99 ${register.p99_ms} ms  max ${register.max_ms} ms`);
    // The series continues after the seeded patients, and a new patient is found at once.
    const expectedFirst = formatMrn(seeded.series, opts.count + 1);
    if (firstMrn !== expectedFirst) throw new Error(`first registration got MRN ${firstMrn}, expected ${expectedFirst}`);
    if (lastRegistered) {
      const r = await call(core, 'patients.search', { query: lastRegistered.mobile, limit: 50 }, token);
      if (!r.patients.some((p) => p.id === lastRegistered!.id)) throw new Error('a new registration was not found by its mobile number');
    }

    const ratio = search.p95_ms / rawSummary.p95_ms;
    const result: PatientsBenchResult = {
      patients: opts.count,
      search_p50_ms: search.p50_ms,
      search_p95_ms: search.p95_ms,
      raw_search_p95_ms: rawSummary.p95_ms,
      register_p95_ms: register.p95_ms,
      targets: TARGETS,
      targets_met: {
        search_p95: search.p95_ms <= TARGETS.search_p95_ms,
        search_vs_raw: ratio <= TARGETS.search_vs_raw_p95,
        register_p95: register.p95_ms <= TARGETS.register_p95_ms,
      },
      search_vs_raw_p95: Math.round(ratio * 100) / 100,
      search: search,
      raw_search: rawSummary,
      register: register,
      search_per_kind: perKind,
      search_per_variant: perVariant,
      slowest_searches: slowest,
      queries: opts.queries,
      warmup_queries: opts.warmup,
      registrations: opts.registrations,
      register_warmup: opts.registerWarmup,
      queries_finding_source_patient: found,
      queries_with_more: more,
      mean_results_per_query: Math.round((totalResults / Math.max(1, queries.length)) * 10) / 10,
      seed: {
        seed: opts.seed,
        generator_version: GENERATOR_VERSION,
        reused_cached_db: seeded.reused,
        patients_per_transaction: opts.seedBatch,
        seed_s: Math.round(seeded.seedMs / 100) / 10,
        patient_inserts_s: Math.round(seeded.insertMs / 100) / 10,
      },
      db: {
        size_bytes: dbSizeBytes,
        size_mib: Math.round((dbSizeBytes / 1024 / 1024) * 10) / 10,
        quick_check_s: Math.round(quickCheckMs / 10) / 100,
        integrity_check_full_s: fullCheckMs === null ? null : Math.round(fullCheckMs / 10) / 100,
        core_open_quick_check_s: Math.round(coreOpenMs / 10) / 100,
        journal_mode: 'wal',
        synchronous: 'full',
      },
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memory_gib: Math.round(os.totalmem() / 1024 ** 3),
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
        sqlite: (raw.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
        // Other work on the machine while measuring (1-minute load average before / after).
        load_average_1m: [Math.round(loadBefore[0]! * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100],
      },
      measured_at: new Date().toISOString(),
    };
    if (opts.resultsFile) {
      fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
      fs.writeFileSync(opts.resultsFile, JSON.stringify(result, null, 2) + '\n');
      log(`wrote ${path.relative(process.cwd(), opts.resultsFile)}`);
    }
    const met = result.targets_met as Record<string, boolean>;
    log(
      `targets: search p95 ${search.p95_ms} ≤ ${TARGETS.search_p95_ms} ms ${met.search_p95 ? 'OK' : 'MISSED'}; ` +
        `search/raw ${result.search_vs_raw_p95} ≤ ${TARGETS.search_vs_raw_p95} ${met.search_vs_raw ? 'OK' : 'MISSED'}; ` +
        `register p95 ${register.p95_ms} ≤ ${TARGETS.register_p95_ms} ms ${met.register_p95 ? 'OK' : 'MISSED'}`,
    );
    return result;
  } finally {
    raw.close();
    await core.close();
  }
}

