import type { AuditChange } from './api/types';

/** Fields that never enter an audit diff: secrets and clinical free text (audit shows that they changed, not what to). */
export const REDACTED_AUDIT_FIELDS: ReadonlySet<string> = new Set(['passwordHash', 'password', 'noteText', 'subjective', 'objective', 'assessment', 'plan']);
const IGNORED_AUDIT_FIELDS: ReadonlySet<string> = new Set(['id', 'updatedAt', 'updatedBy', 'rowVersion', 'createdAt']);

/** Before/after diff of two row snapshots, field by field, for the audit trail. */
export function auditDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): AuditChange[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: AuditChange[] = [];
  for (const field of keys) {
    if (IGNORED_AUDIT_FIELDS.has(field)) continue;
    const b = before ? (before[field] ?? null) : null;
    const a = after ? (after[field] ?? null) : null;
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    if (REDACTED_AUDIT_FIELDS.has(field)) changes.push({ field, before: b === null ? null : '(hidden)', after: a === null ? null : '(hidden)' });
    else changes.push({ field, before: b, after: a });
  }
  return changes;
}
