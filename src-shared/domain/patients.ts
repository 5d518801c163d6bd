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

/** Applies an edit. Returns null when nothing actually changes (no write, no audit noise). */
export function decideUpdatePatient(
  current: Patient,
  changes: PatientChanges,
  ctx: DecisionContext,
): { patient: Patient; changes: AuditChange[] } | null {
  const { ageYears, dateOfBirth, ...rest } = changes;
  const next: Patient = { ...current };
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  if (dateOfBirth !== undefined || ageYears !== undefined) {
    const d = dob({ dateOfBirth: dateOfBirth ?? null, ageYears: ageYears ?? null }, ctx.today);
    if (d.dateOfBirth !== null) Object.assign(next, d);
  }
  next.consentMessagesAt = consentAt(next.consentMessages, { consent: current.consentMessages, at: current.consentMessagesAt }, ctx.now);
  next.consentDataProcessingAt = consentAt(
    next.consentDataProcessing,
    { consent: current.consentDataProcessing, at: current.consentDataProcessingAt },
    ctx.now,
  );
  const diff = auditDiff(current as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
  if (diff.length === 0) return null;
  next.updatedAt = ctx.now;
  return { patient: next, changes: diff };
}
