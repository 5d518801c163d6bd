import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addStaff, CLINIC, openTestDesk, PATIENT, tempDir } from './helpers';

/**
 * Autosave survives a killed desk (issue 7): the desk runs as its own process (browser mode's host, as a
 * clinic PC runs it), the doctor's screen autosaves the note a few times over its HTTP API, and the process
 * is killed with SIGKILL — no shutdown, as a crash or power cut would. Reopened, the desk has the note exactly
 * as last saved: what the screen showed as "Saved" is on disk.
 */
const HOST_CLI = path.join(process.cwd(), 'src-main', 'host', 'cli.ts');
const SECRET = 'autosave-crash-test-secret';

let child: ChildProcess | null = null;
afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startHost(dataDir: string): Promise<{ origin: string; child: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', HOST_CLI, '--data-dir', dataDir, '--port', '0'], {
    cwd: process.cwd(),
    env: { ...process.env, CLINICDESK_LAUNCH_SECRET: SECRET, CLINICDESK_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the desk did not start:\n${out}`)), 60_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?k=/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the desk exited with ${code}:\n${out}`));
    });
  });
  return { origin, child: proc };
}

describe('autosave and a killed desk process', () => {
  it('every autosave the screen saw answered is there after SIGKILL and a restart', async () => {
    const dataDir = tempDir('clinicdesk-autosave-');
    // The clinic, a doctor, a patient and a checked-in visit, prepared in this process and closed.
    const prep = await openTestDesk({ dataDir });
    await prep.call('clinic.update', { ...CLINIC, idleLockMinutes: 240 });
    const frontDesk = await addStaff(prep, 'front_desk', 'farah');
    await addStaff(prep, 'doctor', 'drrao');
    const doctorId = (await prep.call('doctors.list', {})).find((d) => d.displayName === 'Test doctor')!.staffId;
    const patientId = (await prep.call('patients.register', { patient: { ...PATIENT, abhaNumber: '' } }, frontDesk)).id;
    const visit = await prep.call('appointments.walkIn', { doctorId, patientId, type: 'new' }, frontDesk);
    await prep.close();

    const host = await startHost(dataDir);
    child = host.child;
    const call = async (method: string, input: unknown, token?: string) => {
      const res = await fetch(`${host.origin}/api/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `clinicdesk_launch=${SECRET}`, origin: host.origin, ...(token ? { 'x-clinic-session': token } : {}) },
        body: JSON.stringify({ method, input }),
      });
      const body = (await res.json()) as { ok: boolean; data?: unknown; error?: { message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
      return body.data as Record<string, unknown>;
    };
    const token = (await call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' })).token as string;

    // The screen's autosave: the whole note every few seconds while the doctor types.
    let text = 'Fever';
    let noteId: string | undefined;
    for (const more of [' for three days', ', dry cough', ', no breathlessness', '. Took paracetamol once.']) {
      text += more;
      const saved = await call('notes.save', { noteId, appointmentId: visit.id, subjective: text, vitals: { temperatureC: 38.6 } }, token);
      noteId = saved.id as string;
    }
    const exited = new Promise((r) => host.child.once('exit', r));
    host.child.kill('SIGKILL');
    await exited;
    expect(host.child.signalCode).toBe('SIGKILL');

    const reopened = await openTestDesk({ dataDir, setup: false });
    try {
      const doctor = (await reopened.call('auth.signIn', { username: 'drrao', password: 'pw-drrao-123' }, null)).token;
      const after = await reopened.call('consult.visit', { appointmentId: visit.id }, doctor);
      expect(after.note).toMatchObject({ id: noteId, status: 'draft', subjective: text, vitals: { temperatureC: 38.6 } });
      // And the doctor can carry on: the draft saves and signs.
      await reopened.call('notes.save', { noteId, appointmentId: visit.id, subjective: `${text} Better today.` }, doctor);
      const signed = await reopened.call('notes.sign', { noteId: noteId! }, doctor);
      expect(signed.note?.status).toBe('signed');
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
