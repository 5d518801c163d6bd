import { patientFields, type PatientFormValues, type PatientInput } from '../../../../src-shared/api/contract';
import type { Patient, Sex } from '../../../../src-shared/api/types';
import { formatAbhaNumber } from '../../../../src-shared/validation/abha';
import { formatIndianMobile } from '../../../../src-shared/validation/phone';
import { zodFieldErrors } from '../../lib/formErrors';
import { patientAge } from '../../lib/format';

/** The register/edit form's own values: strings as typed, plus how the birth date is given. */
export interface PatientFormState {
  fullName: string;
  sex: Sex | '';
  dobMode: 'dob' | 'age';
  dateOfBirth: string | null;
  ageYears: number | string;
  mobile: string;
  email: string;
  addressLine: string;
  city: string;
  stateCode: string | null;
  pincode: string;
  emergencyName: string;
  emergencyRelation: string;
  emergencyPhone: string;
  abhaNumber: string;
  consentMessages: boolean;
  consentDataProcessing: boolean;
}

export const emptyPatientForm: PatientFormState = {
  fullName: '',
  sex: '',
  dobMode: 'dob',
  dateOfBirth: null,
  ageYears: '',
  mobile: '',
  email: '',
  addressLine: '',
  city: '',
  stateCode: null,
  pincode: '',
  emergencyName: '',
  emergencyRelation: '',
  emergencyPhone: '',
  abhaNumber: '',
  consentMessages: false,
  consentDataProcessing: false,
};

export const PATIENT_FORM_PATHS = Object.keys(emptyPatientForm);

const mobileForForm = (digits: string | null) => (digits ? formatIndianMobile(digits).replace(/^\+91 /, '') : '');

/** The form prefilled from a saved patient (for Edit). */
export function patientToForm(p: Patient, timeZone?: string): PatientFormState {
  const estimated = p.dobEstimated && p.dateOfBirth !== null;
  return {
    fullName: p.fullName,
    sex: p.sex,
    dobMode: estimated ? 'age' : 'dob',
    dateOfBirth: estimated ? null : p.dateOfBirth,
    ageYears: estimated ? (patientAge(p.dateOfBirth, timeZone) ?? '') : '',
    mobile: mobileForForm(p.mobile),
    email: p.email ?? '',
    addressLine: p.addressLine ?? '',
    city: p.city ?? '',
    stateCode: p.stateCode,
    pincode: p.pincode ?? '',
    emergencyName: p.emergencyName ?? '',
    emergencyRelation: p.emergencyRelation ?? '',
    emergencyPhone: mobileForForm(p.emergencyPhone),
    abhaNumber: p.abhaNumber ? formatAbhaNumber(p.abhaNumber) : '',
    consentMessages: p.consentMessages,
    consentDataProcessing: p.consentDataProcessing,
  };
}

/** What the API's patientFields schema takes, from the form. */
export function formToInput(v: PatientFormState): PatientFormValues {
  const age = v.ageYears === '' ? null : typeof v.ageYears === 'number' ? v.ageYears : Number(v.ageYears);
  return {
    fullName: v.fullName,
    sex: (v.sex || undefined) as Sex,
    dateOfBirth: v.dobMode === 'dob' ? v.dateOfBirth : null,
    ageYears: v.dobMode === 'age' ? age : null,
    mobile: v.mobile,
    email: v.email,
    addressLine: v.addressLine,
    city: v.city,
    stateCode: v.stateCode,
    pincode: v.pincode,
    emergencyName: v.emergencyName,
    emergencyRelation: v.emergencyRelation,
    emergencyPhone: v.emergencyPhone,
    abhaNumber: v.abhaNumber,
    consentMessages: v.consentMessages,
    consentDataProcessing: v.consentDataProcessing,
  };
}

/** Errors per form field, from the same zod schema the core runs. */
export function validatePatientForm(v: PatientFormState): Record<string, string> {
  const parsed = patientFields.safeParse(formToInput(v));
  if (parsed.success) return {};
  const errors = zodFieldErrors(parsed.error);
  if (errors.sex) errors.sex = 'Choose female, male or other.';
  if (v.dobMode === 'age' && errors.dateOfBirth && !errors.ageYears) {
    errors.ageYears = v.ageYears === '' ? 'Enter the age in years (or switch to date of birth).' : errors.dateOfBirth;
  }
  if (v.dobMode === 'age') delete errors.dateOfBirth;
  return errors;
}

export function parsePatientForm(v: PatientFormState): PatientInput | null {
  const parsed = patientFields.safeParse(formToInput(v));
  return parsed.success ? parsed.data : null;
}

const SIMPLE_FIELDS = [
  'fullName',
  'sex',
  'mobile',
  'email',
  'addressLine',
  'city',
  'stateCode',
  'pincode',
  'emergencyName',
  'emergencyRelation',
  'emergencyPhone',
  'abhaNumber',
  'consentMessages',
  'consentDataProcessing',
] as const;

/** Only what the edit changed, for patients.update. */
export function patientChangesFrom(current: Patient, next: PatientInput, mode: 'dob' | 'age', timeZone?: string): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of SIMPLE_FIELDS) {
    if (next[key] !== current[key]) changes[key] = next[key];
  }
  if (mode === 'dob') {
    if (next.dateOfBirth !== current.dateOfBirth || (next.dateOfBirth !== null && current.dobEstimated)) changes.dateOfBirth = next.dateOfBirth;
    // (an estimated date opens in age mode, so reaching here with one means a date was chosen on purpose)
  } else if (next.ageYears !== null) {
    const currentAge = patientAge(current.dateOfBirth, timeZone);
    if (!current.dobEstimated || currentAge !== next.ageYears) changes.ageYears = next.ageYears;
  }
  return changes;
}
