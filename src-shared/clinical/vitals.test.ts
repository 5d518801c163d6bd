import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VITAL_FIELDS, VITAL_LABELS, VITAL_LIMITS, bmi, bmiCategory, vitalFlags, vitalsInput, type Vitals } from './vitals';

/** The messages zod gives for an input, keyed by the field's path. */
function problems(input: unknown): Record<string, string[]> {
  const result = vitalsInput.safeParse(input);
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const issue of result.error.issues) (out[issue.path.join('.') || '(form)'] ??= []).push(issue.message);
  return out;
}

describe('vitalsInput refuses only the impossible', () => {
  it('accepts an empty form, nulls, and a full normal set', () => {
    expect(vitalsInput.safeParse({}).success).toBe(true);
    expect(vitalsInput.safeParse(Object.fromEntries(VITAL_FIELDS.map((f) => [f, null]))).success).toBe(true);
    const normal: Vitals = { bpSystolic: 120, bpDiastolic: 80, pulse: 72, temperatureC: 36.8, spo2: 98, respiratoryRate: 16, weightKg: 64.5, heightCm: 162.5 };
    expect(vitalsInput.parse(normal)).toEqual(normal);
  });

  it('accepts alarming but possible readings (they are flagged, not refused)', () => {
    const sick: Vitals = { bpSystolic: 260, bpDiastolic: 150, pulse: 220, temperatureC: 41.2, spo2: 62, respiratoryRate: 44, weightKg: 0.9, heightCm: 35 };
    expect(vitalsInput.safeParse(sick).success).toBe(true);
  });

  it('names the field and its limits, in words a nurse understands', () => {
    expect(problems({ temperatureC: 370 })).toEqual({ temperatureC: ['Temperature must be between 25 and 45 °C — check the reading.'] });
    expect(problems({ bpSystolic: 30 })).toEqual({ bpSystolic: ['Systolic BP must be between 40 and 300 mmHg — check the reading.'] });
    expect(problems({ spo2: 101 })).toEqual({ spo2: ['SpO₂ must be between 50 and 100% — check the reading.'] });
    expect(problems({ weightKg: 65000 })).toEqual({ weightKg: ['Weight must be between 0.3 and 400 kg — check the reading.'] });
    expect(problems({ pulse: 'fast' })).toEqual({ pulse: ['Pulse must be a number.'] });
    expect(problems({ respiratoryRate: Number.NaN }).respiratoryRate).toHaveLength(1);
  });

  it('every limit is inclusive, and one step past it is refused', () => {
    for (const field of VITAL_FIELDS) {
      const { min, max, decimals } = VITAL_LIMITS[field];
      const step = decimals === 0 ? 1 : 0.1;
      const other = field === 'bpDiastolic' ? { bpSystolic: 300 } : field === 'bpSystolic' ? { bpDiastolic: 20 } : {};
      expect(vitalsInput.safeParse({ ...other, [field]: min }).success, `${field} ${min}`).toBe(true);
      expect(vitalsInput.safeParse({ ...other, [field]: field === 'bpDiastolic' ? 200 : max }).success, `${field} ${max}`).toBe(true);
      expect(problems({ [field]: Math.round((min - step) * 10) / 10 })[field]?.[0]).toMatch(/must be between .* — check the reading\.$/);
      expect(problems({ [field]: Math.round((max + step) * 10) / 10 })[field]?.[0]).toMatch(/must be between/);
    }
  });

  it('whole numbers for BP, pulse, SpO₂ and RR; one decimal for temperature, weight and height', () => {
    expect(problems({ pulse: 72.5 })).toEqual({ pulse: ['Pulse must be a whole number — check the reading.'] });
    expect(problems({ bpSystolic: 120.4 }).bpSystolic).toEqual(['Systolic BP must be a whole number — check the reading.']);
    expect(problems({ spo2: 97.5 }).spo2).toHaveLength(1);
    expect(problems({ respiratoryRate: 16.2 }).respiratoryRate).toHaveLength(1);
    expect(problems({ temperatureC: 37.25 })).toEqual({ temperatureC: ['Temperature can have at most one decimal place (e.g. 37.2).'] });
    expect(problems({ weightKg: 64.55 }).weightKg).toHaveLength(1);
    expect(problems({ heightCm: 162.25 }).heightCm).toHaveLength(1);
    // Binary fractions that read as one decimal are fine.
    for (const t of [36.1, 36.3, 37.7, 38.9, 39.4, 40.1]) expect(vitalsInput.safeParse({ temperatureC: t }).success, String(t)).toBe(true);
    expect(vitalsInput.safeParse({ weightKg: 0.3 }).success).toBe(true);
  });

  it('every one-decimal reading inside the limits is accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 250, max: 450 }), fc.integer({ min: 3, max: 4000 }), fc.integer({ min: 300, max: 2500 }), (t, w, h) => {
        expect(vitalsInput.safeParse({ temperatureC: t / 10, weightKg: w / 10, heightCm: h / 10 }).success).toBe(true);
      }),
    );
  });

  it('diastolic must be below systolic (swapped readings are caught)', () => {
    expect(problems({ bpSystolic: 80, bpDiastolic: 120 })).toEqual({ bpDiastolic: ['Diastolic BP must be lower than systolic BP — check the reading (were they swapped?).'] });
    expect(problems({ bpSystolic: 90, bpDiastolic: 90 }).bpDiastolic).toHaveLength(1);
    expect(vitalsInput.safeParse({ bpDiastolic: 120 }).success).toBe(true);
  });

  it('unknown fields are refused, not silently dropped', () => {
    expect(problems({ temperature: 37 })['(form)']?.[0]).toMatch(/does not know/);
  });
});

describe('BMI', () => {
  it('is weight over height in metres squared, to one decimal', () => {
    expect(bmi(70, 175)).toBe(22.9);
    expect(bmi(64.5, 162.5)).toBe(24.4);
    expect(bmi(50, 160)).toBe(19.5);
    expect(bmi(90, 170)).toBe(31.1);
    expect(bmi(null, 170)).toBeNull();
    expect(bmi(70, undefined)).toBeNull();
    expect(bmi(70, 0)).toBeNull();
    expect(bmi(Number.NaN, 170)).toBeNull();
  });

  it('uses the Asia-Pacific cut-offs', () => {
    expect(bmiCategory(18.4)).toBe('underweight');
    expect(bmiCategory(18.5)).toBe('normal');
    expect(bmiCategory(22.9)).toBe('normal');
    expect(bmiCategory(23)).toBe('overweight');
    expect(bmiCategory(24.9)).toBe('overweight');
    expect(bmiCategory(25)).toBe('obese');
    expect(bmiCategory(null)).toBeNull();
  });
});

describe('vitalFlags flags the unusual, at the documented thresholds', () => {
  const levels = (v: Vitals) => vitalFlags(v).map((f) => `${f.field}:${f.level}`);

  it('a normal adult has no flags', () => {
    expect(vitalFlags({ bpSystolic: 120, bpDiastolic: 80, pulse: 72, temperatureC: 36.8, spo2: 98, respiratoryRate: 16, weightKg: 60, heightCm: 165 })).toEqual([]);
    expect(vitalFlags({})).toEqual([]);
    expect(vitalFlags({ pulse: null, spo2: null })).toEqual([]);
  });

  it('blood pressure: ≥140/90 high, <90/60 low, each on its own field', () => {
    expect(levels({ bpSystolic: 139, bpDiastolic: 89 })).toEqual([]);
    expect(levels({ bpSystolic: 140, bpDiastolic: 90 })).toEqual(['bpSystolic:high', 'bpDiastolic:high']);
    expect(levels({ bpSystolic: 150, bpDiastolic: 85 })).toEqual(['bpSystolic:high']);
    expect(levels({ bpSystolic: 90, bpDiastolic: 60 })).toEqual([]);
    expect(levels({ bpSystolic: 89, bpDiastolic: 59 })).toEqual(['bpSystolic:low', 'bpDiastolic:low']);
    expect(vitalFlags({ bpSystolic: 160 })[0]?.message).toBe('Systolic BP is high (160 mmHg; 140 or above is high).');
  });

  it('pulse <50 / >100; temperature <35, ≥37.5 raised, ≥38 fever; SpO₂ <94; RR <12 / >20', () => {
    expect(levels({ pulse: 50 })).toEqual([]);
    expect(levels({ pulse: 49 })).toEqual(['pulse:low']);
    expect(levels({ pulse: 100 })).toEqual([]);
    expect(levels({ pulse: 101 })).toEqual(['pulse:high']);
    expect(levels({ temperatureC: 35 })).toEqual([]);
    expect(levels({ temperatureC: 34.9 })).toEqual(['temperatureC:low']);
    expect(levels({ temperatureC: 37.4 })).toEqual([]);
    expect(vitalFlags({ temperatureC: 37.5 })).toEqual([{ field: 'temperatureC', level: 'high', message: 'Temperature is raised (37.5 °C; 37.5 or above is raised).' }]);
    expect(vitalFlags({ temperatureC: 38.4 })[0]?.message).toBe('Fever (38.4 °C; 38 or above is a fever).');
    expect(levels({ spo2: 94 })).toEqual([]);
    expect(levels({ spo2: 93 })).toEqual(['spo2:low']);
    expect(levels({ respiratoryRate: 12 })).toEqual([]);
    expect(levels({ respiratoryRate: 11 })).toEqual(['respiratoryRate:low']);
    expect(levels({ respiratoryRate: 20 })).toEqual([]);
    expect(levels({ respiratoryRate: 21 })).toEqual(['respiratoryRate:high']);
  });

  it('BMI by the Asia-Pacific cut-offs, only when weight and height are both there', () => {
    expect(levels({ weightKg: 45, heightCm: 170 })).toEqual(['bmi:low']);
    expect(levels({ weightKg: 68, heightCm: 170 })).toEqual(['bmi:high']);
    expect(vitalFlags({ weightKg: 68, heightCm: 170 })[0]?.message).toBe('Overweight (BMI 23.5; 23 to 24.9 for Asian Indians).');
    expect(vitalFlags({ weightKg: 80, heightCm: 170 })[0]?.message).toMatch(/^Obese \(BMI 27\.7/);
    expect(levels({ weightKg: 60, heightCm: 170 })).toEqual([]);
    expect(levels({ weightKg: 120 })).toEqual([]);
  });

  it('every flag names a known field and says something', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            bpSystolic: fc.integer({ min: 40, max: 300 }),
            bpDiastolic: fc.integer({ min: 20, max: 200 }),
            pulse: fc.integer({ min: 20, max: 300 }),
            temperatureC: fc.integer({ min: 250, max: 450 }).map((t) => t / 10),
            spo2: fc.integer({ min: 50, max: 100 }),
            respiratoryRate: fc.integer({ min: 4, max: 80 }),
            weightKg: fc.integer({ min: 3, max: 4000 }).map((w) => w / 10),
            heightCm: fc.integer({ min: 300, max: 2500 }).map((h) => h / 10),
          },
          { requiredKeys: [] },
        ),
        (v) => {
          const flags = vitalFlags(v);
          expect(new Set(flags.map((f) => f.field)).size).toBe(flags.length);
          for (const f of flags) {
            expect(Object.keys(VITAL_LABELS)).toContain(f.field);
            expect(f.message.length).toBeGreaterThan(10);
          }
        },
      ),
    );
  });
});

describe('labels', () => {
  it('every field, and BMI, has a label and a unit', () => {
    for (const field of [...VITAL_FIELDS, 'bmi'] as const) {
      expect(VITAL_LABELS[field].label.length).toBeGreaterThan(2);
      expect(VITAL_LABELS[field].unit.length).toBeGreaterThan(0);
    }
    expect(VITAL_LABELS.temperatureC).toEqual({ label: 'Temperature', short: 'Temp', unit: '°C' });
  });
});
