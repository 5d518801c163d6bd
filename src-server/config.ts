import os from 'node:os';
import path from 'node:path';
import type { CentralBackend } from './db/open';

export const SERVER_DIR_NAME = 'ClinicDesk-server';
export const DEFAULT_PORT = 8787;

/**
 * The server's embedded data folder (PGlite), used when DATABASE_URL is not set:
 * CLINICDESK_SERVER_DATA_DIR, else ~/.local/share/ClinicDesk-server on Linux (XDG_DATA_HOME),
 * %LOCALAPPDATA%\ClinicDesk-server on Windows, ~/Library/Application Support/ClinicDesk-server on macOS.
 */
export function defaultServerDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLINICDESK_SERVER_DATA_DIR) return path.resolve(env.CLINICDESK_SERVER_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), SERVER_DIR_NAME);
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', SERVER_DIR_NAME);
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), SERVER_DIR_NAME);
  }
}

/** DATABASE_URL wins; otherwise PGlite in --data-dir or the default folder. */
export function backendFrom(env: NodeJS.ProcessEnv, dataDir: string | undefined): CentralBackend {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: dataDir ? path.resolve(dataDir) : defaultServerDataDir(env) };
}

/** "30m", "24h", "7d" → milliseconds, or null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/i.exec(text.trim());
  if (!m) return null;
  const unit = m[2]!.toLowerCase();
  const factor = unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000;
  return Math.round(Number(m[1]) * factor);
}

/**
 * Proxy mode (large deployments): the Electric service that serves GET /v1/shape, from --electric-url or
 * CLINICDESK_ELECTRIC_URL, with its API secret from --electric-secret or CLINICDESK_ELECTRIC_SECRET.
 * Null when no URL is given (the server serves the shapes itself). Throws RangeError for a URL that is
 * not http(s).
 */
export function electricFrom(
  env: NodeJS.ProcessEnv,
  options: { url?: string | undefined; secret?: string | undefined } = {},
): { url: string; secret: string | null } | null {
  const text = (options.url ?? env.CLINICDESK_ELECTRIC_URL)?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError('The Electric URL must be an address such as http://electric:3000.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError('The Electric URL must start with http:// or https://.');
  if (url.search || url.hash) throw new RangeError('The Electric URL must not carry a query; give the secret with --electric-secret.');
  const secret = (options.secret ?? env.CLINICDESK_ELECTRIC_SECRET)?.trim() || null;
  return { url: url.toString().replace(/\/+$/, ''), secret };
}
