import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { centralMigrations } from '../../db/central';
import type { CentralDatabase } from './schema';
import { pgTypes, typeParsers } from './types';

/** Where the central data lives: a PostgreSQL server, or an embedded PGlite database in a folder (null: in memory, for tests). */
export type CentralBackend = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string | null };

export interface CentralDb {
  db: Kysely<CentralDatabase>;
  kind: CentralBackend['kind'];
  /** Where it is, for logs and messages: the data folder, or host/port/database of the URL (never its password). */
  where: string;
  /** True when the database answers a trivial query within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * LISTEN on channels, outside the query pool (PostgreSQL: one dedicated connection that reconnects
   * by itself; PGlite: the instance's own listen). `onGap` runs when notifications may have been missed
   * (a reconnect), so waiters re-check.
   */
  listen(channels: string[], onNotify: (channel: string, payload: string) => void, onGap?: () => void): Promise<Listener>;
  close(): Promise<void>;
}

export interface Listener {
  /** False while a PostgreSQL listener is reconnecting: callers should poll meanwhile. */
  readonly connected: boolean;
  close(): Promise<void>;
}

export class CentralDbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CentralDbError';
  }
}

/** The PGlite folder is held by another live process (normally the running server). */
export class DataDirBusyError extends CentralDbError {
  constructor(
    message: string,
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(message);
    this.name = 'DataDirBusyError';
  }
}

export const LOCK_FILE = 'clinicdesk-server.lock';

/**
 * Opens the central database and applies pending migrations — one kysely data-access layer for both
 * backends: node-postgres through kysely's PostgresDialect, PGlite through kysely-pglite-dialect (which
 * queues callers on PGlite's single connection, so transactions never interleave).
 * A PGlite folder can only be open in one process at a time: a lock file beside the data says who has it.
 */
export async function openCentralDatabase(backend: CentralBackend, opts: { migrate?: boolean } = {}): Promise<CentralDb> {
  let opened: CentralDb;
  if (backend.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: backend.url, types: pgTypes, max: 10, connectionTimeoutMillis: 5000 });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = new Kysely<CentralDatabase>({ dialect: new PostgresDialect({ pool }) });
    opened = {
      db,
      kind: 'postgres',
      where: describeUrl(backend.url),
      ping: (ms) => ping(db, ms),
      listen: (channels, onNotify, onGap) => listenPostgres(backend.url, channels, onNotify, onGap),
      close: () => db.destroy(),
    };
  } else {
    const release = backend.dataDir ? lockDataDir(backend.dataDir) : () => {};
    let client: PGlite;
    try {
      const pgdata = backend.dataDir ? path.join(backend.dataDir, 'pgdata') : undefined;
      client = new PGlite({ ...(pgdata ? { dataDir: pgdata } : {}), parsers: typeParsers });
      await client.waitReady;
    } catch (err) {
      release();
      throw err;
    }
    const db = new Kysely<CentralDatabase>({ dialect: new PGliteDialect(client) });
    opened = {
      db,
      kind: 'pglite',
      where: backend.dataDir ?? '(in memory)',
      ping: (ms) => ping(db, ms),
      async listen(channels, onNotify) {
        const unsubscribe = await Promise.all(channels.map((channel) => client.listen(channel, (payload) => onNotify(channel, payload))));
        return {
          connected: true,
          async close() {
            if (client.closed) return;
            await Promise.all(unsubscribe.map((u) => u().catch(() => {})));
          },
        };
      },
      async close() {
        try {
          await db.destroy();
        } finally {
          release();
        }
      },
    };
  }
  if (opts.migrate ?? true) {
    try {
      await migrateCentral(opened.db);
    } catch (err) {
      await opened.close();
      throw err;
    }
  }
  return opened;
}

/** A LISTEN connection to PostgreSQL that reconnects (after 1 s, then up to every 10 s) until closed. */
async function listenPostgres(
  url: string,
  channels: string[],
  onNotify: (channel: string, payload: string) => void,
  onGap?: () => void,
): Promise<Listener> {
  let closed = false;
  let connected = false;
  let client: pg.Client | null = null;
  let retryMs = 1000;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    c.on('notification', (n) => onNotify(n.channel, n.payload ?? ''));
    const lost = () => {
      if (client !== c) return;
      client = null;
      connected = false;
      c.end().catch(() => {});
      schedule();
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    for (const channel of channels) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    connected = true;
    retryMs = 1000;
  };
  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      connect()
        .then(() => onGap?.())
        .catch(() => {
          retryMs = Math.min(retryMs * 2, 10_000);
          schedule();
        });
    }, retryMs);
    timer.unref();
  };
  try {
    await connect();
  } catch {
    schedule();
  }
  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => {});
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => centralMigrations };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
export async function migrateCentral(db: Kysely<any>): Promise<void> {
  const known = new Set(Object.keys(centralMigrations));
  const table = await sql<{ t: string | null }>`SELECT to_regclass('kysely_migration')::text AS t`.execute(db);
  if (table.rows[0]?.t) {
    const rows = await db.selectFrom('kysely_migration').select('name').execute();
    const unknown = rows.map((r: { name: string }) => r.name).filter((n: string) => !known.has(n));
    if (unknown.length > 0) {
      throw new CentralDbError('This database was last used by a newer version of the ClinicDesk server. Install the latest version to use it.');
    }
  }
  const { error } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

async function ping(db: Kysely<CentralDatabase>, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const query = sql<{ ok: number }>`SELECT 1 AS ok`.execute(db).then((r) => r.rows[0]?.ok === 1);
    return await Promise.race([query, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** host:port/database of a connection URL — never its user's password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unreadable DATABASE_URL)';
  }
}

function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirBusyError(
          `The data folder ${dataDir} is in use by another ClinicDesk server process (pid ${pid}). ` +
            'Stop that process first, or use the running server (an admin desk can make enrolment codes and revoke devices).',
          dataDir,
          pid,
        );
      }
      // Left behind by a process that has ended: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new CentralDbError(`Could not lock the data folder ${dataDir}. Check that it is writable.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
