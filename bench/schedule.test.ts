import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../src-main/core/core';
import { APPOINTMENT_STATES } from '../src-shared/machines/appointment';
import { SCHEDULE_DEFAULTS, runScheduleBench } from './schedule';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-schedule-bench-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('schedule benchmark (tiny)', () => {
  it('seeds doctors and appointments, measures through the core and writes the result file', async () => {
    const resultsFile = path.join(dir, 'results', 'schedule.json');
    const result = await runScheduleBench({
      ...SCHEDULE_DEFAULTS,
      dataDir: dir,
      patients: 1500,
      doctors: 2,
      perDay: 12,
      years: 0.03,
      ahead: 7,
      today: '2026-11-25',
      dayViews: 20,
      todayViews: 5,
      warmup: 3,
      bookings: 8,
      transitions: 8,
      resultsFile,
      log: () => {},
    });

    const written = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    for (const key of ['appointments', 'day_view_p50_ms', 'day_view_p95_ms', 'book_p95_ms', 'transition_p95_ms']) {
      expect(typeof written[key]).toBe('number');
      expect(written[key] as number).toBeGreaterThan(0);
    }
    expect(written.appointments as number).toBeGreaterThan(100);
    const dayView = written.day_view as { today_appointments: number; mean_appointments_per_view: number };
    expect(dayView.today_appointments).toBeGreaterThan(0);
    expect(dayView.mean_appointments_per_view).toBeGreaterThan(0);

    // The seeded desk is what the app would have: valid statuses, unique tokens, no slot over capacity.
    const db = new Database(path.join(dir, 'schedule-1500', DB_FILE_NAME), { readonly: true });
    try {
      const statuses = db.prepare('SELECT DISTINCT status FROM appointments').pluck().all() as string[];
      for (const s of statuses) expect(APPOINTMENT_STATES).toContain(s);
      expect(statuses).toEqual(expect.arrayContaining(['completed', 'confirmed', 'checked_in', 'in_consult']));
      const duplicateTokens = db.prepare('SELECT count(*) FROM (SELECT doctor_id, date, token FROM appointments WHERE token IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1)').pluck().get();
      expect(duplicateTokens).toBe(0);
      const overCapacity = db
        .prepare(
          `SELECT count(*) FROM (
             SELECT a.doctor_id, a.date, a.start_minutes, count(*) AS n, max(s.capacity) AS cap
             FROM appointments a JOIN schedule_sessions s ON s.doctor_id = a.doctor_id AND s.deleted_at IS NULL
               AND s.weekday = CAST(strftime('%u', a.date) AS INTEGER) AND a.start_minutes >= s.start_minutes AND a.start_minutes < s.end_minutes
             WHERE a.kind = 'slot' AND a.status NOT IN ('cancelled', 'no_show')
             GROUP BY 1, 2, 3 HAVING n > cap)`,
        )
        .pluck()
        .get();
      expect(overCapacity).toBe(0);
      const perAppointment = db.prepare('SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM appointment_transitions GROUP BY appointment_id)').raw().get() as [number, number];
      expect(perAppointment[0]).toBeGreaterThanOrEqual(1);
      expect(perAppointment[1]).toBeLessThanOrEqual(5);
      const orphans = db.prepare('SELECT count(*) FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM appointment_transitions t WHERE t.appointment_id = a.id)').pluck().get();
      expect(orphans).toBe(0);
    } finally {
      db.close();
    }
  }, 120_000);
});
