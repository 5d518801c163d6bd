import { sql } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { AuditEntry, PatientSearchResult, PatientSummary } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { formatMrn } from '../../../src-shared/mrn';
import { todayIn } from '../../../src-shared/dates';
import { namesProbablySame, normalizeName } from '../../../src-shared/domain/names';
import { decideRegisterPatient, decideUpdatePatient } from '../../../src-shared/domain/patients';
import { classifyPatientQuery, patientFtsMatch } from '../../../src-shared/domain/patientSearch';
import { runCommand, type CallContext, type CoreDeps, type Handlers } from '../context';
import { PATIENT_SUMMARY_COLUMNS, patientColumns, patientFromRow, patientSummaryFromRow } from '../mappers';

async function today(ctx: CoreDeps): Promise<string> {
  const clinic = await ctx.clinic();
  return todayIn(clinic?.timezone, ctx.clock());
}

async function loadPatient(ctx: CallContext, id: string) {
  const row = await ctx.db
    .selectFrom('patients')
    .selectAll()
    .where('id', '=', id)
    .where('clinic_id', '=', ctx.session!.clinicId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound('patient');
  return row;
}

/** Patients with this mobile number whose name is probably the same person's. */
async function probableDuplicates(ctx: CallContext, fullName: string, mobile: string, excludeId?: string): Promise<PatientSummary[]> {
  let q = ctx.db
    .selectFrom('patients')
    .select(PATIENT_SUMMARY_COLUMNS)
    .where('mobile', '=', mobile)
    .where('clinic_id', '=', ctx.session!.clinicId)
    .where('deleted_at', 'is', null);
  if (excludeId) q = q.where('id', '!=', excludeId);
  const rows = await q.limit(200).execute();
  return rows.filter((r) => namesProbablySame(fullName, r.full_name)).map(patientSummaryFromRow);
}

/** Within one page of results: whole-word matches before prefix-only matches, then newest first. */
function rankByWholeWords(rows: PatientSummary[], tokens: string[]): PatientSummary[] {
  const score = (p: PatientSummary) => {
    const words = new Set(normalizeName(p.fullName));
    return tokens.filter((t) => words.has(t)).length;
  };
  return rows
    .map((p, i) => ({ p, i, s: score(p) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.p);
}

export const patientHandlers: Pick<
  Handlers,
  'patients.search' | 'patients.get' | 'patients.findDuplicates' | 'patients.register' | 'patients.update' | 'patients.history'
> = {
  async 'patients.search'(ctx, { query, limit }) {
    const q = classifyPatientQuery(query);
    const match = patientFtsMatch(q);
    if (!match) return { query, kind: 'empty', patients: [], more: false } satisfies PatientSearchResult;
    // Newest registrations first: FTS5 walks its rowids backwards and stops at the limit,
    // so the cost stays flat however many patients share a name prefix.
    const rows = await ctx.db
      .selectFrom(sql<{ rowid: number }>`(SELECT rowid FROM patients_fts WHERE patients_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${limit + 1})`.as('f'))
      .innerJoin('patients as p', 'p.rid', 'f.rowid')
      .select(PATIENT_SUMMARY_COLUMNS.map((c) => `p.${c}` as const))
      .where('p.clinic_id', '=', ctx.session!.clinicId)
      .where('p.deleted_at', 'is', null)
      .orderBy('p.rid', 'desc')
      .execute();
    let patients = rows.slice(0, limit).map(patientSummaryFromRow);
    if (q.kind === 'name') patients = rankByWholeWords(patients, q.tokens);
    return { query, kind: q.kind, patients, more: rows.length > limit } satisfies PatientSearchResult;
  },

  async 'patients.get'(ctx, { id }) {
    return patientFromRow(await loadPatient(ctx, id));
  },

  async 'patients.findDuplicates'(ctx, { fullName, mobile, excludeId }) {
    return probableDuplicates(ctx, fullName, mobile, excludeId);
  },

  async 'patients.register'(ctx, { patient: input, confirmNotDuplicate }) {
    if (!confirmNotDuplicate) {
      const duplicates = await probableDuplicates(ctx, input.fullName, input.mobile);
      if (duplicates.length > 0) {
        throw new ApiError({
          code: 'conflict',
          reason: 'possible_duplicate',
          message: 'A patient with this mobile number and a similar name is already registered. Check them before registering a new record.',
          details: { duplicates },
        });
      }
    }
    const day = await today(ctx);
    const session = ctx.session!;
    return runCommand(ctx, 'patients.register', async (trx, now) => {
      // The desk's own MRN series: take the next number inside the same transaction as the insert.
      const series = await trx
        .updateTable('device')
        .set({ patient_next: sql`patient_next + 1` })
        .returning(['patient_series', sql<number>`patient_next - 1`.as('seq')])
        .executeTakeFirstOrThrow();
      const { patient, changes } = decideRegisterPatient(input, { id: newId(), mrn: formatMrn(series.patient_series, series.seq) }, { now, today: day });
      await trx
        .insertInto('patients')
        .values({
          ...patientColumns(patient),
          clinic_id: session.clinicId,
          created_at: now,
          updated_at: now,
          updated_by: session.userId,
          row_version: null,
          deleted_at: null,
        })
        .execute();
      return {
        result: patient,
        audit: [{ action: 'patient.registered', entityType: 'patient', entityId: patient.id, changes }],
        mutationArgs: { patient },
        entities: ['patients'],
      };
    });
  },

  async 'patients.update'(ctx, { id, changes }) {
    const day = await today(ctx);
    const session = ctx.session!;
    const current = patientFromRow(await loadPatient(ctx, id));
    const decision = decideUpdatePatient(current, changes, { now: ctx.clock().toISOString(), today: day });
    if (!decision) return current;
    return runCommand(ctx, 'patients.update', async (trx, now) => {
      const fresh = await trx.selectFrom('patients').select('updated_at').where('id', '=', id).executeTakeFirstOrThrow();
      if (fresh.updated_at !== current.updatedAt) {
        throw new ApiError({ code: 'conflict', reason: 'changed_meanwhile', message: 'Someone else changed this patient just now. Reload to see their changes, then edit again.' });
      }
      const next = { ...decision.patient, updatedAt: now };
      await trx
        .updateTable('patients')
        .set({ ...patientColumns(next), updated_at: now, updated_by: session.userId })
        .where('id', '=', id)
        .execute();
      return {
        result: next,
        audit: [{ action: 'patient.updated', entityType: 'patient', entityId: id, changes: decision.changes }],
        // Only the fields that changed travel: the server merges demographics field by field.
        mutationArgs: { id, changes: Object.fromEntries(decision.changes.map((c) => [c.field, c.after])) },
        entities: ['patients'],
      };
    });
  },

  async 'patients.history'(ctx, { id }) {
    await loadPatient(ctx, id);
    const rows = await ctx.db
      .selectFrom('audit_events as a')
      .leftJoin('staff as s', 's.id', 'a.user_id')
      .select(['a.id', 'a.at', 'a.action', 'a.entity_type', 'a.entity_id', 'a.user_id', 'a.changes', 's.display_name'])
      .where('a.entity_type', '=', 'patient')
      .where('a.entity_id', '=', id)
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .execute();
    return rows.map(
      (r): AuditEntry => ({
        id: r.id,
        at: r.at,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        userId: r.user_id,
        userName: r.display_name ?? 'Unknown user',
        changes: JSON.parse(r.changes),
      }),
    );
  },
};
