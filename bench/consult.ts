/**
 * Consultation benchmark (issue 7): a consult-room desk holding a busy practice's clinical records — one
 * long-standing patient with 200 visits (each with a signed SOAP note, vitals, diagnoses, a prescription, lab
 * results and a bill) among thousands of other patients' visits and notes, bulk-inserted as the desk's sync
 * would have written them — then, through the core's ClinicApi as the signed-in doctor:
 *  - history_p95_ms: opening the patient's consult screen: consult.visit (today's visit: note, prescriptions,
 *    labs, allergies) and consult.history (the whole timeline, 200 visits and everything in them), together;
 *  - autosave_p95_ms: notes.save of a growing draft (≈2 KB of SOAP text, vitals, diagnoses): the note machine,
 *    the write, the audit event and the outbox mutation, in one SQLite transaction with synchronous=FULL.
 *
 *   npm run bench -- consult [--visits 200] [--others 3000] [--opens 300] [--saves 500] [--seed 20261126] [--out file.json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { addDays, format, parseISO } from 'date-fns';
import { openCore } from '../src-main/core/core';
import { todayIn } from '../src-shared/dates';
import { contentHash } from '../src-shared/clinical/hash';
import { NOTE_MACHINE_VERSION } from '../src-shared/machines/note';
import { Rng, seededUuidV7 } from './generate';
import { ADMIN, BENCH_SCRYPT, call } from './patients';
import { elapsedMs, now, summarize } from './stats';

export const CONSULT_TARGETS = { history_p95_ms: 30, autosave_p95_ms: 10 };

export interface ConsultBenchOptions {
  visits: number;
  others: number;
  opens: number;
  saves: number;
  warmup: number;
  seed: number;
  resultsFile: string | null;
  log: (line: string) => void;
}

export const CONSULT_DEFAULTS: Omit<ConsultBenchOptions, 'resultsFile' | 'log'> = { visits: 200, others: 3000, opens: 300, saves: 500, warmup: 30, seed: 20261126 };

const CLINIC = { legalName: 'Sunrise Health Clinic LLP', tradeName: 'Sunrise Clinic', addressLine: '12, MG Road, Camp', city: 'Pune', stateCode: '27', pincode: '411001' };
const DOCTOR = { username: 'drrao', password: 'bench-doctor-password' };

const DIAGNOSES = [
  { code: 'E11.9', title: 'Type 2 diabetes mellitus without complications' },
  { code: 'I10', title: 'Essential (primary) hypertension' },
  { code: 'E78.5', title: 'Hyperlipidemia, unspecified' },
  { code: 'J06.9', title: 'Acute upper respiratory infection, unspecified' },
  { code: 'M54.5', title: 'Low back pain' },
  { code: 'K21.9', title: 'Gastro-esophageal reflux disease without esophagitis' },
  { code: null, title: 'Review of home glucose readings' },
];
const DRUGS = [
  { generic: 'Metformin', brand: 'Glycomet', strength: '500 mg', frequency: '1-0-1' },
  { generic: 'Telmisartan', brand: 'Telma', strength: '40 mg', frequency: '1-0-0' },
  { generic: 'Atorvastatin', brand: 'Atorva', strength: '10 mg', frequency: '0-0-1' },
  { generic: 'Pantoprazole', brand: 'Pan', strength: '40 mg', frequency: '1-0-0' },
  { generic: 'Paracetamol', brand: 'Dolo 650', strength: '650 mg', frequency: '1-1-1' },
  { generic: 'Glimepiride', brand: 'Amaryl', strength: '1 mg', frequency: '1-0-0' },
];
const LABS = [
  { name: 'HbA1c', unit: '%', low: '4.0', high: '5.6', base: 7.2 },
  { name: 'Fasting blood glucose', unit: 'mg/dL', low: '70', high: '99', base: 135 },
  { name: 'LDL cholesterol', unit: 'mg/dL', low: null, high: '100', base: 130 },
];
const SENTENCE = 'Patient reports feeling better, compliant with medicines, occasional giddiness in the mornings, no chest pain. ';

export interface ConsultBenchResult {
  history: ReturnType<typeof summarize>;
  autosave: ReturnType<typeof summarize>;
  timeline_entries: number;
  notes: number;
  seed_s: number;
}

export async function runConsultBench(opts: ConsultBenchOptions): Promise<ConsultBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-bench-consult-'));
  const log = opts.log;
  try {
    let core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
    const admin = await call(core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN }, null);
    await call(core, 'staff.create', { displayName: 'Dr Meera Rao', username: DOCTOR.username, role: 'doctor', password: DOCTOR.password }, admin.token);
    const doctorId = (await call(core, 'doctors.list', {}, admin.token))[0]!.staffId;
    await call(core, 'doctors.saveProfile', { staffId: doctorId, specialty: 'General medicine', registrationNumber: 'MMC-2019-04567', consultationFeePaise: 50000, room: 'Room 2' }, admin.token);
    const patientIds: string[] = [];
    for (let i = 0; i < 500; i++) {
      const p = await call(core, 'patients.register', { patient: { fullName: `Bench Patient ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}`, sex: i % 2 ? 'female' : 'male', ageYears: 30 + (i % 40), mobile: `98${String(10_000_000 + i).padStart(8, '0')}` } }, admin.token);
      patientIds.push(p.id);
    }
    await core.close();

    const seeded = now();
    const counts = seed(path.join(dir, 'clinicdesk.sqlite'), opts, doctorId, patientIds);
    const seedS = elapsedMs(seeded) / 1000;
    log(`  seeded ${counts.visits.toLocaleString('en-IN')} visits with ${counts.notes.toLocaleString('en-IN')} signed notes, ${counts.prescriptions.toLocaleString('en-IN')} prescriptions, ${counts.labs.toLocaleString('en-IN')} lab results in ${seedS.toFixed(1)} s`);

    core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
    try {
      const token = (await call(core, 'auth.signIn', DOCTOR, null)).token;
      const focus = patientIds[0]!;
      const today = counts.todayVisit;
      let entries = 0;
      const openSamples: number[] = [];
      for (let i = 0; i < opts.warmup + opts.opens; i++) {
        const t0 = now();
        const visit = await call(core, 'consult.visit', { appointmentId: today }, token);
        const history = await call(core, 'consult.history', { patientId: focus, limit: 1000 }, token);
        const took = elapsedMs(t0);
        entries = history.length;
        if (visit.patient.id !== focus) throw new Error('the consult screen opened the wrong patient');
        if (i >= opts.warmup) openSamples.push(took);
      }
      const history = summarize(openSamples);
      log(`  consult screen (visit + ${entries} history entries): p50 ${history.p50_ms} ms, p95 ${history.p95_ms} ms (${history.n} opens)`);

      const rng = new Rng(opts.seed + 1);
      const saveSamples: number[] = [];
      let noteId: string | undefined;
      let text = '';
      for (let i = 0; i < opts.warmup + opts.saves; i++) {
        text = text.length > 1800 ? SENTENCE : text + SENTENCE.slice(0, 10 + rng.between(0, 60));
        const input = {
          noteId,
          appointmentId: today,
          subjective: text,
          objective: 'BP recorded, chest clear, no pedal oedema.',
          assessment: 'Type 2 diabetes, fair control. Hypertension controlled.',
          plan: 'Continue medicines. HbA1c in 3 months. Diet and walking advised.',
          vitals: { bpSystolic: 128 + rng.between(0, 20), bpDiastolic: 82, pulse: 76, temperatureC: 36.8, weightKg: 74.5, heightCm: 168 },
          diagnoses: [DIAGNOSES[0]!, DIAGNOSES[1]!],
        };
        const t0 = now();
        const saved = await call(core, 'notes.save', input, token);
        const took = elapsedMs(t0);
        noteId = saved.id;
        if (i >= opts.warmup) saveSamples.push(took);
      }
      const autosave = summarize(saveSamples);
      log(`  notes.save (autosave): p50 ${autosave.p50_ms} ms, p95 ${autosave.p95_ms} ms (${autosave.n} saves)`);
      return { history, autosave, timeline_entries: entries, notes: counts.notes, seed_s: Math.round(seedS * 10) / 10 };
    } finally {
      await core.close();
    }
  } finally {
    if (process.env.CLINICDESK_BENCH_KEEP) log(`  kept the desk in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A row inserted by its column names (synced rows: row_version set, as sync leaves them). */
function inserter(db: Database.Database, table: string, columns: string[]) {
  const stmt = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  return (row: Record<string, unknown>) => stmt.run(...columns.map((c) => row[c] ?? null));
}

/**
 * The focus patient's visits (one a fortnight going back, the last one today and checked in) and the other
 * patients' visits, each completed with a signed note and prescription, and lab results on every other visit;
 * the focus patient's visits are also billed.
 */
function seed(file: string, opts: ConsultBenchOptions, doctorId: string, patientIds: string[]) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const clinicId = (db.prepare('SELECT id FROM clinics').get() as { id: string }).id;
  const rng = new Rng(opts.seed);
  const today = todayIn('Asia/Kolkata');
  const conv = (at: string, rv: number) => ({ clinic_id: clinicId, created_at: at, updated_at: at, updated_by: doctorId, row_version: rv, deleted_at: null });
  const apptCols = ['id', 'patient_id', 'doctor_id', 'date', 'start_minutes', 'end_minutes', 'kind', 'type', 'status', 'machine_version', 'token', 'checked_in_at', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];
  const noteCols = ['id', 'patient_id', 'appointment_id', 'doctor_id', 'author_id', 'kind', 'parent_id', 'status', 'machine_version', 'subjective', 'objective', 'assessment', 'plan', 'vitals', 'diagnoses', 'signed_by', 'signed_at', 'content_hash', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];
  const rxCols = ['id', 'patient_id', 'appointment_id', 'note_id', 'doctor_id', 'author_id', 'kind', 'version', 'supersedes_id', 'status', 'machine_version', 'items', 'advice', 'print_hindi', 'signed_by', 'signed_at', 'content_hash', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];
  const labCols = ['id', 'patient_id', 'appointment_id', 'test_code', 'test_name', 'status', 'ordered_by', 'ordered_at', 'value', 'unit', 'ref_low', 'ref_high', 'abnormal', 'collected_on', 'resulted_by', 'resulted_at', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];
  const invCols = ['id', 'doc_type', 'status', 'machine_version', 'series', 'financial_year', 'sequence', 'number', 'issue_date', 'issued_at', 'patient_id', 'recipient_name', 'appointment_id', 'rounding', 'exempt_paise', 'total_paise', 'paid_paise', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];
  const insAppt = inserter(db, 'appointments', apptCols);
  const insNote = inserter(db, 'clinical_notes', noteCols);
  const insRx = inserter(db, 'prescriptions', rxCols);
  const insLab = inserter(db, 'lab_results', labCols);
  const insInv = inserter(db, 'invoices', invCols);
  let rv = 1;
  let uuidMs = Date.parse(`${today}T00:00:00Z`) - 9 * 365 * 86_400_000;
  const id = () => seededUuidV7(rng, (uuidMs += 1));
  const counts = { visits: 0, notes: 0, prescriptions: 0, labs: 0, todayVisit: '' };
  let invoiceSeq = 0;

  const visit = (patientId: string, date: string, minutes: number, status: string, withLabs: boolean, billed: boolean) => {
    const at = `${date}T0${3 + (minutes % 6)}:30:00.000Z`;
    const appointmentId = id();
    insAppt({ id: appointmentId, patient_id: patientId, doctor_id: doctorId, date, start_minutes: 540 + minutes, end_minutes: 555 + minutes, kind: 'slot', type: 'follow_up', status, machine_version: 1, token: null, checked_in_at: at, ...conv(at, rv++) });
    counts.visits++;
    if (status !== 'completed') return appointmentId;
    const diagnoses = [DIAGNOSES[rng.between(0, 2)]!, ...(rng.float() < 0.4 ? [DIAGNOSES[rng.between(3, DIAGNOSES.length - 1)]!] : [])];
    const noteId = id();
    const note = {
      id: noteId,
      patient_id: patientId,
      appointment_id: appointmentId,
      doctor_id: doctorId,
      author_id: doctorId,
      kind: 'note',
      parent_id: null,
      status: 'signed',
      machine_version: NOTE_MACHINE_VERSION,
      subjective: SENTENCE.repeat(1 + rng.between(0, 4)),
      objective: 'Chest clear. CVS normal. No pedal oedema.',
      assessment: diagnoses.map((d) => d.title).join('; '),
      plan: 'Continue medicines; review in two weeks with reports.',
      vitals: JSON.stringify({ bpSystolic: 120 + rng.between(0, 30), bpDiastolic: 80 + rng.between(0, 10), pulse: 70 + rng.between(0, 20), weightKg: 74, heightCm: 168 }),
      diagnoses: JSON.stringify(diagnoses),
      signed_by: doctorId,
      signed_at: at,
    };
    insNote({ ...note, content_hash: contentHash(note), ...conv(at, rv++) });
    counts.notes++;
    const items = Array.from({ length: 2 + rng.between(0, 3) }, () => {
      const d = DRUGS[rng.between(0, DRUGS.length - 1)]!;
      return { ...d, form: 'tablet', dose: '1 tablet', route: 'oral', durationValue: 14, durationUnit: 'days', quantity: 28, timing: 'after_food', instructions: null };
    });
    const rx = { id: id(), patient_id: patientId, appointment_id: appointmentId, note_id: noteId, doctor_id: doctorId, author_id: doctorId, kind: 'medication', version: 1, supersedes_id: null, status: 'signed', machine_version: NOTE_MACHINE_VERSION, items: JSON.stringify(items), advice: 'Walk 30 minutes daily.', print_hindi: 0, signed_by: doctorId, signed_at: at };
    insRx({ ...rx, content_hash: contentHash(rx), ...conv(at, rv++) });
    counts.prescriptions++;
    if (withLabs) {
      for (const l of LABS.slice(0, 2 + rng.between(0, 1))) {
        const value = (l.base * (0.85 + rng.float() * 0.3)).toFixed(1);
        const high = l.high !== null && Number(value) > Number(l.high);
        insLab({ id: id(), patient_id: patientId, appointment_id: appointmentId, test_code: null, test_name: l.name, status: 'resulted', ordered_by: doctorId, ordered_at: at, value, unit: l.unit, ref_low: l.low, ref_high: l.high, abnormal: high ? 'high' : 'normal', collected_on: date, resulted_by: doctorId, resulted_at: at, ...conv(at, rv++) });
        counts.labs++;
      }
    }
    if (billed) {
      invoiceSeq++;
      insInv({ id: id(), doc_type: 'bill_of_supply', status: 'paid', machine_version: 1, series: 'FD1', financial_year: '2627', sequence: invoiceSeq, number: `FD1/2627/${String(invoiceSeq).padStart(5, '0')}`, issue_date: date, issued_at: at, patient_id: patientId, recipient_name: 'Bench Patient', appointment_id: appointmentId, rounding: 'nearest_rupee', exempt_paise: 50000, total_paise: 50000, paid_paise: 50000, ...conv(at, rv++) });
    }
    return appointmentId;
  };

  db.transaction(() => {
    const focus = patientIds[0]!;
    const start = addDays(parseISO(today), -14 * (opts.visits - 1));
    for (let v = 0; v < opts.visits - 1; v++) visit(focus, format(addDays(start, v * 14), 'yyyy-MM-dd'), v % 16, 'completed', v % 2 === 0, true);
    counts.todayVisit = visit(focus, today, 0, 'checked_in', false, false);
    for (let o = 0; o < opts.others; o++) {
      const patient = patientIds[1 + (o % (patientIds.length - 1))]!;
      visit(patient, format(addDays(parseISO(today), -rng.between(1, 3 * 365)), 'yyyy-MM-dd'), o % 16, 'completed', o % 3 === 0, false);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  return counts;
}

export async function runAndReport(opts: ConsultBenchOptions): Promise<void> {
  opts.log(`consult: a patient with ${opts.visits} visits among ${opts.others.toLocaleString('en-IN')} other visits; ${opts.opens} screen opens, ${opts.saves} autosaves`);
  const r = await runConsultBench(opts);
  const out = {
    history_p95_ms: r.history.p95_ms,
    autosave_p95_ms: r.autosave.p95_ms,
    history_p50_ms: r.history.p50_ms,
    autosave_p50_ms: r.autosave.p50_ms,
    visits: opts.visits,
    timeline_entries: r.timeline_entries,
    notes_on_desk: r.notes,
  };
  const verdict = (k: keyof typeof CONSULT_TARGETS) => `${out[k]} ms (target ≤ ${CONSULT_TARGETS[k]}: ${out[k] <= CONSULT_TARGETS[k] ? 'met' : 'MISSED'})`;
  opts.log(`  history_p95_ms ${verdict('history_p95_ms')}; autosave_p95_ms ${verdict('autosave_p95_ms')}`);
  console.log(JSON.stringify(out));
  if (opts.resultsFile) {
    fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
    fs.writeFileSync(opts.resultsFile, `${JSON.stringify(out, null, 2)}\n`);
    opts.log(`  wrote ${opts.resultsFile}`);
  }
}
