import type { PatientSummary, Sex } from '../../../src-shared/api/types';
import { ageInYears, formatDisplayDate, todayIn } from '../../../src-shared/dates';
import { formatIndianMobile } from '../../../src-shared/validation/phone';
import { stateByCode } from '../../../src-shared/validation/states';

export const SEX_LABELS: Record<Sex, string> = { female: 'Female', male: 'Male', other: 'Other' };
const SEX_SHORT: Record<Sex, string> = { female: 'F', male: 'M', other: 'O' };

/** Age in whole years today (in the clinic's time zone), or null without a date of birth. */
export function patientAge(dateOfBirth: string | null, timeZone?: string): number | null {
  if (!dateOfBirth) return null;
  return Math.max(0, ageInYears(dateOfBirth, todayIn(timeZone)));
}

/** "M · 42 y" */
export function sexAge(p: Pick<PatientSummary, 'sex' | 'dateOfBirth'>, timeZone?: string): string {
  const age = patientAge(p.dateOfBirth, timeZone);
  return age === null ? SEX_SHORT[p.sex] : `${SEX_SHORT[p.sex]} · ${age} y`;
}

/** "Male, 42 years" */
export function sexAgeLong(p: Pick<PatientSummary, 'sex' | 'dateOfBirth'>, timeZone?: string): string {
  const age = patientAge(p.dateOfBirth, timeZone);
  return age === null ? SEX_LABELS[p.sex] : `${SEX_LABELS[p.sex]}, ${age} ${age === 1 ? 'year' : 'years'}`;
}

export const mobile = (digits: string | null | undefined): string => (digits ? formatIndianMobile(digits) : '—');
export const displayDate = (iso: string | null | undefined): string => (iso ? formatDisplayDate(iso) : '—');

/** "27 — Maharashtra" */
export function stateLabel(code: string | null | undefined): string {
  if (!code) return '—';
  const s = stateByCode(code);
  return s ? `${s.code} — ${s.name}` : code;
}

export function stateName(code: string | null | undefined): string {
  if (!code) return '—';
  return stateByCode(code)?.name ?? code;
}
