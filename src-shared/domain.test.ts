import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkChar, compactMrn, formatMrn, isValidMrn, randomSeriesPrefix, isValidSeriesPrefix } from './mrn';
import { classifyPatientQuery, patientFtsMatch } from './domain/patientSearch';
import { namesProbablySame } from './domain/names';
import { ageInYears, estimatedDateOfBirth, formatDisplayDate, formatDisplayInstant, isIsoDate, todayIn } from './dates';

describe('MRN', () => {
  it('is readable, carries its series and a check character', () => {
    const mrn = formatMrn('K7M', 42);
    expect(mrn).toMatch(/^K7M-00042-[0-9A-Z]$/);
    expect(isValidMrn(mrn)).toBe(true);
    expect(mrn.length).toBeLessThanOrEqual(16);
    expect(formatMrn('K7M', 1234567)).toMatch(/^K7M-1234567-.$/);
  });

  it('catches any single mistyped character and any swap of two neighbours', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), fc.nat(), fc.nat(), (seq, pos, c) => {
        const body = 'K7M' + String(seq).padStart(5, '0');
        const check = checkChar(body);
        const p = pos % body.length;
        const replacement = alphabet[c % alphabet.length]!;
        const typo = body.slice(0, p) + replacement + body.slice(p + 1);
        if (typo !== body) expect(checkChar(typo)).not.toBe(check);
        if (p + 1 < body.length && body[p] !== body[p + 1]) {
          const swapped = body.slice(0, p) + body[p + 1] + body[p] + body.slice(p + 2);
          expect(checkChar(swapped)).not.toBe(check);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('desk series prefixes start with a letter, so a number typed in search is always a mobile', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (ints) => {
        const prefix = randomSeriesPrefix(() => ints);
        expect(isValidSeriesPrefix(prefix)).toBe(true);
        expect(prefix[0]).toMatch(/[A-Z]/);
      }),
    );
    expect(compactMrn('k7m-00042-r')).toBe('K7M00042R');
  });
});

describe('reading the search box', () => {
  it.each([
    ['98450', { kind: 'mobile', prefix: '98450' }],
    ['+91 98450', { kind: 'mobile', prefix: '98450' }],
    ['K7M-0004', { kind: 'mrn', compact: 'K7M0004' }],
    ['k7m00042r', { kind: 'mrn', compact: 'K7M00042R' }],
    ['ramesh iy', { kind: 'name', tokens: ['ramesh', 'iy'] }],
    ['  Iyer, Ramesh ', { kind: 'name', tokens: ['iyer', 'ramesh'] }],
    ['Gauri Shankar', { kind: 'name', tokens: ['gauri', 'shankar'] }],
    ['   ', { kind: 'empty' }],
    ['"*()', { kind: 'empty' }],
  ])('%s', (text, expected) => expect(classifyPatientQuery(text)).toEqual(expected));

  it('never lets FTS syntax through, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const match = patientFtsMatch(classifyPatientQuery(text));
        if (match === null) return;
        // Every term is a quoted token followed by *, joined by AND, each scoped to one column.
        expect(match).toMatch(/^(full_name|mobile|mrn) : "[\p{L}\p{N}]+"\*( AND full_name : "[\p{L}\p{N}]+"\*)*$/u);
      }),
      { numRuns: 500 },
    );
  });
});

describe('probable duplicates by name', () => {
  it.each([
    ['Ramesh Kumar', 'Ramesh Kumar', true],
    ['Ramesh Kumar', 'ramesh  kumar', true],
    ['Ramesh Kumar', 'Ramesh K.', true],
    ['Ramesh Kumar', 'Rmesh Kumar', true],
    ['Ramesh Kumar', 'Ramesh', true],
    ['Mrs. Sunita Sharma', 'Sunita Sharma', true],
    ['Ramesh Kumar', 'Suresh Kumar', false],
    ['Ramesh Kumar', 'Ramesh Patel', false],
    ['Aarav Shah', 'Anaya Shah', false],
  ])('%s ~ %s → %s', (a, b, same) => expect(namesProbablySame(a, b)).toBe(same));
});

describe('dates', () => {
  it('shows dd-MM-yyyy and keeps yyyy-MM-dd', () => {
    expect(formatDisplayDate('2026-04-01')).toBe('01-04-2026');
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(formatDisplayInstant('2026-11-25T18:45:00.000Z', 'Asia/Kolkata')).toBe('26-11-2026 00:15');
    expect(todayIn('Asia/Kolkata', new Date('2026-11-25T18:45:00.000Z'))).toBe('2026-11-26');
  });

  it('turns an age into an estimated date of birth that gives the same age today', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }), (age, d) => {
        const today = d.toISOString().slice(0, 10);
        expect(ageInYears(estimatedDateOfBirth(age, today), today)).toBe(age);
      }),
    );
  });
});
