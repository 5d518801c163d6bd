import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openCentralDatabase, type CentralDb } from '../db/open';

/**
 * The backends every server test runs on: embedded PGlite always, and real PostgreSQL when
 * TEST_DATABASE_URL (or DATABASE_URL) names a server. Each test database on PostgreSQL is created
 * here under a random name and dropped afterwards — nothing left over from an earlier run is trusted.
 */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
export type BackendKind = 'pglite' | 'postgres';
export const BACKENDS: BackendKind[] = TEST_PG_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  central: CentralDb;
  /** The PostgreSQL URL of the fresh database (postgres only), e.g. to hand to a spawned CLI. */
  url: string | null;
  dispose(): Promise<void>;
}

/** A fresh, empty PostgreSQL database on the test server; returns its URL and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_PG_URL) throw new Error('No TEST_DATABASE_URL or DATABASE_URL');
  const name = `clinicdesk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_PG_URL! });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function freshDatabase(kind: BackendKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const central = await openCentralDatabase({ kind: 'pglite', dataDir: null });
    return { central, url: null, dispose: () => central.close() };
  }
  const created = await createPostgresDatabase();
  try {
    const central = await openCentralDatabase({ kind: 'postgres', url: created.url });
    return {
      central,
      url: created.url,
      async dispose() {
        try {
          await central.close();
        } finally {
          await created.drop();
        }
      },
    };
  } catch (err) {
    await created.drop();
    throw err;
  }
}

/** Cheap scrypt for tests (the format is the same; only the cost differs). */
export const TEST_SCRYPT = { log2N: 10, r: 8, p: 1 };

export function clinicInput(name: string, admin = { displayName: 'Asha Rao', username: 'asha' }) {
  return {
    clinic: { legalName: name, addressLine: '12 MG Road', city: 'Pune', stateCode: '27', pincode: '411001' },
    admin: { ...admin, password: 'correct horse 42' },
  };
}
