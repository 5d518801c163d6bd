import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../src-main/core/core';
import { todayIn } from '../src-shared/dates';
import { newId } from '../src-shared/ids';
import { jsonLogger } from '../src-server/log';
import { startServer, type RunningServer } from '../src-server/http/server';
import { createEnrolmentCode, enrolDevice } from '../src-server/services/devices';
import { createSetupCode } from '../src-server/services/founding';
import { freshDatabase, TEST_PG_URL, type TestDatabase } from '../src-server/test/backends';
import { ADMIN, addStaff, captureLogger, openTestDesk, PATIENT, until, type TestDesk } from './helpers';
import { appointmentRow, patientRow } from './rows';

/**
 * "npm run server" with nothing set up: a desk used on its own for a while (clinic, staff, patients, a
 * doctor's week, an appointment) brings its clinic to an empty server with the set-up code the server
 * printed, and a second PC then joins that clinic with an enrolment code made on the first — the
 * README's two-desks story without any server command. Then the server's refusals, over HTTP.
 */
const kind = TEST_PG_URL ? 'postgres' : 'pglite';
const SYNC = { joinTimeoutMs: 30_000, backoff: { initialDelay: 20, maxDelay: 300 }, restartDelayMs: 200 };

describe(`a standalone desk brings its clinic to an empty server (${kind})`, () => {
  let t: TestDatabase;
  let server: RunningServer;
  const serverLog: string[] = [];
  const deskLog = captureLogger();
  const desks: TestDesk[] = [];
  /** The set-up and enrolment codes used: neither may appear in a log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await freshDatabase(kind);
    server = await startServer({ central: t.central, log: jsonLogger((l) => serverLog.push(l), 'debug'), port: 0, shapes: { liveTimeoutMs: 1_000 } });
  }, 120_000);
  afterAll(async () => {
    for (const d of desks) await d.close();
    await server?.close();
    await t?.dispose();
  }, 60_000);

  it('sends clinic, staff and data once with the set-up code; a second PC joins with a code made on the first', async () => {
    // Someone keeps working while the upload runs: a patient registered once the first rows are on their way.
    let whileUploading: (() => Promise<void>) | null = null;
    const watchingFetch: typeof fetch = async (input, init) => {
      const during = whileUploading;
      if (during && String(input).endsWith('/v1/upload')) {
        whileUploading = null;
        await during();
      }
      return fetch(input, init);
    };
    const first = await openTestDesk({ logger: deskLog, sync: { ...SYNC, fetch: watchingFetch } });
    desks.push(first);
    const frontDesk = await addStaff(first, 'front_desk', 'farah');
    const doctorId = (await addStaff(first, 'doctor', 'drrao'), (await first.call('doctors.list', {})).find((x) => x.displayName === 'Test doctor')!.staffId);
    await first.call('doctors.saveProfile', { staffId: doctorId, specialty: 'General medicine', registrationNumber: 'MMC-12345', consultationFeePaise: 50000, room: 'Room 2' });
    await first.call('schedules.setWeekly', { doctorId, sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinutes: 540, endMinutes: 780, slotMinutes: 15, capacity: 1 })) });
    const ramesh = await first.call('patients.register', { patient: PATIENT });
    const meera = await first.call('patients.register', { patient: { fullName: 'Meera Deshpande', sex: 'female', ageYears: 34, mobile: '9822012345' } });
    // The clinic's calendar day (Asia/Kolkata), not UTC's: from 18:30 UTC the two differ.
    const today = todayIn((await first.call('clinic.get', {})).timezone);
    const booked = await first.call('appointments.walkIn', { doctorId, patientId: meera.id, type: 'new' }, frontDesk);
    const before = new Database(path.join(first.dir, DB_FILE_NAME), { readonly: true });
    const ownSeries = (before.prepare('SELECT patient_series FROM device').get() as { patient_series: string }).patient_series;
    const pendingBefore = (before.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`).get() as { n: number }).n;
    before.close();
    expect(pendingBefore).toBeGreaterThan(5);

    // A wrong code, or a user who is not an administrator, changes nothing.
    const wrong = await first.fail('sync.connect', { serverUrl: server.url, code: 'ABCD-EFGH-JKMN', deviceName: 'Reception' });
    expect(wrong.fields?.code).toMatch(/set-up code is not valid/);
    expect((await first.fail('sync.connect', { serverUrl: server.url, code: 'ABCD-EFGH-JKMN', deviceName: 'Reception' }, frontDesk)).code).toBe('permission');
    expect(await t.central.db.selectFrom('clinics').select('id').execute()).toEqual([]);

    const setup = (await createSetupCode(t.central.db, { now: new Date() }))!;
    secrets.push(setup.code);
    // Someone saves while the records are on their way: refused in plain words, nothing half-sent.
    let late: { code: string; message: string } | null = null;
    whileUploading = async () => {
      late = await first.fail('patients.register', { patient: { fullName: 'Late Arrival', sex: 'male', ageYears: 50, mobile: '9822098220' } });
    };
    const connected = await first.call('sync.connect', { serverUrl: server.url.replace('http://', ''), code: setup.code, deviceName: 'Reception' });
    expect(connected).toMatchObject({ clinicName: 'Sunrise Clinic', stationRole: 'admin', patientSeries: ownSeries, invoiceSeries: 'FD1' });

    // The server holds the desk's clinic, staff (their passwords as they were) and data, under the desk's ids.
    const clinic = await first.call('clinic.get', {});
    expect(await t.central.db.selectFrom('clinics').select(['id', 'legal_name', 'gstin']).execute()).toEqual([{ id: clinic.id, legal_name: clinic.legalName, gstin: clinic.gstin }]);
    const staff = await t.central.db.selectFrom('staff').select(['username', 'role']).orderBy('username').execute();
    expect(staff).toEqual([
      { username: 'asha', role: 'admin' },
      { username: 'drrao', role: 'doctor' },
      { username: 'farah', role: 'front_desk' },
    ]);
    const patients = await t.central.db.selectFrom('patients').select(['id', 'mrn', 'full_name']).orderBy('full_name').execute();
    expect(late).toMatchObject({ code: 'conflict', message: expect.stringMatching(/sending its records to the clinic server .* nothing you typed is lost/) });
    expect(patients).toEqual([
      { id: meera.id, mrn: meera.mrn, full_name: 'Meera Deshpande' },
      { id: ramesh.id, mrn: ramesh.mrn, full_name: PATIENT.fullName },
    ]);
    expect(await t.central.db.selectFrom('appointments').select(['id', 'status', 'token', 'date']).execute()).toEqual([{ id: booked.id, status: booked.status, token: 1, date: today }]);
    expect((await t.central.db.selectFrom('schedule_sessions').select('id').execute()).length).toBe(7);
    expect((await t.central.db.selectFrom('appointment_transitions').select('id').execute()).length).toBeGreaterThan(0);

    // The desk now syncs as the clinic's admin station: its rows come back with the server's row_version,
    // and what its outbox described is settled.
    await until(async () => (await first.call('sync.status', {}, null)).state === 'online', 'the first desk online');
    const after = new Database(path.join(first.dir, DB_FILE_NAME), { readonly: true });
    expect(after.prepare('SELECT count(*) AS n FROM patients WHERE row_version IS NULL').get()).toEqual({ n: 0 });
    // What the outbox held is in the rows sent: all settled, nothing left to push.
    expect(after.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`).get()).toEqual({ n: 0 });
    after.close();
    expect((await first.call('patients.search', { query: 'Meera' })).patients.map((p) => p.id)).toEqual([meera.id]);

    // The code has done its work: it cannot bring a clinic twice, and the server makes no new one.
    const again = await openTestDesk({ sync: SYNC });
    desks.push(again);
    const reused = await again.fail('sync.connect', { serverUrl: server.url, code: setup.code, deviceName: 'Another PC' });
    expect(reused.message).toMatch(/already brought a clinic/);
    expect(await createSetupCode(t.central.db, { now: new Date() })).toBeNull();

    // The second PC: an enrolment code from the first desk's Devices, then sign in with the first desk's password.
    const code = await first.call('devices.createEnrolmentCode', { stationRole: 'front_desk' });
    secrets.push(code.code);
    const second = await openTestDesk({ setup: false, sync: SYNC });
    desks.push(second);
    await second.call('sync.join', { serverUrl: server.url, code: code.code, deviceName: 'Front desk 2' }, null);
    const session = await second.call('auth.signIn', { username: ADMIN.username, password: ADMIN.password }, null);
    second.adminToken = session.token;
    const found = await until(async () => {
      const hits = (await second.call('patients.search', { query: 'Ramesh' })).patients;
      return hits.length > 0 && hits;
    }, 'the first desk’s patient on the second desk');
    expect(found.map((p) => p.mrn)).toEqual([ramesh.mrn]);
    await until(async () => {
      const v = await second.call('appointments.day', { date: today });
      return v.doctors.some((d) => d.unslotted.some((a) => a.id === booked.id && a.patientName === 'Meera Deshpande'));
    }, 'the walk-in, with its patient, on the second desk');
  }, 120_000);

  it('never logs patient details or the code while bringing the clinic', () => {
    const all = deskLog.lines.join('\n') + serverLog.join('\n');
    expect(all).not.toMatch(/Meera|Deshpande|Ramesh|9822012345/);
    expect(secrets.length).toBe(2);
    for (const secret of secrets) for (const form of [secret, secret.replace(/-/g, '')]) expect(all).not.toContain(form);
  });
});

describe(`what the server refuses while a clinic is being brought (${kind})`, () => {
  let t: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    t = await freshDatabase(kind);
    server = await startServer({ central: t.central, log: jsonLogger(() => {}, 'error'), port: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.dispose();
  }, 60_000);

  const post = async (p: string, body: unknown, credential?: string) => {
    const res = await fetch(server.url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { reason?: string; message: string } } };
  };
  const at = '2026-03-02T05:00:00.000Z';
  const clinicId = newId();
  const adminId = newId();
  const conv = (clinic = clinicId) => ({ clinic_id: clinic, created_at: at, updated_at: at, updated_by: null, deleted_at: null });
  const clinicRow = { id: clinicId, legal_name: 'Lotus Clinic', trade_name: null, address_line: '1 FC Road', city: 'Pune', state_code: '27', pincode: '411004', phone: null, gstin: null, timezone: 'Asia/Kolkata', idle_lock_minutes: 10, no_show_grace_minutes: 30, ...conv() };
  const adminRow = { id: adminId, username: 'vikram', display_name: 'Vikram Shah', role: 'admin', password_hash: 'scrypt$x', active: 1, ...conv() };
  const patient = (over: Parameters<typeof patientRow>[1] = {}) => patientRow(clinicId, { created_at: at, updated_at: at, ...over });

  it('takes rows only from the founding device, only of its clinic, only well formed, each once', async () => {
    const setup = (await createSetupCode(t.central.db, { now: new Date() }))!;
    const clinic = clinicRow;
    const noAdmin = await post('/v1/found', { code: setup.code, deviceName: 'Desk', clinic, staff: [{ ...adminRow, role: 'doctor' }] });
    expect(noAdmin.body.error?.reason).toBe('no_admin');
    const founded = await post('/v1/found', { code: setup.code, deviceName: 'Desk', clinic, staff: [adminRow] });
    expect(founded.status, JSON.stringify(founded.body)).toBe(201);
    const credential = founded.body.credential as string;

    const p = patient();
    expect((await post('/v1/upload', { table: 'patients', rows: [p] }, credential)).body).toMatchObject({ received: 1, inserted: 1 });
    // Sent again (a retry after a lost answer): kept once.
    expect((await post('/v1/upload', { table: 'patients', rows: [p] }, credential)).body).toMatchObject({ received: 1, inserted: 0 });
    const otherClinic = await post('/v1/upload', { table: 'patients', rows: [patient({ clinic_id: newId() })] }, credential);
    expect(otherClinic).toMatchObject({ status: 403, body: { error: { reason: 'other_clinic' } } });
    const broken = await post('/v1/upload', { table: 'patients', rows: [patient(), { ...patient(), full_name: null }] }, credential);
    expect(broken).toMatchObject({ status: 400, body: { error: { reason: 'bad_row' } } });
    const orphan = await post('/v1/upload', { table: 'appointments', rows: [appointmentRow(clinicId, { patientId: newId(), doctorId: adminId })] }, credential);
    expect(orphan.body.error?.reason).toBe('missing_reference');
    expect(await t.central.db.selectFrom('patients').select('id').execute()).toEqual([{ id: p.id }]);

    // Another device of the clinic cannot upload; nor can the founding one once it has finished.
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date() });
    const other = await enrolDevice(t.central.db, { code, deviceName: 'Other' }, { now: new Date() });
    expect((await post('/v1/upload', { table: 'patients', rows: [patient()] }, other.credential)).body.error?.reason).toBe('upload_closed');
    expect((await post('/v1/upload/finish', {}, credential)).status).toBe(200);
    expect((await post('/v1/upload', { table: 'patients', rows: [patient()] }, credential)).body.error?.reason).toBe('upload_closed');
    expect((await post('/v1/upload', { table: 'patients', rows: [patient()] })).status).toBe(401);
    expect(await t.central.db.selectFrom('patients').select('id').execute()).toEqual([{ id: p.id }]);
  });
});
