import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiError, type ApiErrorBody } from '../src-shared/errors';
import type { AdminCommand } from './admin';
import { ADMIN_TOKEN_HEADER } from './http/server';

/**
 * How the command line reaches a server that holds an embedded PGlite folder: the server writes
 * admin.json (its pid, a loopback URL and a random token; readable by its user only) into the folder
 * while it runs, and takes POST /v1/admin/command with that token from this machine only.
 */
export const ADMIN_FILE = 'admin.json';

export interface AdminFile {
  pid: number;
  url: string;
  token: string;
}

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A loopback URL for a server bound to `host`, or null when the server is not reachable over loopback. */
export function loopbackUrl(host: string, port: number): string | null {
  if (['127.0.0.1', '0.0.0.0', 'localhost'].includes(host)) return `http://127.0.0.1:${port}`;
  if (['::', '::1'].includes(host)) return `http://[::1]:${port}`;
  return null;
}

export function writeAdminFile(dataDir: string, info: AdminFile): () => void {
  const file = path.join(dataDir, ADMIN_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
  return () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, 'utf8')) as AdminFile;
      if (current.token === info.token) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

export function readAdminFile(dataDir: string, pid: number): AdminFile | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, ADMIN_FILE), 'utf8')) as AdminFile;
    return info.pid === pid && typeof info.url === 'string' && typeof info.token === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** Runs a command on the running server; its refusals come back as the same ApiErrors. */
export async function sendAdminCommand(info: AdminFile, command: AdminCommand): Promise<Record<string, unknown>> {
  const res = await fetch(`${info.url}/v1/admin/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [ADMIN_TOKEN_HEADER]: info.token },
    body: JSON.stringify(command),
  });
  const body = (await res.json()) as Record<string, unknown> & { error?: ApiErrorBody };
  if (!res.ok) throw new ApiError(body.error ?? { code: 'internal', message: `The running server refused the command (HTTP ${res.status}).` });
  return body;
}
