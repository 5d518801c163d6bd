import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ICD10_RESOURCE, loadIcd10Index, searchDiagnoses } from './icd10';
import { resolveResource } from './paths';
import { searchIcd10 } from '../../src-shared/clinical/icd10';

const bundled = resolveResource(ICD10_RESOURCE);
const hasBundledList = fs.existsSync(bundled);

describe('loading a code list', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-icd10-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('indexes a TSV file', () => {
    const file = path.join(dir, 'list.tsv');
    fs.writeFileSync(file, '# test list\nI10\tEssential (primary) hypertension\nE11\tType 2 diabetes mellitus\nE11.9\tType 2 diabetes mellitus without complications\n');
    const index = loadIcd10Index(file);
    expect(index.size).toBe(3);
    expect(searchIcd10(index, 'e11').map((e) => e.code)).toEqual(['E11', 'E11.9']);
  });

  it('says plainly when the list is missing or empty', () => {
    expect(() => loadIcd10Index(path.join(dir, 'missing.tsv'))).toThrow(/ICD-10 code list could not be read/);
    const empty = path.join(dir, 'empty.tsv');
    fs.writeFileSync(empty, '# nothing\n');
    expect(() => loadIcd10Index(empty)).toThrow(/has no codes/);
  });

  it('finds resources under the project root, or where CLINICDESK_RESOURCES_DIR points', () => {
    expect(bundled).toBe(path.resolve(import.meta.dirname, '../../resources', ICD10_RESOURCE));
    fs.mkdirSync(path.join(dir, 'icd10'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'icd10', 'x.tsv'), 'I10\tx\n');
    expect(resolveResource('icd10/x.tsv', { CLINICDESK_RESOURCES_DIR: dir })).toBe(path.join(dir, 'icd10', 'x.tsv'));
  });
});

describe.skipIf(!hasBundledList)('searchDiagnoses over the bundled list', () => {
  it('finds type 2 diabetes by code', () => {
    const found = searchDiagnoses('E11');
    expect(found[0]).toEqual({ code: 'E11', title: expect.stringMatching(/type 2 diabetes mellitus/i) });
    expect(found.map((e) => e.code)).toContain('E11.9');
    for (const e of found) expect(e.code.startsWith('E11')).toBe(true);
    expect(searchDiagnoses('e11.9', 1)).toEqual([{ code: 'E11.9', title: expect.stringMatching(/without complications/i) }]);
  });

  it('finds hypertension by word', () => {
    const found = searchDiagnoses('hypertension', 10);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((e) => e.code)).toContain('I10');
    for (const e of found) expect(e.title.toLowerCase()).toContain('hypertension');
  });

  it('finds the fevers an Indian clinic sees by word', () => {
    expect(searchDiagnoses('dengue').map((e) => e.code)).toEqual(expect.arrayContaining(['A90', 'A91']));
    expect(searchDiagnoses('typhoid').map((e) => e.code)).toContain('A01.00');
    expect(searchDiagnoses('fever', 5).slice(0, 2)).toEqual([
      { code: 'R50', title: 'Fever of other and unknown origin' },
      { code: 'R50.9', title: 'Fever, unspecified' },
    ]);
  });

  it('answers an empty query with nothing', () => {
    expect(searchDiagnoses('  ')).toEqual([]);
  });
});
