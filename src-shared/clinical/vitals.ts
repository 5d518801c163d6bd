import { z } from 'zod';

/**
 * Vital signs recorded at a visit (by the nurse, the front desk or the doctor), their validation and
 * their flags.
 *
 * Two different questions are answered here, and they must not be confused:
 *
 * 1. Is the reading possible at all? {@link vitalsInput} refuses only values no living patient can have
 *    (a typing slip: 370 for 37.0 °C, a weight typed in grams). Anything physically possible is accepted,
 *    however alarming, because a very sick patient is exactly the one whose reading must be saved.
 * 2. Is the reading outside the usual adult range? {@link vitalFlags} flags it, so the doctor sees it
 *    highlighted. A flag never blocks saving.
 *
 * Every field is optional: a visit records whatever was measured. `null` means "not measured" as well.
 */
export interface Vitals {
  /** Systolic blood pressure, mmHg (whole number). */
  bpSystolic?: number | null;
  /** Diastolic blood pressure, mmHg (whole number, below the systolic). */
  bpDiastolic?: number | null;
  /** Pulse rate, beats per minute (whole number). */
  pulse?: number | null;
  /** Body temperature, °C (one decimal). */
  temperatureC?: number | null;
  /** Oxygen saturation by pulse oximeter, % (whole number). */
  spo2?: number | null;
  /** Respiratory rate, breaths per minute (whole number). */
  respiratoryRate?: number | null;
  /** Body weight, kg (one decimal). */
  weightKg?: number | null;
  /** Height, cm (one decimal). */
  heightCm?: number | null;
}

export type VitalField = keyof Vitals;

/** Every vital field, in the order they are shown on screen and in print. */
export const VITAL_FIELDS = ['bpSystolic', 'bpDiastolic', 'pulse', 'temperatureC', 'spo2', 'respiratoryRate', 'weightKg', 'heightCm'] as const satisfies readonly VitalField[];

/** Screen and print labels: a full label, a short one for tight columns, and the unit. */
export const VITAL_LABELS: Record<VitalField | 'bmi', { label: string; short: string; unit: string }> = {
  bpSystolic: { label: 'Blood pressure (systolic)', short: 'BP sys', unit: 'mmHg' },
  bpDiastolic: { label: 'Blood pressure (diastolic)', short: 'BP dia', unit: 'mmHg' },
  pulse: { label: 'Pulse', short: 'Pulse', unit: 'bpm' },
  temperatureC: { label: 'Temperature', short: 'Temp', unit: '°C' },
  spo2: { label: 'Oxygen saturation (SpO₂)', short: 'SpO₂', unit: '%' },
  respiratoryRate: { label: 'Respiratory rate', short: 'RR', unit: 'breaths/min' },
  weightKg: { label: 'Weight', short: 'Wt', unit: 'kg' },
  heightCm: { label: 'Height', short: 'Ht', unit: 'cm' },
  bmi: { label: 'Body mass index (BMI)', short: 'BMI', unit: 'kg/m²' },
};

/**
 * The physically possible limits (inclusive) and the decimals allowed. Outside these the reading is a
 * typing or measuring mistake, never a patient. They are deliberately wide: a premature baby weighs
 * 0.3 kg; a septic patient may have a pulse of 220 or an SpO₂ of 60 %.
 */
export const VITAL_LIMITS: Record<VitalField, { min: number; max: number; decimals: 0 | 1; name: string }> = {
  bpSystolic: { min: 40, max: 300, decimals: 0, name: 'Systolic BP' },
  bpDiastolic: { min: 20, max: 200, decimals: 0, name: 'Diastolic BP' },
  pulse: { min: 20, max: 300, decimals: 0, name: 'Pulse' },
  temperatureC: { min: 25, max: 45, decimals: 1, name: 'Temperature' },
  spo2: { min: 50, max: 100, decimals: 0, name: 'SpO₂' },
  respiratoryRate: { min: 4, max: 80, decimals: 0, name: 'Respiratory rate' },
  weightKg: { min: 0.3, max: 400, decimals: 1, name: 'Weight' },
  heightCm: { min: 30, max: 250, decimals: 1, name: 'Height' },
};

/** True when `value` has at most `decimals` digits after the point (allowing for binary fractions). */
function hasAtMostDecimals(value: number, decimals: 0 | 1): boolean {
  const scaled = value * 10 ** decimals;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/** One optional, nullable reading, refused only when impossible, with messages that name the field. */
function reading(field: VitalField) {
  const { min, max, decimals, name } = VITAL_LIMITS[field];
  const unit = VITAL_LABELS[field].unit;
  const unitText = unit === '%' ? '%' : ` ${unit}`;
  return z
    .number({ error: `${name} must be a number.` })
    .min(min, `${name} must be between ${min} and ${max}${unitText} — check the reading.`)
    .max(max, `${name} must be between ${min} and ${max}${unitText} — check the reading.`)
    .refine(
      (v) => hasAtMostDecimals(v, decimals),
      decimals === 0 ? `${name} must be a whole number — check the reading.` : `${name} can have at most one decimal place (e.g. ${field === 'temperatureC' ? '37.2' : '64.5'}).`,
    )
    .nullable()
    .optional();
}

/**
 * The vitals a form or an API call sends. Every field is optional and may be null ("not measured").
 * Refused: non-numbers, values outside {@link VITAL_LIMITS}, decimals where a whole number is measured
 * (BP, pulse, SpO₂, respiratory rate) or more than one decimal (temperature, weight, height), unknown
 * fields, and a diastolic pressure that is not below the systolic (the two were probably swapped).
 * Messages name the field and say what to check, in words a nurse understands.
 */
export const vitalsInput = z
  .strictObject(
    {
      bpSystolic: reading('bpSystolic'),
      bpDiastolic: reading('bpDiastolic'),
      pulse: reading('pulse'),
      temperatureC: reading('temperatureC'),
      spo2: reading('spo2'),
      respiratoryRate: reading('respiratoryRate'),
      weightKg: reading('weightKg'),
      heightCm: reading('heightCm'),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? 'The form sent a vital sign this screen does not know. Please reload and try again.' : 'The vitals are not in the expected form.') },
  )
  .superRefine((v, ctx) => {
    if (typeof v.bpSystolic === 'number' && typeof v.bpDiastolic === 'number' && v.bpDiastolic >= v.bpSystolic) {
      ctx.addIssue({
        code: 'custom',
        path: ['bpDiastolic'],
        message: 'Diastolic BP must be lower than systolic BP — check the reading (were they swapped?).',
      });
    }
  });

export type VitalsInput = z.infer<typeof vitalsInput>;

/**
 * Body mass index, weight in kg divided by the square of height in metres, rounded to one decimal.
 * Null when either is missing, not a finite number, or not above zero.
 */
export function bmi(weightKg: number | null | undefined, heightCm: number | null | undefined): number | null {
  if (typeof weightKg !== 'number' || typeof heightCm !== 'number') return null;
  if (!Number.isFinite(weightKg) || !Number.isFinite(heightCm) || weightKg <= 0 || heightCm <= 0) return null;
  const metres = heightCm / 100;
  const value = weightKg / (metres * metres);
  return Math.round(value * 10 + 1e-9) / 10;
}

export const BMI_CATEGORIES = ['underweight', 'normal', 'overweight', 'obese'] as const;
export type BmiCategory = (typeof BMI_CATEGORIES)[number];

/** Plain words for each BMI category. */
export const BMI_CATEGORY_LABELS: Record<BmiCategory, string> = {
  underweight: 'Underweight',
  normal: 'Normal',
  overweight: 'Overweight',
  obese: 'Obese',
};

/**
 * The BMI category by the Asia-Pacific cut-offs (WHO Western Pacific Region / IASO / IOTF, "The
 * Asia-Pacific perspective: redefining obesity and its treatment", 2000), which Indian consensus
 * guidelines adopt (Misra A. et al., "Consensus statement for diagnosis of obesity, abdominal obesity and
 * the metabolic syndrome for Asian Indians", JAPI 2009): Asian Indians carry more body fat and
 * cardiometabolic risk at a given BMI, so the bands start lower than the WHO global ones.
 *
 * - below 18.5: underweight
 * - 18.5 to 22.9: normal
 * - 23.0 to 24.9: overweight
 * - 25.0 and above: obese
 *
 * Null for a missing or non-finite BMI. Meant for adults; children need BMI-for-age charts.
 */
export function bmiCategory(value: number | null | undefined): BmiCategory | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (value < 18.5) return 'underweight';
  if (value < 23) return 'normal';
  if (value < 25) return 'overweight';
  return 'obese';
}

export interface VitalFlag {
  field: VitalField | 'bmi';
  level: 'low' | 'high';
  message: string;
}

const has = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Readings outside the usual resting adult range, to be highlighted, never refused. In field order
 * (BP, pulse, temperature, SpO₂, respiratory rate, then BMI); at most one flag per field.
 *
 * The ranges, with their sources:
 * - Blood pressure: systolic ≥ 140 or diastolic ≥ 90 mmHg is high (the office-BP threshold for
 *   hypertension in the ISH 2020 Global Hypertension Practice Guidelines, ESH/ESC 2018 and the Indian
 *   Guidelines on Hypertension IV, 2019); systolic < 90 or diastolic < 60 mmHg is low (the usual
 *   bedside definition of hypotension). Each pressure is flagged on its own field.
 * - Pulse: < 50 bpm low (marked bradycardia; fit adults at rest may sit at 50–60), > 100 bpm high
 *   (tachycardia).
 * - Temperature: < 35 °C low (hypothermia); ≥ 37.5 °C high (raised), and ≥ 38 °C is called a fever
 *   (NICE NG143 / common clinical practice).
 * - SpO₂: < 94 % low (the lower end of the 94–98 % target range of the British Thoracic Society
 *   guideline for oxygen use in adults, 2017). Patients with known COPD may normally sit at 88–92 %.
 * - Respiratory rate: < 12 low, > 20 breaths/min high (the normal band of the NEWS2 early-warning
 *   score, Royal College of Physicians 2017).
 * - BMI (computed from weight and height when both are present): by the Asia-Pacific cut-offs used in
 *   India (see {@link bmiCategory}): < 18.5 underweight (low), 23–24.9 overweight (high), ≥ 25 obese (high).
 *
 * These are adult ranges. Children, pregnancy and athletes differ; the doctor decides what a flag means.
 */
export function vitalFlags(v: Vitals): VitalFlag[] {
  const flags: VitalFlag[] = [];
  const flag = (field: VitalFlag['field'], level: VitalFlag['level'], message: string) => flags.push({ field, level, message });

  if (has(v.bpSystolic)) {
    if (v.bpSystolic >= 140) flag('bpSystolic', 'high', `Systolic BP is high (${v.bpSystolic} mmHg; 140 or above is high).`);
    else if (v.bpSystolic < 90) flag('bpSystolic', 'low', `Systolic BP is low (${v.bpSystolic} mmHg; below 90 is low).`);
  }
  if (has(v.bpDiastolic)) {
    if (v.bpDiastolic >= 90) flag('bpDiastolic', 'high', `Diastolic BP is high (${v.bpDiastolic} mmHg; 90 or above is high).`);
    else if (v.bpDiastolic < 60) flag('bpDiastolic', 'low', `Diastolic BP is low (${v.bpDiastolic} mmHg; below 60 is low).`);
  }
  if (has(v.pulse)) {
    if (v.pulse > 100) flag('pulse', 'high', `Pulse is fast (${v.pulse} bpm; above 100 is fast).`);
    else if (v.pulse < 50) flag('pulse', 'low', `Pulse is slow (${v.pulse} bpm; below 50 is slow).`);
  }
  if (has(v.temperatureC)) {
    if (v.temperatureC >= 38) flag('temperatureC', 'high', `Fever (${v.temperatureC} °C; 38 or above is a fever).`);
    else if (v.temperatureC >= 37.5) flag('temperatureC', 'high', `Temperature is raised (${v.temperatureC} °C; 37.5 or above is raised).`);
    else if (v.temperatureC < 35) flag('temperatureC', 'low', `Temperature is low (${v.temperatureC} °C; below 35 is low).`);
  }
  if (has(v.spo2) && v.spo2 < 94) flag('spo2', 'low', `SpO₂ is low (${v.spo2}%; below 94% is low).`);
  if (has(v.respiratoryRate)) {
    if (v.respiratoryRate > 20) flag('respiratoryRate', 'high', `Breathing is fast (${v.respiratoryRate}/min; above 20 is fast).`);
    else if (v.respiratoryRate < 12) flag('respiratoryRate', 'low', `Breathing is slow (${v.respiratoryRate}/min; below 12 is slow).`);
  }
  const index = bmi(v.weightKg, v.heightCm);
  const category = bmiCategory(index);
  if (category === 'underweight') flag('bmi', 'low', `Underweight (BMI ${index}; below 18.5).`);
  else if (category === 'overweight') flag('bmi', 'high', `Overweight (BMI ${index}; 23 to 24.9 for Asian Indians).`);
  else if (category === 'obese') flag('bmi', 'high', `Obese (BMI ${index}; 25 or above for Asian Indians).`);
  return flags;
}
