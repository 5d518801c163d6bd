import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openTestDesk, PATIENT, tempDir, type TestDesk } from '../../tests/helpers';
import { silentLogger } from '../core/log';
import { startHost, type RunningHost } from './server';

let desk: TestDesk;
let host: RunningHost;
let cookie: string;
const rendererDir = tempDir('clinicdesk-renderer-');

beforeAll(async () => {
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ClinicDesk</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  desk = await openTestDesk();
  host = await startHost({ core: desk.core, rendererDir, port: 0, log: silentLogger });
  const res = await fetch(host.launchUrl, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  cookie = setCookie.split(';')[0]!;
});
afterAll(async () => {
  await host.close();
  await desk.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
});

function api(method: string, input: unknown, opts: { token?: string; cookie?: string | null; origin?: string | null; host?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.cookie !== null) headers.cookie = opts.cookie ?? cookie;
  if (opts.origin !== null) headers.origin = opts.origin ?? host.url;
  if (opts.token) headers['x-clinic-session'] = opts.token;
  if (opts.host) headers.host = opts.host;
  return fetch(`${host.url}/api/call`, { method: 'POST', headers, body: JSON.stringify({ method, input }) });
}

describe('browser mode treats every request as untrusted', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the ClinicApi to the app that holds the launch secret and a session', async () => {
    const res = await api('patients.register', { patient: PATIENT }, { token: desk.adminToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean };
    expect(body.ok).toBe(true);
    const search = (await (await api('patients.search', { query: '98450' }, { token: desk.adminToken })).json()) as { data: { patients: unknown[] } };
    expect(search.data.patients).toHaveLength(1);
  });

  it('refuses another local process without the launch cookie, even with a valid session token', async () => {
    const res = await api('patients.search', { query: '98450' }, { token: desk.adminToken, cookie: null });
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.text())).not.toContain('Ramesh');
    const wrongLink = await fetch(`${host.url}/?k=guess`, { redirect: 'manual' });
    expect(wrongLink.status).toBe(401);
  });

  it('refuses calls from another origin or without one, and any other Host (DNS rebinding)', async () => {
    expect((await api('patients.search', { query: 'r' }, { token: desk.adminToken, origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('patients.search', { query: 'r' }, { token: desk.adminToken, origin: null })).status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${host.url}/api/call`, { method: 'POST', headers: { host: 'evil.example', cookie, origin: host.url, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ method: 'patients.search', input: { query: 'r' } }));
    });
    expect(rebound).toBe(403);
  });

  it('still requires sign-in and permissions behind the secret', async () => {
    const res = await api('patients.search', { query: 'r' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const bad = await api('patients.register', { patient: { fullName: '' } }, { token: desk.adminToken });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('validation');
  });

  it('serves the app with a strict CSP, and never files outside the app folder', async () => {
    const page = await fetch(`${host.url}/patients/123`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>ClinicDesk</title>');
    const traversal = await fetch(`${host.url}/%2e%2e/%2e%2e/etc/passwd`, { headers: { cookie } });
    expect(await traversal.text()).not.toContain('root:');
    const noCookie = await fetch(`${host.url}/assets/app.js`);
    expect(noCookie.status).toBe(401);
  });

  it('streams change events over a WebSocket only to the app', async () => {
    const refused = new WebSocket(`${host.url.replace('http', 'ws')}/api/events`, { headers: { origin: host.url } });
    const refusedResult = await new Promise<string>((resolve) => {
      refused.on('open', () => resolve('open'));
      refused.on('error', () => resolve('refused'));
    });
    expect(refusedResult).toBe('refused');

    const ws = new WebSocket(`${host.url.replace('http', 'ws')}/api/events`, { headers: { origin: host.url, cookie } });
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const event = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    await api('patients.register', { patient: { ...PATIENT, mobile: '9000000001', fullName: 'Meera Nair' } }, { token: desk.adminToken });
    expect(await event).toEqual({ type: 'changed', entities: ['patients', 'sync'] });
    ws.close();
  });
});
