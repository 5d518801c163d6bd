import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src-shared/ids';
import { openCentralDatabase } from '../db/open';
import { jsonLogger } from '../log';
import { createClinic } from '../services/clinics';
import { createEnrolmentCode, revokeDevice } from '../services/devices';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { startServer, type RunningServer } from './server';

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: string; reason?: string; message: string } };
}

describe.each(BACKENDS)('sync server HTTP API on %s', (kind) => {
  let t: TestDatabase;
  let server: RunningServer;
  const logLines: string[] = [];
  let clinicA: string;
  let adminA: string;
  let clinicB: string;
  let adminB: string;

  beforeAll(async () => {
    t = await freshDatabase(kind);
    const now = new Date();
    ({ clinicId: clinicA, adminId: adminA } = await createClinic(t.central.db, clinicInput('Sunrise Clinic', { displayName: 'Asha Rao', username: 'asha' }), { now, scrypt: TEST_SCRYPT }));
    ({ clinicId: clinicB, adminId: adminB } = await createClinic(t.central.db, clinicInput('Lotus Clinic', { displayName: 'Vikram Shah', username: 'vikram' }), {
      now,
      additional: true,
      scrypt: TEST_SCRYPT,
    }));
    server = await startServer({ central: t.central, log: jsonLogger((l) => logLines.push(l), 'debug'), port: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await t?.dispose();
  }, 60_000);

  async function call(method: string, path: string, opts: { credential?: string; user?: string; body?: unknown; headers?: Record<string, string>; base?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.credential) headers.authorization = `Bearer ${opts.credential}`;
    if (opts.user) headers['clinicdesk-user'] = opts.user;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch((opts.base ?? server.url) + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Reply['body'] };
  }

  async function codeFor(clinicId: string, opts: { now?: Date; ttlMs?: number } = {}) {
    return (await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: opts.now ?? new Date(), ...(opts.ttlMs ? { ttlMs: opts.ttlMs } : {}) })).code;
  }

  async function enrol(clinicId: string, deviceName = 'Front desk', extra: Record<string, unknown> = {}) {
    const reply = await call('POST', '/v1/enrol', { body: { code: await codeFor(clinicId), deviceName, ...extra } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body as unknown as { deviceId: string; clinicId: string; credential: string; patientSeries: string; invoiceSeries: string };
  }

  it('answers /health without authentication, with the database reachable', async () => {
    const reply = await call('GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok', database: { kind, reachable: true } });
  });

  it('says so on /health when the database cannot be reached', async () => {
    const unreachable = await openCentralDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/nowhere' }, { migrate: false });
    const down = await startServer({ central: unreachable, log: jsonLogger(() => {}), port: 0 });
    try {
      const reply = await call('GET', '/health', { base: down.url });
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({ status: 'unavailable', database: { kind: 'postgres', reachable: false } });
    } finally {
      await down.close();
      await unreachable.close();
    }
  });

  it('enrols two desks with a good code each: a working credential and distinct series', async () => {
    const first = await enrol(clinicA, 'Front desk 1');
    const second = await enrol(clinicA, 'Doctor room 2');
    expect(first.clinicId).toBe(clinicA);
    expect(first.credential).toMatch(/^cdd_[A-Za-z0-9_-]{43}$/);
    expect(second.credential).not.toBe(first.credential);
    expect(first.patientSeries).toMatch(/^[A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z]{2}$/);
    expect(second.patientSeries).not.toBe(first.patientSeries);
    expect(new Set([first.invoiceSeries, second.invoiceSeries]).size).toBe(2);
    expect([first.invoiceSeries, second.invoiceSeries].every((s) => /^FD\d+$/.test(s))).toBe(true);

    const me = await call('GET', '/v1/device', { credential: second.credential });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ device: { id: second.deviceId, name: 'Doctor room 2', clinicId: clinicA, patientSeries: second.patientSeries }, clinic: { id: clinicA, name: 'Sunrise Clinic' } });
    expect((me.body.device as { lastSeenAt: string | null }).lastSeenAt).not.toBeNull();

    // Only a hash of the credential is stored.
    const stored = await t.central.db.selectFrom('devices').selectAll().where('id', '=', first.deviceId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(first.credential.slice(4));
  });

  it('lets a standalone desk keep its patient series when no other device of the clinic has it', async () => {
    const kept = await enrol(clinicA, 'Old standalone desk', { patientSeries: 'W9Z' });
    expect(kept.patientSeries).toBe('W9Z');
    const clash = await enrol(clinicA, 'Another old desk', { patientSeries: 'W9Z' });
    expect(clash.patientSeries).not.toBe('W9Z');
    // Another clinic may use the same series (series are unique per clinic).
    expect((await enrol(clinicB, 'Lotus desk', { patientSeries: 'W9Z' })).patientSeries).toBe('W9Z');
  });

  it('refuses a used, an expired and a wrong code, saying which', async () => {
    const code = await codeFor(clinicA);
    expect((await call('POST', '/v1/enrol', { body: { code, deviceName: 'Desk' } })).status).toBe(201);
    const used = await call('POST', '/v1/enrol', { body: { code, deviceName: 'Desk again' } });
    expect(used.status).toBe(401);
    expect(used.body.error).toMatchObject({ code: 'unauthenticated', reason: 'code_used' });
    expect(used.body.error!.message).toMatch(/already been used/);

    const old = await codeFor(clinicA, { now: new Date(Date.now() - 2 * 3_600_000), ttlMs: 3_600_000 });
    const expired = await call('POST', '/v1/enrol', { body: { code: old, deviceName: 'Desk' } });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ reason: 'code_expired' });
    expect(expired.body.error!.message).toMatch(/expired/);

    const wrong = await call('POST', '/v1/enrol', { body: { code: 'ABCD-EFGH-JKMN', deviceName: 'Desk' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ reason: 'code_unknown' });
    expect(wrong.body.error!.message).toMatch(/not known/);

    // Typed codes are forgiving about case, spaces and look-alike letters.
    const fresh = await codeFor(clinicA);
    const sloppy = fresh.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect((await call('POST', '/v1/enrol', { body: { code: sloppy, deviceName: 'Desk' } })).status).toBe(201);

    const invalid = await call('POST', '/v1/enrol', { body: { code: await codeFor(clinicA) } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'validation' });
  });

  it('lets only one of two PCs racing with the same code enrol', async () => {
    const code = await codeFor(clinicA);
    const replies = await Promise.all([1, 2, 3].map((n) => call('POST', '/v1/enrol', { body: { code, deviceName: `Racer ${n}` } })));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 401, 401]);
    expect(replies.filter((r) => r.status === 401).every((r) => r.body.error?.reason === 'code_used')).toBe(true);
  });

  it('throttles wrong codes per address, even a right code while throttled', async () => {
    const strict = await startServer({ central: t.central, log: jsonLogger(() => {}), port: 0, enrolThrottle: { maxFailures: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await call('POST', '/v1/enrol', { base: strict.url, body: { code: `WRNG-C0DE-000${i}`, deviceName: 'Desk' } })).status).toBe(401);
      }
      const blocked = await call('POST', '/v1/enrol', { base: strict.url, body: { code: await codeFor(clinicA), deviceName: 'Desk' } });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toMatchObject({ code: 'rate_limited', reason: 'too_many_wrong_codes' });
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it('answers 401 JSON with a reason for a missing, malformed or unknown credential, on every endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/v1/device'],
      ['GET', '/v1/devices'],
      ['POST', '/v1/enrolment-codes'],
      ['POST', `/v1/devices/${newId()}/revoke`],
      ['GET', '/v1/no-such-thing'],
    ] as const) {
      const missing = await call(method, path);
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.body.error).toMatchObject({ code: 'unauthenticated', reason: 'credential_missing' });
      const malformed = await call(method, path, { headers: { authorization: 'Basic YWJjOmRlZg==' } });
      expect(malformed.body.error).toMatchObject({ code: 'unauthenticated', reason: 'credential_malformed' });
      const unknown = await call(method, path, { credential: 'cdd_' + 'A'.repeat(43) });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toMatchObject({ code: 'unauthenticated', reason: 'credential_unknown' });
    }
    const { credential } = await enrol(clinicA);
    expect((await call('GET', '/v1/no-such-thing', { credential })).status).toBe(404);
  });

  it('refuses a revoked device at once, on its very next request', async () => {
    const admin = await enrol(clinicA, 'Admin desk');
    const victim = await enrol(clinicA, 'Lost laptop');
    expect((await call('GET', '/v1/device', { credential: victim.credential })).status).toBe(200);
    const revoked = await call('POST', `/v1/devices/${victim.deviceId}/revoke`, { credential: admin.credential, user: adminA });
    expect(revoked.status).toBe(200);
    expect((revoked.body.device as { revokedAt: string | null }).revokedAt).not.toBeNull();
    const after = await call('GET', '/v1/device', { credential: victim.credential });
    expect(after.status).toBe(403);
    expect(after.body.error).toMatchObject({ code: 'permission', reason: 'device_revoked' });

    // The same from the server's own side (what the CLI's revoke-device runs).
    const other = await enrol(clinicA, 'Stolen PC');
    await revokeDevice(t.central.db, { deviceId: other.deviceId, by: null, now: new Date() });
    expect((await call('GET', '/v1/device', { credential: other.credential })).body.error).toMatchObject({ reason: 'device_revoked' });
  });

  it('lets an admin desk make an enrolment code that enrols into its own clinic', async () => {
    const admin = await enrol(clinicA, 'Admin desk');
    const made = await call('POST', '/v1/enrolment-codes', { credential: admin.credential, user: adminA, body: { expiresInHours: 2 } });
    expect(made.status).toBe(201);
    const code = made.body.code as string;
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const hours = (Date.parse(made.body.expiresAt as string) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    const enrolled = await call('POST', '/v1/enrol', { body: { code, deviceName: 'New desk' } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.clinicId).toBe(clinicA);

    const list = await call('GET', '/v1/devices', { credential: admin.credential, user: adminA });
    expect(list.status).toBe(200);
    const devices = list.body.devices as Array<{ id: string; clinicId: string }>;
    expect(devices.map((d) => d.id)).toContain(enrolled.body.deviceId);
    expect(devices.every((d) => d.clinicId === clinicA)).toBe(true);

    const badExpiry = await call('POST', '/v1/enrolment-codes', { credential: admin.credential, user: adminA, body: { expiresInHours: 24 * 365 } });
    expect(badExpiry.status).toBe(400);
  });

  it('requires the acting desk user to be an active admin of the clinic', async () => {
    const desk = await enrol(clinicA, 'Front desk');
    const noUser = await call('POST', '/v1/enrolment-codes', { credential: desk.credential });
    expect(noUser.status).toBe(401);
    expect(noUser.body.error).toMatchObject({ reason: 'user_missing' });

    const frontDeskId = newId();
    const now = new Date().toISOString();
    await t.central.db
      .insertInto('staff')
      .values({ id: frontDeskId, username: 'priya', display_name: 'Priya', role: 'front_desk', password_hash: 'scrypt$10$8$1$x$y', active: 1, clinic_id: clinicA, created_at: now, updated_at: now, updated_by: adminA, deleted_at: null })
      .execute();
    const notAdmin = await call('POST', '/v1/enrolment-codes', { credential: desk.credential, user: frontDeskId });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.error).toMatchObject({ code: 'permission', reason: 'not_admin' });

    await t.central.db.updateTable('staff').set({ active: 0 }).where('id', '=', adminA).execute();
    try {
      const inactive = await call('POST', '/v1/enrolment-codes', { credential: desk.credential, user: adminA });
      expect(inactive.body.error).toMatchObject({ reason: 'user_unknown' });
    } finally {
      await t.central.db.updateTable('staff').set({ active: 1 }).where('id', '=', adminA).execute();
    }
  });

  it('never lets a device of clinic A act on clinic B', async () => {
    const deskA = await enrol(clinicA, 'Sunrise admin desk');
    const deskB = await enrol(clinicB, 'Lotus desk');
    // A's desk naming B's admin: refused, B's admin is not staff of A.
    const borrowed = await call('POST', '/v1/enrolment-codes', { credential: deskA.credential, user: adminB });
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.error).toMatchObject({ reason: 'user_unknown' });
    // A's admin cannot revoke B's device: it does not exist as far as A is concerned.
    const revoke = await call('POST', `/v1/devices/${deskB.deviceId}/revoke`, { credential: deskA.credential, user: adminA });
    expect(revoke.status).toBe(404);
    expect((await call('GET', '/v1/device', { credential: deskB.credential })).status).toBe(200);
    // A's device list holds only A's devices; B's holds B's.
    const listA = (await call('GET', '/v1/devices', { credential: deskA.credential, user: adminA })).body.devices as Array<{ id: string }>;
    expect(listA.map((d) => d.id)).not.toContain(deskB.deviceId);
    const listB = (await call('GET', '/v1/devices', { credential: deskB.credential, user: adminB })).body.devices as Array<{ id: string; clinicId: string }>;
    expect(listB.map((d) => d.id)).toContain(deskB.deviceId);
    expect(listB.every((d) => d.clinicId === clinicB)).toBe(true);
  });

  it('logs requests as JSON lines without credentials, codes or names', async () => {
    const code = await codeFor(clinicA);
    const reply = await call('POST', '/v1/enrol', { body: { code, deviceName: 'Reception PC' } });
    const credential = reply.body.credential as string;
    await call('GET', '/v1/device', { credential });
    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.event === 'device.enrolled' && l.deviceId === reply.body.deviceId)).toBe(true);
    expect(lines.some((l) => l.event === 'http.request' && l.route === 'device' && l.status === 200)).toBe(true);
    const all = logLines.join('\n');
    for (const secret of [credential, credential.slice(4), code, code.replace(/-/g, ''), 'Asha Rao', 'asha', 'Sunrise Clinic', 'Reception PC', 'correct horse']) {
      expect(all).not.toContain(secret);
    }
  });
});
