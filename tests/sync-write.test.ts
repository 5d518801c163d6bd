import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../src-server/test/backends';
import { newId } from '../src-shared/ids';
import { createEnrolmentCode, enrolDevice, revokeDevice } from '../src-server/services/devices';
import { createClinic } from '../src-server/services/clinics';
import { clinicInput, TEST_SCRYPT } from '../src-server/test/backends';
import { patientRow } from './rows';
import { PATIENT, until, type TestDesk } from './helpers';
import { kind, letters, openWorld, pendingOn, readDesk, type Network, type World } from './sync-world';

/**
 * The write path with several desks (DESIGN.md §4, issue 5): each desk its own SQLite file and core, one
 * real server (PGlite, or PostgreSQL with TEST_DATABASE_URL). Desks go offline by losing their network
 * (their fetch fails), keep working, and converge when it is back: the server decides, nothing typed is
 * lost, nothing is applied twice.
 */

describe(`desks writing offline converge through the server (${kind})`, () => {
  let world: World;
  let t: TestDatabase;
  let server: World['server'];
  let netA: Network;
  let netB: Network;
  let a: TestDesk;
  let b: TestDesk;
  let deskA: string; // front desk user on A
  let deskB: string; // front desk user on B
  let doctorId: string;
  let tomorrow: string;

  const one = <T>(desk: TestDesk, q: string, ...params: unknown[]): T => readDesk<T>(desk, q, ...params)[0] as T;
  const all = <T>(desk: TestDesk, q: string, ...params: unknown[]): T[] => readDesk<T>(desk, q, ...params);
  const pending = pendingOn;
  const settled = (desk: TestDesk) => until(() => pending(desk) === 0, 'the outbox to empty');
  /** A push made by hand, as a desk (or someone with its credential) would send it. */
  const push = (credential: string, body: unknown) =>
    fetch(`${server.url}/v1/mutations`, { method: 'POST', headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    world = await openWorld({ desks: 2 });
    ({ t, server, doctorId, tomorrow } = world);
    [{ desk: a, net: netA, frontDesk: deskA }, { desk: b, net: netB, frontDesk: deskB }] = world.desks as [World['desks'][0], World['desks'][0]];
  }, 120_000);

  afterAll(async () => world?.close(), 60_000);

  it('a booking made on A is on the server with its row_version and reaches B without anyone asking', async () => {
    const p = await a.call('patients.register', { patient: PATIENT }, deskA);
    const booked = await a.call('appointments.book', { doctorId, patientId: p.id, date: tomorrow, startMinutes: 540, type: 'new', mode: 'confirm' }, deskA);
    await settled(a);
    const central = await t.central.db.selectFrom('appointments').select(['id', 'status', 'row_version']).where('id', '=', booked.id).executeTakeFirstOrThrow();
    expect(central.status).toBe('confirmed');
    // A's copy carries the server's row_version (the after-image), so it is no longer "never seen".
    expect(one<{ row_version: number }>(a, 'SELECT row_version FROM appointments WHERE id = ?', booked.id).row_version).toBe(central.row_version);
    // The appointment and its patient come by separate shapes: wait until B has both.
    const onB = await until(async () => {
      const appt = (await b.call('appointments.day', { date: tomorrow }, deskB)).doctors[0]!.slots[0]!.appointments[0];
      return appt?.patientName === PATIENT.fullName ? appt : undefined;
    }, 'the booking and its patient on B');
    expect(onB).toMatchObject({ id: booked.id, patientName: PATIENT.fullName, status: 'confirmed' });
    // The transitions the desk wrote are the server's rows (same ids).
    const transitions = await t.central.db.selectFrom('appointment_transitions').select('id').where('appointment_id', '=', booked.id).orderBy('id').execute();
    expect(transitions.map((r) => r.id)).toEqual(all<{ id: string }>(a, 'SELECT id FROM appointment_transitions WHERE appointment_id = ? ORDER BY id', booked.id).map((r) => r.id));
  });

  it('both desks offline book the same slot: after reconnecting exactly one booking stands, the other is in that desk’s inbox', async () => {
    const p1 = await a.call('patients.register', { patient: { fullName: 'Kavya Menon', sex: 'female', ageYears: 29, mobile: '9822000001' } }, deskA);
    const p2 = await a.call('patients.register', { patient: { fullName: 'Rohan Shetty', sex: 'male', ageYears: 41, mobile: '9822000002' } }, deskA);
    await settled(a);
    await until(async () => (await b.call('patients.search', { query: 'Rohan', limit: 5 }, deskB)).patients.length === 1, 'patients on B');
    netA.online = false;
    netB.online = false;
    const onA = await a.call('appointments.book', { doctorId, patientId: p1.id, date: tomorrow, startMinutes: 600, type: 'new', mode: 'confirm' }, deskA);
    const onB = await b.call('appointments.book', { doctorId, patientId: p2.id, date: tomorrow, startMinutes: 600, type: 'new', mode: 'confirm' }, deskB);
    expect(pending(a)).toBe(1);
    expect(pending(b)).toBe(1);
    netA.online = true;
    await settled(a);
    netB.online = true;
    await settled(b);

    const standing = await t.central.db.selectFrom('appointments').select(['id']).where('date', '=', tomorrow).where('start_minutes', '=', 600).execute();
    expect(standing.map((r) => r.id)).toEqual([onA.id]);
    // B's copy went back to the server's truth: its own booking is gone, A's is there.
    await until(async () => {
      const slot = (await b.call('appointments.day', { date: tomorrow }, deskB)).doctors[0]!.slots.find((s) => s.startMinutes === 600)!;
      return slot.appointments.length === 1 && slot.appointments[0]!.id === onA.id;
    }, 'B to show only A’s booking');
    expect(one(b, 'SELECT id FROM appointments WHERE id = ?', onB.id)).toBeUndefined();
    // …and what was typed is in B's inbox, in plain words.
    const inbox = all<{ name: string; reason: string; message: string; args: string; resolved_at: string | null }>(b, 'SELECT * FROM inbox');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ name: 'appointments.book', reason: 'slot_full', resolved_at: null });
    expect(inbox[0]!.message).toMatch(/Test doctor's 10:00 slot on .* is already booked/);
    expect(JSON.parse(inbox[0]!.args)).toMatchObject({ patientId: p2.id, startMinutes: 600 });
    // A's outbox entry was applied, B's rejected: every mutation either applied or in an inbox.
    expect(one<{ status: string }>(b, 'SELECT status FROM outbox ORDER BY seq DESC LIMIT 1').status).toBe('rejected');

    // The receptionist on B sees it in words, with what was typed, and rebooks it into the next free slot.
    expect(await b.call('sync.status', {}, deskB)).toMatchObject({ needsAttention: 1, pendingMutations: 0 });
    const [item] = await b.call('inbox.list', {}, deskB);
    expect(item).toMatchObject({ title: expect.stringMatching(/^Booking: Rohan Shetty with Test doctor, .* at 10:00$/), madeBy: 'Test front desk', actions: ['rebook', 'keep_theirs', 'discard'] });
    expect(item!.explanation).toMatch(/^Test doctor's 10:00 slot on .* was booked from another desk while this PC was offline\./);
    expect(item!.typed).toContainEqual({ label: 'Patient', value: 'Rohan Shetty' });
    expect(item!.typed).toContainEqual({ label: 'Visit type', value: 'New' });
    // A doctor sees it too, but is not offered to book it again (only who may book can rebook).
    const doctorOnB = (await b.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null)).token;
    expect((await b.call('inbox.list', {}, doctorOnB))[0]!.actions).toEqual(['keep_theirs', 'discard']);
    expect((await b.fail('inbox.resolve', { id: item!.id, action: 'rebook' }, doctorOnB)).reason).toBe('not_offered');
    const resolved = await b.call('inbox.resolve', { id: item!.id, action: 'rebook' }, deskB);
    expect(resolved).toMatchObject({ resolution: 'rebooked', resolvedBy: 'Test front desk', actions: [], resolutionNote: expect.stringMatching(/^Booked into Test doctor's 10:15 slot on /) });
    await settled(b);
    const rebooked = await t.central.db.selectFrom('appointments').select(['patient_id', 'start_minutes', 'status']).where('id', '=', resolved.appointmentId!).executeTakeFirstOrThrow();
    expect(rebooked).toEqual({ patient_id: p2.id, start_minutes: 615, status: 'confirmed' });
    // Resolved items keep their history; the open list and the badge are empty.
    expect(await b.call('inbox.list', {}, deskB)).toEqual([]);
    expect(await b.call('inbox.list', { include: 'all' }, deskB)).toHaveLength(1);
    expect((await b.call('sync.status', {}, deskB)).needsAttention).toBe(0);
    expect((await b.fail('inbox.resolve', { id: item!.id, action: 'discard' }, deskB)).message).toMatch(/already dealt with by Test front desk/);
  });

  it('two desks editing different fields of one patient offline: both edits survive everywhere', async () => {
    const p = await a.call('patients.register', { patient: { fullName: 'Sunita Pawar', sex: 'female', ageYears: 52, mobile: '9822000003', city: 'Pune' } }, deskA);
    await settled(a);
    await until(async () => (await b.call('patients.search', { query: 'Sunita', limit: 5 }, deskB)).patients.length === 1, 'the patient on B');
    netA.online = false;
    netB.online = false;
    await a.call('patients.update', { id: p.id, changes: { mobile: '9822999999' } }, deskA);
    await b.call('patients.update', { id: p.id, changes: { city: 'Satara' } }, deskB);
    netA.online = true;
    netB.online = true;
    await settled(a);
    await settled(b);
    const central = await t.central.db.selectFrom('patients').select(['mobile', 'city', 'row_version']).where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(central).toMatchObject({ mobile: '9822999999', city: 'Satara' });
    for (const desk of [a, b]) {
      await until(async () => {
        const got = await desk.call('patients.get', { id: p.id }, desk === a ? deskA : deskB);
        return got.mobile === '9822999999' && got.city === 'Satara';
      }, 'both edits on each desk');
    }
  });

  it('a push whose reply is lost is sent again and applied once', async () => {
    const p = await a.call('patients.register', { patient: { fullName: 'Imran Qureshi', sex: 'male', ageYears: 37, mobile: '9822000004' } }, deskA);
    await settled(a);
    let lost = 0;
    netA.onPushReply = () => (lost++ === 0 ? false : true);
    const walkIn = await a.call('appointments.walkIn', { doctorId, patientId: p.id, type: 'new' }, deskA);
    await settled(a);
    netA.onPushReply = null;
    expect(lost).toBeGreaterThanOrEqual(2);
    const rows = await t.central.db.selectFrom('appointments').select('id').where('id', '=', walkIn.id).execute();
    expect(rows).toHaveLength(1);
    const transitions = await t.central.db.selectFrom('appointment_transitions').select('id').where('appointment_id', '=', walkIn.id).execute();
    expect(transitions).toHaveLength(2);
    const recorded = await t.central.db.selectFrom('mutations').select(['status']).where('name', '=', 'appointments.walkIn').execute();
    expect(recorded).toEqual([{ status: 'applied' }]);
  });

  it('a desk offline for a week of work catches up, and the other desk has all of it', async () => {
    netA.online = false;
    const made: string[] = [];
    for (let i = 0; i < 120; i++) {
      const p = await a.call('patients.register', { patient: { fullName: `Week Patient ${letters(i)}`, sex: i % 2 ? 'male' : 'female', ageYears: 20 + (i % 50), mobile: `98230${String(i).padStart(5, '0')}` } }, deskA);
      made.push(p.id);
      if (i % 3 === 0) await a.call('patients.update', { id: p.id, changes: { city: 'Nashik' } }, deskA);
    }
    for (let i = 0; i < 9; i++) {
      await a.call('appointments.book', { doctorId, patientId: made[i]!, date: tomorrow, startMinutes: 630 + i * 15, type: 'follow_up', mode: i % 2 ? 'confirm' : 'request' }, deskA);
    }
    expect(pending(a)).toBe(120 + 40 + 9);
    netA.online = true;
    await settled(a);
    expect(one<{ n: number }>(a, `SELECT count(*) AS n FROM outbox WHERE status = 'rejected'`).n).toBe(0);
    const onServer = await t.central.db.selectFrom('patients').select((eb) => eb.fn.countAll().as('n')).where('full_name', 'like', 'Week Patient %').executeTakeFirstOrThrow();
    expect(Number(onServer.n)).toBe(120);
    await until(() => one<{ n: number }>(b, `SELECT count(*) AS n FROM patients WHERE full_name LIKE 'Week Patient %' AND city = 'Nashik'`).n === 40, 'B to have the week');
    await until(() => one<{ n: number }>(b, `SELECT count(*) AS n FROM appointments WHERE date = ? AND start_minutes >= 630`, tomorrow).n === 9, 'B to have the bookings');
  });

  it('refuses, changing nothing: a user without the permission, a row that is not there or is another clinic’s, a removed PC, a malformed batch', async () => {
    const doctor = await b.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null);
    // The desk itself refuses a doctor registering a patient; a forged push is refused by the server too.
    const conn = one<{ credential: string }>(b, 'SELECT credential FROM sync_connection');
    const forged = await push(conn.credential, {
      mutations: [
        { id: '01900000-0000-7000-8000-000000000001', name: 'staff.setActive', args: { id: doctor.user.id, active: false }, ids: [], rows: [], userId: doctor.user.id, madeAt: new Date().toISOString() },
        {
          id: '01900000-0000-7000-8000-000000000002',
          name: 'appointments.transition',
          args: { id: '01900000-0000-7000-8000-0000000000ff', event: 'appointment.cancel', reason: 'x', holdMinutes: 15 },
          ids: ['01900000-0000-7000-8000-0000000000fe'],
          rows: [],
          userId: doctor.user.id,
          madeAt: new Date().toISOString(),
        },
      ],
    });
    expect(forged.status).toBe(200);
    const body = (await forged.json()) as { results: Array<{ status: string; reason: string }> };
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'not_allowed'],
      ['rejected', 'not_found'],
    ]);
    const still = await t.central.db.selectFrom('staff').select('active').where('id', '=', doctor.user.id).executeTakeFirstOrThrow();
    expect(still.active).toBe(1);
    // The database itself refuses one change of a batch (a patient number already in use): the others stand.
    const holder = await b.call('patients.register', { patient: { fullName: 'Number Holder', sex: 'male', ageYears: 60, mobile: '9822000009' } }, deskB);
    await settled(b);
    const front = await b.call('auth.signIn', { username: 'farah', password: 'pw-farah-123' }, null);
    const mixed = await push(conn.credential, {
      mutations: [
        { id: newId(), name: 'holidays.add', args: { date: '2031-01-26', name: 'Republic Day' }, ids: [newId()], rows: [], userId: (await b.call('auth.session', {})).user.id, madeAt: new Date().toISOString() },
        {
          id: newId(),
          name: 'patients.register',
          args: { id: newId(), mrn: holder.mrn, input: { fullName: 'Same Number', sex: 'female', dateOfBirth: null, ageYears: 30, mobile: '9822000010' } },
          ids: [],
          rows: [],
          userId: front.user.id,
          madeAt: new Date().toISOString(),
        },
      ],
    });
    expect(((await mixed.json()) as { results: Array<{ status: string; reason?: string }> }).results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', undefined],
      ['rejected', 'duplicate'],
    ]);
    expect(await t.central.db.selectFrom('clinic_holidays').select('name').where('date', '=', '2031-01-26').execute()).toEqual([{ name: 'Republic Day' }]);
    expect(await t.central.db.selectFrom('patients').select('id').where('full_name', '=', 'Same Number').execute()).toEqual([]);
    // Inside one batch, a refused change in between does not make the server forget the batch's own booking.
    const patients = await t.central.db.selectFrom('patients').select('id').limit(2).execute();
    const book = (patientId: string) => ({
      id: newId(),
      name: 'appointments.book',
      args: { id: newId(), doctorId, patientId, date: tomorrow, startMinutes: 765, type: 'new', deskNotes: null, mode: 'confirm', holdMinutes: 15 },
      ids: [newId(), newId()],
      rows: [],
      userId: front.user.id,
      madeAt: new Date().toISOString(),
    });
    const sameSlot = await push(conn.credential, {
      mutations: [
        book(patients[0]!.id),
        { id: newId(), name: 'appointments.transition', args: { id: newId(), event: 'appointment.cancel', reason: 'x', holdMinutes: 15 }, ids: [newId()], rows: [], userId: front.user.id, madeAt: new Date().toISOString() },
        book(patients[1]!.id),
      ],
    });
    expect(((await sameSlot.json()) as { results: Array<{ status: string; reason?: string }> }).results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', undefined],
      ['rejected', 'not_found'],
      ['rejected', 'slot_full'],
    ]);
    expect(await t.central.db.selectFrom('appointments').select('id').where('date', '=', tomorrow).where('start_minutes', '=', 765).execute()).toHaveLength(1);
    // Another clinic on the same server: its patient cannot be edited from this clinic's PC.
    const other = await createClinic(t.central.db, clinicInput('Lotus Clinic', { displayName: 'Lata Rao', username: 'lata' }), { now: new Date(), additional: true, scrypt: TEST_SCRYPT });
    const theirs = patientRow(other.clinicId, { full_name: 'Other Clinic Patient' });
    await t.central.db.insertInto('patients').values(theirs).execute();
    const crossClinic = await push(conn.credential, { mutations: [{ id: newId(), name: 'patients.update', args: { id: theirs.id, set: { city: 'Mumbai' } }, ids: [], rows: [['patients', theirs.id]], userId: front.user.id, madeAt: new Date().toISOString() }] });
    const crossResult = ((await crossClinic.json()) as { results: Array<{ status: string; reason: string; rows: Record<string, unknown[]>; missing: unknown[] }> }).results[0]!;
    expect(crossResult).toMatchObject({ status: 'rejected', reason: 'not_found', rows: {}, missing: [['patients', theirs.id]] });
    expect(await t.central.db.selectFrom('patients').select(['city', 'row_version']).where('id', '=', theirs.id).executeTakeFirstOrThrow()).toMatchObject({ city: theirs.city });
    // A PC an administrator removed is refused, whatever it sends.
    const clinicId = one<{ clinic_id: string }>(b, 'SELECT clinic_id FROM device').clinic_id;
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date() });
    const lost = await enrolDevice(t.central.db, { code, deviceName: 'Lost laptop' }, { now: new Date() });
    await revokeDevice(t.central.db, { deviceId: lost.deviceId, by: null, now: new Date() });
    const fromRevoked = await push(lost.credential, { mutations: [{ id: newId(), name: 'holidays.add', args: { date: '2031-08-15', name: 'Independence Day' }, ids: [newId()], rows: [], userId: front.user.id, madeAt: new Date().toISOString() }] });
    expect(fromRevoked.status).toBe(403);
    expect(await t.central.db.selectFrom('clinic_holidays').select('id').where('date', '=', '2031-08-15').execute()).toEqual([]);
    // A malformed batch is refused as a whole.
    const malformed = await push(conn.credential, { mutations: [{ id: 'nope', name: 'patients.drop' }] });
    expect(malformed.status).toBe(400);
  });
});
