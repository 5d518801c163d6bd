import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, type ClinicCore, type CoreOptions } from '../src-main/core/core';
import type { MethodInput, MethodName, MethodOutput } from '../src-shared/api/contract';
import type { ApiErrorBody } from '../src-shared/errors';
import type { Logger } from '../src-main/core/log';

export const FAST_SCRYPT = { log2N: 10, r: 8, p: 1 };

export function tempDir(prefix = 'clinicdesk-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const CLINIC = {
  legalName: 'Sunrise Health Clinic LLP',
  tradeName: 'Sunrise Clinic',
  addressLine: '12, MG Road, Camp',
  city: 'Pune',
  stateCode: '27',
  pincode: '411001',
  gstin: '27AAPFU0939F1ZV',
};

export const ADMIN = { displayName: 'Asha Kulkarni', username: 'asha', password: 'correct horse 1' };

/** Polls `check` every 25 ms until it gives something truthy (returned), or fails after `ms` naming `what`. */
export async function until<T>(check: () => Promise<T | false | null | undefined> | T | false | null | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A logger that keeps every line, so tests can check what would have been written. */
export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log(level, event, fields = {}) {
      lines.push(JSON.stringify({ level, event, ...fields }));
    },
  };
}

export interface TestDesk {
  core: ClinicCore;
  dir: string;
  adminToken: string;
  call<M extends MethodName>(method: M, input: MethodInput<M>, token?: string | null): Promise<MethodOutput<M>>;
  fail(method: MethodName, input: unknown, token?: string | null): Promise<ApiErrorBody>;
  close(): Promise<void>;
}

/** A real desk: its own SQLite file in a temp folder, set up with a clinic and an admin. */
export async function openTestDesk(options: Partial<CoreOptions> & { setup?: boolean } = {}): Promise<TestDesk> {
  const dir = options.dataDir ?? tempDir();
  const core = await openCore({ scrypt: FAST_SCRYPT, ...options, dataDir: dir });
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>, token: string | null = desk.adminToken) => {
    const r = await core.call(method, input, { token });
    if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
    return r.data as MethodOutput<M>;
  };
  const fail = async (method: MethodName, input: unknown, token: string | null = desk.adminToken) => {
    const r = await core.call(method, input, { token });
    if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
    return r.error;
  };
  const desk: TestDesk = {
    core,
    dir,
    adminToken: '',
    call,
    fail,
    async close() {
      await core.close();
      if (!options.dataDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.setup !== false) {
    const session = await call('setup.createClinic', { clinic: CLINIC, admin: ADMIN }, null);
    desk.adminToken = session.token;
  }
  return desk;
}

export async function addStaff(desk: TestDesk, role: 'front_desk' | 'doctor' | 'accounts' | 'admin', username: string): Promise<string> {
  const password = `pw-${username}-123`;
  await desk.call('staff.create', { displayName: `Test ${role.replace('_', ' ')}`, username, role, password });
  const session = await desk.call('auth.signIn', { username, password }, null);
  return session.token;
}

export const PATIENT = {
  fullName: 'Ramesh Kumar Iyer',
  sex: 'male' as const,
  dateOfBirth: '1981-04-12',
  mobile: '+91 98450 12345',
  email: 'ramesh.iyer@example.in',
  addressLine: '4th Cross, Jayanagar',
  city: 'Bengaluru',
  stateCode: '29',
  pincode: '560041',
  emergencyName: 'Lakshmi Iyer',
  emergencyRelation: 'Wife',
  emergencyPhone: '9845098450',
  abhaNumber: '12-3456-7890-1234',
  consentMessages: true,
  consentDataProcessing: true,
};
