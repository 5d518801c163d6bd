import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMON_LAB_TESTS, abnormalFlag, formatRange, labTestByCode, parseLabValue, significantChanges } from './labs';

describe('parseLabValue', () => {
  it('reads plain decimals and grouped thousands', () => {
    expect(parseLabValue('7.2')).toBe(7.2);
    expect(parseLabValue(' 110 ')).toBe(110);
    expect(parseLabValue('0.45')).toBe(0.45);
    expect(parseLabValue('.5')).toBe(0.5);
    expect(parseLabValue('-1.5')).toBe(-1.5);
    expect(parseLabValue('1,50,000')).toBe(150000);
    expect(parseLabValue('150,000')).toBe(150000);
    expect(parseLabValue('12,34,567.5')).toBe(1234567.5);
  });

  it('gives null for anything that is not a plain number', () => {
    for (const text of ['', ' ', '<5', '>1000', '< 0.5', 'Positive', 'Nil', 'NaN', 'Infinity', '7,2', '7.2 %', '1e3', '7.', '1.2.3', '0x10', '--1']) {
      expect(parseLabValue(text), JSON.stringify(text)).toBeNull();
    }
  });

  it('reads back every decimal it could have printed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 3 }), (n, places) => {
        const text = (n / 10 ** places).toFixed(places);
        expect(parseLabValue(text)).toBe(Number(text));
      }),
    );
  });
});

describe('abnormalFlag', () => {
  it('compares with both limits, inclusive', () => {
    expect(abnormalFlag('7.2', '4.0', '5.6')).toBe('high');
    expect(abnormalFlag('5.6', '4.0', '5.6')).toBe('normal');
    expect(abnormalFlag('4.0', '4.0', '5.6')).toBe('normal');
    expect(abnormalFlag('3.9', '4.0', '5.6')).toBe('low');
  });

  it('one-sided ranges', () => {
    expect(abnormalFlag('35', '40', null)).toBe('low');
    expect(abnormalFlag('65', '40', null)).toBe('normal');
    expect(abnormalFlag('180', null, '149')).toBe('high');
    expect(abnormalFlag('1,50,000', '150000', null)).toBe('normal');
  });

  it('no judgement without a number or a range', () => {
    expect(abnormalFlag('<5', '0', '5')).toBeNull();
    expect(abnormalFlag('Reactive', null, null)).toBeNull();
    expect(abnormalFlag('7', null, null)).toBeNull();
    expect(abnormalFlag('7', '', 'n/a')).toBeNull();
  });
});

describe('formatRange', () => {
  it('both limits, one limit, none', () => {
    expect(formatRange('70', '99', 'mg/dL')).toBe('70–99 mg/dL');
    expect(formatRange('40', null, 'mg/dL')).toBe('≥ 40 mg/dL');
    expect(formatRange(null, '199', 'mg/dL')).toBe('≤ 199 mg/dL');
    expect(formatRange('4.0', '11.0', null)).toBe('4.0–11.0');
    expect(formatRange('4.0', '11.0', '')).toBe('4.0–11.0');
    expect(formatRange(null, null, 'mg/dL')).toBe('');
  });
});

describe('significantChanges', () => {
  const series = (...values: number[]) => values.map((value, i) => ({ date: `2026-0${1 + Math.floor(i / 28)}-${String((i % 28) + 1).padStart(2, '0')}`, value }));

  it('flags changes of 20 % or more from the previous point, by default', () => {
    expect(significantChanges(series(100, 110, 120, 144, 100))).toEqual([3, 4]);
    expect(significantChanges(series(5, 6))).toEqual([1]); // exactly 20 %
    expect(significantChanges(series(0.1, 0.12))).toEqual([1]); // exactly 20 % in decimal terms
    expect(significantChanges(series(0.1, 0.119))).toEqual([]);
    expect(significantChanges(series(100, 105, 110), { relative: 0.05 })).toEqual([1]);
    expect(significantChanges(series(0, 0, 1))).toEqual([2]);
    expect(significantChanges(series(7))).toEqual([]);
    expect(significantChanges([])).toEqual([]);
  });

  it('flags crossings into, out of and across the reference band', () => {
    const range = { low: 4, high: 5.6 };
    // HbA1c: 5.5 → 5.7 (out, a 3.6 % change) → 5.8 → 5.5 (back in) → 3.9 (below, a 29 % change) → 6 (across).
    expect(significantChanges(series(5.5, 5.7, 5.8, 5.5, 3.9, 6), {}, range)).toEqual([1, 3, 4, 5]);
    expect(significantChanges(series(5.5, 5.7, 5.8, 5.5), {}, { low: null, high: null })).toEqual([]);
    expect(significantChanges(series(45, 38, 41), { relative: 0.5 }, { low: 40, high: null })).toEqual([1, 2]);
  });

  it('orders by date, skips values that are not numbers, and returns indexes into the array given', () => {
    const points = [
      { date: '2026-03-01', value: 150 },
      { date: '2026-01-01', value: 100 },
      { date: '2026-02-01', value: Number.NaN },
      { date: '2026-02-15', value: 105 },
    ];
    expect(significantChanges(points)).toEqual([0]);
  });

  it('agrees with the rule, written out, on random series', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 20 }), fc.integer({ min: 1, max: 50 }), (values, pct) => {
        const relative = pct / 100;
        const range = { low: 70, high: 140 };
        const side = (v: number) => (v < 70 ? -1 : v > 140 ? 1 : 0);
        const expected = values.flatMap((v, i) => {
          if (i === 0) return [];
          const prev = values[i - 1]!;
          const big = prev === 0 ? v !== 0 : Math.abs(v - prev) * 100 >= pct * prev;
          return big || side(v) !== side(prev) ? [i] : [];
        });
        expect(significantChanges(series(...values), { relative }, range)).toEqual(expected);
      }),
    );
  });
});

describe('COMMON_LAB_TESTS', () => {
  it('about 25 tests, unique codes, every range a decimal string that reads back, low below high', () => {
    expect(COMMON_LAB_TESTS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(COMMON_LAB_TESTS.map((t) => t.code)).size).toBe(COMMON_LAB_TESTS.length);
    for (const t of COMMON_LAB_TESTS) {
      const ranges = [{ low: t.low, high: t.high }, ...(t.bySex ? [t.bySex.male, t.bySex.female] : [])];
      for (const { low, high } of ranges) {
        expect(low !== null || high !== null, t.code).toBe(true);
        for (const limit of [low, high]) if (limit !== null) expect(limit, t.code).toMatch(/^\d+(\.\d+)?$/);
        if (low !== null && high !== null) expect(parseLabValue(low)!, t.code).toBeLessThan(parseLabValue(high)!);
      }
      if (t.bySex) {
        // The overall range spans both sexes.
        for (const s of [t.bySex.male, t.bySex.female]) {
          if (s.low !== null && t.low !== null) expect(parseLabValue(t.low)!).toBeLessThanOrEqual(parseLabValue(s.low)!);
          if (s.high !== null && t.high !== null) expect(parseLabValue(t.high)!).toBeGreaterThanOrEqual(parseLabValue(s.high)!);
        }
      }
      expect(t.unit.length, t.code).toBeGreaterThan(0);
    }
  });

  it('includes the tests the clinic asked for', () => {
    for (const code of ['HBA1C', 'FBS', 'PPBS', 'HB', 'TSH', 'TC', 'LDL', 'HDL', 'TG', 'CREAT', 'UREA', 'URIC', 'ALT', 'AST', 'VITD', 'B12', 'PLT', 'WBC', 'ESR', 'CRP', 'NA', 'K', 'TBIL', 'CA']) {
      expect(labTestByCode(code), code).toBeDefined();
    }
    const hba1c = labTestByCode('HBA1C')!;
    expect(formatRange(hba1c.low, hba1c.high, hba1c.unit)).toBe('4.0–5.6 %');
    expect(abnormalFlag('7.2', hba1c.low, hba1c.high)).toBe('high');
    expect(labTestByCode('nope')).toBeUndefined();
  });
});
