import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createPostgresDatabase } from './test/backends';

/** The CLI as an operator runs it (`npm run server -- …`): spawned, with tsx, from the repository root. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(root, 'src-server', 'cli.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.each(BACKENDS)('server command line on %s', (kind) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let drop: (() => Promise<void>) | null = null;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-server-cli-'));
    env = { ...process.env, CLINICDESK_ADMIN_PASSWORD: 'correct horse 42' };
    delete env.DATABASE_URL;
    if (kind === 'postgres') {
      const created = await createPostgresDatabase();
      env.DATABASE_URL = created.url;
      drop = created.drop;
    }
  }, 60_000);
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    await drop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Starts `serve` on a free port and resolves with its URL once it logs that it listens. */
  function serve(): Promise<{ url: string; child: ChildProcess; lines: () => string[] }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', dataDir], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.push(child);
      let buffer = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => {
        buffer += d;
        for (const line of buffer.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            const entry = JSON.parse(line) as { event?: string; url?: string };
            if (entry.event === 'server.listening' && entry.url) resolve({ url: entry.url, child, lines: () => buffer.split('\n').filter(Boolean) });
          } catch {
            // a partial line: wait for the rest
          }
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited early (${code}): ${stderr}`)));
    });
  }

  async function stop(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  const clinicArgs = ['--legal-name', 'Sunrise Clinic Pvt Ltd', '--trade-name', 'Sunrise Clinic', '--address', '12 MG Road', '--city', 'Pune', '--state', '27', '--pincode', '411001', '--admin-name', 'Asha Rao', '--admin-username', 'asha'];

  it(
    'init-clinic, enrol-code, serve, enrol over HTTP, revoke-device: the operator flow end to end',
    async () => {
      // The refusals do not depend on the backend: checked once, on PGlite, to keep the suite quick.
      const refusals = kind === 'pglite';
      if (refusals) {
        const bad = await run(['init-clinic', ...clinicArgs.map((a) => (a === '411001' ? '4110' : a))]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/PIN code|pincode|6 digits/i);
      }

      const init = await run(['init-clinic', '--json', ...clinicArgs]);
      expect(init.code, init.stderr).toBe(0);
      const { clinicId } = JSON.parse(init.stdout) as { clinicId: string };

      if (refusals) {
        const again = await run(['init-clinic', ...clinicArgs]);
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/already holds a clinic.*--additional/);
        const clinics = await run(['list-clinics', '--json']);
        expect(JSON.parse(clinics.stdout)).toEqual({ clinics: [{ id: clinicId, name: 'Sunrise Clinic', devices: 0 }] });
        const noClinic = await run(['enrol-code', '--clinic', 'Nowhere Clinic']);
        expect(noClinic.code).toBe(1);
        expect(noClinic.stderr).toMatch(/No clinic on this server/);
        const badExpiry = await run(['enrol-code', '--clinic', 'Sunrise Clinic', '--expires', 'soon']);
        expect(badExpiry.code).toBe(2);
        expect(badExpiry.stderr).toMatch(/--expires takes a duration/);
      }

      const made = await run(['enrol-code', '--clinic', 'sunrise clinic', '--expires', '2h', '--json']);
      expect(made.code, made.stderr).toBe(0);
      const code = JSON.parse(made.stdout) as { code: string; clinicId: string; expiresAt: string };
      expect(code.clinicId).toBe(clinicId);
      expect(Date.parse(code.expiresAt) - Date.now()).toBeGreaterThan(1.9 * 3_600_000);

      const server = await serve();
      const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string; database: { kind: string } };
      expect(health).toEqual({ status: 'ok', database: { kind, reachable: true } });
      const enrolled = (await (await fetch(`${server.url}/v1/enrol`, { method: 'POST', body: JSON.stringify({ code: code.code, deviceName: 'Front desk 1' }) })).json()) as {
        deviceId: string;
        credential: string;
      };
      expect(enrolled.credential).toMatch(/^cdd_/);
      const auth = { authorization: `Bearer ${enrolled.credential}` };
      expect((await fetch(`${server.url}/v1/device`, { headers: auth })).status).toBe(200);

      if (kind === 'pglite') {
        // The embedded folder is held by the server: the command line reaches it through the server,
        // with the token the server left in the folder for its own user only; a second server is refused.
        const adminFile = path.join(dataDir, 'admin.json');
        expect(fs.statSync(adminFile).mode & 0o077).toBe(0);
        const forged = await fetch(`${server.url}/v1/admin/command`, {
          method: 'POST',
          headers: { 'clinicdesk-admin-token': 'not-the-token' },
          body: JSON.stringify({ command: 'list-clinics' }),
        });
        expect(forged.status).toBe(401);
        const rival = await run(['serve', '--port', '0']);
        expect(rival.code).toBe(1);
        expect(rival.stderr).toMatch(/in use by another ClinicDesk server process/);
      }

      // While the server runs (on either backend): list, make another code, revoke.
      const devices = await run(['list-devices', '--clinic', clinicId, '--json']);
      expect(devices.code, devices.stderr).toBe(0);
      expect((JSON.parse(devices.stdout) as { devices: Array<{ id: string; name: string }> }).devices).toEqual([
        expect.objectContaining({ id: enrolled.deviceId, name: 'Front desk 1', revokedAt: null }),
      ]);
      const second = await run(['enrol-code', '--clinic', clinicId, '--station-role', 'accounts', '--json']);
      expect(second.code, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ stationRole: 'accounts' });
      const enrolledSecond = await fetch(`${server.url}/v1/enrol`, { method: 'POST', body: JSON.stringify({ code: (JSON.parse(second.stdout) as { code: string }).code, deviceName: 'Front desk 2' }) });
      expect(enrolledSecond.status).toBe(201);
      expect(await enrolledSecond.json()).toMatchObject({ stationRole: 'accounts' });
      if (refusals) {
        const badRole = await run(['enrol-code', '--clinic', clinicId, '--station-role', 'pharmacy']);
        expect(badRole.code).toBe(2);
        expect(badRole.stderr).toMatch(/--station-role must be one of/);
      }
      // Compaction through the running server (PGlite) or on the database (PostgreSQL).
      const compacted = await run(['compact', '--retention', '1d', '--json']);
      expect(compacted.code, compacted.stderr).toBe(0);
      expect(JSON.parse(compacted.stdout)).toMatchObject({ deleted: 0, horizon: expect.stringMatching(/^\d+$/) });

      const revoked = await run(['revoke-device', enrolled.deviceId]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(/revoked/);
      const refused = await fetch(`${server.url}/v1/device`, { headers: auth });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { reason: string } }).error.reason).toBe('device_revoked');
      if (refusals) {
        const unknown = await run(['revoke-device', '01a21540-0000-7000-8000-000000000000']);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toMatch(/No enrolled device has that id/);
      }

      // The server's logs are JSON lines that never carry a code or a credential.
      const logs = server.lines().join('\n');
      expect(logs).toContain('"event":"device.enrolled"');
      expect(logs).not.toContain(enrolled.credential);
      expect(logs).not.toContain(code.code);

      expect(await stop(server.child)).toBe(0);
      if (kind === 'pglite') {
        expect(fs.existsSync(path.join(dataDir, 'clinicdesk-server.lock'))).toBe(false);
        expect(fs.existsSync(path.join(dataDir, 'admin.json'))).toBe(false);
        // With the server stopped, the command line opens the folder itself.
        const after = await run(['list-devices', '--json']);
        expect(after.code, after.stderr).toBe(0);
        expect((JSON.parse(after.stdout) as { devices: Array<{ id: string; revokedAt: string | null }> }).devices.find((d) => d.id === enrolled.deviceId)?.revokedAt).not.toBeNull();
      }
    },
    360_000,
  );
});

describe('server command line', () => {
  const run = (args: string[]): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('explains its usage and refuses an unknown command', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/enrol-code/);
    const unknown = await run(['make-coffee']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "make-coffee"/);
  }, 60_000);
});
