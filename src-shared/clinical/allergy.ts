import type { AllergyWarning, Allergy, MedicationItem } from '../api/consult';

/**
 * The allergy check: a prescribed drug is warned about when it matches a recorded allergy — by name (the
 * allergy's words in the drug's generic or brand name, or the drug's in the allergy) or by a drug family the
 * allergy names (penicillins, sulfonamides, NSAIDs, cephalosporins …). It warns; the doctor decides. The
 * families are a small, common list, not a drug-interaction database: a miss is possible and the screen says
 * that the check is a reminder, not a guarantee.
 */
const FAMILIES: Array<{ names: string[]; members: RegExp }> = [
  { names: ['penicillin', 'penicillins', 'beta-lactam', 'beta lactam'], members: /(cillin|penem|augmentin|clavam)/ },
  { names: ['cephalosporin', 'cephalosporins'], members: /^(cef|ceph)/ },
  { names: ['sulfa', 'sulpha', 'sulfonamide', 'sulphonamide', 'sulfonamides'], members: /(sulfa|sulpha|cotrimoxazole|co-trimoxazole|septran|bactrim)/ },
  { names: ['nsaid', 'nsaids', 'aspirin'], members: /(aspirin|ibuprofen|diclofenac|naproxen|aceclofenac|mefenamic|ketorolac|indomethacin|piroxicam|etoricoxib|celecoxib|nimesulide)/ },
  { names: ['quinolone', 'quinolones', 'fluoroquinolone', 'fluoroquinolones'], members: /floxacin/ },
  { names: ['macrolide', 'macrolides'], members: /(mycin$|thromycin)/ },
  { names: ['tetracycline', 'tetracyclines'], members: /cycline/ },
  { names: ['statin', 'statins'], members: /statin/ },
  { names: ['opioid', 'opioids', 'codeine', 'morphine'], members: /(codeine|morphine|tramadol|tapentadol|fentanyl|oxycodone)/ },
];

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9-]+/).filter((w) => w.length >= 4);

export function drugMatchesAllergy(drug: Pick<MedicationItem, 'generic' | 'brand'>, substance: string): boolean {
  const drugWords = [...words(drug.generic), ...words(drug.brand ?? '')];
  const allergyWords = words(substance);
  if (drugWords.length === 0 || allergyWords.length === 0) return false;
  if (allergyWords.some((a) => drugWords.some((d) => d.includes(a) || a.includes(d)))) return true;
  const s = substance.trim().toLowerCase();
  return FAMILIES.some((f) => f.names.some((n) => s === n || s.includes(n)) && drugWords.some((d) => f.members.test(d)));
}

export function allergyWarnings(items: ReadonlyArray<Pick<MedicationItem, 'generic' | 'brand'>>, allergies: readonly Allergy[]): AllergyWarning[] {
  const out: AllergyWarning[] = [];
  for (const item of items) {
    for (const a of allergies) {
      if (drugMatchesAllergy(item, a.substance)) out.push({ drug: item.brand ? `${item.generic} (${item.brand})` : item.generic, substance: a.substance, severity: a.severity });
    }
  }
  return out;
}
