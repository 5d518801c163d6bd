import { FetchError, isChangeMessage, isControlMessage, Shape, ShapeStream, type Message, type Row } from '@electric-sql/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src-shared/ids';
import { shapeColumns, type StationRole } from '../../src-shared/sync/shapes';
import { runAdminCommand } from '../admin';
import { jsonLogger } from '../log';
import { createClinic } from '../services/clinics';
import { createEnrolmentCode, enrolDevice, revokeDevice } from '../services/devices';
import { compactChangeLog, formatOffset, parseOffset, resetShapes } from '../services/shapes';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { patientRow } from '../../tests/rows';
import { startServer, type RunningServer } from './server';

/**
 * Conformance of GET /v1/shape with the real, unmodified @electric-sql/client (ShapeStream and Shape over
 * Node's fetch), on PGlite and on PostgreSQL, with rows written through kysely into the central tables.
 */

const CHUNK = 3;

interface Recorded {
  url: URL;
  status: number;
  headers: Record<string, string>;
}

function offsetKey(offset: string): [bigint, bigint] {
  const [a, b] = offset.split('_');
  return [BigInt(a!), BigInt(b!)];
}
function offsetLess(x: string, y: string): boolean {
  const [a1, b1] = offsetKey(x);
  const [a2, b2] = offsetKey(y);
  return a1 < a2 || (a1 === a2 && b1 < b2);
}

describe.each(BACKENDS)('shape endpoint on %s', (kind) => {
  let t: TestDatabase;
  let server: RunningServer;
  let quick: RunningServer;
  const logLines: string[] = [];
  let clinicA: string;
  let adminA: string;
  let clinicB: string;
  const devices: Record<string, { id: string; credential: string }> = {};
  const patientsA: string[] = [];
  const created = '2026-03-02T05:00:00.123Z';
  let mrn = 0;

  const patient = (clinicId: string, overrides: Partial<Parameters<typeof patientRow>[1]> = {}) => {
    mrn++;
    // Every column filled, withheld ones (emergency contact, ABHA) included, so what a station does not get shows.
    return patientRow(clinicId, {
      mrn: `K7M-${String(mrn).padStart(5, '0')}-R`,
      full_name: `Meera Iyer ${mrn}`,
      emergency_name: 'Ravi Iyer',
      emergency_relation: 'brother',
      emergency_phone: '9876500000',
      abha_number: '12345678901234',
      consent_messages: 1,
      consent_messages_at: created,
      consent_data_processing: 0,
      consent_data_processing_at: null,
      created_at: created,
      ...overrides,
    });
  };

  async function addPatient(clinicId: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const row = patient(clinicId, overrides);
    await t.central.db.insertInto('patients').values(row).execute();
    return row.id;
  }

  async function enrol(clinicId: string, name: string, stationRole: StationRole) {
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date(), stationRole });
    const d = await enrolDevice(t.central.db, { code, deviceName: name }, { now: new Date() });
    return { id: d.deviceId, credential: d.credential };
  }

  beforeAll(async () => {
    t = await freshDatabase(kind);
    const now = new Date();
    ({ clinicId: clinicA, adminId: adminA } = await createClinic(t.central.db, clinicInput('Sunrise Clinic'), { now, scrypt: TEST_SCRYPT }));
    ({ clinicId: clinicB } = await createClinic(t.central.db, clinicInput('Lotus Clinic', { displayName: 'Vikram Shah', username: 'vikram' }), {
      now,
      additional: true,
      scrypt: TEST_SCRYPT,
    }));
    devices.frontA = await enrol(clinicA, 'Front desk', 'front_desk');
    devices.accountsA = await enrol(clinicA, 'Accounts', 'accounts');
    devices.frontB = await enrol(clinicB, 'Lotus desk', 'front_desk');
    devices.doomedA = await enrol(clinicA, 'Old PC', 'front_desk');
    for (let i = 0; i < 8; i++) patientsA.push(await addPatient(clinicA));
    await addPatient(clinicB, { full_name: 'Lotus Patient' });
    const log = jsonLogger((l) => logLines.push(l), 'debug');
    server = await startServer({ central: t.central, log, port: 0, shapes: { chunkSize: CHUNK, liveTimeoutMs: 10_000 } });
    quick = await startServer({ central: t.central, log, port: 0, shapes: { chunkSize: CHUNK, liveTimeoutMs: 700 } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await quick?.close();
    await t?.dispose();
  }, 60_000);

  function open(
    device: { credential: string },
    opts: { table?: string; params?: Record<string, string>; offset?: string; handle?: string; base?: string; record?: Recorded[] } = {},
  ) {
    const controller = new AbortController();
    const errors: Error[] = [];
    const batches: Message<Row>[][] = [];
    const record = opts.record;
    const stream = new ShapeStream<Row>({
      url: `${opts.base ?? server.url}/v1/shape`,
      params: { table: opts.table ?? 'patients', ...(opts.params ?? {}) },
      headers: { authorization: `Bearer ${device.credential}` },
      signal: controller.signal,
      ...(opts.offset ? { offset: opts.offset as `${number}_${number}` } : {}),
      ...(opts.handle ? { handle: opts.handle } : {}),
      fetchClient: async (input, init) => {
        const res = await fetch(input, init);
        record?.push({ url: new URL(String(input)), status: res.status, headers: Object.fromEntries(res.headers.entries()) });
        return res;
      },
      onError: (err) => {
        errors.push(err);
      },
    });
    stream.subscribe(
      (msgs) => {
        batches.push(msgs);
      },
      (err) => errors.push(err),
    );
    const shape = new Shape(stream);
    return {
      stream,
      shape,
      errors,
      batches,
      get messages() {
        return batches.flat();
      },
      changes(): Array<{ op: string; id: string; value: Row }> {
        return batches
          .flat()
          .filter(isChangeMessage)
          .map((m) => ({ op: m.headers.operation, id: String(m.value.id), value: m.value }));
      },
      stop: () => controller.abort(),
    };
  }

  async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function get(path: string, credential?: string, base = server.url) {
    const res = await fetch(base + path, { headers: credential ? { authorization: `Bearer ${credential}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
  }

  it('serves the first snapshot in chunks with increasing offsets, then up-to-date; values are the desk’s text forms', async () => {
    const record: Recorded[] = [];
    const s = open(devices.frontA!, { record });
    try {
      const rows = await s.shape.rows;
      expect(rows.map((r) => r.id).sort()).toEqual([...patientsA].sort());
      const snapshot = record.filter((r) => r.url.searchParams.get('live') !== 'true' && r.status === 200);
      // 8 rows at 3 per chunk: three responses, the last one up-to-date.
      expect(snapshot.length).toBeGreaterThanOrEqual(3);
      const chunks = snapshot.slice(0, 3);
      expect(chunks.map((c) => c.headers['electric-up-to-date'] !== undefined)).toEqual([false, false, true]);
      for (const c of chunks) {
        expect(c.headers['electric-handle']).toMatch(/^patients-[0-9a-f]+$/);
        expect(c.headers['electric-offset']).toMatch(/^\d+_\d+$/);
        expect(c.headers['electric-cursor']).toMatch(/^\d+$/);
        expect(c.headers['access-control-expose-headers']).toContain('electric-offset');
      }
      expect(new Set(chunks.map((c) => c.headers['electric-handle'])).size).toBe(1);
      expect(offsetLess(chunks[0]!.headers['electric-offset']!, chunks[1]!.headers['electric-offset']!)).toBe(true);
      expect(offsetLess(chunks[1]!.headers['electric-offset']!, chunks[2]!.headers['electric-offset']!)).toBe(true);
      expect(chunks[0]!.url.searchParams.get('offset')).toBe('-1');
      const schema = JSON.parse(chunks[0]!.headers['electric-schema']!) as Record<string, { type: string; not_null?: boolean; pk_index?: number }>;
      expect(Object.keys(schema)).toEqual(shapeColumns('patients', 'front_desk'));
      expect(schema.id).toEqual({ type: 'text', not_null: true, pk_index: 0 });
      expect(schema.row_version).toEqual({ type: 'int8', not_null: true });
      expect(schema.email).toEqual({ type: 'text' });

      const one = rows.find((r) => r.id === patientsA[0])!;
      // Instants byte-identical to what the desk writes (toISOString), dates as YYYY-MM-DD, ints parsed by type.
      expect(one.created_at).toBe(created);
      expect(one.consent_messages_at).toBe(created);
      expect(one.consent_data_processing_at).toBeNull();
      expect(one.date_of_birth).toBe('1990-07-14');
      expect(one.consent_messages).toBe(1);
      expect(typeof one.row_version).toBe('bigint');
      expect(one.clinic_id).toBe(clinicA);
      expect(one.abha_number).toBe('12345678901234');
      expect(s.errors).toEqual([]);

      // The raw body: Postgres text forms (strings), ending with the up-to-date control message.
      const raw = await fetch(`${server.url}/v1/shape?table=patients&offset=-1`, { headers: { authorization: `Bearer ${devices.frontA!.credential}` } });
      const body = (await raw.json()) as Array<{ key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }>;
      expect(body).toHaveLength(CHUNK);
      expect(body[0]!.headers).toEqual({ operation: 'insert', relation: ['public', 'patients'] });
      expect(body[0]!.key).toBe(`"public"."patients"/"${String(body[0]!.value!.id)}"`);
      expect(body[0]!.value!.dob_estimated).toBe('0');
      expect(typeof body[0]!.value!.row_version).toBe('string');
    } finally {
      s.stop();
    }
  });

  it('delivers live inserts, updates and deletes; the clinics shape is the device’s own clinic', async () => {
    const s = open(devices.frontA!);
    const c = open(devices.frontA!, { table: 'clinics' });
    try {
      await s.shape.rows;
      const clinics = await c.shape.rows;
      expect(clinics.map((r) => r.id)).toEqual([clinicA]);
      const before = s.changes().length;
      const added = await addPatient(clinicA, { full_name: 'Live Insert' });
      await until(() => s.shape.currentValue.has(`"public"."patients"/"${added}"`), 'the live insert');
      await t.central.db.updateTable('patients').set({ full_name: 'Live Update', updated_at: '2026-03-02T06:00:00.000Z' }).where('id', '=', added).execute();
      await until(() => s.changes().some((m) => m.id === added && m.op === 'update'), 'the live update');
      expect(s.shape.currentValue.get(`"public"."patients"/"${added}"`)?.full_name).toBe('Live Update');
      expect(s.shape.currentValue.get(`"public"."patients"/"${added}"`)?.updated_at).toBe('2026-03-02T06:00:00.000Z');
      await t.central.db.deleteFrom('patients').where('id', '=', added).execute();
      await until(() => s.changes().some((m) => m.id === added && m.op === 'delete'), 'the live delete');
      expect(s.shape.currentValue.has(`"public"."patients"/"${added}"`)).toBe(false);
      expect(s.changes().slice(before).map((m) => m.op)).toEqual(['insert', 'update', 'delete']);
      expect(s.errors).toEqual([]);
    } finally {
      s.stop();
      c.stop();
    }
  });

  it('answers a live request with nothing new after the timeout: up-to-date, a newer cursor, an offset not below the one sent', async () => {
    const auth = devices.frontA!.credential;
    const first = await fetch(`${quick.url}/v1/shape?table=clinic_holidays&offset=-1`, { headers: { authorization: `Bearer ${auth}` } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual([{ headers: { control: 'up-to-date' } }]);
    const handle = first.headers.get('electric-handle')!;
    const offset = first.headers.get('electric-offset')!;
    const cursor = first.headers.get('electric-cursor')!;
    const started = Date.now();
    const live = await fetch(`${quick.url}/v1/shape?table=clinic_holidays&offset=${offset}&handle=${handle}&live=true&cursor=${cursor}`, {
      headers: { authorization: `Bearer ${auth}` },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual([{ headers: { control: 'up-to-date' } }]);
    expect(live.headers.get('electric-up-to-date')).not.toBeNull();
    expect(live.headers.get('electric-handle')).toBe(handle);
    expect(live.headers.get('electric-schema')).toBeNull();
    expect(BigInt(live.headers.get('electric-cursor')!)).toBeGreaterThan(BigInt(cursor));
    expect(offsetLess(live.headers.get('electric-offset')!, offset)).toBe(false);
    // offset=now: no snapshot, just the current position.
    const now = await fetch(`${quick.url}/v1/shape?table=patients&offset=now`, { headers: { authorization: `Bearer ${auth}` } });
    expect(now.status).toBe(200);
    expect(await now.json()).toEqual([{ headers: { control: 'up-to-date' } }]);
    expect(now.headers.get('electric-offset')).toMatch(/^\d+_0$/);

    // And through the real client: it keeps long-polling, each answer up-to-date.
    const record: Recorded[] = [];
    const s = open(devices.frontA!, { table: 'clinic_holidays', base: quick.url, record });
    try {
      await until(() => record.filter((r) => r.url.searchParams.get('live') === 'true').length >= 2, 'two live answers', 10_000);
      const lives = record.filter((r) => r.url.searchParams.get('live') === 'true');
      expect(lives.every((r) => r.status === 200 && r.headers['electric-up-to-date'] !== undefined)).toBe(true);
      expect(BigInt(lives[1]!.headers['electric-cursor']!)).toBeGreaterThan(BigInt(lives[0]!.headers['electric-cursor']!));
      expect(lives[1]!.url.searchParams.get('cursor')).toBe(lives[0]!.headers['electric-cursor']);
      expect(s.errors).toEqual([]);
    } finally {
      s.stop();
    }
  });

  it('holds no database connection while live requests wait (more waiting than the pool has connections)', async () => {
    const auth = devices.frontA!.credential;
    const first = await get('/v1/shape?table=schedule_exceptions&offset=-1', auth);
    const url = `${server.url}/v1/shape?table=schedule_exceptions&offset=${first.headers.get('electric-offset')}&handle=${first.headers.get('electric-handle')}&live=true`;
    const controller = new AbortController();
    const waiting = Array.from({ length: 15 }, () => fetch(url, { headers: { authorization: `Bearer ${auth}` }, signal: controller.signal }).catch(() => null));
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const me = await get('/v1/device', auth);
    expect(me.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    controller.abort();
    expect((await Promise.all(waiting)).every((r) => r === null)).toBe(true);
    await until(() => logLines.filter((l) => l.includes('"status":499')).length >= 15, 'the abandoned requests to be logged', 5_000);
  });

  it('resumes from a saved offset and handle with only the later changes', async () => {
    const s = open(devices.frontA!);
    await s.shape.rows;
    await until(() => s.stream.isUpToDate, 'up-to-date');
    const offset = s.stream.lastOffset;
    const handle = s.stream.shapeHandle!;
    s.stop();
    // Five changes, four of them in one transaction: log pages of 3 end inside that transaction.
    const later = [await addPatient(clinicA, { full_name: 'Later One' })];
    const bulk = [patient(clinicA), patient(clinicA), patient(clinicA), patient(clinicA)];
    await t.central.db.transaction().execute((trx) => trx.insertInto('patients').values(bulk).execute());
    later.push(...bulk.map((p) => p.id));
    const record: Recorded[] = [];
    const resumed = open(devices.frontA!, { offset, handle, record });
    try {
      await until(() => resumed.messages.some((m) => isControlMessage(m) && m.headers.control === 'up-to-date'), 'the resumed stream to catch up');
      expect(resumed.changes().map((c) => c.id)).toEqual(later);
      expect(resumed.changes().every((c) => c.op === 'insert')).toBe(true);
      expect(resumed.errors).toEqual([]);
      expect(record[0]!.url.searchParams.get('offset')).toBe(offset);
      expect(record[0]!.headers['electric-up-to-date']).toBeUndefined();
      expect(record[0]!.headers['electric-offset']).toMatch(/^\d+_[1-9]\d*$/); // a position inside the bulk transaction
      expect(offsetLess(offset, record[0]!.headers['electric-offset']!)).toBe(true);
      expect(offsetLess(record[0]!.headers['electric-offset']!, record[1]!.headers['electric-offset']!)).toBe(true);
    } finally {
      resumed.stop();
    }
    patientsA.push(...later);
  });

  it('gives each station its role’s columns, whatever the client asks; where, columns and unknown parameters have no effect', async () => {
    const record: Recorded[] = [];
    const acc = open(devices.accountsA!, { record });
    const tricky = open(devices.frontA!, { params: { where: `full_name = 'nobody'`, columns: 'id', foo: 'bar', replica: 'full' } });
    try {
      const rows = await acc.shape.rows;
      expect(rows).toHaveLength(patientsA.length);
      for (const r of rows) {
        for (const withheld of ['abha_number', 'emergency_name', 'emergency_relation', 'emergency_phone']) expect(r).not.toHaveProperty(withheld);
        expect(r.full_name).toBeTruthy();
      }
      const schema = JSON.parse(record.find((r) => r.headers['electric-schema'])!.headers['electric-schema']!) as Record<string, unknown>;
      expect(Object.keys(schema)).toEqual(shapeColumns('patients', 'accounts'));
      expect(schema).not.toHaveProperty('abha_number');
      // Another station, another handle.
      const frontHandle = (await get('/v1/shape?table=patients&offset=-1', devices.frontA!.credential)).headers.get('electric-handle');
      expect(record[0]!.headers['electric-handle']).not.toBe(frontHandle);

      const all = await tricky.shape.rows;
      expect(all).toHaveLength(patientsA.length);
      expect(all[0]).toHaveProperty('abha_number');
      expect(all[0]).toHaveProperty('mobile');
      expect(tricky.errors).toEqual([]);
    } finally {
      acc.stop();
      tricky.stop();
    }
  });

  it('never gives a device of one clinic the rows of another', async () => {
    const b = open(devices.frontB!);
    const bClinics = open(devices.frontB!, { table: 'clinics' });
    try {
      const rows = await b.shape.rows;
      expect(rows.map((r) => r.full_name)).toEqual(['Lotus Patient']);
      expect((await bClinics.shape.rows).map((r) => r.id)).toEqual([clinicB]);
      const forA = await addPatient(clinicA, { full_name: 'Only For A' });
      const forB = await addPatient(clinicB, { full_name: 'Only For B' });
      await until(() => b.changes().some((c) => c.id === forB), 'clinic B’s own insert');
      expect(b.changes().some((c) => c.id === forA)).toBe(false);
      expect(b.changes().every((c) => c.value.clinic_id === clinicB || c.op === 'delete')).toBe(true);
      patientsA.push(forA);
      // A clinic A handle is of no use to clinic B's device.
      const aHandle = (await get('/v1/shape?table=patients&offset=-1', devices.frontA!.credential)).headers.get('electric-handle')!;
      const crossed = await get(`/v1/shape?table=patients&offset=0_0&handle=${aHandle}`, devices.frontB!.credential);
      expect(crossed.status).toBe(409);
    } finally {
      b.stop();
      bClinics.stop();
    }
  });

  it('refuses a bad table, a missing or unknown credential and a revoked device — a waiting live request included — with JSON', async () => {
    const bad = await get('/v1/shape?table=devices&offset=-1', devices.frontA!.credential);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'validation', reason: 'unknown_table' } });
    expect((await get('/v1/shape?offset=-1', devices.frontA!.credential)).body).toMatchObject({ error: { reason: 'table_missing' } });
    expect((await get('/v1/shape?table=patients&offset=banana', devices.frontA!.credential)).status).toBe(400);
    const none = await get('/v1/shape?table=patients&offset=-1');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'unauthenticated', reason: 'credential_missing' } });
    const wrong = await get('/v1/shape?table=patients&offset=-1', 'cd1_' + 'x'.repeat(43));
    expect(wrong.status).toBe(401);

    // The real client stops with the refusal.
    const refused = open({ credential: 'nonsense' });
    await until(() => refused.errors.length > 0, 'the refusal');
    expect(refused.errors[0]).toBeInstanceOf(FetchError);
    expect((refused.errors[0] as FetchError).status).toBe(401);
    refused.stop();

    const doomed = devices.doomedA!.credential;
    const first = await get('/v1/shape?table=staff&offset=-1', doomed);
    expect(first.status).toBe(200);
    const offset = first.headers.get('electric-offset')!;
    const handle = first.headers.get('electric-handle')!;
    const started = Date.now();
    const waiting = fetch(`${server.url}/v1/shape?table=staff&offset=${offset}&handle=${handle}&live=true`, { headers: { authorization: `Bearer ${doomed}` } });
    await new Promise((r) => setTimeout(r, 300));
    await revokeDevice(t.central.db, { deviceId: devices.doomedA!.id, by: null, now: new Date() });
    const ended = await waiting;
    // Ended at once, not at the 10 s live timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ended.status).toBe(403);
    expect(await ended.json()).toMatchObject({ error: { code: 'permission', reason: 'device_revoked' } });
    expect((await get('/v1/shape?table=staff&offset=-1', doomed)).status).toBe(403);
  });

  it('answers 409 must-refetch with a new handle for an unknown handle or an offset below the compaction horizon', async () => {
    const auth = devices.frontA!.credential;
    const unknown = await get('/v1/shape?table=patients&offset=0_0&handle=patients-nosuch', auth);
    expect(unknown.status).toBe(409);
    expect(unknown.body).toEqual([{ headers: { control: 'must-refetch' } }]);
    expect(unknown.headers.get('electric-handle')).toMatch(/^patients-/);

    const snap = await get('/v1/shape?table=schedule_sessions&offset=-1', auth);
    const handle = snap.headers.get('electric-handle')!;
    const offset = snap.headers.get('electric-offset')!;
    patientsA.push(await addPatient(clinicA, { full_name: 'Moves The Watermark' }));
    const compacted = await compactChangeLog(t.central.db, { retentionMs: 0, now: new Date(Date.now() + 1000) });
    expect(compacted.deleted).toBeGreaterThan(0);
    expect(BigInt(compacted.horizon)).toBeGreaterThan(offsetKey(offset)[0]);
    expect(await t.central.db.selectFrom('change_log').select('seq').execute()).toEqual([]);
    const stale = await get(`/v1/shape?table=schedule_sessions&offset=${offset}&handle=${handle}`, auth);
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual([{ headers: { control: 'must-refetch' } }]);
    const fresh = stale.headers.get('electric-handle')!;
    expect(fresh).not.toBe(handle);
    const again = await get('/v1/shape?table=schedule_sessions&offset=-1', auth);
    expect(again.status).toBe(200);
    expect(again.headers.get('electric-handle')).toBe(fresh);
    // A second compaction never moves the horizon back.
    const second = await compactChangeLog(t.central.db, { retentionMs: 60_000, now: new Date() });
    expect(BigInt(second.horizon)).toBeGreaterThanOrEqual(BigInt(compacted.horizon));
  });

  it('the real client re-snapshots after a 409: must-refetch, then the full shape under a new handle', async () => {
    const s = open(devices.frontA!);
    try {
      await s.shape.rows;
      const oldHandle = s.stream.shapeHandle;
      await until(() => s.stream.isUpToDate, 'up-to-date');
      // A server-side reset (the reset-shapes command) retires every handle of the clinic.
      expect(await runAdminCommand(t.central.db, { command: 'reset-shapes', clinic: 'Sunrise Clinic' }, new Date())).toMatchObject({ retired: expect.any(Number) });
      expect(await resetShapes(t.central.db, { clinicId: clinicA, now: new Date() })).toBe(0);
      // Wake the waiting live request; its next request carries the retired handle.
      const added = await addPatient(clinicA, { full_name: 'After Reset' });
      patientsA.push(added);
      await until(() => s.messages.some((m) => isControlMessage(m) && m.headers.control === 'must-refetch'), 'must-refetch');
      const at = s.messages.findIndex((m) => isControlMessage(m) && m.headers.control === 'must-refetch');
      await until(() => s.messages.slice(at).some((m) => isControlMessage(m) && m.headers.control === 'up-to-date'), 'the fresh snapshot');
      const after = s.messages.slice(at + 1).filter(isChangeMessage);
      expect(new Set(after.map((m) => String(m.value.id)))).toEqual(new Set(patientsA));
      expect(after.every((m) => m.headers.operation === 'insert')).toBe(true);
      expect(s.stream.shapeHandle).not.toBe(oldHandle);
      expect(s.shape.currentRows).toHaveLength(patientsA.length);
      expect(s.errors).toEqual([]);
    } finally {
      s.stop();
    }
  });

  it.skipIf(kind === 'pglite')(
    'never skips a late commit holding a lower seq (two PostgreSQL connections)',
    async () => {
      const s = open(devices.frontA!);
      const early = new pg.Client({ connectionString: t.url! });
      const late = new pg.Client({ connectionString: t.url! });
      await early.connect();
      await late.connect();
      try {
        await s.shape.rows;
        await until(() => s.stream.isUpToDate, 'up-to-date');
        const insert = (c: pg.Client, id: string, name: string) => {
          const p = patient(clinicA, { id, full_name: name });
          const cols = Object.keys(p);
          return c.query(`INSERT INTO patients (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(p));
        };
        const earlyId = newId();
        const lateId = newId();
        await early.query('BEGIN');
        await early.query('SELECT pg_current_xact_id()'); // the lower transaction id
        await late.query('BEGIN');
        await insert(late, lateId, 'Late Commit'); // the lower seq
        await insert(early, earlyId, 'Early Commit'); // a higher seq
        await early.query('COMMIT');
        await until(() => s.changes().some((c) => c.id === earlyId), 'the early commit to be served');
        expect(s.changes().some((c) => c.id === lateId)).toBe(false);
        await late.query('COMMIT');
        await until(() => s.changes().some((c) => c.id === lateId), 'the late commit');
        const versions = await t.central.db.selectFrom('patients').select(['id', 'row_version']).where('id', 'in', [earlyId, lateId]).execute();
        const v = Object.fromEntries(versions.map((r) => [r.id, r.row_version]));
        expect(v[lateId]).toBeLessThan(v[earlyId]!);
        patientsA.push(earlyId, lateId);
        expect(s.errors).toEqual([]);
      } finally {
        await early.query('ROLLBACK').catch(() => {});
        await late.query('ROLLBACK').catch(() => {});
        await early.end();
        await late.end();
        s.stop();
      }
    },
    30_000,
  );

  it('gives the station role at enrolment and on GET /v1/device; admin desks choose it for codes', async () => {
    const me = await get('/v1/device', devices.accountsA!.credential);
    expect(me.body).toMatchObject({ device: { stationRole: 'accounts' } });
    const adminDesk = await enrol(clinicA, 'Admin PC', 'admin');
    const res = await fetch(`${server.url}/v1/enrolment-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminDesk.credential}`, 'clinicdesk-user': adminA, 'content-type': 'application/json' },
      body: JSON.stringify({ stationRole: 'doctor' }),
    });
    expect(res.status).toBe(201);
    const { code, stationRole } = (await res.json()) as { code: string; stationRole: string };
    expect(stationRole).toBe('doctor');
    const enrolled = await fetch(`${server.url}/v1/enrol`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'Room 2' }) });
    expect(((await enrolled.json()) as { stationRole: string }).stationRole).toBe('doctor');
    const refused = await fetch(`${server.url}/v1/enrolment-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminDesk.credential}`, 'clinicdesk-user': adminA, 'content-type': 'application/json' },
      body: JSON.stringify({ stationRole: 'pharmacy' }),
    });
    expect(refused.status).toBe(400);
    const plain = await createEnrolmentCode(t.central.db, { clinicId: clinicA, createdBy: null, now: new Date() });
    expect(plain.stationRole).toBe('front_desk');
    // init-clinic --station-role: the clinic and its first desk's code, for that station.
    const initialised = await runAdminCommand(
      t.central.db,
      { command: 'init-clinic', input: clinicInput('Lakeside Clinic', { displayName: 'Nila Das', username: 'nila' }), additional: true, firstCodeStationRole: 'admin' },
      new Date(),
    );
    expect(initialised).toMatchObject({ enrolmentCode: { stationRole: 'admin' } });
    const first = await enrolDevice(t.central.db, { code: (initialised.enrolmentCode as { code: string }).code, deviceName: 'Lakeside admin' }, { now: new Date() });
    expect(first.stationRole).toBe('admin');
    expect(await runAdminCommand(t.central.db, { command: 'enrol-code', clinic: 'Lakeside Clinic', stationRole: 'doctor' }, new Date())).toMatchObject({ stationRole: 'doctor' });
  });

  it('keeps row values out of the logs', () => {
    const text = logLines.join('\n');
    expect(logLines.some((l) => l.includes('"route":"shape"'))).toBe(true);
    for (const phi of ['Meera Iyer', 'Lotus Patient', '9876543210', '12345678901234', 'Ravi Iyer', 'Late Commit']) expect(text).not.toContain(phi);
  });
});

describe('shape offsets', () => {
  it('round-trip, and snapshot chunks sort between the transactions below their watermark and the log after it', () => {
    const chunk = formatOffset({ kind: 'snapshot', watermark: 100n, after: 42n });
    expect(parseOffset(chunk)).toEqual({ kind: 'snapshot', watermark: 100n, after: 42n });
    expect(parseOffset('100_0')).toEqual({ kind: 'log', txid: 100n, seq: 0n });
    const [a, b] = chunk.split('_').map(BigInt);
    expect(a).toBe(99n);
    expect(b! > 2n ** 53n).toBe(true);
    expect(parseOffset('-1')).toEqual({ kind: 'initial' });
    for (const bad of ['', '1', '1_', '_1', 'a_b', '-2', '1_2_3', '99999999999999999999999_1']) expect(parseOffset(bad)).toBeNull();
  });
});

