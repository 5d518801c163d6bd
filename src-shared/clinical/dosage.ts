/**
 * Prescription notation as written in Indian clinics, and its reading for the patient.
 *
 * A frequency is written either as a schedule of doses by time of day, separated by dashes:
 * `1-0-1` (three slots: morning, afternoon, night) or `1-1-1-1` (four slots: morning, afternoon,
 * evening, night), with halves written `½`, `1/2` or `0.5` (and `1½` or `1.5` for one and a half);
 * or by one of the Latin abbreviations:
 *
 * | written        | meaning                    | slots     |
 * |----------------|----------------------------|-----------|
 * | OD             | once a day (omni die)      | 1-0-0     |
 * | BD, BID        | twice a day (bis die)      | 1-0-1     |
 * | TDS, TID       | three times a day          | 1-1-1     |
 * | QID, QDS       | four times a day           | 1-1-1-1   |
 * | HS             | at bedtime (hora somni)    | 0-0-1     |
 * | SOS, PRN       | when needed (si opus sit)  | no schedule |
 * | STAT           | once, immediately (statim) | one dose now |
 *
 * Abbreviations are read in any case, with or without dots (`b.d.`, `T.D.S.`). The numbers in a
 * schedule count units (tablets, capsules, puffs, or ml of a syrup) per time of day.
 */

/** A frequency understood: a daily schedule, "when needed", or "once, now". */
export type ParsedFrequency =
  | {
      ok: true;
      /** `schedule`: the doses below every day; `sos`: when needed, no schedule; `stat`: one dose, now. */
      kind: 'schedule' | 'sos' | 'stat';
      /**
       * Units per time of day, 3 slots (morning, afternoon, night) or 4 (morning, afternoon, evening,
       * night); halves as 0.5. Empty for `sos` and `stat`.
       */
      doses: number[];
      /** The frequency written the standard way: `1-0-½`, or the abbreviation in capitals (`BD`, `SOS`). */
      normalized: string;
    }
  | { ok: false; message: string };

/** The largest number of units accepted in a single slot (more is almost certainly a typing slip). */
export const MAX_UNITS_PER_SLOT = 10;

/** The named frequencies, each with its schedule (absent for SOS and STAT). */
const NAMED: Record<string, { kind: 'schedule' | 'sos' | 'stat'; doses: number[]; normalized: string }> = {
  OD: { kind: 'schedule', doses: [1, 0, 0], normalized: 'OD' },
  BD: { kind: 'schedule', doses: [1, 0, 1], normalized: 'BD' },
  BID: { kind: 'schedule', doses: [1, 0, 1], normalized: 'BD' },
  TDS: { kind: 'schedule', doses: [1, 1, 1], normalized: 'TDS' },
  TID: { kind: 'schedule', doses: [1, 1, 1], normalized: 'TDS' },
  QID: { kind: 'schedule', doses: [1, 1, 1, 1], normalized: 'QID' },
  QDS: { kind: 'schedule', doses: [1, 1, 1, 1], normalized: 'QID' },
  HS: { kind: 'schedule', doses: [0, 0, 1], normalized: 'HS' },
  SOS: { kind: 'sos', doses: [], normalized: 'SOS' },
  PRN: { kind: 'sos', doses: [], normalized: 'SOS' },
  STAT: { kind: 'stat', doses: [], normalized: 'STAT' },
};

/** One slot: a whole number, a half (½, 1/2, 0.5, .5) or a whole number and a half (1½, 1 1/2, 1.5). */
const SLOT = /^(?:(\d{1,2})(?:\s*(½|1\/2)|\.(5|0))?|(½|1\/2|0?\.5))$/;

function parseSlot(token: string): number | null {
  const m = SLOT.exec(token);
  if (!m) return null;
  if (m[4] !== undefined) return 0.5;
  const whole = Number(m[1]);
  return m[2] !== undefined || m[3] === '5' ? whole + 0.5 : whole;
}

/** A dose written the standard way: whole numbers as digits, halves with ½ (0.5 → ½, 1.5 → 1½). */
export function formatDose(units: number): string {
  const whole = Math.floor(units);
  const half = units - whole >= 0.5;
  if (!half) return String(whole);
  return whole === 0 ? '½' : `${whole}½`;
}

/**
 * Reads a frequency as a doctor writes it. Accepts `1-0-1`, `1-1-1-1`, `½-0-½`, `1/2-0-1`,
 * `1½-0-1`, with `-`, `–` or `—` between the slots and spaces around them, and the abbreviations
 * in the table above. Refused, with a message: empty text, anything else, a schedule with 2 or 5+
 * slots, more than {@link MAX_UNITS_PER_SLOT} units in a slot, and a schedule of all zeros.
 */
export function parseFrequency(text: string): ParsedFrequency {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Write how often to take it, e.g. 1-0-1, BD or SOS.' };

  const named = NAMED[trimmed.replace(/[.\s]/g, '').toUpperCase()];
  if (named) return { ok: true, kind: named.kind, doses: [...named.doses], normalized: named.normalized };

  const tokens = trimmed.split(/\s*[-–—]\s*/);
  if (tokens.length < 2) return { ok: false, message: `"${trimmed}" is not a frequency we know. Write it like 1-0-1 (morning-afternoon-night), or OD, BD, TDS, QID, HS, SOS or STAT.` };
  if (tokens.length !== 3 && tokens.length !== 4) {
    return { ok: false, message: 'Write the doses for 3 times of day (morning-afternoon-night, e.g. 1-0-1) or 4 (morning-afternoon-evening-night, e.g. 1-1-1-1).' };
  }
  const doses: number[] = [];
  for (const token of tokens) {
    const dose = parseSlot(token);
    if (dose === null) return { ok: false, message: `"${token}" is not a dose. Use whole numbers and halves (½ or 1/2), e.g. 1-0-½.` };
    if (dose > MAX_UNITS_PER_SLOT) return { ok: false, message: `${formatDose(dose)} at one time is more than ${MAX_UNITS_PER_SLOT} — check the dose.` };
    doses.push(dose);
  }
  if (doses.every((d) => d === 0)) return { ok: false, message: 'Every time of day is 0: there is no dose. Check the frequency.' };
  return { ok: true, kind: 'schedule', doses, normalized: doses.map(formatDose).join('-') };
}

/** Names of the times of day, for 3 and 4 slots, in English and Hindi. */
const SLOT_WORDS = {
  en: {
    3: ['in the morning', 'in the afternoon', 'at night'],
    4: ['in the morning', 'in the afternoon', 'in the evening', 'at night'],
  },
  hi: {
    3: ['सुबह', 'दोपहर', 'रात'],
    4: ['सुबह', 'दोपहर', 'शाम', 'रात'],
  },
} as const;

const WHEN_NEEDED = { en: 'when needed', hi: 'ज़रूरत पड़ने पर' } as const;
const ONCE_NOW = { en: 'once, immediately', hi: 'तुरंत, एक बार' } as const;
const AT_BEDTIME = { en: 'at bedtime', hi: 'रात को सोते समय' } as const;

/**
 * The frequency in words for the patient's copy of the prescription, in English or Hindi.
 * `1-0-1` → "1 in the morning, 1 at night" / "1 सुबह, 1 रात"; `1-1-1-1` names morning, afternoon,
 * evening and night (सुबह, दोपहर, शाम, रात); slots with 0 are left out; halves are written ½.
 * HS → "1 at bedtime" / "1 रात को सोते समय"; SOS → "when needed" / "ज़रूरत पड़ने पर";
 * STAT → "once, immediately" / "तुरंत, एक बार". Text that is not a frequency is returned trimmed, as written,
 * so the print still shows what the doctor wrote.
 */
export function frequencyInWords(text: string, lang: 'en' | 'hi'): string {
  const parsed = parseFrequency(text);
  if (!parsed.ok) return text.trim();
  if (parsed.kind === 'sos') return WHEN_NEEDED[lang];
  if (parsed.kind === 'stat') return ONCE_NOW[lang];
  if (parsed.normalized === 'HS') return `1 ${AT_BEDTIME[lang]}`;
  const words = SLOT_WORDS[lang][parsed.doses.length as 3 | 4];
  return parsed.doses
    .map((dose, i) => (dose === 0 ? null : `${formatDose(dose)} ${words[i]}`))
    .filter((part): part is string => part !== null)
    .join(', ');
}

/**
 * Units taken in a day: the sum of a schedule's slots (`1-0-½` → 1.5); 1 for STAT (the single dose);
 * null for SOS (it depends on need) and for text that is not a frequency.
 */
export function dosesPerDay(text: string): number | null {
  const parsed = parseFrequency(text);
  if (!parsed.ok || parsed.kind === 'sos') return null;
  if (parsed.kind === 'stat') return 1;
  return parsed.doses.reduce((sum, d) => sum + d, 0);
}

/**
 * How many units to dispense: units a day × days × `unitsPerDose` (default 1; use it when each unit
 * written in the frequency is itself several units, e.g. 2 puffs per dose), rounded up to a whole unit
 * (`½-0-½` for 5 days → 5 tablets; `1-0-½` for 3 days → 5). STAT is one dose whatever the duration.
 * Null for SOS (the doctor writes the quantity), for text that is not a frequency, and for a duration
 * or units per dose that is not a positive number.
 */
export function suggestQuantity(input: { frequency: string; durationDays: number; unitsPerDose?: number }): number | null {
  const perDose = input.unitsPerDose ?? 1;
  if (!Number.isFinite(perDose) || perDose <= 0) return null;
  const parsed = parseFrequency(input.frequency);
  if (!parsed.ok || parsed.kind === 'sos') return null;
  if (parsed.kind === 'stat') return Math.ceil(perDose - 1e-9);
  if (!Number.isFinite(input.durationDays) || input.durationDays <= 0) return null;
  const perDay = parsed.doses.reduce((sum, d) => sum + d, 0);
  return Math.ceil(perDay * input.durationDays * perDose - 1e-9);
}

/** When to take a medicine relative to meals. */
export const FOOD_TIMINGS = ['before_food', 'after_food', 'with_food', 'empty_stomach', 'any'] as const;
export type FoodTiming = (typeof FOOD_TIMINGS)[number];

export const FOOD_TIMING_LABELS: Record<FoodTiming, { en: string; hi: string }> = {
  before_food: { en: 'before food', hi: 'खाने से पहले' },
  after_food: { en: 'after food', hi: 'खाने के बाद' },
  with_food: { en: 'with food', hi: 'खाने के साथ' },
  empty_stomach: { en: 'on an empty stomach', hi: 'खाली पेट' },
  any: { en: 'at any time', hi: 'किसी भी समय' },
};

/** How a medicine is given. */
export const ROUTES = ['oral', 'topical', 'inhalation', 'injection_im', 'injection_iv', 'injection_sc', 'eye_drops', 'ear_drops', 'nasal', 'sublingual', 'rectal'] as const;
export type Route = (typeof ROUTES)[number];

/** Route labels: English, Hindi, and the abbreviation doctors write. */
export const ROUTE_LABELS: Record<Route, { en: string; hi: string; abbr: string }> = {
  oral: { en: 'By mouth', hi: 'मुँह से', abbr: 'PO' },
  topical: { en: 'Apply on the skin', hi: 'त्वचा पर लगाएँ', abbr: 'Topical' },
  inhalation: { en: 'Inhale', hi: 'साँस से लें', abbr: 'Inh' },
  injection_im: { en: 'Injection into the muscle (IM)', hi: 'मांसपेशी में इंजेक्शन (IM)', abbr: 'IM' },
  injection_iv: { en: 'Injection into a vein (IV)', hi: 'नस में इंजेक्शन (IV)', abbr: 'IV' },
  injection_sc: { en: 'Injection under the skin (SC)', hi: 'त्वचा के नीचे इंजेक्शन (SC)', abbr: 'SC' },
  eye_drops: { en: 'Eye drops', hi: 'आँख में डालें', abbr: 'Eye' },
  ear_drops: { en: 'Ear drops', hi: 'कान में डालें', abbr: 'Ear' },
  nasal: { en: 'In the nose', hi: 'नाक में डालें', abbr: 'Nasal' },
  sublingual: { en: 'Under the tongue', hi: 'जीभ के नीचे रखें', abbr: 'SL' },
  rectal: { en: 'Rectal', hi: 'गुदा मार्ग से', abbr: 'PR' },
};

/** The form a medicine comes in. */
export const DOSE_FORMS = ['tablet', 'capsule', 'syrup', 'injection', 'ointment', 'cream', 'drops', 'inhaler', 'powder', 'gel', 'lotion', 'suspension'] as const;
export type DoseForm = (typeof DOSE_FORMS)[number];

/** Dose form labels in English and Hindi (the Hindi is what patients say at the chemist's). */
export const DOSE_FORM_LABELS: Record<DoseForm, { en: string; hi: string }> = {
  tablet: { en: 'Tablet', hi: 'गोली' },
  capsule: { en: 'Capsule', hi: 'कैप्सूल' },
  syrup: { en: 'Syrup', hi: 'सिरप' },
  injection: { en: 'Injection', hi: 'इंजेक्शन' },
  ointment: { en: 'Ointment', hi: 'मरहम' },
  cream: { en: 'Cream', hi: 'क्रीम' },
  drops: { en: 'Drops', hi: 'ड्रॉप्स' },
  inhaler: { en: 'Inhaler', hi: 'इनहेलर' },
  powder: { en: 'Powder', hi: 'पाउडर' },
  gel: { en: 'Gel', hi: 'जेल' },
  lotion: { en: 'Lotion', hi: 'लोशन' },
  suspension: { en: 'Suspension', hi: 'सस्पेंशन' },
};

/** Units a course of treatment is written in. */
export const DURATION_UNITS = ['days', 'weeks', 'months'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** Singular and plural words for each duration unit. Hindi सप्ताह and दिन do not change in the plural. */
export const DURATION_UNIT_LABELS: Record<DurationUnit, { en: { one: string; many: string }; hi: { one: string; many: string } }> = {
  days: { en: { one: 'day', many: 'days' }, hi: { one: 'दिन', many: 'दिन' } },
  weeks: { en: { one: 'week', many: 'weeks' }, hi: { one: 'सप्ताह', many: 'सप्ताह' } },
  months: { en: { one: 'month', many: 'months' }, hi: { one: 'महीना', many: 'महीने' } },
};

/** Days in each unit, for quantities: a month of treatment is counted as 30 days. */
export const DAYS_PER_UNIT: Record<DurationUnit, number> = { days: 1, weeks: 7, months: 30 };

/** The length of a course in days (`2 weeks` → 14, `1 month` → 30); null unless `n` is a positive whole number. */
export function durationToDays(n: number, unit: DurationUnit): number | null {
  return Number.isSafeInteger(n) && n > 0 ? n * DAYS_PER_UNIT[unit] : null;
}

/**
 * A course's length in words: `5 days`, `1 week`, `2 months`; `5 दिन`, `1 सप्ताह`, `1 महीना`, `2 महीने`.
 * An empty string unless `n` is a positive whole number.
 */
export function durationInWords(n: number, unit: DurationUnit, lang: 'en' | 'hi'): string {
  if (!Number.isSafeInteger(n) || n <= 0) return '';
  const words = DURATION_UNIT_LABELS[unit][lang];
  return `${n} ${n === 1 ? words.one : words.many}`;
}
