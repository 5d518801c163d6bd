/**
 * Diagnosis search over the bundled ICD-10-CM code list (resources/icd10/icd10cm.tsv, see its README).
 * The list is read and indexed once, on first use, then kept in memory.
 */
import fs from 'node:fs';
import { buildIcd10Index, parseIcd10Tsv, searchIcd10, type Icd10Entry, type Icd10Index } from '../../src-shared/clinical/icd10';
import { resolveResource } from './paths';

export type { Icd10Entry } from '../../src-shared/clinical/icd10';

/** Where the list lives under resources/ (and under the packaged app's resources folder). */
export const ICD10_RESOURCE = 'icd10/icd10cm.tsv';

let cached: Icd10Index | undefined;

/** Reads and indexes a code list file (`CODE<TAB>title` lines). */
export function loadIcd10Index(file: string): Icd10Index {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`The ICD-10 code list could not be read from ${file} (${reason}). Build it with scripts/icd10-build.mjs.`);
  }
  const index = buildIcd10Index(parseIcd10Tsv(text));
  if (index.size === 0) throw new Error(`The ICD-10 code list at ${file} has no codes.`);
  return index;
}

/** The bundled list's index, loaded on first call. */
export function diagnosisIndex(): Icd10Index {
  cached ??= loadIcd10Index(resolveResource(ICD10_RESOURCE));
  return cached;
}

/** Diagnoses matching a code prefix ("E11", "e11.9") or title words ("type 2 diab"), best first. */
export function searchDiagnoses(query: string, limit = 20): Icd10Entry[] {
  if (query.trim() === '') return [];
  return searchIcd10(diagnosisIndex(), query, limit);
}
