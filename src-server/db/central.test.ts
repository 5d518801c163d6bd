import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src-shared/ids';
import { createClinic } from '../services/clinics';
import { BACKENDS, clinicInput, freshDatabase, TEST_SCRYPT, type TestDatabase } from '../test/backends';
import { appointmentRow, patientRow } from '../../tests/rows';
import { CentralDbError, migrateCentral } from './open';
import { centralMigrations } from '../../db/central';
import { SYNCED_TABLES } from './schema';

describe.each(BACKENDS)('central database on %s', (kind) => {
  let t: TestDatabase;
  let clinicA: string;
  let adminA: string;
  let clinicB: string;
  const now = new Date('2026-03-02T05:00:00.000Z');

  beforeAll(async () => {
    t = await freshDatabase(kind);
    ({ clinicId: clinicA, adminId: adminA } = await createClinic(t.central.db, clinicInput('Sunrise Clinic'), { now, scrypt: TEST_SCRYPT }));
    ({ clinicId: clinicB } = await createClinic(t.central.db, clinicInput('Lotus Clinic'), { now, additional: true, scrypt: TEST_SCRYPT }));
  }, 120_000);
  afterAll(async () => t?.dispose(), 60_000);

  const patient = (clinicId: string, mrn: string) =>
    patientRow(clinicId, { mrn, full_name: 'Meera Iyer', consent_messages: 1, consent_messages_at: '2026-03-02T05:00:00.123Z', consent_data_processing: 0, consent_data_processing_at: null });

  it('applies every migration, creates the synced and server tables, and a second run changes nothing', async () => {
    const { db } = t.central;
    const applied = await db.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(centralMigrations));
    const tables = await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'`.execute(db);
    const names = tables.rows.map((r) => r.t);
    for (const table of [...SYNCED_TABLES, 'change_log', 'devices', 'enrolment_codes', 'setup_codes', 'mutations']) expect(names).toContain(table);
    // Every synced table carries clinic_id and the convention columns.
    const cols = await sql<{ table_name: string; column_name: string; data_type: string }>`
      SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`.execute(db);
    for (const table of SYNCED_TABLES) {
      const own = cols.rows.filter((c) => c.table_name === table);
      for (const col of ['clinic_id', 'created_at', 'updated_at', 'updated_by', 'row_version', 'deleted_at']) {
        expect(own.map((c) => c.column_name), `${table}.${col}`).toContain(col);
      }
      expect(own.find((c) => c.column_name === 'row_version')?.data_type).toBe('bigint');
      expect(own.find((c) => c.column_name === 'updated_at')?.data_type).toBe('timestamp with time zone');
    }
    await migrateCentral(db);
    expect(await db.selectFrom('kysely_migration' as never).select('name' as never).execute()).toHaveLength(Object.keys(centralMigrations).length);
  });

  it('refuses a database that holds a migration this version does not know', async () => {
    const { db } = t.central;
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_the_future', '2030-01-01T00:00:00Z')`.execute(db);
    try {
      await expect(migrateCentral(db)).rejects.toThrow(CentralDbError);
      await expect(migrateCentral(db)).rejects.toThrow(/newer version/);
    } finally {
      await sql`DELETE FROM kysely_migration WHERE name = '9999_from_the_future'`.execute(db);
    }
  });

  it('gives every write a row_version from one sequence across tables, whatever the writer sends, and logs it', async () => {
    const { db } = t.central;
    const versions: number[] = [];
    const p = patient(clinicA, 'K7M-00001-1');
    const inserted = await db.insertInto('patients').values({ ...p, row_version: 1_000_000_000 }).returning('row_version').executeTakeFirstOrThrow();
    versions.push(inserted.row_version);
    const holiday = await db
      .insertInto('clinic_holidays')
      .values({ id: newId(), date: '2026-08-15', name: 'Independence Day', clinic_id: clinicA, created_at: now.toISOString(), updated_at: now.toISOString(), updated_by: adminA, deleted_at: null })
      .returning('row_version')
      .executeTakeFirstOrThrow();
    versions.push(holiday.row_version);
    for (const city of ['Pune', 'Mumbai']) {
      const updated = await db.updateTable('patients').set({ city, row_version: 1 }).where('id', '=', p.id).returning('row_version').executeTakeFirstOrThrow();
      versions.push(updated.row_version);
    }
    const clinic = await db.updateTable('clinics').set({ idle_lock_minutes: 15 }).where('id', '=', clinicA).returning('row_version').executeTakeFirstOrThrow();
    versions.push(clinic.row_version);
    // A write of another clinic draws from the same sequence.
    const other = await db.insertInto('patients').values(patient(clinicB, 'Q2D-00001-1')).returning('row_version').executeTakeFirstOrThrow();
    versions.push(other.row_version);

    for (let i = 1; i < versions.length; i++) expect(versions[i]!).toBeGreaterThan(versions[i - 1]!);
    expect(versions[0]).toBeLessThan(1_000_000_000);

    const log = await db.selectFrom('change_log').selectAll().where('seq', '>=', versions[0]!).orderBy('seq').execute();
    expect(log.map((l) => [l.table_name, l.operation, l.seq])).toEqual([
      ['patients', 'insert', versions[0]],
      ['clinic_holidays', 'insert', versions[1]],
      ['patients', 'update', versions[2]],
      ['patients', 'update', versions[3]],
      ['clinics', 'update', versions[4]],
      ['patients', 'insert', versions[5]],
    ]);
    expect(log.map((l) => l.clinic_id)).toEqual([clinicA, clinicA, clinicA, clinicA, clinicA, clinicB]);
    // Each of those statements ran in its own transaction: six different transaction ids.
    expect(new Set(log.map((l) => l.txid)).size).toBe(6);
  });

  it('records the writes of one transaction under one transaction id', async () => {
    const { db } = t.central;
    const ids = await db.transaction().execute(async (trx) => {
      const a = patient(clinicA, 'K7M-00002-X');
      const b = patient(clinicA, 'K7M-00003-X');
      await trx.insertInto('patients').values([a, b]).execute();
      await trx.updateTable('patients').set({ deleted_at: now.toISOString() }).where('id', '=', a.id).execute();
      return [a.id, b.id];
    });
    const log = await db.selectFrom('change_log').select(['txid', 'operation', 'row_id']).where('row_id', 'in', ids).orderBy('seq').execute();
    expect(log.map((l) => l.operation)).toEqual(['insert', 'insert', 'update']);
    expect(new Set(log.map((l) => l.txid)).size).toBe(1);
  });

  it('reads values back exactly as the desk holds them: ISO instants, plain dates, numbers', async () => {
    const { db } = t.central;
    const p = patient(clinicA, 'K7M-00004-X');
    await db.insertInto('patients').values(p).execute();
    const row = await db.selectFrom('patients').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.created_at).toBe('2026-03-02T05:00:00.000Z');
    expect(row.consent_messages_at).toBe('2026-03-02T05:00:00.123Z');
    expect(row.date_of_birth).toBe('1990-07-14');
    expect(typeof row.row_version).toBe('number');
    expect(row.consent_messages).toBe(1);
  });

  it('keeps clinics apart: no reference across clinics, and a row never changes clinic or id', async () => {
    const { db } = t.central;
    const p = patient(clinicB, 'Q2D-00002-X');
    await db.insertInto('patients').values(p).execute();
    const appointment = appointmentRow(clinicA, { patientId: p.id, doctorId: adminA }, { updated_by: adminA });
    // Clinic A's appointment for clinic B's patient: refused by the composite foreign key.
    await expect(db.insertInto('appointments').values(appointment).execute()).rejects.toThrow(/foreign key/i);
    await expect(db.updateTable('patients').set({ clinic_id: clinicA }).where('id', '=', p.id).execute()).rejects.toThrow(/cannot change/);
    await expect(db.updateTable('patients').set({ id: newId() }).where('id', '=', p.id).execute()).rejects.toThrow(/cannot change/);
    const pa = patient(clinicA, 'K7M-00005-X');
    await db.insertInto('patients').values(pa).execute();
    await db.insertInto('appointments').values({ ...appointment, patient_id: pa.id }).execute();
  });

  it.runIf(kind === 'postgres')(
    'change log: a transaction that commits later with a lower seq stays at or above the read watermark until it ends',
    async () => {
      const { db } = t.central;
      const watermark = async () =>
        (await sql<{ w: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS w`.execute(db)).rows[0]!.w;
      const slow = await db.startTransaction().execute();
      const early = patient(clinicA, 'K7M-00006-X');
      const late = patient(clinicA, 'K7M-00007-X');
      try {
        // The slow transaction takes its sequence number first…
        await slow.insertInto('patients').values(early).execute();
        // …another transaction takes a higher one and commits first.
        await db.insertInto('patients').values(late).execute();
        const w1 = await watermark();
        const rows = await db.selectFrom('change_log').select(['row_id', 'seq', 'txid']).where('row_id', 'in', [early.id, late.id]).execute();
        expect(rows.map((r) => r.row_id)).toEqual([late.id]); // the slow one is not visible yet
        // A reader serving "txid below the watermark" does not serve the committed later write yet,
        // because the slow, still-open transaction holds the watermark back.
        const served = await sql<{ n: number }>`SELECT count(*)::int AS n FROM change_log WHERE row_id = ${late.id} AND txid < ${w1}::xid8`.execute(db);
        expect(served.rows[0]!.n).toBe(0);
        await slow.commit().execute();
      } catch (err) {
        await slow.rollback().execute().catch(() => {});
        throw err;
      }
      // The watermark is cluster-wide: a transaction of another session (another test file's database on the
      // same server) can hold it back a moment longer, so wait until it has passed both writers.
      const txids = (await db.selectFrom('change_log').select(sql<string>`max(txid)::text`.as('t')).where('row_id', 'in', [early.id, late.id]).executeTakeFirstOrThrow()).t;
      let w2 = await watermark();
      for (let i = 0; i < 200 && BigInt(w2) <= BigInt(txids); i++) {
        await new Promise((r) => setTimeout(r, 50));
        w2 = await watermark();
      }
      const both = await db
        .selectFrom('change_log')
        .select(['row_id', 'seq'])
        .where('row_id', 'in', [early.id, late.id])
        .where(sql<boolean>`txid < ${w2}::xid8`)
        .orderBy('seq')
        .execute();
      // Now both are below the watermark, in one window, the lower seq first.
      expect(both.map((r) => r.row_id)).toEqual([early.id, late.id]);
    },
    60_000,
  );
});
