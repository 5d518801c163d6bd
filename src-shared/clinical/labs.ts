/**
 * Lab results: reading the value a lab printed, comparing it with the reference range, finding the
 * changes worth a doctor's attention in a series, and a starting list of common tests.
 *
 * Values and ranges are kept as the decimal strings the lab printed ("7.2", "0.45"), so nothing is
 * lost to rounding when stored; they are turned into numbers only to compare.
 */

/** Plain decimal: optional sign, digits with an optional fraction, or a fraction alone (".5"). */
const PLAIN = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;
/** Digits grouped by commas, Indian (1,50,000) or international (150,000) style, with an optional fraction. */
const GROUPED = /^[+-]?\d{1,3}(?:,\d{2,3})*,\d{3}(?:\.\d+)?$/;

/**
 * The number in a lab value, or null when the value is not a plain number. Accepted: `7.2`, `-1.5`,
 * `.5`, `0.45`, thousands grouped with commas (`1,50,000` or `150,000`), with spaces around.
 * Null for everything else, including censored values (`<5`, `>1000`: the true value is unknown, so
 * they are neither plotted nor flagged), words (`Positive`, `Nil`), a decimal comma (`7,2`), a number
 * followed by a unit (`7.2 %`; keep the unit in its own field), and an empty string.
 */
export function parseLabValue(text: string): number | null {
  const t = text.trim();
  if (PLAIN.test(t)) return Number(t);
  if (GROUPED.test(t)) return Number(t.replace(/,/g, ''));
  return null;
}

/**
 * Where a value lies against its reference range: `'low'` below `low`, `'high'` above `high`, else
 * `'normal'` (both limits are inside the normal range). Either limit may be null for a one-sided range
 * (HDL has only a lower limit; LDL only an upper one). Null, meaning "no judgement", when the value is
 * not a number (see {@link parseLabValue}) or when there is no usable limit at all.
 */
export function abnormalFlag(value: string, low: string | null, high: string | null): 'low' | 'high' | 'normal' | null {
  const v = parseLabValue(value);
  if (v === null) return null;
  const lo = low === null ? null : parseLabValue(low);
  const hi = high === null ? null : parseLabValue(high);
  if (lo === null && hi === null) return null;
  if (lo !== null && v < lo) return 'low';
  if (hi !== null && v > hi) return 'high';
  return 'normal';
}

/**
 * A reference range for screen and print: `70–99 mg/dL`, `≥ 40 mg/dL` (lower limit only),
 * `≤ 199 mg/dL` (upper limit only). The unit is left out when null or empty; an empty string when
 * there is no range. The limits are shown exactly as stored.
 */
export function formatRange(low: string | null, high: string | null, unit?: string | null): string {
  const lo = low?.trim() || null;
  const hi = high?.trim() || null;
  let range: string;
  if (lo !== null && hi !== null) range = `${lo}–${hi}`;
  else if (lo !== null) range = `≥ ${lo}`;
  else if (hi !== null) range = `≤ ${hi}`;
  else return '';
  const u = unit?.trim();
  return u ? `${range} ${u}` : range;
}

/**
 * The points of a series worth highlighting on a trend chart, as indexes into `points`.
 *
 * The points are taken in date order (dates are ISO strings, compared as text; points on the same date
 * keep their order in the array), and points whose value is not a finite number are skipped. Each
 * remaining point is compared with the previous remaining one; it is significant when either:
 *
 * 1. it changed by at least `relative` (default 0.2, i.e. 20 %) of the previous value:
 *    `|value − previous| ≥ relative × |previous|`. From a previous value of 0, any change counts.
 * 2. it crossed the reference band (when `range` is given): the previous point was below, inside or
 *    above `[low, high]` and this one is somewhere else (into the band, out of it, or right across).
 *    A null limit leaves that side of the band open.
 *
 * The first point is never significant (nothing to compare it with). Indexes come back in date order.
 */
export function significantChanges(
  points: ReadonlyArray<{ date: string; value: number }>,
  opts?: { relative?: number },
  range?: { low: number | null; high: number | null },
): number[] {
  const relative = opts?.relative ?? 0.2;
  const band = (v: number): -1 | 0 | 1 | null => {
    if (!range) return null;
    if (range.low !== null && v < range.low) return -1;
    if (range.high !== null && v > range.high) return 1;
    return 0;
  };
  const order = points
    .map((p, index) => ({ index, date: p.date, value: p.value }))
    .filter((p) => Number.isFinite(p.value))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index));

  const out: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const previous = order[i - 1]!;
    const current = order[i]!;
    const change = Math.abs(current.value - previous.value);
    // A small tolerance so that a change of exactly 20 % in decimal terms (0.10 → 0.12) is not lost to binary rounding.
    const bigChange = previous.value === 0 ? change > 0 : change >= relative * Math.abs(previous.value) * (1 - 1e-9);
    const crossed = band(current.value) !== band(previous.value);
    if (bigChange || crossed) out.push(current.index);
  }
  return out;
}

/** One lab test with its adult reference range, as decimal strings (a null limit: open on that side). */
export interface LabTest {
  /** A short stable code, used as the key in records and settings. */
  code: string;
  /** The name as Indian lab reports print it. */
  name: string;
  unit: string;
  low: string | null;
  high: string | null;
  /** Separate ranges for men and women, where they differ; `low`/`high` then span both. */
  bySex?: { male: { low: string | null; high: string | null }; female: { low: string | null; high: string | null } };
  /** What the range means, where it is a target rather than a population range. */
  note?: string;
}

/**
 * About 30 tests ordered most often in Indian clinics, with typical adult reference ranges.
 *
 * These are editable DEFAULTS, not the truth: every lab sets its own ranges for its method and
 * population, and the range printed on the patient's report is the one to use. The clinic can change
 * them in settings; a result should keep the range it was reported with. Sources: the ranges printed by
 * large Indian reference labs, and for the metabolic tests the guideline targets (ADA Standards of Care
 * for glucose and HbA1c, NCEP ATP III / Lipid Association of India for lipids, Endocrine Society for
 * vitamin D), as noted on each test.
 */
export const COMMON_LAB_TESTS: readonly LabTest[] = [
  // Diabetes
  { code: 'HBA1C', name: 'HbA1c (glycated haemoglobin)', unit: '%', low: '4.0', high: '5.6', note: 'ADA: 5.7–6.4 prediabetes, 6.5 or more diabetes.' },
  { code: 'FBS', name: 'Glucose, fasting (FBS)', unit: 'mg/dL', low: '70', high: '99', note: 'ADA: 100–125 impaired fasting glucose, 126 or more diabetes.' },
  { code: 'PPBS', name: 'Glucose, post-prandial 2 h (PPBS)', unit: 'mg/dL', low: '70', high: '139', note: 'ADA: 140–199 impaired glucose tolerance, 200 or more diabetes.' },
  { code: 'RBS', name: 'Glucose, random (RBS)', unit: 'mg/dL', low: '70', high: '139', note: '200 or more with symptoms suggests diabetes.' },
  // Blood count
  {
    code: 'HB',
    name: 'Haemoglobin',
    unit: 'g/dL',
    low: '12.0',
    high: '17.0',
    bySex: { male: { low: '13.0', high: '17.0' }, female: { low: '12.0', high: '15.0' } },
  },
  { code: 'WBC', name: 'Total leucocyte count (TLC)', unit: '×10³/µL', low: '4.0', high: '11.0' },
  { code: 'PLT', name: 'Platelet count', unit: '×10³/µL', low: '150', high: '410' },
  { code: 'ESR', name: 'ESR (Westergren)', unit: 'mm/hr', low: '0', high: '20', bySex: { male: { low: '0', high: '15' }, female: { low: '0', high: '20' } } },
  // Thyroid
  { code: 'TSH', name: 'TSH', unit: 'mIU/L', low: '0.4', high: '4.0' },
  { code: 'FT4', name: 'Free T4', unit: 'ng/dL', low: '0.8', high: '1.8' },
  // Lipids
  { code: 'TC', name: 'Total cholesterol', unit: 'mg/dL', low: null, high: '199', note: 'Desirable below 200.' },
  { code: 'LDL', name: 'LDL cholesterol', unit: 'mg/dL', low: null, high: '99', note: 'Optimal below 100; lower targets for high-risk patients (Lipid Association of India).' },
  { code: 'HDL', name: 'HDL cholesterol', unit: 'mg/dL', low: '40', high: null, bySex: { male: { low: '40', high: null }, female: { low: '50', high: null } } },
  { code: 'TG', name: 'Triglycerides', unit: 'mg/dL', low: null, high: '149', note: 'Normal below 150.' },
  // Kidney
  {
    code: 'CREAT',
    name: 'Creatinine, serum',
    unit: 'mg/dL',
    low: '0.6',
    high: '1.3',
    bySex: { male: { low: '0.7', high: '1.3' }, female: { low: '0.6', high: '1.1' } },
  },
  { code: 'UREA', name: 'Urea, blood', unit: 'mg/dL', low: '15', high: '40' },
  {
    code: 'URIC',
    name: 'Uric acid, serum',
    unit: 'mg/dL',
    low: '2.6',
    high: '7.2',
    bySex: { male: { low: '3.5', high: '7.2' }, female: { low: '2.6', high: '6.0' } },
  },
  { code: 'NA', name: 'Sodium, serum', unit: 'mmol/L', low: '135', high: '145' },
  { code: 'K', name: 'Potassium, serum', unit: 'mmol/L', low: '3.5', high: '5.1' },
  { code: 'CA', name: 'Calcium, serum (total)', unit: 'mg/dL', low: '8.5', high: '10.5' },
  // Liver
  { code: 'ALT', name: 'SGPT (ALT)', unit: 'U/L', low: null, high: '40' },
  { code: 'AST', name: 'SGOT (AST)', unit: 'U/L', low: null, high: '40' },
  { code: 'ALP', name: 'Alkaline phosphatase', unit: 'U/L', low: '40', high: '130' },
  { code: 'TBIL', name: 'Bilirubin, total', unit: 'mg/dL', low: '0.3', high: '1.2' },
  { code: 'DBIL', name: 'Bilirubin, direct', unit: 'mg/dL', low: null, high: '0.3' },
  { code: 'ALB', name: 'Albumin, serum', unit: 'g/dL', low: '3.5', high: '5.0' },
  // Vitamins and inflammation
  { code: 'VITD', name: 'Vitamin D (25-OH)', unit: 'ng/mL', low: '30', high: '100', note: 'Endocrine Society: below 20 deficient, 20–29 insufficient.' },
  { code: 'B12', name: 'Vitamin B12', unit: 'pg/mL', low: '200', high: '900' },
  { code: 'CRP', name: 'C-reactive protein (CRP)', unit: 'mg/L', low: null, high: '5.0' },
];

/** The default test with this code, or undefined. */
export function labTestByCode(code: string): LabTest | undefined {
  return COMMON_LAB_TESTS.find((t) => t.code === code);
}
