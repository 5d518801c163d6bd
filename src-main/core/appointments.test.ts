import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from './core';
import fc from 'fast-check';
import { addStaff, CLINIC, openTestDesk, PATIENT, type TestDesk } from '../../tests/helpers';
import type { MethodOutput } from '../../src-shared/api/contract';

const desks: TestDesk[] = [];
afterEach(async () => {
  while (desks.length) await desks.pop()!.close();
});

/** 25-11-2026 (a Wednesday), 09:00 in Kolkata, unless a test moves the clock. */
function clockAt(iso: string) {
  const state = { now: new Date(iso).getTime() };
  return { state, clock: () => new Date(state.now) };
}

async function clinicWithDoctor(iso = '2026-11-25T03:30:00.000Z', capacity = 1) {
  const { state, clock } = clockAt(iso);
  const d = await openTestDesk({ clock, holdSweepMs: 60_000 });
  desks.push(d);
  await d.call('clinic.update', { ...CLINIC, idleLockMinutes: 240 }); // the tests move the clock by many minutes
  const frontDesk = await addStaff(d, 'front_desk', 'farah');
  const doctorToken = await addStaff(d, 'doctor', 'drrao');
  const doctorId = (await d.call('doctors.list', {})).find((x) => x.displayName === 'Test doctor')!.staffId;
  await d.call('doctors.saveProfile', { staffId: doctorId, specialty: 'General medicine', registrationNumber: 'MMC-12345', consultationFeePaise: 50000, room: 'Room 2' });
  // Mon–Sat 09:00–13:00 in 15-minute slots.
  await d.call('schedules.setWeekly', { doctorId, sessions: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinutes: 540, endMinutes: 780, slotMinutes: 15, capacity })) });
  const patients: string[] = [];
  for (let i = 0; i < 4; i++) patients.push((await d.call('patients.register', { patient: { ...PATIENT, fullName: `Patient ${'ABCD'[i]} Sharma`, mobile: `97000000${10 + i}`, abhaNumber: '' } })).id);
  return { d, state, frontDesk, doctorToken, doctorId, patients };
}

describe('schedules and slots', () => {
  it('derives slots from the weekly template, leave, extra sessions and holidays', async () => {
    const { d, doctorId } = await clinicWithDoctor();
    const day = (date: string) => d.call('appointments.day', { date }).then((v) => v.doctors[0]!.slots.map((s) => s.startMinutes));
    expect(await day('2026-11-25')).toHaveLength(16);
    expect(await day('2026-11-29')).toEqual([]); // Sunday
    await d.call('schedules.addException', { doctorId, date: '2026-11-26', kind: 'leave', startMinutes: 540, endMinutes: 600, reason: 'Conference' });
    expect((await day('2026-11-26'))[0]).toBe(600);
    await d.call('schedules.addException', { doctorId, date: '2026-11-29', kind: 'extra', startMinutes: 600, endMinutes: 660, slotMinutes: 20 });
    expect(await day('2026-11-29')).toEqual([600, 620, 640]);
    await d.call('holidays.add', { date: '2026-11-27', name: 'Guru Nanak Jayanti' });
    const holiday = await d.call('appointments.day', { date: '2026-11-27' });
    expect(holiday).toMatchObject({ isHoliday: true, holidayName: 'Guru Nanak Jayanti' });
    expect(holiday.doctors[0]!.slots).toEqual([]);
  });
});

describe('the appointment lifecycle through the ClinicApi', () => {
  it('book → confirm → check in → doctor calls → complete, with a timeline of who did what', async () => {
    const { d, frontDesk, doctorToken, doctorId, patients } = await clinicWithDoctor();
    const booked = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 600, type: 'new', mode: 'request' }, frontDesk);
    expect(booked.status).toBe('requested');
    expect(booked.allowedEvents).toEqual(expect.arrayContaining(['appointment.confirm', 'appointment.checkIn', 'appointment.cancel']));
    const confirmed = await d.call('appointments.transition', { id: booked.id, event: 'appointment.confirm' }, frontDesk);
    const checkedIn = await d.call('appointments.transition', { id: booked.id, event: 'appointment.checkIn' }, frontDesk);
    expect([confirmed.status, checkedIn.status, checkedIn.token]).toEqual(['confirmed', 'checked_in', 1]);
    expect((await d.call('appointments.queue', {}, doctorToken)).map((a) => a.id)).toEqual([booked.id]);
    // The desk cannot start the consultation; the doctor can.
    expect((await d.fail('appointments.transition', { id: booked.id, event: 'appointment.startConsult' }, frontDesk)).message).toMatch(/appointment's doctor/);
    await d.call('appointments.transition', { id: booked.id, event: 'appointment.startConsult' }, doctorToken);
    const done = await d.call('appointments.transition', { id: booked.id, event: 'appointment.complete' }, doctorToken);
    expect(done.status).toBe('completed');
    expect(done.timeline.map((t) => `${t.fromStatus ?? '∅'}→${t.toStatus} by ${t.userName}`)).toEqual([
      '∅→requested by Test front desk',
      'requested→confirmed by Test front desk',
      'confirmed→checked_in by Test front desk',
      'checked_in→in_consult by Test doctor',
      'in_consult→completed by Test doctor',
    ]);
  });

  it('a direct API call cannot make a forbidden transition, and gets a readable error', async () => {
    const { d, frontDesk, doctorToken, doctorId, patients } = await clinicWithDoctor();
    const a = await d.call('appointments.walkIn', { doctorId, patientId: patients[0]! }, frontDesk);
    await d.call('appointments.transition', { id: a.id, event: 'appointment.startConsult' }, doctorToken);
    await d.call('appointments.transition', { id: a.id, event: 'appointment.complete' }, doctorToken);
    const refused = await d.fail('appointments.transition', { id: a.id, event: 'appointment.checkIn' });
    expect(refused).toMatchObject({ code: 'conflict', reason: 'transition_refused', message: 'You cannot check in an appointment that is completed.' });
    expect((await d.call('appointments.get', { id: a.id })).status).toBe('completed');
  });

  it('a slot cannot be booked beyond its capacity, and a cancelled place frees up', async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const first = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 615 }, frontDesk);
    const full = await d.fail('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 615 }, frontDesk);
    expect(full).toMatchObject({ code: 'conflict', reason: 'slot_full' });
    expect(full.message).toMatch(/Test doctor's 10:15 slot on 25-11-2026 is already booked/);
    expect((await d.fail('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 617 }, frontDesk)).reason).toBe('no_slot');
    await d.call('appointments.transition', { id: first.id, event: 'appointment.cancel', reason: 'Patient called to cancel' }, frontDesk);
    await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 615 }, frontDesk);
  });

  it('a hold expires by itself and frees the slot', async () => {
    const { d, state, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const held = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 660, mode: 'hold', holdMinutes: 10 }, frontDesk);
    expect(held.status).toBe('tentative');
    expect((await d.fail('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 660 }, frontDesk)).reason).toBe('slot_full');
    state.now += 11 * 60_000;
    await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 660 }, frontDesk);
    const lapsed = await d.call('appointments.get', { id: held.id }, frontDesk);
    expect(lapsed.status).toBe('cancelled');
    expect(lapsed.timeline.at(-1)).toMatchObject({ event: 'appointment.expireHold', userName: 'ClinicDesk (automatic)' });
  });

  it('no-show after the grace period, and an admin override back to checked in with a reason', async () => {
    const { d, state, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const a = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 555 }, frontDesk);
    expect(a.allowedEvents).not.toContain('appointment.markNoShow');
    state.now += 31 * 60_000; // 09:31, past 09:15 + 15 minutes
    const noShow = await d.call('appointments.transition', { id: a.id, event: 'appointment.markNoShow' }, frontDesk);
    expect(noShow.status).toBe('no_show');
    expect((await d.fail('appointments.transition', { id: a.id, event: 'appointment.overrideNoShow', reason: 'Was waiting outside' }, frontDesk)).message).toMatch(/administrator/);
    const back = await d.call('appointments.transition', { id: a.id, event: 'appointment.overrideNoShow', reason: 'Was waiting outside' });
    expect([back.status, back.token, back.timeline.at(-1)?.reason]).toEqual(['checked_in', 1, 'Was waiting outside']);
  });

  it('walk-ins and check-ins receive the next token of the doctor for the day, in arrival order', async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const w1 = await d.call('appointments.walkIn', { doctorId, patientId: patients[0]! }, frontDesk);
    const booked = await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 600 }, frontDesk);
    const w2 = await d.call('appointments.walkIn', { doctorId, patientId: patients[2]! }, frontDesk);
    const c = await d.call('appointments.transition', { id: booked.id, event: 'appointment.checkIn' }, frontDesk);
    expect([w1.token, w2.token, c.token]).toEqual([1, 2, 3]);
    const day = await d.call('appointments.day', { date: '2026-11-25' }, frontDesk);
    expect(day.waiting.map((a) => a.token)).toEqual([1, 2, 3]);
  });

  it('rescheduling keeps the history and checks the new slot', async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const a = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 600 }, frontDesk);
    await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-26', startMinutes: 600 }, frontDesk);
    expect((await d.fail('appointments.reschedule', { id: a.id, date: '2026-11-26', startMinutes: 600 }, frontDesk)).reason).toBe('slot_full');
    const moved = await d.call('appointments.reschedule', { id: a.id, date: '2026-11-26', startMinutes: 615, reason: 'Patient asked' }, frontDesk);
    expect([moved.date, moved.startMinutes, moved.status]).toEqual(['2026-11-26', 615, 'confirmed']);
    expect(moved.timeline.at(-1)).toMatchObject({ event: 'appointment.reschedule', reason: 'Patient asked', details: { from: { date: '2026-11-25', start: '10:00' }, to: { date: '2026-11-26', start: '10:15' } } });
  });
});

describe("the day view's patient labels", () => {
  it("show the patient's current name and MRN, also after the patient is renamed", async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const booked = await d.call('appointments.book', { doctorId, patientId: patients[0]!, date: '2026-11-25', startMinutes: 600, type: 'new' }, frontDesk);
    const shown = async () => (await d.call('appointments.day', { date: '2026-11-25' })).doctors[0]!.slots.find((s) => s.startMinutes === 600)!.appointments[0]!;
    const mrn = (await d.call('patients.get', { id: patients[0]! })).mrn;
    expect(await shown()).toMatchObject({ id: booked.id, patientName: 'Patient A Sharma', patientMrn: mrn });
    await d.call('patients.update', { id: patients[0]!, changes: { fullName: 'Patient A Sharma-Iyer' } });
    expect(await shown()).toMatchObject({ patientName: 'Patient A Sharma-Iyer', patientMrn: mrn });
    expect((await d.call('appointments.get', { id: booked.id })).patientName).toBe('Patient A Sharma-Iyer');
  });

  it('are filled in when a patient arrives after their appointments (as rows may by sync)', async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor();
    const booked = await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 615, type: 'new' }, frontDesk);
    // Take the patient's row out and put it back, as a sync could deliver it after the appointment.
    const raw = new Database(path.join(d.dir, DB_FILE_NAME));
    try {
      raw.pragma('foreign_keys = OFF');
      const row = raw.prepare('SELECT * FROM patients WHERE id = ?').get(patients[1]!) as Record<string, unknown>;
      raw.prepare('DELETE FROM patients WHERE id = ?').run(patients[1]!);
      raw.prepare('UPDATE appointments SET patient_id = patient_id WHERE id = ?').run(booked.id); // re-reads the (missing) label
      expect(raw.prepare('SELECT patient_name, patient_mrn FROM appointments WHERE id = ?').get(booked.id)).toEqual({ patient_name: null, patient_mrn: null });
      const cols = Object.keys(row);
      raw.prepare(`INSERT INTO patients (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...cols.map((c) => row[c]));
      expect(raw.prepare('SELECT patient_name FROM appointments WHERE id = ?').get(booked.id)).toEqual({ patient_name: 'Patient B Sharma' });
      // An appointment row arriving without the label (as from the server) takes it from its patient.
      const appt = raw.prepare('SELECT * FROM appointments WHERE id = ?').get(booked.id) as Record<string, unknown>;
      const copy = { ...appt, id: '019a0000-0000-7000-8000-000000000001', start_minutes: 630, end_minutes: 645, patient_name: null, patient_mrn: null };
      const keys = Object.keys(copy);
      raw.prepare(`INSERT INTO appointments (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).run(...keys.map((k) => copy[k as keyof typeof copy]));
      expect(raw.prepare('SELECT patient_name, patient_mrn FROM appointments WHERE id = ?').get(copy.id)).toEqual({ patient_name: 'Patient B Sharma', patient_mrn: row.mrn });
    } finally {
      raw.close();
    }
  });
});

describe('booking rules under random sequences', () => {
  it('no slot ever holds more patients than its capacity, whatever the order of book / cancel / reschedule', async () => {
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor('2026-11-25T03:30:00.000Z', 2);
    const slots = [600, 615, 630];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('book' as const), slot: fc.constantFrom(...slots), patient: fc.nat(3) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('reschedule' as const), pick: fc.nat(), slot: fc.constantFrom(...slots) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const live: string[] = [];
        for (const o of ops) {
          if (o.kind === 'book') {
            const r = await d.core.call('appointments.book', { doctorId, patientId: patients[o.patient]!, date: '2026-11-26', startMinutes: o.slot }, { token: frontDesk });
            if (r.ok) live.push((r.data as MethodOutput<'appointments.book'>).id);
            else expect(r.error.reason).toBe('slot_full');
          } else if (live.length) {
            const id = live[o.pick % live.length]!;
            if (o.kind === 'cancel') {
              await d.call('appointments.transition', { id, event: 'appointment.cancel', reason: 'random cancel' }, frontDesk);
              live.splice(live.indexOf(id), 1);
            } else {
              const r = await d.core.call('appointments.reschedule', { id, date: '2026-11-26', startMinutes: o.slot }, { token: frontDesk });
              if (!r.ok) expect(r.error.reason).toBe('slot_full');
            }
          }
          const day = await d.call('appointments.day', { date: '2026-11-26' }, frontDesk);
          for (const s of day.doctors[0]!.slots) expect(s.appointments.filter((a) => a.status !== 'cancelled').length).toBeLessThanOrEqual(s.capacity);
        }
        for (const id of live) await d.call('appointments.transition', { id, event: 'appointment.cancel', reason: 'reset for next run' }, frontDesk);
      }),
      { numRuns: 25 },
    );
  });
});

describe('rebooking a refused booking from Needs attention', () => {
  it('takes the next free slot from the refused time on, never one already gone today', async () => {
    // 11:10 in Kolkata on 25-11-2026.
    const { d, frontDesk, doctorId, patients } = await clinicWithDoctor('2026-11-25T05:40:00.000Z');
    await d.call('appointments.book', { doctorId, patientId: patients[1]!, date: '2026-11-25', startMinutes: 675, type: 'new', mode: 'confirm' }, frontDesk);
    // As the write path leaves a booking the server refused: in the inbox, with what was typed.
    let n = 0;
    const refused = (date: string, startMinutes: number) => {
      const db = new Database(path.join(d.dir, DB_FILE_NAME));
      const id = `01a21770-0000-7000-8000-${String(++n).padStart(12, '0')}`;
      db.prepare(
        `INSERT INTO inbox (id, mutation_id, name, args, user_id, made_at, reason, message, received_at) VALUES (?, ?, 'appointments.book', ?, NULL, '2026-11-25T03:00:00.000Z', 'slot_full', 'Full.', '2026-11-25T05:39:00.000Z')`,
      ).run(id, id, JSON.stringify({ id, doctorId, patientId: patients[0], date, startMinutes, type: 'new', deskNotes: null, mode: 'confirm', holdMinutes: 15 }));
      db.close();
      return id;
    };
    // Refused for 09:30 this morning: 11:15 is the first slot not yet gone, and 11:15 is taken, so 11:30.
    const morning = await d.call('inbox.resolve', { id: refused('2026-11-25', 570), action: 'rebook' }, frontDesk);
    expect(morning.resolutionNote).toBe("Booked into Test doctor's 11:30 slot on 25-11-2026.");
    // Refused for yesterday: from now, too (11:45 is next).
    const yesterday = await d.call('inbox.resolve', { id: refused('2026-11-24', 600), action: 'rebook' }, frontDesk);
    expect(yesterday.resolutionNote).toBe("Booked into Test doctor's 11:45 slot on 25-11-2026.");
    // Refused for a later day: from the refused time on that day.
    const later = await d.call('inbox.resolve', { id: refused('2026-11-26', 600), action: 'rebook' }, frontDesk);
    expect(later.resolutionNote).toBe("Booked into Test doctor's 10:00 slot on 26-11-2026.");
  });
});
