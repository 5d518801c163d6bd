import { describe, expect, it } from 'vitest';
import { allergyWarnings, drugMatchesAllergy } from './allergy';

describe('allergy warnings', () => {
  it('matches a drug by its own name or brand', () => {
    expect(drugMatchesAllergy({ generic: 'Amoxicillin', brand: 'Mox' }, 'amoxicillin')).toBe(true);
    expect(drugMatchesAllergy({ generic: 'Paracetamol', brand: 'Crocin' }, 'Crocin')).toBe(true);
  });

  it('matches a drug family the allergy names', () => {
    expect(drugMatchesAllergy({ generic: 'Amoxicillin + Clavulanic acid', brand: null }, 'Penicillin')).toBe(true);
    expect(drugMatchesAllergy({ generic: 'Ceftriaxone', brand: null }, 'cephalosporins')).toBe(true);
    expect(drugMatchesAllergy({ generic: 'Ibuprofen', brand: 'Brufen' }, 'NSAIDs')).toBe(true);
    expect(drugMatchesAllergy({ generic: 'Ciprofloxacin', brand: null }, 'Fluoroquinolones')).toBe(true);
  });

  it('does not warn for unrelated drugs', () => {
    expect(drugMatchesAllergy({ generic: 'Paracetamol', brand: 'Dolo 650' }, 'Penicillin')).toBe(false);
    expect(drugMatchesAllergy({ generic: 'Metformin', brand: null }, 'Sulfa drugs')).toBe(false);
    expect(drugMatchesAllergy({ generic: 'Cetirizine', brand: null }, 'Dust')).toBe(false);
  });

  it('lists each matching drug with the allergy and its severity', () => {
    const warnings = allergyWarnings(
      [
        { generic: 'Amoxicillin', brand: 'Novamox' },
        { generic: 'Paracetamol', brand: null },
      ],
      [{ id: 'a', substance: 'Penicillin', reaction: 'rash', severity: 'severe' }],
    );
    expect(warnings).toEqual([{ drug: 'Amoxicillin (Novamox)', substance: 'Penicillin', severity: 'severe' }]);
  });
});
