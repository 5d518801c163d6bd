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

  it('a forged mutation cannot change a signed note, nor sign one as someone who may not, nor write from a front desk PC', async () => {
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
    // Signing again, or as an administrator (who may read notes but not sign them), is refused.
    const asha = staff.find((s) => s.username === 'asha')!.id;
    expect((await push(consult, [{ name: 'notes.sign', userId: drRao, args: { noteId } }]))[0]).toMatchObject({ status: 'rejected' });
    expect((await push(admin, [{ name: 'notes.sign', userId: asha, args: { noteId } }]))[0]).toMatchObject({ status: 'rejected', message: expect.stringMatching(/not allowed/) });
    // A doctor's note pushed from the reception PC is refused too: clinical text never lands on a front desk PC.
    const fromReception = await push(reception, [{ name: 'notes.save', userId: drRao, args: { appointmentId, subjective: 'Secret symptom' } }]);
    expect(fromReception[0]).toMatchObject({ status: 'rejected', message: expect.stringMatching(/consult-room/) });
    const row = await world.t.central.db.selectFrom('clinical_notes').select(['subjective', 'assessment', 'status']).where('id', '=', noteId).executeTakeFirstOrThrow();
    expect(row).toEqual({ subjective: 'Chest tightness on exertion', assessment: 'Stable angina', status: 'signed' });
  });

  it('a hand-typed UPDATE or DELETE on the central database is refused by its trigger, so nothing false ever syncs', async () => {
    const db = world.t.central.db;
    await expect(sql`UPDATE clinical_notes SET assessment = 'Nothing wrong' WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/signed clinical record cannot be changed/);
    await expect(sql`UPDATE clinical_notes SET status = 'draft', signed_by = NULL, signed_at = NULL, content_hash = NULL WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`DELETE FROM clinical_notes WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`UPDATE clinical_notes SET deleted_at = now() WHERE id = ${noteId}`.execute(db)).rejects.toThrow(/cannot be changed/);
    await expect(sql`TRUNCATE clinical_notes CASCADE`.execute(db)).rejects.toThrow(/cannot be truncated/);
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

  it('a doctor signed in at the reception PC cannot write clinical records there', async () => {
    const drOnReception = (await reception.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null)).token;
    const refused = await reception.fail('notes.save', { appointmentId, subjective: 'Secret symptom' }, drOnReception);
    expect(refused).toMatchObject({ code: 'permission', message: expect.stringMatching(/consult-room/) });
    expect(readDesk(reception, 'SELECT id FROM clinical_notes')).toEqual([]);
    expect(readDesk(reception, `SELECT mutation_id FROM outbox WHERE name LIKE 'notes.%'`)).toEqual([]);
  });

  it('a walk-in made offline on the consult PC and its signed note go up in one batch and are both applied', async () => {
    const farahHere = (await consult.call('auth.signIn', { username: 'farah', password: 'pw-farah-123' }, null)).token;
    world.desks[1]!.net.online = false;
    const walkIn = await consult.call('appointments.walkIn', { doctorId: world.doctorId, patientId, type: 'follow_up' }, farahHere);
    const draft = await consult.call('notes.save', { appointmentId: walkIn.id, subjective: 'Review, offline' }, doctor);
    await consult.call('notes.save', { noteId: draft.id, appointmentId: walkIn.id, subjective: 'Review, offline', assessment: 'Better', followUpDate: world.tomorrow }, doctor);
    await consult.call('notes.sign', { noteId: draft.id }, doctor);
    world.desks[1]!.net.online = true;
    await settled(consult);
    const note = await world.t.central.db.selectFrom('clinical_notes').select(['status', 'assessment']).where('id', '=', draft.id).executeTakeFirst();
    expect(note).toEqual({ status: 'signed', assessment: 'Better' });
    const task = await world.t.central.db.selectFrom('tasks').select(['status', 'source_appointment_id']).where('source_appointment_id', '=', walkIn.id).executeTakeFirst();
    expect(task).toEqual({ status: 'open', source_appointment_id: walkIn.id });
    expect(readDesk<{ status: string }>(consult, 'SELECT status FROM clinical_notes WHERE id = ?', draft.id)[0]?.status).toBe('signed');
  });

  it('a note refused by the server (two PCs wrote the same visit offline) keeps its text in Needs attention, for the doctor only', async () => {
    const farahHere = (await consult.call('auth.signIn', { username: 'farah', password: 'pw-farah-123' }, null)).token;
    const walkIn = await consult.call('appointments.walkIn', { doctorId: world.doctorId, patientId, type: 'follow_up' }, farahHere);
    await settled(consult);
    await until(() => readDesk(admin, `SELECT id FROM appointments WHERE id = ?`, walkIn.id).length === 1, 'the visit on the admin PC');
    const drOnAdmin = (await admin.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null)).token;
    // The admin PC, offline, writes first; the consult room's note reaches the server first.
    world.desks[0]!.net.online = false;
    await admin.call('notes.save', { appointmentId: walkIn.id, subjective: 'Written on the admin PC', assessment: 'Second opinion' }, drOnAdmin);
    await consult.call('notes.save', { appointmentId: walkIn.id, subjective: 'Written in the consult room' }, doctor);
    await settled(consult);
    world.desks[0]!.net.online = true;
    await settled(admin);
    const [item] = await until(async () => {
      const items = await admin.call('inbox.list', {}, drOnAdmin);
      return items.length ? items : null;
    }, 'the refusal in Needs attention');
    expect(item!.title).toMatch(/^Note for .+'s visit with Test doctor/);
    expect(item!.typed).toEqual(expect.arrayContaining([{ label: 'Subjective', value: 'Written on the admin PC' }, { label: 'Assessment', value: 'Second opinion' }]));
    const asFrontDesk = await admin.call('inbox.list', {}, world.desks[0]!.frontDesk);
    expect(JSON.stringify(asFrontDesk)).not.toContain('Second opinion');
    expect(asFrontDesk[0]!.explanation).toMatch(/Only the doctor can see what was written/);
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
