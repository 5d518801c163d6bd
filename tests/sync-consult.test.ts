import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { newId } from '../src-shared/ids';
import { CLINICAL_TABLES } from '../src-shared/sync/shapes';
import { PATIENT, until, type TestDesk } from './helpers';
import { kind, openWorld, pendingOn, readDesk, type World } from './sync-world';

/**
 * Consultation across desks through the real server (issue 7): a signed note is immutable everywhere — a forged
 * mutation and a hand-typed UPDATE on the central database are refused like a ClinicApi call — and clinical
 * records reach only consult-room and admin PCs: front desk and accounts stations never receive them.
 */
describe(`clinical records through the server (${kind})`, () => {
  let world: World;
  let admin: TestDesk;
  let consult: TestDesk;
  let reception: TestDesk;
  let accountsPc: TestDesk;
  let doctor: string;
  let frontDesk: string;
  let appointmentId: string;
  let noteId: string;
  let patientId: string;

  const settled = (desk: TestDesk) => until(() => pendingOn(desk) === 0, 'the outbox to empty');
  const credentialOf = (desk: TestDesk) => readDesk<{ credential: string }>(desk, 'SELECT credential FROM sync_connection')[0]!.credential;

  beforeAll(async () => {
    world = await openWorld({ desks: 4, stations: ['doctor', 'front_desk', 'accounts'] });
    [admin, consult, reception, accountsPc] = world.desks.map((w) => w.desk) as [TestDesk, TestDesk, TestDesk, TestDesk];
    frontDesk = world.desks[2]!.frontDesk;
    doctor = (await consult.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null)).token;

    patientId = (await reception.call('patients.register', { patient: PATIENT }, frontDesk)).id;
    const booked = await reception.call('appointments.walkIn', { doctorId: world.doctorId, patientId, type: 'new' }, frontDesk);
    appointmentId = booked.id;
    await settled(reception);
    await until(() => readDesk(consult, `SELECT id FROM appointments WHERE id = ? AND status = 'checked_in'`, appointmentId).length === 1 && readDesk(consult, 'SELECT id FROM patients WHERE id = ?', patientId).length === 1, 'the visit on the consult PC');

    await consult.call('allergies.save', { patientId, substance: 'Penicillin', severity: 'severe' }, doctor);
    const note = await consult.call('notes.save', { appointmentId, subjective: 'Chest tightness on exertion', assessment: 'Stable angina', diagnoses: [{ code: 'I20.9', title: 'Angina pectoris, unspecified' }], vitals: { bpSystolic: 150, bpDiastolic: 92 } }, doctor);
    noteId = note.id;
    await consult.call('prescriptions.save', { kind: 'medication', appointmentId, items: [{ generic: 'Aspirin', strength: '75 mg', dose: '1 tablet', frequency: '0-1-0', durationValue: 30, timing: 'after_food' }] }, doctor);
    await consult.call('labs.enterResult', { patientId, appointmentId, test: { name: 'LDL cholesterol', unit: 'mg/dL', refHigh: '100' }, value: '162', collectedOn: '2026-11-20' }, doctor);
    await consult.call('notes.sign', { noteId }, doctor);
    await settled(consult);
  }, 180_000);

  afterAll(async () => world?.close(), 60_000);

  it('the signed note reaches the server as signed, with its hash, and the admin’s PC', async () => {
    const row = await world.t.central.db.selectFrom('clinical_notes').selectAll().where('id', '=', noteId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'signed', assessment: 'Stable angina', content_hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const local = readDesk<{ content_hash: string }>(consult, 'SELECT content_hash FROM clinical_notes WHERE id = ?', noteId)[0]!;
    expect(local.content_hash).toBe(row.content_hash);
    expect((await world.t.central.db.selectFrom('prescriptions').select('status').where('appointment_id', '=', appointmentId).executeTakeFirstOrThrow()).status).toBe('signed');
    await until(() => readDesk(admin, `SELECT id FROM clinical_notes WHERE id = ? AND status = 'signed'`, noteId).length === 1, 'the note on the admin PC');
    expect((await world.t.central.db.selectFrom('mutations').select(['name', 'message']).where('status', '=', 'rejected').execute())).toEqual([]);
  });

  it('a forged mutation cannot change a signed note, nor sign one as someone else', async () => {
    const staff = readDesk<{ id: string; username: string }>(consult, 'SELECT id, username FROM staff');
    const drRao = staff.find((s) => s.username === 'drrao')!.id;
    const farah = staff.find((s) => s.username === 'farah')!.id;
    const push = async (desk: TestDesk, mutations: Array<{ name: string; args: unknown; userId: string }>) => {
      const res = await fetch(`${world.server.url}/v1/mutations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credentialOf(desk)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mutations: mutations.map((m) => ({ id: newId(), ids: [], madeAt: new Date().toISOString(), ...m })) }),
      });
      return ((await res.json()) as { results: Array<{ status: string; message: string }> }).results;
    };
    const edit = await push(consult, [{ name: 'notes.save', userId: drRao, args: { noteId, appointmentId, subjective: 'Rewritten history', assessment: 'Nothing wrong' } }]);
    expect(edit[0]).toMatchObject({ status: 'rejected', message: expect.stringMatching(/signed/i) });
    const discard = await push(consult, [{ name: 'notes.discard', userId: drRao, args: { noteId } }]);
    expect(discard[0]).toMatchObject({ status: 'rejected' });
    // A front desk user (on the reception PC) is not allowed clinical writes at all.
    const asReception = await push(reception, [{ name: 'notes.save', userId: farah, args: { appointmentId, subjective: 'x' } }]);
    expect(asReception[0]).toMatchObject({ status: 'rejected', message: expect.stringMatching(/not allowed/) });
    const row = await world.t.central.db.selectFrom('clinical_notes').select(['subjective', 'assessment', 'status']).where('id', '=', noteId).executeTakeFirstOrThrow();
    expect(row).toEqual({ subjective: 'Chest tightness on exertion', assessment: 'Stable angina', status: 'signed' });
  });

  it('a hand-typed UPDATE or DELETE on the central database is refused by its trigger, so nothing false ever syncs', async () => {
    const db = world.t.central.db;
    await expect(sql`UPDATE clinical_notes SET assessment = 'Nothing wrong' WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/signed clinical record cannot be changed/);
    await expect(sql`UPDATE clinical_notes SET status = 'draft', signed_by = NULL, signed_at = NULL, content_hash = NULL WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`DELETE FROM clinical_notes WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`UPDATE prescriptions SET items = '[]' WHERE appointment_id = ${appointmentId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    const local = readDesk<{ assessment: string }>(consult, 'SELECT assessment FROM clinical_notes WHERE id = ?', noteId)[0]!;
    expect(local.assessment).toBe('Stable angina');
  });

  it('an attached report reaches the server as a checked file and opens on another consult PC; a damaged file is refused', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% lipid profile, 20-11-2026\n%%EOF\n');
    const doc = await consult.call('documents.attach', { patientId, appointmentId, title: 'Lipid profile report', mimeType: 'application/pdf', dataBase64: pdf.toString('base64') }, doctor);
    await settled(consult);
    const stored = await until(() => world.t.central.db.selectFrom('blobs').select(['sha256', 'size_bytes', 'data']).where('sha256', '=', doc.sha256).executeTakeFirst(), 'the file on the server');
    expect(Buffer.from(stored.data).equals(pdf)).toBe(true);
    expect(Number(stored.size_bytes)).toBe(pdf.length);

    // The admin's PC has the row by sync and fetches the file itself from the server the first time it is opened.
    await until(() => readDesk(admin, 'SELECT id FROM documents WHERE id = ?', doc.id).length === 1, 'the document row on the admin PC');
    const opened = await admin.call('documents.open', { id: doc.id });
    expect(Buffer.from(opened.dataBase64, 'base64').equals(pdf)).toBe(true);

    const post = (desk: TestDesk, body: unknown) =>
      fetch(`${world.server.url}/v1/blobs`, { method: 'POST', headers: { authorization: `Bearer ${credentialOf(desk)}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const damaged = await post(consult, { sha256: doc.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')), dataBase64: pdf.toString('base64') });
    expect(damaged.status).toBe(400);
    expect(await damaged.text()).toMatch(/does not match its checksum/);
    // Reception may neither send nor fetch clinical files.
    expect((await post(reception, { sha256: doc.sha256, dataBase64: pdf.toString('base64') })).status).toBe(403);
    const fetched = await fetch(`${world.server.url}/v1/blobs/${doc.sha256}`, { headers: { authorization: `Bearer ${credentialOf(reception)}` } });
    expect(fetched.status).toBe(403);
    expect(await fetched.text()).not.toContain('lipid');
  });

  it('front desk and accounts PCs never receive clinical tables; their shape requests for them are refused', async () => {
    // Wait until the reception and accounts PCs have caught up with everything else the consult PC wrote.
    await until(() => readDesk(reception, 'SELECT id FROM appointments WHERE id = ?', appointmentId).length === 1, 'the visit on reception');
    for (const desk of [reception, accountsPc]) {
      for (const table of CLINICAL_TABLES) expect(readDesk(desk, `SELECT id FROM ${table}`)).toEqual([]);
      const status = await desk.call('sync.status', {});
      expect(status.shapes.map((s) => s.name)).not.toContain('clinical_notes');
      for (const table of CLINICAL_TABLES) {
        const res = await fetch(`${world.server.url}/v1/shape?table=${table}&offset=-1`, { headers: { authorization: `Bearer ${credentialOf(desk)}` } });
        expect(res.status).toBe(403);
        const text = await res.text();
        expect(text).not.toContain('angina');
      }
    }
    // The consult PC does receive them (the admin's desk too).
    const ok = await fetch(`${world.server.url}/v1/shape?table=clinical_notes&offset=-1`, { headers: { authorization: `Bearer ${credentialOf(consult)}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Stable angina');
    // Nothing clinical in the databases of the reception and accounts PCs, in any table or column.
    for (const desk of [reception, accountsPc]) {
      const tables = readDesk<{ name: string }>(desk, `SELECT name FROM sqlite_master WHERE type = 'table'`).map((t) => t.name);
      for (const table of tables) {
        const dump = JSON.stringify(readDesk(desk, `SELECT * FROM "${table}"`));
        for (const secret of ['angina', 'Angina', 'I20.9', 'Aspirin', 'Penicillin', 'Chest tightness', '"162"']) expect(dump).not.toContain(secret);
      }
    }
  });
});
