// Tests run in Node: reading the bundled list from disk is fine here (and only here) in src-shared.
// eslint-disable-next-line no-restricted-imports
import fs from 'node:fs';
// eslint-disable-next-line no-restricted-imports
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildIcd10Index, formatIcd10Code, icd10Key, isIcd10CodeQuery, parseIcd10Tsv, searchIcd10, type Icd10Entry } from './icd10';

const TSV_FILE = fileURLToPath(new URL('../../resources/icd10/icd10cm.tsv', import.meta.url));
const hasBundledList = fs.existsSync(TSV_FILE);

/** A few ICD-10-CM lines for the rules below (the bundled list is tested further down). */
const SAMPLE = [
  '# a comment line',
  'I10\tEssential (primary) hypertension',
  'I11\tHypertensive heart disease',
  'I15\tSecondary hypertension',
  'E11\tType 2 diabetes mellitus',
  'E11.9\tType 2 diabetes mellitus without complications',
  'E11.6\tType 2 diabetes mellitus with other specified complications',
  'E11.65\tType 2 diabetes mellitus with hyperglycemia',
  'E10\tType 1 diabetes mellitus',
  'E10.9\tType 1 diabetes mellitus without complications',
  'R50\tFever of other and unknown origin',
  'R50.9\tFever, unspecified',
  'A01.0\tTyphoid fever',
  'A90\tDengue fever [classical dengue]',
  'J06.9\tAcute upper respiratory infection, unspecified',
  '',
].join('\r\n');

const codes = (list: Icd10Entry[]) => list.map((e) => e.code);

describe('parsing and codes', () => {
  it('reads CODE<TAB>title lines, skipping comments and blanks, with CRLF or LF', () => {
    const entries = parseIcd10Tsv(SAMPLE);
    expect(entries).toHaveLength(14);
    expect(entries[0]).toEqual({ code: 'I10', title: 'Essential (primary) hypertension' });
    expect(parseIcd10Tsv('E11.9\tx\nbad line\n\tno code\n')).toEqual([{ code: 'E11.9', title: 'x' }]);
  });

  it('normalises codes with or without the dot', () => {
    expect(icd10Key(' e11.65 ')).toBe('E1165');
    expect(formatIcd10Code('e1165')).toBe('E11.65');
    expect(formatIcd10Code('I10')).toBe('I10');
    expect(buildIcd10Index([{ code: 'E119', title: 'x' }]).entries[0]?.code).toBe('E11.9');
  });

  it('tells code-like queries from word queries', () => {
    for (const q of ['e11', 'E11.9', 'E119', 'i1', 'S72.001A']) expect(isIcd10CodeQuery(q)).toBe(true);
    for (const q of ['fever', 'type 2 diab', 'e', '', '11']) expect(isIcd10CodeQuery(q)).toBe(false);
  });
});

describe('search rules (sample list)', () => {
  const index = buildIcd10Index(parseIcd10Tsv(SAMPLE));

  it('matches code prefixes, dot optional and any case, shorter codes first', () => {
    expect(codes(searchIcd10(index, 'e11'))).toEqual(['E11', 'E11.6', 'E11.9', 'E11.65']);
    expect(codes(searchIcd10(index, 'E11.6'))).toEqual(['E11.6', 'E11.65']);
    expect(codes(searchIcd10(index, 'E116'))).toEqual(['E11.6', 'E11.65']);
    expect(codes(searchIcd10(index, 'e1', 3))).toEqual(['E10', 'E11', 'E10.9']);
  });

  it('needs every word as a prefix of some title word', () => {
    expect(codes(searchIcd10(index, 'type 2 diab'))).toEqual(['E11', 'E11.9', 'E11.65', 'E11.6']);
    expect(searchIcd10(index, 'type 3 diab')).toEqual([]);
    expect(searchIcd10(index, 'zzz')).toEqual([]);
    expect(searchIcd10(index, '  ')).toEqual([]);
  });

  it('ranks exact words, first-word matches, categories and short titles higher', () => {
    // "hypertension" is a whole word in I10 and I15; "Hypertensive" is not a prefix match.
    expect(codes(searchIcd10(index, 'hypertension'))).toEqual(['I15', 'I10']);
    expect(codes(searchIcd10(index, 'hyperten'))).toEqual(['I11', 'I15', 'I10']);
    const fever = codes(searchIcd10(index, 'fever'));
    expect(fever.slice(0, 2)).toEqual(['R50', 'R50.9']);
    expect(fever).toEqual(expect.arrayContaining(['A01.0', 'A90']));
    expect(fever).toHaveLength(4);
  });

  it('falls back to words when a code-like query matches no code, and honours the limit', () => {
    expect(codes(searchIcd10(index, 'j06.9'))).toEqual(['J06.9']);
    expect(codes(searchIcd10(index, 'e'))).toEqual(['I10']); // one letter is a word prefix ("Essential")
    expect(searchIcd10(index, 'fever', 2)).toHaveLength(2);
    expect(searchIcd10(index, 'fever', 0)).toEqual([]);
  });

  it('answers quickly on a list the size of ICD-10-CM (synthetic, timing logged only)', () => {
    const words = ['acute', 'chronic', 'fever', 'diabetes', 'hypertension', 'fracture', 'left', 'right', 'unspecified', 'infection', 'disorder', 'type', 'with', 'without', 'complications', 'of', 'bone', 'heart', 'kidney', 'lung'];
    const big: Icd10Entry[] = [];
    for (let i = 0; i < 75_000; i++) {
      const letter = String.fromCharCode(65 + (i % 26));
      const code = `${letter}${String(i % 100).padStart(2, '0')}${(i >> 5).toString(36).toUpperCase().slice(0, 3)}`;
      const title = Array.from({ length: 4 + (i % 7) }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ') + ` ${i}`;
      big.push({ code, title });
    }
    const t0 = performance.now();
    const bigIndex = buildIcd10Index(big);
    const built = performance.now() - t0;
    const queries = ['fever', 'type 2 diab', 'hypertension', 'chronic kidney', 'e11', 'A01', 'frac left', 'unspecified'];
    const t1 = performance.now();
    let n = 0;
    for (let r = 0; r < 25; r++) for (const q of queries) n += searchIcd10(bigIndex, q).length;
    const perQuery = (performance.now() - t1) / (25 * queries.length);
    // eslint-disable-next-line no-console
    console.log(`icd10 synthetic: ${bigIndex.size} entries, index built in ${built.toFixed(0)} ms, ${perQuery.toFixed(3)} ms per query (${n} results)`);
    expect(n).toBeGreaterThan(0);
  });
});

// The bundled list is a curated subset (about 700 codes, see resources/icd10/README.md); these checks also
// hold for the full list that scripts/icd10-build.mjs writes from the CDC order file.
describe.skipIf(!hasBundledList)('the bundled ICD-10-CM list (resources/icd10/icd10cm.tsv)', () => {
  const text = hasBundledList ? fs.readFileSync(TSV_FILE, 'utf8') : '';
  const entries = parseIcd10Tsv(text);
  const index = buildIcd10Index(entries);
  const byCode = new Map(index.entries.map((e) => [e.code, e.title]));

  it('names its source, and has the categories and subdivisions doctors use', () => {
    expect(text.startsWith('# ICD-10-CM')).toBe(true);
    expect(text).toMatch(/public domain/i);
    expect(index.size).toBeGreaterThanOrEqual(400);
    expect(index.size).toBe(entries.length); // no code twice
    expect(byCode.get('E11')).toBe('Type 2 diabetes mellitus');
    expect(byCode.get('E11.9')).toBe('Type 2 diabetes mellitus without complications');
    expect(byCode.get('E11.65')).toBe('Type 2 diabetes mellitus with hyperglycemia');
    expect(byCode.get('I10')).toBe('Essential (primary) hypertension');
    expect(byCode.get('R50.9')).toBe('Fever, unspecified');
    expect(byCode.get('A01.00')).toBe('Typhoid fever, unspecified');
    expect(byCode.get('A90')).toBe('Dengue fever [classical dengue]');
    expect(byCode.get('N39.0')).toBe('Urinary tract infection, site not specified');
    expect(byCode.get('J06.9')).toBe('Acute upper respiratory infection, unspecified');
    expect(byCode.get('U07.1')).toBe('COVID-19');
    for (const e of index.entries) {
      expect(e.code).toMatch(/^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/);
      expect(e.title).not.toMatch(/\s{2}/);
    }
  });

  it('is sorted by code and lists every code under its 3-character category', () => {
    const keys = entries.map((e) => icd10Key(e.code));
    expect(keys).toEqual([...keys].sort());
    const categories = new Set(keys.filter((k) => k.length === 3));
    expect(keys.filter((k) => !categories.has(k.slice(0, 3)))).toEqual([]);
  });

  it('finds by code', () => {
    expect(codes(searchIcd10(index, 'e11')).slice(0, 2)).toEqual(['E11', 'E11.0']);
    expect(codes(searchIcd10(index, 'E11.9'))[0]).toBe('E11.9');
    expect(codes(searchIcd10(index, 'E119'))[0]).toBe('E11.9');
    expect(codes(searchIcd10(index, 'E11.6'))).toEqual(expect.arrayContaining(['E11.6', 'E11.65']));
    expect(codes(searchIcd10(index, 'a01'))).toEqual(expect.arrayContaining(['A01', 'A01.0', 'A01.00']));
    for (const e of searchIcd10(index, 'j0')) expect(e.code.startsWith('J0')).toBe(true);
  });

  it('finds by words', () => {
    const diab = searchIcd10(index, 'type 2 diab');
    expect(diab.length).toBeGreaterThan(5);
    expect(diab[0]?.code).toBe('E11');
    expect(codes(diab)).toContain('E11.9');
    for (const e of diab) expect(e.title.toLowerCase()).toMatch(/type 2 diab/);
    expect(codes(searchIcd10(index, 'hypertension', 5))).toContain('I10');
    const fever = searchIcd10(index, 'fever');
    expect(codes(fever)).toContain('R50.9');
    for (const e of fever) expect(e.title.toLowerCase()).toContain('fever');
    expect(codes(searchIcd10(index, 'dengue'))).toEqual(expect.arrayContaining(['A90', 'A91']));
    const typhoid = searchIcd10(index, 'typhoid');
    expect(codes(typhoid)).toContain('A01.00');
    for (const e of typhoid) expect(e.title.toLowerCase()).toContain('typhoid');
  });

  it('has the everyday diagnoses of an Indian outpatient clinic', () => {
    const expected: [query: string, code: string][] = [
      ['malaria', 'B54'],
      ['chikungunya', 'A92.0'],
      ['covid', 'U07.1'],
      ['upper respiratory infection', 'J06.9'],
      ['urinary tract infection', 'N39.0'],
      ['infectious gastroenteritis', 'A09'],
      ['scabies', 'B86'],
      ['vitamin d deficiency', 'E55.9'],
      ['iron deficiency anemia', 'D50.9'],
      ['hypothyroidism', 'E03.9'],
      ['polycystic ovarian', 'E28.2'],
      ['fatty liver', 'K76.0'],
      ['gastro-esophageal reflux', 'K21.9'],
      ['low back pain', 'M54.50'],
      ['osteoarthritis of knee', 'M17.9'],
      ['migraine', 'G43'],
      ['insomnia', 'G47.00'],
      ['chronic kidney disease', 'N18.9'],
      ['supervision of normal pregnancy', 'Z34.90'],
      ['impacted cerumen', 'H61.20'],
      ['bitten by dog', 'W54.0'],
    ];
    const missing = expected.filter(([query, code]) => !codes(searchIcd10(index, query)).includes(code));
    expect(missing).toEqual([]);
  });

  it('answers well under 5 ms a query (timing logged only)', () => {
    const queries = ['fever', 'type 2 diab', 'hypertension', 'e11', 'E11.9', 'chronic kidney disease', 'a', 'pain', 'fracture of femur'];
    const t0 = performance.now();
    for (let r = 0; r < 20; r++) for (const q of queries) searchIcd10(index, q);
    const perQuery = (performance.now() - t0) / (20 * queries.length);
    // eslint-disable-next-line no-console
    console.log(`icd10 bundled list: ${index.size} codes, ${perQuery.toFixed(3)} ms per query`);
  });
});
