import type { PatientChanges, PatientInput } from '../api/contract';
import type { AuditChange, Patient } from '../api/types';
import { auditDiff } from '../audit';
import { estimatedDateOfBirth } from '../dates';

/**
 * Pure decisions for patients: current rows + input → new rows and the audit event.
 * The desk's core persists them; the sync server runs the same functions (DESIGN.md §3).
 */
export interface DecisionContext {
  now: string; // UTC ISO instant
  today: string; // clinic-local yyyy-MM-dd
}

export type PatientFields = Omit<Patient, 'id' | 'mrn' | 'createdAt' | 'updatedAt' | 'rowVersion'>;

function consentAt(consent: boolean, previous: { consent: boolean; at: string | null } | null, now: string): string | null {
  if (!consent) return null;
  if (previous && previous.consent) return previous.at;
  return now;
}

function dob(input: { dateOfBirth: string | null; ageYears: number | null }, today: string) {
  if (input.dateOfBirth) return { dateOfBirth: input.dateOfBirth, dobEstimated: false };
  if (input.ageYears !== null) return { dateOfBirth: estimatedDateOfBirth(input.ageYears, today), dobEstimated: true };
  return { dateOfBirth: null, dobEstimated: false };
}

export function decideRegisterPatient(
  input: PatientInput,
  ids: { id: string; mrn: string },
  ctx: DecisionContext,
): { patient: Patient; changes: AuditChange[] } {
  const { ageYears: _age, ...rest } = input;
  const patient: Patient = {
    ...rest,
    ...dob(input, ctx.today),
    id: ids.id,
    mrn: ids.mrn,
    consentMessagesAt: consentAt(input.consentMessages, null, ctx.now),
    consentDataProcessingAt: consentAt(input.consentDataProcessing, null, ctx.now),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    rowVersion: null,
  };
  return { patient, changes: auditDiff(null, patient as unknown as Record<string, unknown>) };
}

/** What an edit may set, in the record's own terms (consent times follow from the consents). */
export type PatientSet = Partial<Omit<PatientFields, 'consentMessagesAt' | 'consentDataProcessingAt'>>;

const NOT_SET_BY_EDITS: ReadonlySet<string> = new Set(['id', 'mrn', 'createdAt', 'updatedAt', 'rowVersion', 'consentMessagesAt', 'consentDataProcessingAt']);

/**
 * Sets fields of a patient: the server merges each edit into the record as it is there (field by field, so
 * two desks' edits of different fields both stand). Null when nothing actually changes.
 */
export function mergePatient(current: Patient, set: PatientSet, now: string): { patient: Patient; changes: AuditChange[] } | null {
  const next: Patient = { ...current };
  for (const [key, value] of Object.entries(set)) {
    if (value !== undefined && key in current && !NOT_SET_BY_EDITS.has(key)) (next as unknown as Record<string, unknown>)[key] = value;
  }
  next.consentMessagesAt = consentAt(next.consentMessages, { consent: current.consentMessages, at: current.consentMessagesAt }, now);
  next.consentDataProcessingAt = consentAt(next.consentDataProcessing, { consent: current.consentDataProcessing, at: current.consentDataProcessingAt }, now);
  const diff = auditDiff(current as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
  if (diff.length === 0) return null;
  next.updatedAt = now;
  return { patient: next, changes: diff };
}

/** An edit as the form sends it (age instead of a date of birth, say) → the fields it sets. Empty when nothing changes. */
export function patientEditSet(current: Patient, changes: PatientChanges, ctx: DecisionContext): PatientSet {
  const { ageYears, dateOfBirth, ...rest } = changes;
  const set: Record<string, unknown> = { ...rest };
  if (dateOfBirth !== undefined || ageYears !== undefined) {
    const d = dob({ dateOfBirth: dateOfBirth ?? null, ageYears: ageYears ?? null }, ctx.today);
    if (d.dateOfBirth !== null) Object.assign(set, d);
  }
  const merged = mergePatient(current, set as PatientSet, ctx.now);
  if (!merged) return {};
  return Object.fromEntries(merged.changes.filter((c) => !NOT_SET_BY_EDITS.has(c.field)).map((c) => [c.field, c.after])) as PatientSet;
}
