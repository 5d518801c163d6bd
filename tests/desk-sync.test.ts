import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../src-main/core/core';
import type { ChangeEvent } from '../src-main/core/context';
import { newId } from '../src-shared/ids';
import { jsonLogger } from '../src-server/log';
import { startServer, type RunningServer } from '../src-server/http/server';
import { createClinic } from '../src-server/services/clinics';
import { createEnrolmentCode, enrolDevice, revokeDevice } from '../src-server/services/devices';
import { resetShapes } from '../src-server/services/shapes';
import { clinicInput, freshDatabase, TEST_PG_URL, TEST_SCRYPT, type TestDatabase } from '../src-server/test/backends';
import { captureLogger, openTestDesk, tempDir, until, type TestDesk } from './helpers';
import { appointmentRow, patientRow } from './rows';

/**
 * The desk's read path end to end: the REAL sync server in-process (PGlite, or PostgreSQL when
 * TEST_DATABASE_URL is set), a fresh desk core joining it with an enrolment code, signing in with an
 * account that exists only on the server, live rows arriving, the admin relays, resuming from the saved
 * offsets after a restart (nothing downloaded again), offline sign-in, and revocation.
 */
const kind = TEST_PG_URL ? 'postgres' : 'pglite';
const PASSWORD = 'correct horse 42';

interface Fetched {
  url: URL;
  status: number;
  changes: number;
}

describe(`a desk syncing from the real server (${kind})`, () => {
  let t: TestDatabase;
  let server: RunningServer;
  let port: number;
  let clinicId: string;
  let doctorId: string;
  const initialPatients: string[] = [];
  const serverLog: string[] = [];
  const deskLog = captureLogger();
  const dataDir = tempDir();
  const fetched: Fetched[] = [];
  let desk: TestDesk | null = null;
  const events: ChangeEvent[] = [];
  const created = '2026-03-02T05:00:00.123Z';
  let mrn = 0;

  const countingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input instanceof Request ? input.url : input));
    let changes = 0;
    if (url.pathname.endsWith('/v1/shape') && res.status === 200) {
      const body = (await res.clone().json().catch(() => [])) as Array<{ headers?: { operation?: string } }>;
      changes = Array.isArray(body) ? body.filter((m) => m.headers?.operation).length : 0;
    }
    fetched.push({ url, status: res.status, changes });
    return res;
  };

  const conv = () => ({ clinic_id: clinicId, created_at: created, updated_at: created, updated_by: null, deleted_at: null });
  async function addPatient(name: string): Promise<string> {
    const row = patientRow(clinicId, { mrn: `SRV-${String(++mrn).padStart(5, '0')}-R`, full_name: name, created_at: created, updated_at: created, consent_data_processing_at: created });
    await t.central.db.insertInto('patients').values(row).execute();
    return row.id;
  }
  async function addAppointment(patientId: string, startMinutes: number): Promise<string> {
    const row = appointmentRow(clinicId, { patientId, doctorId }, { start_minutes: startMinutes, end_minutes: startMinutes + 15, created_at: created, updated_at: created });
    await t.central.db.insertInto('appointments').values(row).execute();
    return row.id;
  }

  async function openDesk(): Promise<TestDesk> {
    const d = await openTestDesk({
      dataDir,
      setup: false,
      logger: deskLog,
      sync: { fetch: countingFetch, joinTimeoutMs: 30_000, backoff: { initialDelay: 20, maxDelay: 300 }, restartDelayMs: 200 },
    });
    d.core.subscribe((e) => events.push(e));
    return d;
  }
  const status = async () => desk!.call('sync.status', {}, null);
  const rawDesk = () => new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true });

  beforeAll(async () => {
    t = await freshDatabase(kind);
    ({ clinicId } = await createClinic(t.central.db, clinicInput('Sunrise Clinic', { displayName: 'Asha Rao', username: 'asha' }), { now: new Date(), scrypt: TEST_SCRYPT }));
    doctorId = newId();
    await t.central.db
      .insertInto('staff')
      .values({ id: doctorId, username: 'drrao', display_name: 'Dr Meera Rao', role: 'doctor', password_hash: 'scrypt$not-used', active: 1, ...conv() })
      .execute();
    for (let i = 0; i < 5; i++) initialPatients.push(await addPatient(`Initial Patient ${i}`));
    await addAppointment(initialPatients[0]!, 600);
    server = await startServer({ central: t.central, log: jsonLogger((l) => serverLog.push(l), 'debug'), port: 0, shapes: { liveTimeoutMs: 1_000 } });
    port = server.port;
  }, 120_000);
  afterAll(async () => {
    await desk?.close();
    await server?.close();
    await t?.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a fresh desk is standalone and refuses bad addresses and codes in plain words', async () => {
    desk = await openDesk();
    expect(await desk.call('setup.status', {}, null)).toEqual({ needsSetup: true, clinicName: null });
    expect(await status()).toMatchObject({ state: 'standalone', serverUrl: null, shapes: [] });
    const unreachable = await desk.fail('sync.join', { serverUrl: 'http://127.0.0.1:1', code: 'ABCD-EFGH', deviceName: 'Front desk 1' }, null);
    expect(unreachable.message).toMatch(/^The server did not answer at http:\/\/127\.0\.0\.1:1\b/);
    const notUrl = await desk.fail('sync.join', { serverUrl: 'ftp://clinic', code: 'ABCD-EFGH', deviceName: 'Front desk 1' }, null);
    expect(notUrl.fields?.serverUrl).toMatch(/not a server address/);
    const wrongCode = await desk.fail('sync.join', { serverUrl: server.url, code: 'WRONG-CODE', deviceName: 'Front desk 1' }, null);
    expect(wrongCode).toMatchObject({ code: 'validation', message: 'That enrolment code is not valid or has expired. Ask your administrator for a new one.' });
    expect(await status()).toMatchObject({ state: 'standalone' });
  });

  it('joins with an enrolment code, adopts the server series, and signs in with an account that exists only on the server', async () => {
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date(), stationRole: 'front_desk' });
    // Typed as a receptionist might: without the scheme.
    const joined = await desk!.call('sync.join', { serverUrl: `127.0.0.1:${port}`, code, deviceName: 'Front desk 1' }, null);
    expect(joined).toMatchObject({ clinicName: 'Sunrise Clinic', stationRole: 'front_desk', invoiceSeries: 'FD1' });
    expect(JSON.stringify(joined)).not.toMatch(/credential/i);
    expect(desk!.core.deviceId).toBe(joined.deviceId);
    const db = rawDesk();
    expect(db.prepare('SELECT id, patient_series, clinic_id FROM device').get()).toEqual({ id: joined.deviceId, patient_series: joined.patientSeries, clinic_id: clinicId });
    db.close();

    expect(await desk!.call('setup.status', {}, null)).toEqual({ needsSetup: false, clinicName: 'Sunrise Clinic' });
    const session = await desk!.call('auth.signIn', { username: 'asha', password: PASSWORD }, null);
    expect(session.user).toMatchObject({ displayName: 'Asha Rao', role: 'admin' });
    desk!.adminToken = session.token;

    const s = await until(async () => {
      const st = await status();
      return st.state === 'online' && st;
    }, 'every shape up to date');
    expect(s).toMatchObject({ serverUrl: `http://127.0.0.1:${port}`, stationRole: 'front_desk', pendingMutations: 0 });
    expect(s.lastSyncedAt).toMatch(/Z$/);
    expect(s.shapes.find((x) => x.name === 'patients')).toEqual({ name: 'patients', rows: 5, upToDate: true });
    expect(events.some((e) => e.entities.includes('sync'))).toBe(true);

    // The desk's new MRNs come from the series the server gave it.
    const registered = await desk!.call('patients.register', {
      patient: { fullName: 'Desk Registered', sex: 'male', ageYears: 40, mobile: '9845012345' },
    });
    expect(registered.mrn.startsWith(`${joined.patientSeries}-`)).toBe(true);
    // …and the registration goes to the server at once (the write path), which keeps the desk's id and number.
    const central = await until(() => t.central.db.selectFrom('patients').select(['id', 'mrn', 'row_version']).where('id', '=', registered.id).executeTakeFirst(), 'the registration on the server');
    expect(central.mrn).toBe(registered.mrn);
    await until(async () => (await status()).pendingMutations === 0, 'the outbox settled');
  });

  it('shows rows written on the server live, with the day-view label filled whichever arrives first', async () => {
    const p = await desk!.call('patients.get', { id: initialPatients[1]! });
    expect(p.fullName).toBe('Initial Patient 1');
    events.length = 0;
    const newPatient = await addPatient('Live Patient');
    const appt = await addAppointment(newPatient, 630);
    await until(() => events.some((e) => e.entities.includes('patients')) && events.some((e) => e.entities.includes('appointments')), 'live change events');
    const live = await until(async () => {
      const r = await desk!.core.call('patients.get', { id: newPatient }, { token: desk!.adminToken });
      return r.ok && (r.data as { fullName: string });
    }, 'the live patient');
    expect(live.fullName).toBe('Live Patient');
    const db = rawDesk();
    const label = await until(() => {
      const row = db.prepare('SELECT patient_name FROM appointments WHERE id = ?').get(appt) as { patient_name: string | null } | undefined;
      return row?.patient_name ?? null;
    }, 'the appointment label');
    db.close();
    expect(label).toBe('Live Patient');
  });

  it('relays device administration to the server for the signed-in administrator', async () => {
    const devices = await desk!.call('devices.list', {});
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ name: 'Front desk 1', thisDevice: true, stationRole: 'front_desk' });
    const code = await desk!.call('devices.createEnrolmentCode', { expiresInHours: 2, stationRole: 'accounts' });
    expect(code.code.length).toBeGreaterThan(5);
    const other = await enrolDevice(t.central.db, { code: code.code, deviceName: 'Accounts PC' }, { now: new Date() });
    const revoked = await desk!.call('devices.revoke', { id: other.deviceId });
    expect(revoked).toMatchObject({ id: other.deviceId, thisDevice: false });
    expect(revoked.revokedAt).toBeTruthy();
    expect(deskLog.lines.join('\n')).not.toContain(code.code);
  });

  it('resumes from the saved offsets after a restart: nothing is downloaded again', async () => {
    await desk!.close();
    desk = null;
    const before = fetched.length;
    desk = await openDesk();
    await until(async () => (await status()).state === 'online', 'online after reopening');
    const after = fetched.slice(before);
    const shapeRequests = after.filter((f) => f.url.pathname.endsWith('/v1/shape'));
    expect(shapeRequests.length).toBeGreaterThanOrEqual(9);
    // Every shape asked from where it stopped, with its handle; no snapshot was requested again.
    expect(shapeRequests.filter((f) => f.url.searchParams.get('offset') === '-1')).toEqual([]);
    expect(shapeRequests.every((f) => f.url.searchParams.get('handle'))).toBe(true);
    expect(after.reduce((n, f) => n + f.changes, 0)).toBe(0);
    // One new row on the server: exactly one row travels.
    const mark = fetched.length;
    const late = await addPatient('Late Patient');
    const session = await desk.call('auth.signIn', { username: 'asha', password: PASSWORD }, null);
    desk.adminToken = session.token;
    await until(async () => (await desk!.core.call('patients.get', { id: late }, { token: desk!.adminToken })).ok, 'the late patient');
    expect(fetched.slice(mark).reduce((n, f) => n + f.changes, 0)).toBe(1);
  });

  it('works offline: the server stops, the desk says so, and staff still sign in', async () => {
    await server.close();
    await until(async () => (await status()).state === 'offline', 'offline', 30_000);
    const session = await desk!.call('auth.signIn', { username: 'asha', password: PASSWORD }, null);
    expect(session.user.role).toBe('admin');
    desk!.adminToken = session.token;
    const relay = await desk!.fail('devices.list', {});
    expect(relay.message).toMatch(/^The server did not answer at http:\/\/127\.0\.0\.1:\d+/);
    // Back on the same address, the desk catches up by itself.
    server = await startServer({ central: t.central, log: jsonLogger((l) => serverLog.push(l), 'debug'), port, shapes: { liveTimeoutMs: 1_000 } });
    const back = await addPatient('After Outage');
    await until(async () => (await status()).state === 'online', 'online again', 30_000);
    await until(async () => (await desk!.core.call('patients.get', { id: back }, { token: desk!.adminToken })).ok, 'the patient written during the outage');
  });

  it('after a server-side reset (409 must-refetch) ends equal to the new snapshot, keeping its own unsent rows', async () => {
    // A row the desk believes the server has (row_version set) but the server no longer holds.
    const ghost = newId();
    const w = new Database(path.join(dataDir, DB_FILE_NAME));
    w.pragma('busy_timeout = 5000');
    w.prepare(
      `INSERT INTO patients (id, mrn, full_name, sex, dob_estimated, mobile, consent_messages, consent_data_processing, clinic_id, created_at, updated_at, row_version)
       VALUES (?, 'GHO-00001-X', 'Ghost Row', 'male', 0, '9800000000', 0, 0, ?, ?, ?, 999999)`,
    ).run(ghost, clinicId, created, created);
    // And one this desk has not sent (row_version null): a refetch never removes it.
    const unsent = newId();
    w.prepare(
      `INSERT INTO patients (id, mrn, full_name, sex, dob_estimated, mobile, consent_messages, consent_data_processing, clinic_id, created_at, updated_at, row_version)
       VALUES (?, 'UNS-00001-X', 'Unsent Row', 'female', 0, '9800000001', 0, 0, ?, ?, ?, NULL)`,
    ).run(unsent, clinicId, created, created);
    w.close();
    const serverPatients = (await t.central.db.selectFrom('patients').select('id').execute()).map((r) => r.id);
    const before = fetched.length;
    await resetShapes(t.central.db, { clinicId, now: new Date() });
    await until(() => {
      const db = rawDesk();
      const gone = !db.prepare('SELECT 1 FROM patients WHERE id = ?').get(ghost);
      db.close();
      return gone;
    }, 'the ghost row removed by the refetch', 30_000);
    await until(async () => (await status()).state === 'online', 'online after the refetch', 30_000);
    expect(fetched.slice(before).some((f) => f.status === 409)).toBe(true);
    const db = rawDesk();
    const local = db.prepare('SELECT id, row_version FROM patients').all() as Array<{ id: string; row_version: number | null }>;
    db.close();
    // Every server patient once, plus the one this desk has not sent (row_version null).
    expect(local.filter((r) => r.row_version !== null).map((r) => r.id).sort()).toEqual([...serverPatients].sort());
    expect(local.filter((r) => r.row_version === null).map((r) => r.id)).toEqual([unsent]);
    expect(deskLog.lines.some((l) => l.includes('"sync.must_refetch"'))).toBe(true);
  });

  it('stops for good when an administrator revokes this PC', async () => {
    const deviceId = desk!.core.deviceId;
    await revokeDevice(t.central.db, { deviceId, by: null, now: new Date() });
    await until(async () => (await status()).state === 'revoked', 'revoked', 30_000);
    const relay = await desk!.fail('devices.list', {});
    expect(relay.reason).toBe('device_revoked');
    // Still usable offline with what it has.
    expect((await desk!.call('patients.get', { id: initialPatients[0]! })).fullName).toBe('Initial Patient 0');
  });

  it('never logs the credential or patient details', () => {
    const db = rawDesk();
    const { credential } = db.prepare('SELECT credential FROM sync_connection').get() as { credential: string };
    db.close();
    const all = deskLog.lines.join('\n') + serverLog.join('\n');
    expect(all).not.toContain(credential);
    for (const word of ['Initial Patient', 'Live Patient', 'Late Patient', '9876543210']) expect(all).not.toContain(word);
  });
});
