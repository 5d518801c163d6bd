import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openCore } from '../src-main/core/core';
import { clinicApi } from '../src-shared/api/contract';
import type { PatientSearchResult } from '../src-shared/api/types';
import { PatientGenerator, Rng, makeQueries } from './generate';
import { BENCH_SCRYPT, DEFAULTS, DESK_USER, registrationInput, runPatientsBench } from './patients';
import { percentile } from './stats';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-bench-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('patient generator', () => {
  it('is deterministic for a seed, and different for another', () => {
    const take = (seed: number) => {
      const g = new PatientGenerator(seed, { count: 500 });
      return Array.from({ length: 500 }, () => g.next());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(8)).not.toEqual(take(7));
  });

  it('makes patients the registration form accepts, registered in order', () => {
    const g = new PatientGenerator(11, { count: 3000 });
    const rng = new Rng(1);
    let previous = 0;
    const sexes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const p = g.next();
      expect(p.registeredAtMs).toBeGreaterThan(previous);
      previous = p.registeredAtMs;
      expect(p.mobile).toMatch(/^[6-9]\d{9}$/);
      sexes.add(p.sex);
      const parsed = clinicApi['patients.register'].input.safeParse({ patient: registrationInput(p, p.mobile, rng) });
      if (!parsed.success) throw new Error(`${JSON.stringify(p)}: ${parsed.error.message}`);
    }
    expect(sexes).toContain('female');
    expect(sexes).toContain('male');
  });

  it('makes queries of every kind', () => {
    const g = new PatientGenerator(3, { count: 100 });
    const rows = Array.from({ length: 100 }, (_, i) => ({ rid: i + 1, fullName: g.next().fullName, mobile: '98' + String(10000000 + i), mrn: `K7M-${String(i + 1).padStart(5, '0')}-X` }));
    const queries = makeQueries(5, 300, 100, (rid) => rows[rid - 1]!);
    expect(new Set(queries.map((q) => q.kind))).toEqual(new Set(['name', 'mobile', 'mrn']));
    expect(makeQueries(5, 300, 100, (rid) => rows[rid - 1]!)).toEqual(queries);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([5], 99)).toBe(5);
  });
});

describe('patients benchmark (tiny)', () => {
  it('seeds a desk, measures through the core and writes the result file', async () => {
    const count = 2000;
    const resultsFile = path.join(dir, 'results', 'patients.json');
    await runPatientsBench({
      ...DEFAULTS,
      dataDir: dir,
      count,
      queries: 50,
      warmup: 5,
      registrations: 10,
      registerWarmup: 2,
      resultsFile,
      log: () => {},
    });

    const result = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, unknown>;
    expect(result.patients).toBe(count);
    for (const key of ['search_p50_ms', 'search_p95_ms', 'raw_search_p95_ms', 'register_p95_ms']) {
      expect(typeof result[key]).toBe('number');
      expect(result[key] as number).toBeGreaterThan(0);
    }
    expect(result.search_p95_ms as number).toBeGreaterThanOrEqual(result.search_p50_ms as number);

    // The seeded desk is a real one: the app opens it (full integrity check) and finds generated patients.
    const deskDir = path.join(dir, `patients-${count}`);
    const raw = new Database(path.join(deskDir, DB_FILE_NAME), { readonly: true });
    const patient = raw.prepare('SELECT id, full_name, mobile, mrn FROM patients WHERE rid = 1234').get() as { id: string; full_name: string; mobile: string; mrn: string };
    const device = raw.prepare('SELECT patient_next FROM device').get() as { patient_next: number };
    const total = (raw.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
    raw.close();
    expect(total).toBe(count + 12);
    expect(device.patient_next).toBe(count + 12 + 1);

    const core = await openCore({ dataDir: deskDir, scrypt: BENCH_SCRYPT, integrityCheck: 'full' });
    try {
      const signIn = await core.call('auth.signIn', DESK_USER, {});
      if (!signIn.ok) throw new Error(signIn.error.message);
      const token = (signIn.data as { token: string }).token;
      const search = async (query: string, limit = 50) => {
        const r = await core.call('patients.search', { query, limit }, { token });
        if (!r.ok) throw new Error(r.error.message);
        return r.data as PatientSearchResult;
      };

      const byMobile = await search(`+91 ${patient.mobile.slice(0, 7)}`);
      expect(byMobile.kind).toBe('mobile');
      expect(byMobile.patients.map((p) => p.id)).toContain(patient.id);
      expect(byMobile.patients.every((p) => p.mobile.startsWith(patient.mobile.slice(0, 7)))).toBe(true);

      const words = patient.full_name.toLowerCase().split(/\s+/).filter((w) => /^[a-z]{2,}$/.test(w));
      const surname = words[words.length - 1]!;
      const bySurname = await search(surname, 200);
      expect(bySurname.kind).toBe('name');
      expect(bySurname.patients.map((p) => p.id)).toContain(patient.id);
      expect(bySurname.patients.every((p) => p.fullName.toLowerCase().split(/[^a-z]+/).some((w) => w.startsWith(surname)))).toBe(true);

      const byMrn = await search(patient.mrn.toLowerCase());
      expect(byMrn.kind).toBe('mrn');
      expect(byMrn.patients.map((p) => p.id)).toEqual([patient.id]);
    } finally {
      await core.close();
    }
  });
});
