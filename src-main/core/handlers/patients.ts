import { sql } from 'kysely';
import { ApiError, notFound } from '../../../src-shared/errors';
import type { AuditEntry, Patient, PatientSearchResult, PatientSummary } from '../../../src-shared/api/types';
import { newId } from '../../../src-shared/ids';
import { formatMrn } from '../../../src-shared/mrn';
import { todayIn } from '../../../src-shared/dates';
import { namesProbablySame, normalizeName } from '../../../src-shared/domain/names';
import { patientEditSet } from '../../../src-shared/domain/patients';
import { classifyPatientQuery, patientFtsMatch } from '../../../src-shared/domain/patientSearch';
import { runMutation, type CallContext, type CoreDeps, type Handlers } from '../context';
import { PATIENT_SUMMARY_COLUMNS, patientFromRow, patientSummaryFromRow } from '../../../src-shared/commands/rows';

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
    // The desk's own MRN series: the next number is taken inside the command's transaction, so a refused
    // registration uses none and two registrations here never share one; other desks have their own series.
    const id = newId();
    return (await runMutation(ctx, 'patients.register', async (trx) => {
      const series = await trx
        .updateTable('device')
        .set({ patient_next: sql`patient_next + 1` })
        .returning(['patient_series', sql<number>`patient_next - 1`.as('seq')])
        .executeTakeFirstOrThrow();
      return { id, mrn: formatMrn(series.patient_series, series.seq), input };
    })) as Patient;
  },

  async 'patients.update'(ctx, { id, changes }) {
    const day = await today(ctx);
    const current = patientFromRow(await loadPatient(ctx, id));
    const set = patientEditSet(current, changes, { now: ctx.clock().toISOString(), today: day });
    if (Object.keys(set).length === 0) return current;
    if ((await loadPatient(ctx, id)).updated_at !== current.updatedAt) {
      throw new ApiError({ code: 'conflict', reason: 'changed_meanwhile', message: 'Someone else changed this patient just now. Reload to see their changes, then edit again.' });
    }
    return (await runMutation(ctx, 'patients.update', { id, set })) as Patient;
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
