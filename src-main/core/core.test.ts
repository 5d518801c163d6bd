import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, ADMIN, CLINIC, openTestDesk, PATIENT, tempDir, type TestDesk } from '../../tests/helpers';
import { DB_FILE_NAME, openCore } from './core';
import { isValidMrn } from '../../src-shared/mrn';

const desks: TestDesk[] = [];
async function desk(options: Parameters<typeof openTestDesk>[0] = {}) {
  const d = await openTestDesk(options);
  desks.push(d);
  return d;
}
afterEach(async () => {
  while (desks.length) await desks.pop()!.close();
});

function rawDb(d: TestDesk) {
  return new Database(path.join(d.dir, DB_FILE_NAME), { readonly: true });
}

describe('first run and the local database', () => {
  it('opens in WAL mode with durable commits and foreign keys, and refuses a second setup', async () => {
    const d = await desk();
    const db = rawDb(d);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(await d.call('setup.status', {}, null)).toEqual({ needsSetup: false, clinicName: 'Sunrise Clinic' });
    const again = await d.fail('setup.createClinic', { clinic: CLINIC, admin: ADMIN }, null);
    expect(again.code).toBe('conflict');
  });

  it('keeps every row to the data conventions (UUIDv7 ids, clinic, timestamps, who, row_version)', async () => {
    const d = await desk();
    const p = await d.call('patients.register', { patient: PATIENT });
    const db = rawDb(d);
    const row = db.prepare('SELECT * FROM patients WHERE id = ?').get(p.id) as Record<string, unknown>;
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(row).toMatchObject({ row_version: null, deleted_at: null });
    expect(row.clinic_id).toBeTruthy();
    expect(row.updated_by).toBeTruthy();
    expect(row.created_at).toMatch(/Z$/);
    db.close();
  });

  it('refuses a database written by a newer version', async () => {
    const dir = tempDir();
    const first = await openCore({ dataDir: dir });
    await first.close();
    const db = new Database(path.join(dir, DB_FILE_NAME));
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01')").run();
    db.close();
    await expect(openCore({ dataDir: dir })).rejects.toThrow(/newer version of ClinicDesk/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to open a damaged database file', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), Buffer.alloc(8192, 7));
    await expect(openCore({ dataDir: dir })).rejects.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('commands write rows, audit and outbox together', () => {
  it('registering a patient writes the patient, an audit event and an outbox mutation', async () => {
    const d = await desk();
    const p = await d.call('patients.register', { patient: PATIENT });
    expect(isValidMrn(p.mrn)).toBe(true);
    expect(p).toMatchObject({ fullName: 'Ramesh Kumar Iyer', mobile: '9845012345', abhaNumber: '12345678901234', dobEstimated: false });
    expect(p.consentMessagesAt).toBe(p.createdAt);
    const db = rawDb(d);
    const audit = db.prepare("SELECT * FROM audit_events WHERE entity_id = ?").all(p.id) as Array<{ action: string; changes: string }>;
    expect(audit.map((a) => a.action)).toEqual(['patient.registered']);
    const outbox = db.prepare("SELECT * FROM outbox WHERE name = 'patients.register'").all() as Array<{ args: string; status: string }>;
    expect(outbox).toHaveLength(1);
    expect(JSON.parse(outbox[0]!.args).id).toBe(p.id);
    expect(outbox[0]!.status).toBe('pending');
    db.close();
  });

  it('a command that fails half-way leaves nothing behind: no row, no audit, no outbox, no number used', async () => {
    const d = await desk();
    const db = new Database(path.join(d.dir, DB_FILE_NAME));
    const before = db.prepare('SELECT patient_next, patient_series FROM device').get() as { patient_next: number; patient_series: string };
    // Make the insert fail inside the transaction: a trigger refuses new patients.
    db.exec("CREATE TRIGGER refuse_patients BEFORE INSERT ON patients BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const err = await d.fail('patients.register', { patient: PATIENT });
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(/nothing was saved/);
    const counts = db.prepare("SELECT (SELECT count(*) FROM patients) p, (SELECT count(*) FROM audit_events WHERE action LIKE 'patient.%') a, (SELECT count(*) FROM outbox WHERE name LIKE 'patients.%') o").get();
    expect(counts).toEqual({ p: 0, a: 0, o: 0 });
    expect(db.prepare('SELECT patient_next FROM device').get()).toEqual({ patient_next: before.patient_next });
    db.exec('DROP TRIGGER refuse_patients');
    db.close();
    const p = await d.call('patients.register', { patient: PATIENT });
    expect(p.mrn.startsWith(`${before.patient_series}-00001-`)).toBe(true);
  });

  it('staff passwords never reach the outbox or the audit trail in plain text', async () => {
    const d = await desk();
    await d.call('staff.create', { displayName: 'Farah Shaikh', username: 'farah', role: 'front_desk', password: 'farah-secret-77' });
    const db = rawDb(d);
    const dump = JSON.stringify([db.prepare('SELECT * FROM outbox').all(), db.prepare('SELECT * FROM audit_events').all(), db.prepare('SELECT * FROM staff').all()]);
    expect(dump).not.toContain('farah-secret-77');
    expect(dump).not.toContain(ADMIN.password);
    expect(dump).toContain('scrypt$');
    db.close();
  });
});

describe('patients', () => {
  it('warns of a probable duplicate (same mobile, similar name) and registers only when confirmed', async () => {
    const d = await desk();
    const first = await d.call('patients.register', { patient: PATIENT });
    const dup = await d.fail('patients.register', { patient: { ...PATIENT, fullName: 'Ramesh K. Iyer', mobile: '09845012345' } });
    expect(dup).toMatchObject({ code: 'conflict', reason: 'possible_duplicate' });
    expect((dup.details as { duplicates: Array<{ id: string }> }).duplicates.map((p) => p.id)).toEqual([first.id]);
    expect(await d.call('patients.findDuplicates', { fullName: 'Ramesh Iyer', mobile: '9845012345' })).toHaveLength(1);
    // Family members share a phone: a different name is not a duplicate.
    await d.call('patients.register', { patient: { ...PATIENT, fullName: 'Lakshmi Iyer', sex: 'female' } });
    const second = await d.call('patients.register', { patient: { ...PATIENT, fullName: 'Ramesh K. Iyer' }, confirmNotDuplicate: true });
    expect(second.mrn).not.toBe(first.mrn);
  });

  it('finds patients by any part of the name, by mobile prefix with or without +91, and by MRN', async () => {
    const d = await desk();
    const ramesh = await d.call('patients.register', { patient: PATIENT });
    const sunita = await d.call('patients.register', { patient: { ...PATIENT, fullName: 'Sunita Deshpande', sex: 'female', mobile: '7020011223', abhaNumber: '' } });
    const search = async (query: string) => (await d.call('patients.search', { query })).patients.map((p) => p.fullName);
    expect(await search('ram')).toEqual(['Ramesh Kumar Iyer']);
    expect(await search('iyer ram')).toEqual(['Ramesh Kumar Iyer']);
    expect(await search('KUM')).toEqual(['Ramesh Kumar Iyer']);
    expect(await search('desh')).toEqual(['Sunita Deshpande']);
    expect(await search('98450')).toEqual(['Ramesh Kumar Iyer']);
    expect(await search('+91 70200')).toEqual(['Sunita Deshpande']);
    expect(await search(sunita.mrn)).toEqual(['Sunita Deshpande']);
    expect(await search(ramesh.mrn.slice(0, 7).toLowerCase())).toContain('Ramesh Kumar Iyer');
    expect(await search('zzz')).toEqual([]);
    expect((await d.call('patients.search', { query: '98450' })).kind).toBe('mobile');
  });

  it('edits keep an audit history of exactly what changed, and an edit that changes nothing writes nothing', async () => {
    const d = await desk();
    const frontDesk = await addStaff(d, 'front_desk', 'farah');
    const p = await d.call('patients.register', { patient: PATIENT }, frontDesk);
    const edited = await d.call('patients.update', { id: p.id, changes: { city: 'Mysuru', mobile: '+91 99000 11223' } }, frontDesk);
    expect(edited).toMatchObject({ city: 'Mysuru', mobile: '9900011223', email: PATIENT.email, fullName: PATIENT.fullName });
    await d.call('patients.update', { id: p.id, changes: { city: 'Mysuru' } }, frontDesk);
    const history = await d.call('patients.history', { id: p.id }, frontDesk);
    expect(history.map((h) => h.action)).toEqual(['patient.updated', 'patient.registered']);
    expect(history[0]!.userName).toBe('Test front desk');
    expect(history[0]!.changes).toEqual([
      { field: 'mobile', before: '9845012345', after: '9900011223' },
      { field: 'city', before: 'Bengaluru', after: 'Mysuru' },
    ]);
    const found = await d.call('patients.search', { query: '99000' }, frontDesk);
    expect(found.patients.map((x) => x.id)).toEqual([p.id]);
    expect((await d.call('patients.search', { query: '98450' }, frontDesk)).patients).toEqual([]);
  });

  it('an age instead of a date of birth is kept as an estimated date of birth', async () => {
    const d = await desk();
    const p = await d.call('patients.register', { patient: { ...PATIENT, dateOfBirth: null, ageYears: 7 } });
    expect(p.dobEstimated).toBe(true);
    expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const refused = await d.fail('patients.register', { patient: { ...PATIENT, dateOfBirth: null, ageYears: null } });
    expect(refused.fields).toHaveProperty(['patient.dateOfBirth']);
  });
});

describe('sign-in, sessions and permissions', () => {
  it('each role may call only what the permission table allows, and the core enforces it', async () => {
    const d = await desk();
    const frontDesk = await addStaff(d, 'front_desk', 'farah');
    const doctor = await addStaff(d, 'doctor', 'drrao');
    const accounts = await addStaff(d, 'accounts', 'anil');
    expect((await d.fail('staff.list', {}, frontDesk)).code).toBe('permission');
    expect((await d.fail('staff.create', { displayName: 'Evil Admin', username: 'evil', role: 'admin', password: 'password123' }, frontDesk)).code).toBe('permission');
    expect((await d.fail('clinic.update', {}, frontDesk)).code).toBe('permission');
    expect((await d.fail('patients.register', { patient: PATIENT }, doctor)).code).toBe('permission');
    expect((await d.fail('patients.history', { id: '01a21432-6880-75c5-ba82-8ba2e7ee7069' }, accounts)).code).toBe('permission');
    await d.call('patients.search', { query: 'ram' }, accounts);
    await d.call('patients.search', { query: 'ram' }, doctor);
    expect((await d.fail('patients.search', { query: 'ram' }, null)).code).toBe('unauthenticated');
    expect((await d.fail('patients.search', { query: 'ram' }, 'forged-token')).code).toBe('unauthenticated');
  });

  it('wrong passwords are rate-limited, and the message does not say whether the username exists', async () => {
    const d = await desk();
    const unknown = await d.fail('auth.signIn', { username: 'nobody', password: 'x' }, null);
    const wrong = await d.fail('auth.signIn', { username: 'asha', password: 'x' }, null);
    expect(unknown.message).toBe(wrong.message);
    for (let i = 0; i < 4; i++) await d.fail('auth.signIn', { username: 'asha', password: 'x' }, null);
    const limited = await d.fail('auth.signIn', { username: 'asha', password: ADMIN.password }, null);
    expect(limited.code).toBe('rate_limited');
    expect(limited.message).toMatch(/Wait \d+ seconds/);
  });

  it('a session locks after the idle time; only unlock or sign-out work until the password is given', async () => {
    let now = new Date('2026-11-25T10:00:00Z').getTime();
    const d = await desk({ clock: () => new Date(now) });
    const token = d.adminToken;
    await d.call('patients.search', { query: 'a' }, token);
    now += 11 * 60_000; // default idle lock: 10 minutes
    expect((await d.fail('patients.search', { query: 'a' }, token)).code).toBe('locked');
    expect((await d.call('auth.session', {}, token)).locked).toBe(true);
    expect((await d.fail('auth.unlock', { password: 'wrong' }, token)).code).toBe('unauthenticated');
    await d.call('auth.unlock', { password: ADMIN.password }, token);
    await d.call('patients.search', { query: 'a' }, token);
    await d.call('auth.lock', {}, token);
    expect((await d.fail('patients.search', { query: 'a' }, token)).code).toBe('locked');
    await d.call('auth.signOut', {}, token);
    expect((await d.fail('auth.session', {}, token)).code).toBe('unauthenticated');
  });

  it('deactivating staff ends their sessions and stops sign-in; the last admin cannot be removed', async () => {
    const d = await desk();
    const frontDesk = await addStaff(d, 'front_desk', 'farah');
    const staff = await d.call('staff.list', {});
    const farah = staff.find((s) => s.username === 'farah')!;
    const admin = staff.find((s) => s.username === 'asha')!;
    await d.call('staff.setActive', { id: farah.id, active: false });
    expect((await d.fail('patients.search', { query: 'a' }, frontDesk)).code).toBe('unauthenticated');
    expect((await d.fail('auth.signIn', { username: 'farah', password: 'pw-farah-123' }, null)).reason).toBe('inactive');
    expect((await d.fail('staff.setActive', { id: admin.id, active: false })).reason).toBe('self');
    expect((await d.fail('staff.update', { id: admin.id, role: 'doctor' })).reason).toBe('last_admin');
    await d.call('staff.setActive', { id: farah.id, active: true });
    await d.call('staff.update', { id: farah.id, role: 'admin' });
    await d.call('staff.update', { id: admin.id, role: 'doctor' });
  });

  it('usernames are unique and case-insensitive', async () => {
    const d = await desk();
    await addStaff(d, 'doctor', 'drrao');
    const taken = await d.fail('staff.create', { displayName: 'Dr Rao Two', username: 'DrRao', role: 'doctor', password: 'password123' });
    expect(taken).toMatchObject({ code: 'conflict', fields: { username: 'This username is already taken.' } });
  });
});

describe('two desks registering offline at the same moment', () => {
  it('hand out MRNs from their own series, so numbers never collide', async () => {
    const a = await desk();
    const b = await desk();
    const mrnsA = new Set<string>();
    const mrnsB = new Set<string>();
    for (let i = 0; i < 20; i++) {
      mrnsA.add((await a.call('patients.register', { patient: { ...PATIENT, mobile: `98000${String(i).padStart(5, '0')}` } })).mrn);
      mrnsB.add((await b.call('patients.register', { patient: { ...PATIENT, mobile: `98000${String(i).padStart(5, '0')}` } })).mrn);
    }
    expect(mrnsA.size).toBe(20);
    expect([...mrnsA].filter((m) => mrnsB.has(m))).toEqual([]);
    const prefix = (s: Set<string>) => new Set([...s].map((m) => m.split('-')[0]));
    expect(prefix(mrnsA).size).toBe(1);
  });
});
