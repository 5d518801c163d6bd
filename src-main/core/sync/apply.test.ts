import fs from 'node:fs';
import path from 'node:path';
import type { Message, Row } from '@electric-sql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../src-shared/ids';
import { tempDir } from '../../../tests/helpers';
import { appointmentRow, patientRow } from '../../../tests/rows';
import { openLocalDatabase, type OpenedDatabase } from '../db/open';
import { BULK_MIN_ROWS, inSyncTransaction, normalizeInstant, ShapeApplier } from './apply';

/**
 * The apply step of the read path against a real desk database file: batches, ordering, row_version,
 * deletes, must-refetch cleanup, and the read position saved in the same transaction as the rows.
 */
let dir: string;
let opened: OpenedDatabase;
const CLINIC = newId();
const NOW = '2026-03-02T05:00:00.000Z';

beforeEach(async () => {
  dir = tempDir();
  opened = await openLocalDatabase(path.join(dir, 'desk.sqlite'), { integrityCheck: 'off' });
});
afterEach(async () => {
  await opened.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const conv = (rv: number | null, extra: Record<string, unknown> = {}) => ({
  clinic_id: CLINIC,
  created_at: NOW,
  updated_at: NOW,
  updated_by: null,
  row_version: rv,
  deleted_at: null,
  ...extra,
});

function patient(rv: number, over: Record<string, unknown> = {}) {
  const row = patientRow(CLINIC, { created_at: NOW, updated_at: NOW, consent_data_processing_at: NOW, mobile: '9845012345' });
  // Emergency contacts set: the accounts station must not receive them.
  return { ...row, emergency_name: 'Someone', emergency_relation: 'Sister', emergency_phone: '9845012346', row_version: rv, ...over };
}

let seq = 0;
function staff(rv: number, over: Record<string, unknown> = {}) {
  return { id: newId(), username: `doc${++seq}`, display_name: 'Dr Rao', role: 'doctor', password_hash: 'scrypt$x', active: 1, ...conv(rv), ...over };
}

function appointment(rv: number, patientId: string, doctorId: string, over: Record<string, unknown> = {}) {
  return { ...appointmentRow(CLINIC, { patientId, doctorId }, { created_at: NOW, updated_at: NOW }), row_version: rv, ...over };
}

type Msg = Message<Row<unknown>>;
const ins = (value: Record<string, unknown>): Msg => ({ key: String(value.id), value: value as Row<unknown>, headers: { operation: 'insert' } });
const upd = (value: Record<string, unknown>): Msg => ({ key: String(value.id), value: value as Row<unknown>, headers: { operation: 'update' } });
const del = (id: string): Msg => ({ key: id, value: { id } as Row<unknown>, headers: { operation: 'delete' } });
const UP_TO_DATE: Msg = { headers: { control: 'up-to-date' } };
const MUST_REFETCH: Msg = { headers: { control: 'must-refetch' } };

function apply(applier: ShapeApplier, messages: Msg[], offset = '0_1', handle = 'h1') {
  return inSyncTransaction(opened.sqlite, () => applier.apply(messages, { handle, offset }, NOW));
}
const one = (sqlText: string, ...params: unknown[]) => opened.sqlite.prepare(sqlText).get(...params) as Record<string, unknown> | undefined;
const all = (sqlText: string, ...params: unknown[]) => opened.sqlite.prepare(sqlText).all(...params) as Array<Record<string, unknown>>;

describe('applying shape batches', () => {
  it('applies a batch in one transaction and saves the read position with it', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    expect(a.position()).toEqual({ handle: null, offset: '-1', refetching: false });
    const rows = [patient(1), patient(2), patient(3)];
    const out = apply(a, [...rows.map(ins), UP_TO_DATE], '0_3', 'patients-abc');
    expect(out).toMatchObject({ changed: 3, skipped: 0, upToDate: true });
    expect(all('SELECT id FROM patients ORDER BY row_version').map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(one('SELECT handle, "offset", rows_applied, up_to_date_at, refetching FROM sync_shapes WHERE name = ?', 'patients')).toEqual({
      handle: 'patients-abc',
      offset: '0_3',
      rows_applied: 3,
      up_to_date_at: NOW,
      refetching: 0,
    });
    // The search index follows synced patients (its triggers run as for local writes).
    expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'mrn:K7M*'`)).toEqual({ n: 3 });
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('a batch that fails keeps nothing: neither its rows nor its offset', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    apply(a, [ins(patient(1)), UP_TO_DATE], '0_1');
    const good = patient(2);
    const broken = patient(3, { full_name: null });
    expect(() => apply(a, [ins(good), ins(broken)], '0_3')).toThrow();
    expect(one('SELECT count(*) AS n FROM patients')).toEqual({ n: 1 });
    expect(one('SELECT "offset", rows_applied FROM sync_shapes WHERE name = ?', 'patients')).toEqual({ offset: '0_1', rows_applied: 1 });
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('never writes older over newer; a local row the server has not seen yet takes the server row', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const p = patient(5);
    apply(a, [ins(p)]);
    expect(apply(a, [upd({ ...p, full_name: 'Older', row_version: 4 })])).toMatchObject({ changed: 0, skipped: 1 });
    expect(apply(a, [upd({ ...p, full_name: 'Same version', row_version: 5 })])).toMatchObject({ changed: 0, skipped: 1 });
    expect(one('SELECT full_name FROM patients WHERE id = ?', p.id)).toEqual({ full_name: p.full_name });
    expect(apply(a, [upd({ ...p, full_name: 'Newer', row_version: 9 })])).toMatchObject({ changed: 1 });
    expect(one('SELECT full_name, row_version FROM patients WHERE id = ?', p.id)).toEqual({ full_name: 'Newer', row_version: 9 });

    // Registered on this desk (row_version null), then sent back by the server with its row_version.
    const local = patient(0, { row_version: null });
    opened.sqlite.prepare(`INSERT INTO patients (${Object.keys(local).join(',')}) VALUES (${Object.keys(local).map(() => '?').join(',')})`).run(...Object.values(local));
    expect(apply(a, [upd({ ...local, row_version: 12, city: 'Pune' })])).toMatchObject({ changed: 1 });
    expect(one('SELECT city, row_version FROM patients WHERE id = ?', local.id)).toEqual({ city: 'Pune', row_version: 12 });

    // Within one batch, later messages win in order.
    const q = patient(20);
    apply(a, [ins(q), upd({ ...q, full_name: 'Second', row_version: 21 }), upd({ ...q, full_name: 'Stale', row_version: 20 })]);
    expect(one('SELECT full_name FROM patients WHERE id = ?', q.id)).toEqual({ full_name: 'Second' });
  });

  it('deletes on delete, and keeps soft-deleted rows as updates', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const p1 = patient(1);
    const p2 = patient(2);
    apply(a, [ins(p1), ins(p2)]);
    apply(a, [del(p1.id), upd({ ...p2, deleted_at: NOW, row_version: 3 })]);
    expect(all('SELECT id, deleted_at FROM patients')).toEqual([{ id: p2.id, deleted_at: NOW }]);
    // A soft-deleted patient leaves the search index.
    expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'mrn:K7M*'`)).toEqual({ n: 0 });
  });

  it('writes only the columns of the station: accounts never receives emergency contacts', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'accounts');
    const p = patient(1);
    apply(a, [ins(p)]);
    expect(one('SELECT emergency_name, emergency_phone, full_name FROM patients WHERE id = ?', p.id)).toEqual({
      emergency_name: null,
      emergency_phone: null,
      full_name: p.full_name,
    });
  });

  it("fills the appointment's patient label whichever arrives first", () => {
    const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const sa = new ShapeApplier(opened.sqlite, 'staff', 'front_desk');
    const aa = new ShapeApplier(opened.sqlite, 'appointments', 'front_desk');
    const doctor = staff(1);
    const before = patient(2);
    const after = patient(3);
    apply(sa, [ins(doctor)]);
    apply(pa, [ins(before)]);
    const a1 = appointment(4, before.id, doctor.id);
    // The second appointment arrives before its patient (shapes stream independently).
    const a2 = appointment(5, after.id, doctor.id, { start_minutes: 615, end_minutes: 630 });
    apply(aa, [ins(a1), ins(a2)]);
    expect(one('SELECT patient_name, patient_mrn FROM appointments WHERE id = ?', a1.id)).toEqual({ patient_name: before.full_name, patient_mrn: before.mrn });
    expect(one('SELECT patient_name FROM appointments WHERE id = ?', a2.id)).toEqual({ patient_name: null });
    apply(pa, [ins(after)]);
    expect(one('SELECT patient_name, patient_mrn FROM appointments WHERE id = ?', a2.id)).toEqual({ patient_name: after.full_name, patient_mrn: after.mrn });
    // A rename arriving later rewrites the label; an update of the appointment keeps it.
    apply(pa, [upd({ ...after, full_name: 'Renamed Person', row_version: 9 })]);
    apply(aa, [upd({ ...a2, status: 'checked_in', row_version: 10 })]);
    expect(one('SELECT patient_name, status FROM appointments WHERE id = ?', a2.id)).toEqual({ patient_name: 'Renamed Person', status: 'checked_in' });
    expect(all('PRAGMA foreign_key_check')).toEqual([]);
  });

  it('must-refetch: ends equal to the new snapshot, keeping local-only rows and rows with pending writes', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const kept = patient(1);
    const gone = patient(2);
    const changed = patient(3);
    const pendingEdit = patient(4);
    apply(a, [ins(kept), ins(gone), ins(changed), ins(pendingEdit), UP_TO_DATE], '0_4', 'h-old');
    const localOnly = patient(0, { row_version: null });
    opened.sqlite.prepare(`INSERT INTO patients (${Object.keys(localOnly).join(',')}) VALUES (${Object.keys(localOnly).map(() => '?').join(',')})`).run(...Object.values(localOnly));
    const { lastInsertRowid: seq } = opened.sqlite
      .prepare(`INSERT INTO outbox (mutation_id, name, args, device_id, user_id, created_at, rows) VALUES (?, 'patients.update', ?, 'dev', 'u', ?, ?)`)
      .run(newId(), JSON.stringify({ id: pendingEdit.id, set: { city: 'Pune' } }), NOW, JSON.stringify([['patients', pendingEdit.id]]));
    opened.sqlite.prepare(`INSERT INTO outbox_rows (row_id, seq, table_name) VALUES (?, ?, 'patients')`).run(pendingEdit.id, seq);

    expect(apply(a, [MUST_REFETCH], '-1', 'h-new')).toMatchObject({ mustRefetch: true, upToDate: false });
    expect(a.position()).toEqual({ handle: 'h-new', offset: '-1', refetching: true });
    // The new snapshot arrives in pages; the desk may be closed between them (the state is in the database).
    apply(a, [ins(kept)], '0_10', 'h-new');
    const reopened = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    expect(reopened.position()).toEqual({ handle: 'h-new', offset: '0_10', refetching: true });
    const out = apply(reopened, [ins({ ...changed, full_name: 'Changed', row_version: 30 }), UP_TO_DATE], '0_11', 'h-new');
    expect(out).toMatchObject({ upToDate: true, refetchDeleted: 1 });
    expect(all('SELECT id FROM patients').map((r) => r.id).sort()).toEqual([kept.id, changed.id, pendingEdit.id, localOnly.id].sort());
    expect(one('SELECT full_name FROM patients WHERE id = ?', changed.id)).toEqual({ full_name: 'Changed' });
    expect(one('SELECT count(*) AS n FROM sync_refetch')).toEqual({ n: 0 });
    expect(reopened.position()).toEqual({ handle: 'h-new', offset: '0_11', refetching: false });
  });

  it('a row a pending mutation wrote is not overwritten by a streamed row; the newest one waits and goes in once it is settled', () => {
    const a = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const p = patient(5, { city: 'Pune' });
    apply(a, [ins(p)]);
    // This desk edits the patient (pending), then another desk's edits stream in, twice.
    opened.sqlite.prepare(`UPDATE patients SET city = 'Here' WHERE id = ?`).run(p.id);
    const { lastInsertRowid: pendingSeq } = opened.sqlite
      .prepare(`INSERT INTO outbox (mutation_id, name, args, device_id, user_id, created_at, rows) VALUES (?, 'patients.update', '{}', 'dev', 'u', ?, '[]')`)
      .run(newId(), NOW);
    opened.sqlite.prepare(`INSERT INTO outbox_rows (row_id, seq, table_name) VALUES (?, ?, 'patients')`).run(p.id, pendingSeq);
    expect(apply(a, [upd({ ...p, mobile: '9845000001', row_version: 7 })])).toMatchObject({ changed: 0, skipped: 1 });
    apply(a, [upd({ ...p, mobile: '9845000002', row_version: 9 }), upd({ ...p, mobile: '9845000000', row_version: 6 })]);
    expect(one('SELECT city, mobile, row_version FROM patients WHERE id = ?', p.id)).toEqual({ city: 'Here', mobile: '9845012345', row_version: 5 });
    expect(one('SELECT row_version FROM sync_held WHERE row_id = ?', p.id)).toEqual({ row_version: 9 });
    // Settled (the server's answer at version 8 — older than the held one): the answer goes in, then the held row.
    opened.sqlite.prepare('DELETE FROM outbox_rows').run();
    inSyncTransaction(opened.sqlite, () => a.settleRows([{ ...p, city: 'Here', row_version: 8 }]));
    expect(one('SELECT city, row_version FROM patients WHERE id = ?', p.id)).toEqual({ city: 'Here', row_version: 8 });
    const held = one('SELECT data FROM sync_held WHERE row_id = ?', p.id)!;
    inSyncTransaction(opened.sqlite, () => a.releaseHeld(JSON.parse(String(held.data))));
    expect(one('SELECT mobile, row_version FROM patients WHERE id = ?', p.id)).toEqual({ mobile: '9845000002', row_version: 9 });
    // A settled answer at the version the desk already has still replaces the local edit (the server's truth).
    opened.sqlite.prepare(`UPDATE patients SET city = 'Local' WHERE id = ?`).run(p.id);
    inSyncTransaction(opened.sqlite, () => a.settleRows([{ ...p, mobile: '9845000002', city: 'Pune', row_version: 9 }]));
    expect(one('SELECT city FROM patients WHERE id = ?', p.id)).toEqual({ city: 'Pune' });
  });

  it('a queue token the server gives a row is taken from a local row that held it', () => {
    const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const sa = new ShapeApplier(opened.sqlite, 'staff', 'front_desk');
    const aa = new ShapeApplier(opened.sqlite, 'appointments', 'front_desk');
    const doctor = staff(1);
    const p = patient(2);
    apply(sa, [ins(doctor)]);
    apply(pa, [ins(p)]);
    const mine = appointment(3, p.id, doctor.id, { kind: 'walk_in', start_minutes: null, end_minutes: null, token: 4, status: 'checked_in' });
    apply(aa, [ins(mine)]);
    const theirs = appointment(10, p.id, doctor.id, { kind: 'walk_in', start_minutes: null, end_minutes: null, token: 4, status: 'checked_in' });
    expect(apply(aa, [ins(theirs)])).toMatchObject({ changed: 1 });
    expect(all('SELECT id, token FROM appointments ORDER BY row_version')).toEqual([
      { id: mine.id, token: null },
      { id: theirs.id, token: 4 },
    ]);
    apply(aa, [upd({ ...mine, token: 5, row_version: 11 })]);
    expect(one('SELECT token FROM appointments WHERE id = ?', mine.id)).toEqual({ token: 5 });
  });

  it('must-refetch of a parent table removes rows even when children point at them (foreign keys are the server’s)', () => {
    const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
    const sa = new ShapeApplier(opened.sqlite, 'staff', 'front_desk');
    const aa = new ShapeApplier(opened.sqlite, 'appointments', 'front_desk');
    const doctor = staff(1);
    const p = patient(2);
    apply(sa, [ins(doctor)]);
    apply(pa, [ins(p)]);
    const appt = appointment(3, p.id, doctor.id);
    apply(aa, [ins(appt)]);
    // Both shapes are refetched; the appointment's shape may finish before or after the patient's.
    apply(pa, [MUST_REFETCH], '-1', 'h2');
    apply(aa, [MUST_REFETCH], '-1', 'h3');
    expect(apply(pa, [UP_TO_DATE], '0_1', 'h2')).toMatchObject({ refetchDeleted: 1 });
    expect(apply(aa, [UP_TO_DATE], '0_1', 'h3')).toMatchObject({ refetchDeleted: 1 });
    expect(one('SELECT count(*) AS n FROM appointments')).toEqual({ n: 0 });
    expect(all('PRAGMA foreign_key_check')).toEqual([]);
  });

  it('keeps instants as UTC ISO strings', () => {
    expect(normalizeInstant('2026-03-02T05:00:00.000Z')).toBe('2026-03-02T05:00:00.000Z');
    expect(normalizeInstant('2026-03-02 05:00:00.123456+00')).toBe('2026-03-02T05:00:00.123Z');
    expect(normalizeInstant('2026-03-02 10:30:00+05:30')).toBe('2026-03-02T05:00:00.000Z');
  });

  describe('a large first snapshot into an empty table (bulk load)', () => {
    const schemaOf = (table: string) =>
      all(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND name NOT LIKE 'sqlite_%' ORDER BY type, name`, table);

    it('ends with the same indexes, triggers, search index and labels as row-by-row sync', async () => {
      const patientsSchema = schemaOf('patients');
      const appointmentsSchema = schemaOf('appointments');
      const doctor = staff(1);
      apply(new ShapeApplier(opened.sqlite, 'staff', 'front_desk'), [ins(doctor), UP_TO_DATE]);
      const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
      const aa = new ShapeApplier(opened.sqlite, 'appointments', 'front_desk');
      const people = Array.from({ length: 2 * BULK_MIN_ROWS }, (_, i) => patient(10 + i, { full_name: i === 7 ? 'Zeenat Qureshi' : `Patient ${i}` }));
      // Appointments arrive first (shapes stream independently), for patients not on the desk yet.
      const visits = people.map((p, i) => appointment(10 + i, p.id, doctor.id));
      apply(aa, visits.slice(0, BULK_MIN_ROWS).map(ins), '5_1');
      // Mid-snapshot the table's secondary indexes and triggers are aside, their definitions kept.
      expect(all(`SELECT name FROM sync_deferred WHERE tbl = 'appointments' ORDER BY name`).map((r) => r.name)).toEqual(
        expect.arrayContaining(['appointments_day_view', 'appointments_patient', 'appointments_label_insert']),
      );
      expect(schemaOf('appointments').length).toBeLessThan(appointmentsSchema.length);
      apply(aa, [...visits.slice(BULK_MIN_ROWS).map(ins), UP_TO_DATE], '5_2');
      expect(schemaOf('appointments')).toEqual(appointmentsSchema);

      apply(pa, people.slice(0, BULK_MIN_ROWS).map(ins), '6_1');
      expect(schemaOf('patients').length).toBeLessThan(patientsSchema.length);
      apply(pa, [...people.slice(BULK_MIN_ROWS).map(ins), UP_TO_DATE], '6_2');
      expect(schemaOf('patients')).toEqual(patientsSchema);
      expect(one('SELECT count(*) AS n FROM sync_deferred')).toEqual({ n: 0 });

      // The search index holds every patient; every appointment carries its patient's label.
      expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'mrn:K7M*'`)).toEqual({ n: people.length });
      expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'zee*'`)).toEqual({ n: 1 });
      expect(one('SELECT count(*) AS n FROM appointments WHERE patient_name IS NULL OR patient_mrn IS NULL')).toEqual({ n: 0 });
      expect(one('SELECT patient_name FROM appointments WHERE id = ?', visits[7]!.id)).toEqual({ patient_name: 'Zeenat Qureshi' });
      expect(opened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');

      // The triggers are back: a later change flows into the search index and the labels as before.
      apply(pa, [upd({ ...people[7]!, full_name: 'Zeenat Siddiqui', row_version: 99_999 }), UP_TO_DATE], '7_1');
      expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'siddiqui'`)).toEqual({ n: 1 });
      expect(one('SELECT patient_name FROM appointments WHERE id = ?', visits[7]!.id)).toEqual({ patient_name: 'Zeenat Siddiqui' });
    });

    it('a small batch or a table that already has rows is written row by row', () => {
      const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
      apply(pa, Array.from({ length: BULK_MIN_ROWS - 1 }, (_, i) => ins(patient(1 + i))), '1_1');
      expect(one('SELECT count(*) AS n FROM sync_deferred')).toEqual({ n: 0 });
      apply(pa, Array.from({ length: BULK_MIN_ROWS }, (_, i) => ins(patient(BULK_MIN_ROWS + i))), '1_2');
      expect(one('SELECT count(*) AS n FROM sync_deferred')).toEqual({ n: 0 });
    });

    it('a desk that stops mid-download gets its indexes, triggers and search index back when it opens', async () => {
      const pa = new ShapeApplier(opened.sqlite, 'patients', 'front_desk');
      const schema = schemaOf('patients');
      const people = Array.from({ length: BULK_MIN_ROWS }, (_, i) => patient(1 + i));
      apply(pa, people.map(ins), '1_1');
      expect(schemaOf('patients')).not.toEqual(schema);
      await opened.close();
      opened = await openLocalDatabase(path.join(dir, 'desk.sqlite'), { integrityCheck: 'off' });
      expect(schemaOf('patients')).toEqual(schema);
      expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'mrn:K7M*'`)).toEqual({ n: people.length });
      // The snapshot resumes row by row; its end changes nothing more.
      const more = patient(BULK_MIN_ROWS + 1);
      apply(new ShapeApplier(opened.sqlite, 'patients', 'front_desk'), [ins(more), UP_TO_DATE], '1_2');
      expect(one(`SELECT count(*) AS n FROM patients_fts WHERE patients_fts MATCH 'mrn:K7M*'`)).toEqual({ n: people.length + 1 });
    });
  });
});
