import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCentralDatabase, type CentralBackend } from '../src-server/db/open';
import { createPostgresDatabase, TEST_PG_URL } from '../src-server/test/backends';
import { SERVER_CLI, spawnServer } from '../src-server/test/spawn';
import { patientRow } from '../tests/rows';

/**
 * One real clinic sync server for an end-to-end test, run through its own command line (`src-server/cli.ts`)
 * as a child process: embedded PGlite in a temporary folder, or — when TEST_DATABASE_URL (or DATABASE_URL)
 * names a PostgreSQL server — a fresh, randomly named database there, dropped afterwards.
 *
 * Changes "made on the server side" are written straight into the central database with the server's own
 * kysely access (src-server/db/open.ts), as the sync server's other tests do: the change-log triggers then
 * carry them to the desks exactly as any other committed write. With PGlite the running server holds its
 * folder (one process per embedded database), so the server is stopped for the write and started again on
 * the same port — the desks see it go offline and come back. On PostgreSQL the write happens while it runs.
 */
export interface SyncServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** What a receptionist would type: host:port, without the scheme. */
  address: string;
  backend: 'pglite' | 'postgres';
  logFile: string;
  logs(): string;
  /** Runs an operator command of the CLI (`init-clinic`, `enrol-code`, …) with --json; resolves with its JSON output. */
  cli(args: string[], env?: Record<string, string>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Writes rows into the central database (stopping the server around it on PGlite; see above). */
  write(fn: (db: Awaited<ReturnType<typeof openCentralDatabase>>['db']) => Promise<void>, opts?: { whileStopped?: () => Promise<void> }): Promise<void>;
  dispose(): Promise<void>;
}

const ROOT = process.cwd();

export async function startSyncServer(logFile: string): Promise<SyncServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-e2e-server-'));
  const pg = TEST_PG_URL ? await createPostgresDatabase() : null;
  const backend: CentralBackend = pg ? { kind: 'postgres', url: pg.url } : { kind: 'pglite', dataDir };
  const env: NodeJS.ProcessEnv = { ...process.env, CLINICDESK_LOG_LEVEL: 'debug' };
  delete env.DATABASE_URL;
  if (pg) env.DATABASE_URL = pg.url;
  fs.writeFileSync(logFile, '');
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  let stopChild: (() => Promise<void>) | null = null;
  let port = 0;

  const start = async () => {
    const spawned = await spawnServer({ env, port, dataDir, output: log });
    stopChild = spawned.stop;
    port = Number(new URL(spawned.url).port);
  };

  const stop = async () => {
    const s = stopChild;
    stopChild = null;
    await s?.();
  };

  await start();

  const server: SyncServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    backend: backend.kind,
    logFile,
    logs: () => fs.readFileSync(logFile, 'utf8'),
    cli(args, extraEnv = {}) {
      return new Promise((resolve, reject) => {
        const c = spawn(process.execPath, ['--import', 'tsx', SERVER_CLI, ...args, '--data-dir', dataDir, '--json'], {
          cwd: ROOT,
          env: { ...env, ...extraEnv },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
        c.stderr!.on('data', (b: Buffer) => (err += b.toString()));
        c.once('exit', (code) => {
          if (code !== 0) return reject(new Error(`server ${args[0]} failed (${code}):\n${err}${out}`));
          try {
            resolve(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>);
          } catch {
            reject(new Error(`server ${args[0]} printed no JSON:\n${out}`));
          }
        });
      });
    },
    stop,
    start,
    async write(fn, opts = {}) {
      const stopped = backend.kind === 'pglite';
      if (stopped) await stop();
      try {
        const central = await openCentralDatabase(backend);
        try {
          await fn(central.db);
        } finally {
          await central.close();
        }
        if (stopped) await opts.whileStopped?.();
      } finally {
        if (stopped) await start();
      }
    },
    async dispose() {
      await stop();
      log.end();
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** A patient row as the server stores it (the conventions' columns included). */
export function serverPatient(clinicId: string, p: { fullName: string; mobile: string; mrn: string; sex: 'female' | 'male' }, now: Date) {
  const at = now.toISOString();
  return patientRow(clinicId, { mrn: p.mrn, full_name: p.fullName, sex: p.sex, date_of_birth: '1988-05-21', mobile: p.mobile, created_at: at, updated_at: at, consent_data_processing_at: at });
}
