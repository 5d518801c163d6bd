import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { isChangeMessage, ShapeStream, type Message, type Row } from '@electric-sql/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { shapeColumns, type StationRole } from '../../src-shared/sync/shapes';
import { electricFrom } from '../config';
import { jsonLogger } from '../log';
import { createClinic } from '../services/clinics';
import { createEnrolmentCode, enrolDevice, revokeDevice } from '../services/devices';
import { PASSED_HEADERS } from '../services/electric-proxy';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { startServer, type RunningServer } from './server';

/**
 * Proxy mode of GET /v1/shape (--electric-url): the server authenticates the desk, decides table, where and
 * columns, and forwards to Electric. Electric here is a fake on 127.0.0.1 that answers as Electric's HTTP API
 * documents (200 with electric-handle/offset/schema and a JSON array ending in up-to-date; 409 must-refetch;
 * held live requests) and records every request it gets.
 */

const SECRET = 'electric-api-secret';
const ROW_ID = '0190f5a2-0000-7000-8000-000000000001';

interface Seen {
  url: URL;
  closedEarly: boolean;
}

interface FakeElectric {
  url: string;
  seen: Seen[];
  /** Live requests held open, by arrival; answer(): sends up-to-date. */
  held: Array<{ seen: Seen; answer(): void }>;
  /** What the last 200 snapshot carried, to compare byte for byte. */
  lastBody: string;
  lastHeaders: Record<string, string>;
  close(): Promise<void>;
}

async function fakeElectric(): Promise<FakeElectric> {
  const fake: Omit<FakeElectric, 'url' | 'close'> = { seen: [], held: [], lastBody: '', lastHeaders: {} };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://electric.invalid');
    const seen: Seen = { url, closedEarly: false };
    fake.seen.push(seen);
    res.on('close', () => {
      if (!res.writableEnded) seen.closedEarly = true;
    });
    const p = url.searchParams;
    if (url.pathname !== '/v1/shape') {
      res.writeHead(404).end();
      return;
    }
    if (p.get('secret') !== SECRET) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized - Invalid API secret"}');
      return;
    }
    const table = p.get('table')!;
    if (p.get('handle') === 'stale-handle') {
      res.writeHead(409, { 'content-type': 'application/json', 'electric-handle': `${table}-fresh`, 'cache-control': 'public, max-age=60, must-revalidate' });
      res.end('[{"headers":{"control":"must-refetch"}}]');
      return;
    }
    if (p.get('live') === 'true') {
      fake.held.push({
        seen,
        answer: () => {
          res.writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            'electric-handle': p.get('handle')!,
            'electric-offset': '26800584_4',
            'electric-cursor': '1674440',
            'electric-up-to-date': '',
            'cache-control': 'public, max-age=5, stale-while-revalidate=5',
          });
          res.end('[{"headers":{"control":"up-to-date","global_last_seen_lsn":"26800584"}}]');
        },
      });
      return;
    }
    const columns = p.get('columns')!.split(',');
    const value = Object.fromEntries(columns.map((c) => [c, c === 'id' ? ROW_ID : `${c} ✓ value`]));
    const body = JSON.stringify([
      { key: `"public"."${table}"/"${ROW_ID}"`, value, headers: { operation: 'insert', relation: ['public', table] } },
      { headers: { control: 'up-to-date' } },
    ]);
    const schema = JSON.stringify(Object.fromEntries(columns.map((c) => [c, c === 'id' ? { type: 'text', not_null: true, pk_index: 0 } : { type: 'text' }])));
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'electric-handle': `${table}-3833821-1721812114261`,
      'electric-offset': '26800584_4',
      'electric-schema': schema,
      'electric-up-to-date': '',
      'cache-control': 'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746',
      etag: '"3833821-1721812114261:-1:26800584_4"',
      'x-electric-internal': 'not for desks',
    };
    fake.lastBody = body;
    fake.lastHeaders = headers;
    res.writeHead(200, headers);
    // Two writes: the proxy streams, it does not wait for a whole body it re-encodes.
    res.write(body.slice(0, 20));
    setTimeout(() => res.end(body.slice(20)), 10);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  }) as FakeElectric;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('electricFrom (config)', () => {
  it('reads --electric-url / CLINICDESK_ELECTRIC_URL and the secret, and refuses what is not an http(s) address', () => {
    expect(electricFrom({})).toBeNull();
    expect(electricFrom({ CLINICDESK_ELECTRIC_URL: 'http://electric:3000/', CLINICDESK_ELECTRIC_SECRET: 's' })).toEqual({ url: 'http://electric:3000', secret: 's' });
    expect(electricFrom({ CLINICDESK_ELECTRIC_URL: 'http://a:1' }, { url: 'https://b.example/electric', secret: 'x' })).toEqual({ url: 'https://b.example/electric', secret: 'x' });
    expect(() => electricFrom({}, { url: 'electric:3000' })).toThrow(/http/);
    expect(() => electricFrom({}, { url: 'ftp://electric' })).toThrow(/http/);
    expect(() => electricFrom({}, { url: 'http://electric:3000/?secret=x' })).toThrow(/query/);
  });
});

describe.each(BACKENDS)('GET /v1/shape through Electric on %s', (kind) => {
  let t: TestDatabase;
  let fake: FakeElectric;
  let proxy: RunningServer;
  let down: RunningServer;
  let wrongSecret: RunningServer;
  let clinicA: string;
  const devices: Record<string, { id: string; credential: string }> = {};

  async function enrol(clinicId: string, name: string, stationRole: StationRole) {
    const { code } = await createEnrolmentCode(t.central.db, { clinicId, createdBy: null, now: new Date(), stationRole });
    const d = await enrolDevice(t.central.db, { code, deviceName: name }, { now: new Date() });
    return { id: d.deviceId, credential: d.credential };
  }

  beforeAll(async () => {
    t = await freshDatabase(kind);
    fake = await fakeElectric();
    ({ clinicId: clinicA } = await createClinic(t.central.db, clinicInput('Sunrise Clinic'), { now: new Date(), scrypt: TEST_SCRYPT }));
    devices.front = await enrol(clinicA, 'Front desk', 'front_desk');
    devices.accounts = await enrol(clinicA, 'Accounts', 'accounts');
    devices.revoked = await enrol(clinicA, 'Lost laptop', 'front_desk');
    devices.doomed = await enrol(clinicA, 'Soon lost', 'front_desk');
    await revokeDevice(t.central.db, { deviceId: devices.revoked.id, clinicId: clinicA, by: null, now: new Date() });
    const log = jsonLogger(() => {}, 'error');
    proxy = await startServer({ central: t.central, log, port: 0, electric: { url: `${fake.url}/`, secret: SECRET } });
    down = await startServer({ central: t.central, log, port: 0, electric: { url: `http://127.0.0.1:${await closedPort()}` } });
    wrongSecret = await startServer({ central: t.central, log, port: 0, electric: { url: fake.url, secret: 'not-it' } });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await down?.close();
    await wrongSecret?.close();
    await fake?.close();
    await t?.dispose();
  }, 60_000);
  beforeEach(() => {
    fake.seen.length = 0;
    fake.held.length = 0;
  });

  const get = (base: string, query: string, credential?: string, signal?: AbortSignal) =>
    fetch(`${base}/v1/shape?${query}`, { headers: credential ? { authorization: `Bearer ${credential}` } : {}, ...(signal ? { signal } : {}) });

  it("forwards the server's table, where and columns for a front desk station and drops the desk's own", async () => {
    const res = await get(
      proxy.url,
      'table=patients&offset=-1&where=1%3D1&columns=abha_number&params%5B1%5D=x&replica=full&secret=mine&subset__where=true&log=changes_only&cache-buster=7',
      devices.front!.credential,
    );
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(fake.seen).toHaveLength(1);
    const p = fake.seen[0]!.url.searchParams;
    expect(fake.seen[0]!.url.pathname).toBe('/v1/shape');
    expect([...p.keys()].sort()).toEqual(['columns', 'offset', 'secret', 'table', 'where']);
    expect(p.get('table')).toBe('patients');
    expect(p.get('where')).toBe(`clinic_id = '${clinicA}'`);
    expect(p.get('columns')).toBe(shapeColumns('patients', 'front_desk').join(','));
    expect(p.get('columns')!.split(',')[0]).toBe('id');
    expect(p.get('columns')).toContain('abha_number');
    expect(p.get('offset')).toBe('-1');
    expect(p.get('secret')).toBe(SECRET);
    // Status, body and the headers the desk needs come back unchanged.
    expect(body).toBe(fake.lastBody);
    for (const name of PASSED_HEADERS) expect([name, res.headers.get(name)]).toEqual([name, fake.lastHeaders[name] ?? null]);
    expect(res.headers.get('x-electric-internal')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBe('electric-handle, electric-offset, electric-schema, electric-cursor, electric-up-to-date');
  });

  it("gives an accounts station its role's columns (no ABHA number, no emergency contact), whatever it asks for", async () => {
    const res = await get(proxy.url, 'table=patients&offset=-1&columns=id,abha_number,emergency_phone', devices.accounts!.credential);
    await res.text();
    const p = fake.seen[0]!.url.searchParams;
    expect(p.get('columns')).toBe(shapeColumns('patients', 'accounts').join(','));
    expect(p.get('columns')).not.toContain('abha_number');
    expect(p.get('columns')).not.toContain('emergency');
    expect(p.get('where')).toBe(`clinic_id = '${clinicA}'`);
  });

  it('reads the clinics shape by the clinic id itself', async () => {
    const res = await get(proxy.url, 'table=clinics&offset=-1&where=true', devices.front!.credential);
    await res.text();
    const p = fake.seen[0]!.url.searchParams;
    expect(p.get('table')).toBe('clinics');
    expect(p.get('where')).toBe(`id = '${clinicA}'`);
    expect(p.get('columns')).toBe(shapeColumns('clinics', 'front_desk').join(','));
  });

  it('passes offset, handle, live and cursor through, and a 409 must-refetch back unchanged', async () => {
    const res = await get(proxy.url, 'table=staff&offset=26800584_4&handle=stale-handle&live=true&cursor=1674440', devices.front!.credential);
    expect(res.status).toBe(409);
    expect(await res.text()).toBe('[{"headers":{"control":"must-refetch"}}]');
    expect(res.headers.get('electric-handle')).toBe('staff-fresh');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
    const p = fake.seen[0]!.url.searchParams;
    expect([p.get('offset'), p.get('handle'), p.get('live'), p.get('cursor')]).toEqual(['26800584_4', 'stale-handle', 'true', '1674440']);
  });

  it('refuses missing, unknown and revoked credentials and unknown tables without asking Electric', async () => {
    const missing = await get(proxy.url, 'table=patients&offset=-1');
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const unknown = await get(proxy.url, 'table=patients&offset=-1', 'cdd_' + 'x'.repeat(43));
    expect(unknown.status).toBe(401);
    await unknown.text();
    const revoked = await get(proxy.url, 'table=patients&offset=-1', devices.revoked!.credential);
    expect(revoked.status).toBe(403);
    expect(((await revoked.json()) as { error: { reason: string } }).error.reason).toBe('device_revoked');
    const table = await get(proxy.url, 'table=pg_authid&offset=-1', devices.front!.credential);
    expect(table.status).toBe(400);
    expect(((await table.json()) as { error: { reason: string } }).error.reason).toBe('unknown_table');
    const none = await get(proxy.url, 'offset=-1', devices.front!.credential);
    expect(none.status).toBe(400);
    await none.text();
    expect(fake.seen).toHaveLength(0);
  });

  it('answers 502 in plain words when Electric is unreachable or refuses our secret', async () => {
    const res = await get(down.url, 'table=patients&offset=-1', devices.front!.credential);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { reason: string; message: string } };
    expect(body.error.reason).toBe('electric_unreachable');
    expect(body.error.message).toMatch(/could not reach its sync service/);
    // Electric's 401 must not reach the desk as a 401: the desk would take its own credential for refused.
    const refused = await get(wrongSecret.url, 'table=patients&offset=-1', devices.front!.credential);
    expect(refused.status).toBe(502);
    expect(((await refused.json()) as { error: { reason: string } }).error.reason).toBe('electric_refused');
  });

  it("delivers Electric's rows to the real ShapeStream, and aborts the held live request when the desk stops", async () => {
    const controller = new AbortController();
    const batches: Message<Row>[][] = [];
    const errors: unknown[] = [];
    const stream = new ShapeStream<Row>({
      url: `${proxy.url}/v1/shape`,
      params: { table: 'patients', where: '1=1', columns: ['abha_number'] },
      headers: { authorization: `Bearer ${devices.accounts!.credential}` },
      signal: controller.signal,
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
    try {
      await until(() => fake.held.length === 1, 'the live request to reach Electric');
      const rows = batches.flat().filter(isChangeMessage);
      expect(rows).toHaveLength(1);
      const expected = Object.fromEntries(shapeColumns('patients', 'accounts').map((c) => [c, c === 'id' ? ROW_ID : `${c} ✓ value`]));
      expect(rows[0]!.value).toEqual(expected);
      expect(stream.isUpToDate).toBe(true);
      const live = fake.held[0]!.seen.url.searchParams;
      expect(live.get('live')).toBe('true');
      expect(live.get('handle')).toBe('patients-3833821-1721812114261');
      expect(live.get('offset')).toBe('26800584_4');
      expect(live.get('where')).toBe(`clinic_id = '${clinicA}'`);
      expect(live.get('columns')).toBe(shapeColumns('patients', 'accounts').join(','));
      // An answer to the held request goes back to the stream, which then waits again.
      fake.held[0]!.answer();
      await until(() => fake.held.length === 2, 'the next live request');
      controller.abort();
      await until(() => fake.held[1]!.seen.closedEarly, 'the upstream live request to be aborted');
      expect(errors).toEqual([]);
    } finally {
      controller.abort();
    }
  });

  it('ends a revoked device’s held live request with 403 and aborts it at Electric', async () => {
    const controller = new AbortController();
    const pending = get(proxy.url, 'table=appointments&offset=26800584_4&handle=h&live=true', devices.doomed!.credential, controller.signal);
    try {
      await until(() => fake.held.length === 1, 'the live request to reach Electric');
      await revokeDevice(t.central.db, { deviceId: devices.doomed!.id, clinicId: clinicA, by: null, now: new Date() });
      const res = await pending;
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe('device_revoked');
      await until(() => fake.held[0]!.seen.closedEarly, 'the upstream live request to be aborted');
    } finally {
      controller.abort();
    }
  });
});
