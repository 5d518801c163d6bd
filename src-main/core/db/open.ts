import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider, type SqliteDatabase } from 'kysely';
import { localMigrations } from '../../../db/local';
import { restoreDeferred } from './bulk';
import type { LocalDatabase } from './schema';

export interface OpenedDatabase {
  sqlite: Database.Database;
  db: Kysely<LocalDatabase>;
  /** A second, read-only connection: queries run on it, so a query cannot write even by mistake. */
  readDb: Kysely<LocalDatabase>;
  file: string;
  close(): Promise<void>;
}

export type IntegrityCheck = 'full' | 'quick' | 'off';

export class DatabaseOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

/**
 * Opens the desk database — the one place the file is opened (where at-rest encryption will go).
 * WAL with synchronous=FULL on every connection (NORMAL can roll back a committed booking after a
 * power cut), foreign keys on, a busy timeout, an integrity check, then pending migrations.
 * Refuses a database that holds a migration this build does not know (it was written by a newer version).
 */
export async function openLocalDatabase(file: string, opts: { integrityCheck?: IntegrityCheck } = {}): Promise<OpenedDatabase> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Checkpoints off the commit path: by default the commit that takes the WAL past 1,000 pages copies
    // them into the database file (and syncs it) before it returns — a booking now and then waits for
    // that. Instead a passive checkpoint runs every second between calls (see below), and a commit pays
    // only if those could not keep up (a WAL of 4,000 pages, about 16 MiB).
    sqlite.pragma('wal_autocheckpoint = 4000');
    // A larger page cache for the writer too (SQLite's default is 2 MiB): a first sync writes hundreds of
    // thousands of rows whose indexes (patient ids, dates) take inserts all over the file.
    sqlite.pragma('cache_size = -65536');
    const check = opts.integrityCheck ?? 'full';
    if (check !== 'off') {
      const rows = sqlite.pragma(check === 'full' ? 'integrity_check' : 'quick_check') as Array<Record<string, string>>;
      const first = rows[0] ? Object.values(rows[0])[0] : 'ok';
      if (rows.length !== 1 || first !== 'ok') {
        throw new DatabaseOpenError('The local database failed its integrity check. Restore it from a backup or contact support.');
      }
    }
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const db = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  try {
    await migrateLocal(db);
    // A first download that stopped half way left indexes and triggers aside: put them back now.
    restoreDeferred(sqlite);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  // Screens read much more than they write: let the reader map the file (up to SQLite's 2 GiB cap;
  // pages are read straight from the OS cache instead of copied into SQLite's) and keep a larger page
  // cache (a day view reads a thousand or more appointments). Read-only, so a
  // mapped page can never be written through by mistake.
  reader.pragma('mmap_size = 2147418112');
  reader.pragma('cache_size = -65536');
  const readDb = new Kysely<LocalDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(reader) }) });
  // better-sqlite3 runs on this thread, so the timer runs between statements, almost always between calls.
  // PASSIVE never waits for readers or writers; what it cannot copy now, the next tick does. Should it fire
  // while a command's transaction waits on something asynchronous (e.g. password hashing), SQLite refuses
  // the checkpoint on this connection (caught below) and leaves the transaction untouched.
  const checkpointer = setInterval(() => {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // refused mid-transaction, or busy: the next tick (or the 4,000-page fallback) catches up.
    }
  }, 1000);
  checkpointer.unref();
  return {
    sqlite,
    db,
    readDb,
    file,
    async close() {
      clearInterval(checkpointer);
      await readDb.destroy();
      await db.destroy();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => localMigrations };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works below the typed schema
export async function migrateLocal(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const known = new Set(Object.keys(localMigrations));
  // Kysely lists only migrations it knows; look at the table itself for ones it does not.
  const table = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`.execute(db);
  if (table.rows.length > 0) {
    const rows = await db.selectFrom('kysely_migration').select('name').execute();
    const unknown = rows.map((r: { name: string }) => r.name).filter((n: string) => !known.has(n));
    if (unknown.length > 0) {
      throw new DatabaseOpenError(
        'This database was last used by a newer version of ClinicDesk. Install the latest version to open it.',
      );
    }
  }
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/**
 * Kysely prepares every query afresh; SQLite's prepare costs about as much as running a small query.
 * The same SQL text (the parameters are bound separately) gets the same prepared statement back, from
 * a bounded least-recently-used cache. Safe because the core never streams (iterate) a query while
 * running the same one again, and SQLite re-prepares a statement itself after a schema change.
 */
export function withStatementCache(db: Database.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = db.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}
