/**
 * Schedule benchmark: the 1M-patient desk plus 20 doctors (made through the core) and about three
 * years of appointment history (bulk-inserted), then appointments.day, appointments.book and
 * appointments.transition measured through the core's ClinicApi as a signed-in front desk.
 *
 *   npm run bench -- schedule [--patients 1000000] [--doctors 20] [--per-day 110] [--years 3] [--ahead 28]
 *                             [--seed 20241125] [--day-views 300] [--bookings 1000] [--transitions 300] [--no-reuse] [--out file.json]
 *
 * The seeded file is cached in bench/.data (keyed by generator version, options, the day it was seeded
 * for and the schema) and reused by later runs on the same day.
 *
 * The desk's clock: the history ends on the clinic's real "today", and the core runs with a clock that
 * reads 11:30 (clinic time) on that day plus the real time elapsed since the run started, so today's
 * list always has a morning's worth of completed, waiting and in-consultation patients, whenever it runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { addDays, format, parseISO } from 'date-fns';
import { localMigrations } from '../db/local';
import { DB_FILE_NAME, openCore, type ClinicCore } from '../src-main/core/core';
import type { DayView } from '../src-shared/api/types';
import { DEFAULT_TIMEZONE } from '../src-shared/dates';
import { localClock } from '../src-shared/domain/schedule';
import { APPOINTMENT_MACHINE_VERSION } from '../src-shared/machines/appointment';
import { Rng, seededUuidV7 } from './generate';
import { ADMIN, BENCH_SCRYPT, DEFAULTS as PATIENT_DEFAULTS, DESK_USER, call, copyDurably, prepareDatabase, removeDb } from './patients';
import { elapsedMs, now, summarize } from './stats';

export const SCHEDULE_GENERATOR_VERSION = 1;
export const SCHEDULE_TARGETS = { day_view_p95_ms: 20, book_p95_ms: 5, transition_p95_ms: 5 };

export interface ScheduleBenchOptions {
  dataDir: string;
  /** Patients in the base desk (seeded by the patients bench's code, cached). */
  patients: number;
  doctors: number;
  /** Mean appointments per doctor per working day (slotted + walk-ins). */
  perDay: number;
  years: number;
  /** Days of future bookings after today. */
  ahead: number;
  seed: number;
  dayViews: number;
  todayViews: number;
  warmup: number;
  bookings: number;
  transitions: number;
  reuse: boolean;
  /** The clinic-local day the history ends on (default: the real today in Asia/Kolkata). */
  today?: string;
  resultsFile: string | null;
  log: (line: string) => void;
}

export const SCHEDULE_DEFAULTS: Omit<ScheduleBenchOptions, 'dataDir' | 'resultsFile' | 'log'> = {
  patients: 1_000_000,
  doctors: 20,
  perDay: 110,
  years: 3,
  ahead: 28,
  seed: 20241125,
  dayViews: 300,
  todayViews: 50,
  warmup: 30,
  // A p95 of 300 samples rests on its 15 slowest; 1,000 give a steadier estimate on a noisy machine.
  bookings: 1000,
  transitions: 300,
  reuse: true,
};

/** Clinic time of day the desk's clock starts at (11:30). */
const DESK_START_MINUTES = 11 * 60 + 30;
const IST_OFFSET_MS = 330 * 60_000;

const SPECIALTIES = ['General medicine', 'Paediatrics', 'Gynaecology', 'Orthopaedics', 'Dermatology', 'ENT', 'Ophthalmology', 'Cardiology', 'Diabetology', 'Physiotherapy'];
const FIRST = ['Anil', 'Priya', 'Suresh', 'Kavita', 'Rahul', 'Meera', 'Vikram', 'Sunita', 'Arjun', 'Deepa', 'Manoj', 'Lakshmi', 'Rajesh', 'Neha', 'Sanjay', 'Anjali', 'Ashok', 'Pooja', 'Nitin', 'Rekha'];
const LAST = ['Deshpande', 'Iyer', 'Kulkarni', 'Reddy', 'Sharma', 'Nair', 'Joshi', 'Patil', 'Menon', 'Gupta', 'Rao', 'Bhat', 'Shah', 'Mehta', 'Pillai', 'Verma', 'Das', 'Khan', 'Singh', 'Naik'];

interface Session {
  weekday: number;
  startMinutes: number;
  endMinutes: number;
  slotMinutes: number;
  capacity: number;
}

/** Mon–Sat: a morning and an evening session; some doctors have a group session (capacity > 1). */
export function doctorSessions(rng: Rng, index: number): Session[] {
  const slot = rng.pick([10, 15, 15, 20]);
  const morningStart = rng.pick([540, 570, 600]);
  const morningEnd = morningStart + rng.pick([180, 210, 240]);
  const eveningStart = rng.pick([1020, 1050, 1080]);
  const eveningEnd = eveningStart + rng.pick([120, 150, 180]);
  const sessions: Session[] = [];
  for (let weekday = 1; weekday <= 6; weekday++) {
    sessions.push({ weekday, startMinutes: morningStart, endMinutes: morningEnd, slotMinutes: slot, capacity: 1 });
    // Saturday evenings off for most.
    if (weekday < 6 || index % 4 === 0) sessions.push({ weekday, startMinutes: eveningStart, endMinutes: eveningEnd, slotMinutes: slot, capacity: 1 });
  }
  // A group session (vaccination, physiotherapy, antenatal class) on two weekdays for every third doctor.
  if (index % 3 === 0) {
    for (const weekday of [2, 5]) sessions.push({ weekday, startMinutes: morningEnd + 30, endMinutes: morningEnd + 90, slotMinutes: 30, capacity: 4 });
  }
  return sessions;
}

interface SlotPlace {
  start: number;
  end: number;
  capacity: number;
}

function slotsFor(sessions: Session[], weekday: number): SlotPlace[] {
  const out: SlotPlace[] = [];
  for (const s of sessions) {
    if (s.weekday !== weekday) continue;
    for (let m = s.startMinutes; m + s.slotMinutes <= s.endMinutes; m += s.slotMinutes) out.push({ start: m, end: m + s.slotMinutes, capacity: s.capacity });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** ms of a clinic-local (IST) date and minute. */
function istMs(dayMs: number, minutes: number): number {
  return dayMs + minutes * 60_000 - IST_OFFSET_MS;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

interface SeedInfo {
  seedMs: number;
  patientsSeedS: number;
  patientsReused: boolean;
  appointmentInsertMs: number;
  appointments: number;
  transitions: number;
  byStatus: Record<string, number>;
  slotted: number;
  walkIns: number;
  firstDate: string;
  lastDate: string;
  today: string;
  doctorIds: string[];
}

/**
 * What the seeded data depends on. Not the schema: migrations are forward-only, so a cached database
 * seeded under earlier migrations is upgraded by the pending ones, exactly as a desk in the field is
 * (see upgradeCache), instead of seeding ~2,000,000 appointments again.
 */
function scheduleKey(opts: ScheduleBenchOptions, today: string) {
  return {
    generatorVersion: SCHEDULE_GENERATOR_VERSION,
    patients: opts.patients,
    doctors: opts.doctors,
    perDay: opts.perDay,
    years: opts.years,
    ahead: opts.ahead,
    seed: opts.seed,
    today,
  };
}

function appliedMigrations(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[]);
  } finally {
    db.close();
  }
}

/** True when the cached database's migrations are the first of this build's (the rest can run on it). */
function upgradable(cacheFile: string): boolean {
  const applied = appliedMigrations(cacheFile);
  const known = Object.keys(localMigrations);
  return applied.length <= known.length && applied.every((name, i) => known[i] === name);
}

/** Runs this build's pending migrations on the cached database, once (the cache keeps the result). */
async function upgradeCache(dir: string, file: string, cacheFile: string, log: (line: string) => void): Promise<void> {
  const pending = Object.keys(localMigrations).length - appliedMigrations(cacheFile).length;
  if (pending === 0) return;
  const started = now();
  const core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
  await core.close();
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  removeDb(cacheFile);
  copyDurably(file, cacheFile);
  log(`  upgraded the cached database by ${pending} migration(s) in ${(elapsedMs(started) / 1000).toFixed(1)} s`);
}

/** Doctors through the core: staff.create, doctors.saveProfile, schedules.setWeekly. */
async function createDoctors(dir: string, opts: ScheduleBenchOptions, rng: Rng): Promise<{ ids: string[]; sessions: Session[][] }> {
  const core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
  try {
    const admin = await call(core, 'auth.signIn', { username: ADMIN.username, password: ADMIN.password }, null);
    const token = admin.token;
    const ids: string[] = [];
    const sessions: Session[][] = [];
    for (let i = 0; i < opts.doctors; i++) {
      const name = `Dr ${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}${i >= FIRST.length ? ` ${i}` : ''}`;
      const staff = await call(core, 'staff.create', { displayName: name, username: `doctor${i + 1}`, role: 'doctor', password: `bench-doctor-password-${i + 1}` }, token);
      await call(
        core,
        'doctors.saveProfile',
        { staffId: staff.id, specialty: SPECIALTIES[i % SPECIALTIES.length]!, registrationNumber: `MMC-${2000 + i * 37}`, consultationFeePaise: rng.pick([30000, 50000, 70000, 100000]), room: `Room ${i + 1}` },
        token,
      );
      const s = doctorSessions(rng, i);
      await call(core, 'schedules.setWeekly', { doctorId: staff.id, sessions: s }, token);
      ids.push(staff.id);
      sessions.push(s);
    }
    return { ids, sessions };
  } finally {
    await core.close();
  }
}

const APPT_COLUMNS = [
  'id', 'patient_id', 'doctor_id', 'date', 'start_minutes', 'end_minutes', 'kind', 'type', 'status', 'machine_version', 'hold_expires_at', 'token',
  'checked_in_at', 'desk_notes', 'cancel_reason', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at',
];
const TRANSITION_COLUMNS = ['id', 'appointment_id', 'at', 'user_id', 'event', 'from_status', 'to_status', 'reason', 'details', 'clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at'];

const CANCEL_REASONS = ['Patient called to cancel', 'Travelling out of town', 'Feeling better, not needed', 'Clash with office work', 'Booked by mistake'];
const WALKOUT_REASON = 'Left without consultation';

interface Step {
  event: string;
  from: string | null;
  to: string;
  atMs: number;
  reason?: string;
  details?: string;
}

interface Planned {
  slot: SlotPlace | null;
  status: string;
  steps: Step[];
  arrivalMs: number | null;
  token: number | null;
  createdMs: number;
  holdExpiresMs: number | null;
  cancelReason: string | null;
}

/** Appointments bulk-inserted with prepared statements, day by day, in big transactions. */
function seedAppointments(file: string, opts: ScheduleBenchOptions, today: string, doctorIds: string[], sessions: Session[][], rng: Rng, log: (l: string) => void) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const clinic = db.prepare('SELECT id FROM clinics').get() as { id: string };
  const desk = db.prepare("SELECT id FROM staff WHERE role = 'front_desk' LIMIT 1").get() as { id: string };
  const patientRows = db.prepare('SELECT id, created_at FROM patients ORDER BY rid').raw().all() as [string, string][];
  const patientIds = patientRows.map((r) => r[0]);
  const registered = Float64Array.from(patientRows.map((r) => Date.parse(r[1])));
  // Registrations are in rid order; make sure the array is non-decreasing for the binary search.
  for (let i = 1; i < registered.length; i++) if (registered[i]! < registered[i - 1]!) registered[i] = registered[i - 1]!;
  const registeredBy = (ms: number) => {
    let lo = 0;
    let hi = registered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (registered[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(lo, Math.min(registered.length, 50));
  };
  const insertAppt = db.prepare(`INSERT INTO appointments (${APPT_COLUMNS.join(', ')}) VALUES (${APPT_COLUMNS.map(() => '?').join(', ')})`);
  const insertStep = db.prepare(`INSERT INTO appointment_transitions (${TRANSITION_COLUMNS.join(', ')}) VALUES (${TRANSITION_COLUMNS.map(() => '?').join(', ')})`);
  const idRng = new Rng(opts.seed ^ 0x0a991);

  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const startMs = Date.parse(`${format(addDays(parseISO(today), -Math.round(opts.years * 365)), 'yyyy-MM-dd')}T00:00:00Z`);
  const deskNowMs = istMs(todayMs, DESK_START_MINUTES);
  const days: { date: string; dayMs: number; weekday: number; offset: number }[] = [];
  for (let ms = startMs; ms <= todayMs + opts.ahead * 86_400_000; ms += 86_400_000) {
    const wd = new Date(ms).getUTCDay();
    if (wd === 0) continue; // Sundays closed
    days.push({ date: iso(ms).slice(0, 10), dayMs: ms, weekday: wd, offset: Math.round((ms - todayMs) / 86_400_000) });
  }
  const slotCache = sessions.map((s) => new Map<number, SlotPlace[]>([1, 2, 3, 4, 5, 6].map((wd) => [wd, slotsFor(s, wd)])));
  const byStatus: Record<string, number> = {};
  let appointments = 0;
  let transitions = 0;
  let slotted = 0;
  let walkIns = 0;
  const typePick = () => {
    const r = rng.float();
    return r < 0.4 ? 'new' : r < 0.9 ? 'follow_up' : 'procedure';
  };

  const planDay = (doctor: number, day: (typeof days)[number]): Planned[] => {
    const slots = slotCache[doctor]!.get(day.weekday)!;
    const planned: Planned[] = [];
    const target = Math.max(20, Math.round(opts.perDay * (0.75 + rng.float() * 0.5)));
    const isPast = day.offset < 0;
    const isToday = day.offset === 0;
    // The doctor takes a day off now and then (about one working day in 25).
    if (day.offset !== 0 && rng.chance(0.04)) return planned;
    const fill = isPast || isToday ? 0.88 : Math.max(0.05, 0.8 * Math.exp(-day.offset / 9));
    const doneBy = isToday ? DESK_START_MINUTES : 24 * 60;
    for (const slot of slots) {
      for (let place = 0; place < slot.capacity; place++) {
        if (!rng.chance(fill)) continue;
        const startAt = istMs(day.dayMs, slot.start);
        const createdMs = Math.max(startMs - 7 * 86_400_000, Math.min(startAt - 30 * 60_000, deskNowMs - 60_000) - rng.int(14 * 86_400_000));
        const steps: Step[] = [{ event: 'appointment.request', from: null, to: 'requested', atMs: createdMs, details: JSON.stringify({ date: day.date, start: hhmm(slot.start) }) }];
        const p: Planned = { slot, status: 'requested', steps, arrivalMs: null, token: null, createdMs, holdExpiresMs: null, cancelReason: null };
        const r = rng.float();
        if (isPast || (isToday && slot.end <= doneBy)) {
          if (r < 0.06) {
            // Held for payment, never paid: the hold lapsed.
            const hold = createdMs + 15 * 60_000;
            steps.push({ event: 'appointment.hold', from: 'requested', to: 'tentative', atMs: createdMs, details: JSON.stringify({ holdExpiresAt: iso(hold) }) });
            steps.push({ event: 'appointment.expireHold', from: 'tentative', to: 'cancelled', atMs: hold + rng.int(10_000), reason: 'The hold expired before it was confirmed.' });
            p.status = 'cancelled';
            p.cancelReason = 'The hold expired before it was confirmed.';
            p.holdExpiresMs = hold;
          } else {
            steps.push({ event: 'appointment.confirm', from: 'requested', to: 'confirmed', atMs: createdMs });
            if (r < 0.12) {
              const reason = rng.pick(CANCEL_REASONS);
              steps.push({ event: 'appointment.cancel', from: 'confirmed', to: 'cancelled', atMs: Math.min(startAt - 60_000, createdMs + rng.int(startAt - createdMs)), reason });
              p.status = 'cancelled';
              p.cancelReason = reason;
            } else if (r < 0.18) {
              steps.push({ event: 'appointment.markNoShow', from: 'confirmed', to: 'no_show', atMs: startAt + (20 + rng.int(90)) * 60_000 });
              p.status = 'no_show';
            } else {
              p.arrivalMs = startAt - rng.int(25) * 60_000;
              p.status = 'completed';
            }
          }
        } else if (isToday && slot.start <= doneBy + 20) {
          // Around now: arrived and waiting.
          steps.push({ event: 'appointment.confirm', from: 'requested', to: 'confirmed', atMs: createdMs });
          if (r < 0.7) {
            p.arrivalMs = Math.min(deskNowMs - 60_000, startAt - rng.int(25) * 60_000);
            p.status = 'checked_in';
          } else p.status = 'confirmed';
        } else {
          // Later today and the weeks ahead.
          if (r < 0.72) {
            steps.push({ event: 'appointment.confirm', from: 'requested', to: 'confirmed', atMs: createdMs });
            p.status = 'confirmed';
          } else if (r < 0.82 && isToday) {
            const hold = deskNowMs + (10 + rng.int(50)) * 60_000;
            p.createdMs = hold - 15 * 60_000 * 4;
            steps[0]!.atMs = p.createdMs;
            steps.push({ event: 'appointment.hold', from: 'requested', to: 'tentative', atMs: p.createdMs, details: JSON.stringify({ holdExpiresAt: iso(hold) }) });
            p.status = 'tentative';
            p.holdExpiresMs = hold;
          } else if (r < 0.82) {
            steps.push({ event: 'appointment.confirm', from: 'requested', to: 'confirmed', atMs: createdMs });
            p.status = 'confirmed';
          } else {
            p.status = 'requested';
          }
        }
        planned.push(p);
      }
    }
    slotted += planned.length;
    // Walk-ins make up the rest of the day (only up to now, today; none in the future).
    if (day.offset <= 0 && slots.length > 0) {
      const first = slots[0]!.start;
      const last = slots[slots.length - 1]!.end;
      let n = Math.max(0, target - planned.length);
      if (isToday) n = Math.round((n * Math.max(0, Math.min(doneBy, last) - first)) / Math.max(1, last - first));
      for (let i = 0; i < n; i++) {
        const minute = first + rng.int(Math.max(1, (isToday ? Math.min(doneBy, last) : last) - first));
        const arrival = istMs(day.dayMs, minute) + rng.int(60_000);
        const p: Planned = { slot: null, status: 'completed', steps: [{ event: 'appointment.request', from: null, to: 'requested', atMs: arrival, details: JSON.stringify({ walkIn: true }) }], arrivalMs: arrival, token: null, createdMs: arrival, holdExpiresMs: null, cancelReason: null };
        if (isToday && arrival > deskNowMs - 40 * 60_000) p.status = 'checked_in';
        else if (rng.chance(0.03)) {
          p.status = 'cancelled';
          p.cancelReason = WALKOUT_REASON;
        }
        planned.push(p);
        walkIns++;
      }
    }
    // Tokens in arrival order; then the consultations, one at a time.
    const arrived = planned.filter((p) => p.arrivalMs !== null).sort((a, b) => a.arrivalMs! - b.arrivalMs!);
    arrived.forEach((p, i) => (p.token = i + 1));
    let consultFree = 0;
    let inConsultGiven = false;
    for (const p of arrived) {
      const checkIn: Step = { event: 'appointment.checkIn', from: p.slot ? 'confirmed' : 'requested', to: 'checked_in', atMs: p.arrivalMs!, details: JSON.stringify({ token: p.token }) };
      p.steps.push(checkIn);
      const begin = Math.max(p.arrivalMs! + 60_000, consultFree, p.slot ? istMs(day.dayMs, p.slot.start) : 0);
      if (p.status === 'completed') {
        const end = begin + (4 + rng.int(10)) * 60_000;
        p.steps.push({ event: 'appointment.startConsult', from: 'checked_in', to: 'in_consult', atMs: begin });
        p.steps.push({ event: 'appointment.complete', from: 'in_consult', to: 'completed', atMs: end });
        consultFree = end;
      } else if (p.status === 'cancelled') {
        p.steps.push({ event: 'appointment.cancel', from: 'checked_in', to: 'cancelled', atMs: p.arrivalMs! + 45 * 60_000, reason: WALKOUT_REASON });
      } else if (p.status === 'checked_in' && !inConsultGiven) {
        // The doctor is seeing the first patient who is waiting.
        inConsultGiven = true;
        p.status = 'in_consult';
        p.steps.push({ event: 'appointment.startConsult', from: 'checked_in', to: 'in_consult', atMs: Math.max(p.arrivalMs! + 30_000, Math.min(begin, deskNowMs - 30_000)) });
      }
    }
    return planned;
  };

  const insertDay = (day: (typeof days)[number]) => {
    for (let d = 0; d < doctorIds.length; d++) {
      const doctorId = doctorIds[d]!;
      const planned = planDay(d, day);
      const pool = registeredBy(istMs(day.dayMs, 0));
      for (const p of planned) {
        const id = seededUuidV7(idRng, p.createdMs);
        const last = p.steps[p.steps.length - 1]!;
        const updatedAt = iso(last.atMs);
        insertAppt.run(
          id,
          patientIds[rng.int(pool)]!,
          doctorId,
          day.date,
          p.slot ? p.slot.start : null,
          p.slot ? p.slot.end : null,
          p.slot ? 'slot' : 'walk_in',
          typePick(),
          p.status,
          APPOINTMENT_MACHINE_VERSION,
          p.holdExpiresMs === null ? null : iso(p.holdExpiresMs),
          p.token,
          p.arrivalMs === null ? null : iso(p.arrivalMs),
          null,
          p.cancelReason,
          clinic.id,
          iso(p.createdMs),
          updatedAt,
          last.event === 'appointment.expireHold' ? 'system' : desk.id,
          null,
          null,
        );
        for (const s of p.steps) {
          const at = iso(s.atMs);
          const user = s.event === 'appointment.expireHold' ? 'system' : s.event === 'appointment.startConsult' || s.event === 'appointment.complete' ? doctorId : desk.id;
          insertStep.run(seededUuidV7(idRng, s.atMs), id, at, user, s.event, s.from, s.to, s.reason ?? null, s.details ?? null, clinic.id, at, at, user, null, null);
        }
        transitions += p.steps.length;
        byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
      }
      appointments += planned.length;
    }
  };
  const started = now();
  const DAYS_PER_TX = 20;
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insertDay(days[i]!);
  });
  let reported = 0;
  for (let i = 0; i < days.length; i += DAYS_PER_TX) {
    batch(i, Math.min(days.length, i + DAYS_PER_TX));
    if (appointments - reported >= 250_000) {
      reported = appointments;
      log(`  seeded ${appointments.toLocaleString('en-IN')} appointments, ${transitions.toLocaleString('en-IN')} transitions (${(elapsedMs(started) / 1000).toFixed(1)} s)`);
    }
  }
  db.pragma('optimize');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { appointments, transitions, byStatus, slotted, walkIns, insertMs: elapsedMs(started), firstDate: days[0]!.date, lastDate: days[days.length - 1]!.date };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

async function prepareScheduleDb(dir: string, opts: ScheduleBenchOptions, today: string): Promise<SeedInfo & { reused: boolean }> {
  const file = path.join(dir, DB_FILE_NAME);
  const tag = `schedule-${opts.patients}-${opts.doctors}d-${opts.perDay}pd-${opts.years}y`;
  const cacheFile = path.join(opts.dataDir, `${tag}.seeded.sqlite`);
  const metaFile = `${cacheFile}.json`;
  const key = scheduleKey(opts, today);
  if (opts.reuse && fs.existsSync(cacheFile) && fs.existsSync(metaFile)) {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { key: typeof key & { schema?: string }; info: SeedInfo };
    delete meta.key.schema; // written by earlier versions of this bench
    if (JSON.stringify(meta.key) === JSON.stringify(key) && upgradable(cacheFile)) {
      opts.log(`reusing cached seeded database ${path.relative(process.cwd(), cacheFile)}`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      copyDurably(cacheFile, file);
      await upgradeCache(dir, file, cacheFile, opts.log);
      return { ...meta.info, reused: true };
    }
    opts.log('cached schedule database does not match (options, day, generator or migrations): seeding afresh');
  }
  const started = now();
  // 1. The patients desk (the patients bench's seeding code and its cache).
  const patientsOutcome = await prepareDatabase(dir, { ...PATIENT_DEFAULTS, count: opts.patients, dataDir: opts.dataDir, reuse: true, resultsFile: null, log: opts.log });
  opts.log(`patients ready (${patientsOutcome.reused ? 'cached' : `seeded in ${(patientsOutcome.seedMs / 1000).toFixed(1)} s`})`);
  // 2. Doctors through the core.
  const rng = new Rng(opts.seed);
  const { ids, sessions } = await createDoctors(dir, opts, rng);
  opts.log(`${ids.length} doctors with weekly schedules`);
  // 3. The appointment history.
  const seeded = seedAppointments(file, opts, today, ids, sessions, rng, opts.log);
  const info: SeedInfo = {
    seedMs: elapsedMs(started),
    patientsSeedS: Math.round(patientsOutcome.seedMs / 100) / 10,
    patientsReused: patientsOutcome.reused,
    appointmentInsertMs: seeded.insertMs,
    appointments: seeded.appointments,
    transitions: seeded.transitions,
    byStatus: seeded.byStatus,
    slotted: seeded.slotted,
    walkIns: seeded.walkIns,
    firstDate: seeded.firstDate,
    lastDate: seeded.lastDate,
    today,
    doctorIds: ids,
  };
  if (opts.reuse) {
    removeDb(cacheFile);
    copyDurably(file, cacheFile);
    fs.writeFileSync(metaFile, JSON.stringify({ key, info }, null, 2));
  }
  return { ...info, reused: false };
}

export interface ScheduleBenchResult {
  appointments: number;
  day_view_p50_ms: number;
  day_view_p95_ms: number;
  book_p95_ms: number;
  transition_p95_ms: number;
  [extra: string]: unknown;
}

export async function runScheduleBench(opts: ScheduleBenchOptions): Promise<ScheduleBenchResult> {
  const log = opts.log;
  const today = opts.today ?? localClock(new Date(), DEFAULT_TIMEZONE).today;
  const dir = path.join(opts.dataDir, `schedule-${opts.patients}`);
  log(`schedule bench: ${opts.patients.toLocaleString('en-IN')} patients, ${opts.doctors} doctors, ~${opts.perDay}/doctor/day, ${opts.years} years to ${today} + ${opts.ahead} days`);
  const seedInfo = await prepareScheduleDb(dir, opts, today);
  log(`${seedInfo.appointments.toLocaleString('en-IN')} appointments, ${seedInfo.transitions.toLocaleString('en-IN')} transitions (seeded in ${(seedInfo.seedMs / 1000).toFixed(1)} s${seedInfo.reused ? ', cached' : ''})`);
  const file = path.join(dir, DB_FILE_NAME);
  const sizeBytes = fs.statSync(file).size;

  // The desk's clock: 11:30 clinic time on `today`, running in real time from now.
  const realStart = Date.now();
  const deskStart = istMs(Date.parse(`${today}T00:00:00Z`), DESK_START_MINUTES);
  const clock = () => new Date(deskStart + (Date.now() - realStart));
  const core: ClinicCore = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'quick', clock, holdSweepMs: 60_000 });
  const raw = new Database(file, { readonly: true });
  try {
    const signIn = await call(core, 'auth.signIn', DESK_USER, null);
    const token = signIn.token;
    const rng = new Rng(opts.seed + 1);
    const { firstDate } = seedInfo;
    const spanDays = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${firstDate}T00:00:00Z`)) / 86_400_000) + opts.ahead;
    const randomDate = () => format(addDays(parseISO(firstDate), rng.int(spanDays + 1)), 'yyyy-MM-dd');
    const dayView = (date: string) => call(core, 'appointments.day', { date }, token);

    // 1. Day views: today and random dates across the history.
    for (let i = 0; i < opts.warmup; i++) await dayView(i % 3 === 0 ? today : randomDate());
    const dates: string[] = [];
    for (let i = 0; i < opts.dayViews; i++) dates.push(i < opts.todayViews ? today : randomDate());
    const dayTimes: number[] = [];
    const todayTimes: number[] = [];
    const randomTimes: number[] = [];
    let rowsShown = 0;
    for (const date of pickSome(rng, dates, dates.length)) {
      const t = now();
      const view = await dayView(date);
      const took = elapsedMs(t);
      dayTimes.push(took);
      (date === today ? todayTimes : randomTimes).push(took);
      rowsShown += countAppointments(view);
    }
    const todayView = await dayView(today);
    const day = summarize(dayTimes);
    log(`day view (all ${opts.doctors} doctors) p50 ${day.p50_ms} ms  p95 ${day.p95_ms} ms  max ${day.max_ms} ms  (today: ${countAppointments(todayView)} appointments)`);

    // 2. Bookings (confirm) into free future places, found from the day views (not timed).
    const free: { doctorId: string; date: string; startMinutes: number }[] = [];
    for (let offset = 1; offset <= opts.ahead && free.length < (opts.bookings + 10) * 3; offset++) {
      const date = format(addDays(parseISO(today), offset), 'yyyy-MM-dd');
      const view = await dayView(date);
      for (const d of view.doctors) {
        for (const s of d.slots) {
          const taken = s.appointments.filter((a) => a.status !== 'cancelled' && a.status !== 'no_show').length;
          if (taken < s.capacity) free.push({ doctorId: d.doctor.staffId, date, startMinutes: s.startMinutes });
        }
      }
    }
    const picks = pickSome(rng, free, opts.bookings + 10);
    const patientCount = (raw.prepare('SELECT max(rid) FROM patients').pluck().get() as number) ?? 1;
    const patientById = raw.prepare('SELECT id FROM patients WHERE rid = ?').pluck();
    const randomPatient = () => {
      for (;;) {
        const id = patientById.get(1 + rng.int(patientCount)) as string | undefined;
        if (id) return id;
      }
    };
    const bookTimes: number[] = [];
    const booked: string[] = [];
    for (const [i, p] of picks.entries()) {
      const t = now();
      const a = await call(core, 'appointments.book', { ...p, patientId: randomPatient(), type: 'follow_up', mode: 'confirm', holdMinutes: 15 }, token);
      const took = elapsedMs(t);
      if (a.status !== 'confirmed') throw new Error(`booking came back ${a.status}`);
      if (i >= 10) bookTimes.push(took);
      booked.push(a.id);
    }
    const book = summarize(bookTimes);
    log(`book    p50 ${book.p50_ms} ms  p95 ${book.p95_ms} ms  max ${book.max_ms} ms  (n=${book.n})`);

    // 3. Transitions: check in today's confirmed patients (a token each), then cancel future bookings with a reason.
    const confirmedToday = todayView.doctors.flatMap((d) => d.slots.flatMap((s) => s.appointments)).filter((a) => a.status === 'confirmed' && a.allowedEvents.includes('appointment.checkIn'));
    const checkIns = pickSome(rng, confirmedToday, Math.min(confirmedToday.length, Math.ceil((opts.transitions + 10) / 2)));
    const cancels = booked.slice(0, opts.transitions + 10 - checkIns.length);
    const plan: { id: string; event: 'appointment.checkIn' | 'appointment.cancel' }[] = [];
    for (let i = 0; i < Math.max(checkIns.length, cancels.length); i++) {
      if (i < checkIns.length) plan.push({ id: checkIns[i]!.id, event: 'appointment.checkIn' });
      if (i < cancels.length) plan.push({ id: cancels[i]!, event: 'appointment.cancel' });
    }
    const transitionTimes: number[] = [];
    const checkInTimes: number[] = [];
    const cancelTimes: number[] = [];
    for (const [i, step] of plan.entries()) {
      const t = now();
      const a = await call(core, 'appointments.transition', { id: step.id, event: step.event, reason: step.event === 'appointment.cancel' ? 'Patient called to cancel' : '', holdMinutes: 15 }, token);
      const took = elapsedMs(t);
      if (a.status !== (step.event === 'appointment.checkIn' ? 'checked_in' : 'cancelled')) throw new Error(`${step.event} came back ${a.status}`);
      if (step.event === 'appointment.checkIn' && a.token === null) throw new Error('checked in without a token');
      if (i >= 10) {
        transitionTimes.push(took);
        (step.event === 'appointment.checkIn' ? checkInTimes : cancelTimes).push(took);
      }
    }
    const transition = summarize(transitionTimes);
    log(`transition p50 ${transition.p50_ms} ms  p95 ${transition.p95_ms} ms  max ${transition.max_ms} ms  (n=${transition.n})`);

    const result: ScheduleBenchResult = {
      appointments: seedInfo.appointments,
      day_view_p50_ms: day.p50_ms,
      day_view_p95_ms: day.p95_ms,
      book_p95_ms: book.p95_ms,
      transition_p95_ms: transition.p95_ms,
      targets: SCHEDULE_TARGETS,
      targets_met: {
        day_view_p95: day.p95_ms <= SCHEDULE_TARGETS.day_view_p95_ms,
        book_p95: book.p95_ms <= SCHEDULE_TARGETS.book_p95_ms,
        transition_p95: transition.p95_ms <= SCHEDULE_TARGETS.transition_p95_ms,
      },
      day_view: { ...day, today: summarize(todayTimes), random_dates: summarize(randomTimes), mean_appointments_per_view: Math.round(rowsShown / Math.max(1, dayTimes.length)), today_appointments: countAppointments(todayView), warmup_calls: opts.warmup },
      book: { ...book, mode: 'confirm', warmup_calls: Math.min(10, picks.length), free_places_found: free.length },
      transition: { ...transition, check_in: summarize(checkInTimes), cancel: summarize(cancelTimes), warmup_calls: Math.min(10, plan.length) },
      data: {
        patients: opts.patients,
        doctors: opts.doctors,
        appointments: seedInfo.appointments,
        appointment_transitions: seedInfo.transitions,
        slotted: seedInfo.slotted,
        walk_ins: seedInfo.walkIns,
        by_status: seedInfo.byStatus,
        first_date: seedInfo.firstDate,
        last_date: seedInfo.lastDate,
        today,
        desk_clock_start: iso(deskStart),
      },
      seed: {
        seed: opts.seed,
        generator_version: SCHEDULE_GENERATOR_VERSION,
        reused_cached_db: seedInfo.reused,
        seed_s: Math.round(seedInfo.seedMs / 100) / 10,
        appointment_inserts_s: Math.round(seedInfo.appointmentInsertMs / 100) / 10,
        patients_seed_s: seedInfo.patientsSeedS,
        patients_from_cache: seedInfo.patientsReused,
      },
      db: { size_bytes: sizeBytes, size_mib: Math.round((sizeBytes / 1048576) * 10) / 10, journal_mode: 'wal', synchronous: 'full' },
      machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, node: process.version, load_average_1m: os.loadavg()[0] },
      measured_at: new Date().toISOString(),
    };
    if (opts.resultsFile) {
      fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
      fs.writeFileSync(opts.resultsFile, JSON.stringify(result, null, 2) + '\n');
      log(`wrote ${path.relative(process.cwd(), opts.resultsFile)}`);
    }
    const met = result.targets_met as Record<string, boolean>;
    log(
      `targets: day view p95 ${day.p95_ms} ≤ ${SCHEDULE_TARGETS.day_view_p95_ms} ms ${met.day_view_p95 ? 'OK' : 'MISSED'}; ` +
        `book p95 ${book.p95_ms} ≤ ${SCHEDULE_TARGETS.book_p95_ms} ms ${met.book_p95 ? 'OK' : 'MISSED'}; ` +
        `transition p95 ${transition.p95_ms} ≤ ${SCHEDULE_TARGETS.transition_p95_ms} ms ${met.transition_p95 ? 'OK' : 'MISSED'}`,
    );
    return result;
  } finally {
    raw.close();
    await core.close();
  }
}

function countAppointments(view: DayView): number {
  return view.doctors.reduce((n, d) => n + d.unslotted.length + d.slots.reduce((m, s) => m + s.appointments.length, 0), 0);
}

/** A deterministic sample of k items (partial Fisher–Yates on a copy). */
function pickSome<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const copy = [...items];
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(copy.length - i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

