import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOSE_FORMS,
  DOSE_FORM_LABELS,
  DURATION_UNITS,
  FOOD_TIMINGS,
  FOOD_TIMING_LABELS,
  ROUTES,
  ROUTE_LABELS,
  dosesPerDay,
  durationInWords,
  durationToDays,
  formatDose,
  frequencyInWords,
  parseFrequency,
  suggestQuantity,
} from './dosage';

describe('parseFrequency', () => {
  it('reads schedules of 3 and 4 slots, with halves in every way they are written', () => {
    expect(parseFrequency('1-0-1')).toEqual({ ok: true, kind: 'schedule', doses: [1, 0, 1], normalized: '1-0-1' });
    expect(parseFrequency('1-1-1-1')).toEqual({ ok: true, kind: 'schedule', doses: [1, 1, 1, 1], normalized: '1-1-1-1' });
    expect(parseFrequency('½-0-½')).toMatchObject({ ok: true, doses: [0.5, 0, 0.5], normalized: '½-0-½' });
    expect(parseFrequency('1/2-0-1')).toMatchObject({ ok: true, doses: [0.5, 0, 1], normalized: '½-0-1' });
    expect(parseFrequency('0.5-0-.5')).toMatchObject({ ok: true, doses: [0.5, 0, 0.5] });
    expect(parseFrequency('1½-0-1 1/2')).toMatchObject({ ok: true, doses: [1.5, 0, 1.5], normalized: '1½-0-1½' });
    expect(parseFrequency(' 2 – 0 – 2 ')).toMatchObject({ ok: true, doses: [2, 0, 2], normalized: '2-0-2' });
    expect(parseFrequency('1.5-0-0')).toMatchObject({ ok: true, doses: [1.5, 0, 0] });
  });

  it('reads the abbreviations, in any case and with dots', () => {
    expect(parseFrequency('OD')).toEqual({ ok: true, kind: 'schedule', doses: [1, 0, 0], normalized: 'OD' });
    expect(parseFrequency('bd')).toMatchObject({ doses: [1, 0, 1], normalized: 'BD' });
    expect(parseFrequency('B.I.D.')).toMatchObject({ doses: [1, 0, 1], normalized: 'BD' });
    expect(parseFrequency('t.d.s.')).toMatchObject({ doses: [1, 1, 1], normalized: 'TDS' });
    expect(parseFrequency('TID')).toMatchObject({ doses: [1, 1, 1], normalized: 'TDS' });
    expect(parseFrequency('QID')).toMatchObject({ doses: [1, 1, 1, 1], normalized: 'QID' });
    expect(parseFrequency('H.S.')).toMatchObject({ doses: [0, 0, 1], normalized: 'HS' });
    expect(parseFrequency('SOS')).toEqual({ ok: true, kind: 'sos', doses: [], normalized: 'SOS' });
    expect(parseFrequency('prn')).toMatchObject({ kind: 'sos', normalized: 'SOS' });
    expect(parseFrequency('Stat')).toEqual({ ok: true, kind: 'stat', doses: [], normalized: 'STAT' });
  });

  it('refuses the rest, saying how to write it', () => {
    const message = (text: string) => {
      const r = parseFrequency(text);
      expect(r.ok, text).toBe(false);
      return r.ok ? '' : r.message;
    };
    expect(message('')).toMatch(/1-0-1, BD or SOS/);
    expect(message('twice')).toMatch(/not a frequency we know/);
    expect(message('1-0')).toMatch(/3 times of day .* or 4/);
    expect(message('1-0-1-0-1')).toMatch(/3 times of day/);
    expect(message('1-x-1')).toBe('"x" is not a dose. Use whole numbers and halves (½ or 1/2), e.g. 1-0-½.');
    expect(message('1-0.25-1')).toMatch(/not a dose/);
    expect(message('1--1')).toMatch(/not a dose/);
    expect(message('-1-1')).toMatch(/not a dose/);
    expect(message('0-0-0')).toMatch(/no dose/);
    expect(message('12-0-0')).toMatch(/more than 10/);
  });

  it('every x-y-z (or w-x-y-z) of digits and halves parses, and the units a day are the sum', () => {
    const slot = fc.oneof(
      fc.integer({ min: 0, max: 10 }).map((n) => ({ text: String(n), value: n })),
      fc.constantFrom({ text: '½', value: 0.5 }, { text: '1/2', value: 0.5 }, { text: '0.5', value: 0.5 }),
      fc.integer({ min: 0, max: 9 }).map((n) => ({ text: `${n}½`, value: n + 0.5 })),
      fc.integer({ min: 0, max: 9 }).map((n) => ({ text: `${n}.5`, value: n + 0.5 })),
    );
    const separator = fc.constantFrom('-', ' - ', '–', '—');
    fc.assert(
      fc.property(fc.oneof(fc.array(slot, { minLength: 3, maxLength: 3 }), fc.array(slot, { minLength: 4, maxLength: 4 })), separator, (slots, sep) => {
        fc.pre(slots.some((s) => s.value > 0));
        const text = slots.map((s) => s.text).join(sep);
        const parsed = parseFrequency(text);
        expect(parsed, text).toMatchObject({ ok: true, kind: 'schedule', doses: slots.map((s) => s.value) });
        expect(dosesPerDay(text)).toBe(slots.reduce((sum, s) => sum + s.value, 0));
        // The normalized form reads back the same.
        if (parsed.ok) expect(parseFrequency(parsed.normalized)).toEqual(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats doses with ½', () => {
    expect([0, 0.5, 1, 1.5, 2, 10].map(formatDose)).toEqual(['0', '½', '1', '1½', '2', '10']);
  });
});

describe('frequencyInWords', () => {
  it('English', () => {
    expect(frequencyInWords('1-0-1', 'en')).toBe('1 in the morning, 1 at night');
    expect(frequencyInWords('1-1-1', 'en')).toBe('1 in the morning, 1 in the afternoon, 1 at night');
    expect(frequencyInWords('1-1-1-1', 'en')).toBe('1 in the morning, 1 in the afternoon, 1 in the evening, 1 at night');
    expect(frequencyInWords('½-0-1/2', 'en')).toBe('½ in the morning, ½ at night');
    expect(frequencyInWords('0-0-0-2', 'en')).toBe('2 at night');
    expect(frequencyInWords('OD', 'en')).toBe('1 in the morning');
    expect(frequencyInWords('BD', 'en')).toBe('1 in the morning, 1 at night');
    expect(frequencyInWords('HS', 'en')).toBe('1 at bedtime');
    expect(frequencyInWords('SOS', 'en')).toBe('when needed');
    expect(frequencyInWords('STAT', 'en')).toBe('once, immediately');
  });

  it('Hindi, in Devanagari', () => {
    expect(frequencyInWords('1-0-1', 'hi')).toBe('1 सुबह, 1 रात');
    expect(frequencyInWords('TDS', 'hi')).toBe('1 सुबह, 1 दोपहर, 1 रात');
    expect(frequencyInWords('1-1-1-1', 'hi')).toBe('1 सुबह, 1 दोपहर, 1 शाम, 1 रात');
    expect(frequencyInWords('1½-0-0', 'hi')).toBe('1½ सुबह');
    expect(frequencyInWords('HS', 'hi')).toBe('1 रात को सोते समय');
    expect(frequencyInWords('sos', 'hi')).toBe('ज़रूरत पड़ने पर');
    expect(frequencyInWords('stat', 'hi')).toBe('तुरंत, एक बार');
    // Every Hindi phrase is Devanagari (and digits, ½, spaces, commas): no Latin letters slipped in.
    for (const f of ['1-1-1-1', 'HS', 'SOS', 'STAT']) expect(frequencyInWords(f, 'hi')).toMatch(/^[\u0900-\u097F\d½ ,]+$/);
  });

  it('text that is not a frequency is shown as written', () => {
    expect(frequencyInWords('  alternate days ', 'en')).toBe('alternate days');
  });
});

describe('dosesPerDay and suggestQuantity', () => {
  it('units a day', () => {
    expect(dosesPerDay('1-0-1')).toBe(2);
    expect(dosesPerDay('1-0-½')).toBe(1.5);
    expect(dosesPerDay('QID')).toBe(4);
    expect(dosesPerDay('HS')).toBe(1);
    expect(dosesPerDay('STAT')).toBe(1);
    expect(dosesPerDay('SOS')).toBeNull();
    expect(dosesPerDay('nonsense')).toBeNull();
  });

  it('units to dispense, rounded up', () => {
    expect(suggestQuantity({ frequency: '1-0-1', durationDays: 5 })).toBe(10);
    expect(suggestQuantity({ frequency: 'TDS', durationDays: 7 })).toBe(21);
    expect(suggestQuantity({ frequency: '½-0-½', durationDays: 5 })).toBe(5);
    expect(suggestQuantity({ frequency: '1-0-½', durationDays: 3 })).toBe(5);
    expect(suggestQuantity({ frequency: '½-0-0', durationDays: 3 })).toBe(2);
    expect(suggestQuantity({ frequency: 'BD', durationDays: 5, unitsPerDose: 2 })).toBe(20);
    expect(suggestQuantity({ frequency: 'STAT', durationDays: 5 })).toBe(1);
    expect(suggestQuantity({ frequency: 'STAT', durationDays: 1, unitsPerDose: 2 })).toBe(2);
    expect(suggestQuantity({ frequency: 'SOS', durationDays: 5 })).toBeNull();
    expect(suggestQuantity({ frequency: 'x', durationDays: 5 })).toBeNull();
    expect(suggestQuantity({ frequency: 'BD', durationDays: 0 })).toBeNull();
    expect(suggestQuantity({ frequency: 'BD', durationDays: Number.NaN })).toBeNull();
    expect(suggestQuantity({ frequency: 'BD', durationDays: 5, unitsPerDose: 0 })).toBeNull();
    expect(suggestQuantity({ frequency: 'OD', durationDays: durationToDays(1, 'months')! })).toBe(30);
  });

  it('never dispenses less than the course needs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 90 }), (halves, days) => {
        fc.pre(halves.some((h) => h > 0));
        const frequency = halves.map((h) => formatDose(h / 2)).join('-');
        const perDay = halves.reduce((s, h) => s + h, 0) / 2;
        const quantity = suggestQuantity({ frequency, durationDays: days })!;
        expect(Number.isInteger(quantity)).toBe(true);
        expect(quantity).toBeGreaterThanOrEqual(perDay * days);
        expect(quantity - perDay * days).toBeLessThan(1);
      }),
    );
  });
});

describe('labels and durations', () => {
  it('food timings, routes and dose forms have English and Hindi labels', () => {
    expect(FOOD_TIMING_LABELS.before_food.hi).toBe('खाने से पहले');
    expect(FOOD_TIMING_LABELS.after_food.hi).toBe('खाने के बाद');
    expect(FOOD_TIMING_LABELS.with_food.hi).toBe('खाने के साथ');
    expect(FOOD_TIMING_LABELS.empty_stomach.hi).toBe('खाली पेट');
    for (const [list, labels] of [
      [FOOD_TIMINGS, FOOD_TIMING_LABELS],
      [ROUTES, ROUTE_LABELS],
      [DOSE_FORMS, DOSE_FORM_LABELS],
    ] as const) {
      expect(Object.keys(labels).sort()).toEqual([...list].sort());
      for (const key of list) {
        const label = (labels as Record<string, { en: string; hi: string }>)[key]!;
        expect(label.en).toMatch(/^[A-Za-z]/);
        expect(label.hi).toMatch(/[\u0900-\u097F]/);
      }
    }
  });

  it('durations in words', () => {
    expect(durationInWords(5, 'days', 'en')).toBe('5 days');
    expect(durationInWords(1, 'days', 'en')).toBe('1 day');
    expect(durationInWords(1, 'weeks', 'en')).toBe('1 week');
    expect(durationInWords(2, 'months', 'en')).toBe('2 months');
    expect(durationInWords(5, 'days', 'hi')).toBe('5 दिन');
    expect(durationInWords(2, 'weeks', 'hi')).toBe('2 सप्ताह');
    expect(durationInWords(1, 'months', 'hi')).toBe('1 महीना');
    expect(durationInWords(3, 'months', 'hi')).toBe('3 महीने');
    expect(durationInWords(0, 'days', 'en')).toBe('');
    expect(durationInWords(1.5, 'weeks', 'en')).toBe('');
    expect(DURATION_UNITS.map((u) => durationToDays(2, u))).toEqual([2, 14, 60]);
    expect(durationToDays(-1, 'days')).toBeNull();
  });
});
