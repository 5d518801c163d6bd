import { useRef, type RefObject } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ConsultVisit, DietItem, MedicationItem, PrescriptionKind, PrescriptionRecord } from '../../../../src-shared/api/consult';
import { api, ApiError } from '../../api/client';
import { consultKeys } from '../../api/consult';
import { useAutosave, useRegisterFlush, type Autosave } from './ConsultAutosave';

/** What an editor sends: the lines ready to save, and what is held back (lines not complete yet). */
export interface PrescriptionPayload<I> {
  items: I[];
  advice: string;
  printHindi: boolean;
  /** Local keys of the lines sent, in order (to put the core's "items.2.dose" messages on the right line). */
  sentKeys: string[];
  /** Plain words for what is not saved yet, or null. */
  held: string | null;
}

/** The newest version of the visit's prescription or diet plan, and the earlier ones. */
export function versionsOf(visit: ConsultVisit, kind: PrescriptionKind): { current: PrescriptionRecord | null; earlier: PrescriptionRecord[] } {
  const all = visit.prescriptions.filter((p) => p.kind === kind).sort((a, b) => b.version - a.version);
  return { current: all[0] ?? null, earlier: all.slice(1) };
}

/**
 * Autosave for a prescription or diet plan draft (prescriptions.save): creates it on the first line, keeps its id,
 * and if another PC made the visit's draft meanwhile, continues that one with these lines added.
 */
export function usePrescriptionAutosave<V, I extends MedicationItem | DietItem>({
  kind,
  visit,
  record,
  value,
  savedValue,
  readOnly,
  payloadOf,
  adopt,
  onRecord,
}: {
  kind: PrescriptionKind;
  visit: ConsultVisit;
  record: PrescriptionRecord | null;
  value: V;
  savedValue: V;
  readOnly: boolean;
  payloadOf: (v: V) => PrescriptionPayload<I>;
  /** Another PC's draft found on saving: put its lines and ours together (the editor's state). */
  adopt: (theirs: PrescriptionRecord, ours: V) => V;
  onRecord: (r: PrescriptionRecord) => void;
}): { autosave: Autosave; sentKeys: RefObject<string[]> } {
  const queryClient = useQueryClient();
  const appointmentId = visit.appointment.id;
  const id = useRef<string | null>(record?.id ?? null);
  const sentKeys = useRef<string[]>([]);
  const onRecordRef = useRef(onRecord);
  onRecordRef.current = onRecord;

  const send = async (p: PrescriptionPayload<I>) => {
    sentKeys.current = p.sentKeys;
    const base = { appointmentId, advice: p.advice, printHindi: p.printHindi, ...(id.current ? { prescriptionId: id.current } : {}) };
    const r = await api.call('prescriptions.save', kind === 'medication' ? { kind, ...base, items: p.items as MedicationItem[] } : { kind, ...base, items: p.items as DietItem[] });
    id.current = r.id;
    onRecordRef.current(r);
  };

  const autosave = useAutosave<V>({
    name: kind === 'medication' ? 'The prescription' : 'The diet plan',
    value,
    savedValue,
    enabled: !readOnly,
    backup: { appointmentId, part: kind },
    save: async (v) => {
      const p = payloadOf(v);
      // No draft yet and nothing ready to put in one: nothing is made.
      if (!id.current && p.items.length === 0 && p.advice.trim() === '') return { held: p.held };
      try {
        await send(p);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'prescription_exists')) throw e;
        const fresh = await queryClient.fetchQuery({ queryKey: consultKeys.visit(appointmentId), queryFn: () => api.call('consult.visit', { appointmentId }), staleTime: 0 });
        const theirs = versionsOf(fresh, kind).current;
        if (!theirs || theirs.status !== 'draft') {
          throw new ApiError({ code: 'conflict', message: `This visit’s ${kind === 'medication' ? 'prescription' : 'diet plan'} was signed on another PC. What you typed is kept here: use “Change” to make a new version with it.` });
        }
        id.current = theirs.id;
        await send(payloadOf(adopt(theirs, v)));
      }
      return { held: p.held };
    },
  });
  useRegisterFlush(kind, autosave, !readOnly);
  return { autosave, sentKeys };
}

/** The core's messages for line fields ("items.1.dose"), put on the lines by their local keys. */
export function lineErrors(fields: Record<string, string>, sentKeys: readonly string[]): { byLine: Record<string, Record<string, string>>; other: string[] } {
  const byLine: Record<string, Record<string, string>> = {};
  const other: string[] = [];
  for (const [path, message] of Object.entries(fields)) {
    const m = /^items\.(\d+)\.(\w+)/.exec(path);
    const key = m ? sentKeys[Number(m[1])] : undefined;
    if (m && key) (byLine[key] ??= {})[m[2]!] = message;
    else other.push(message);
  }
  return { byLine, other };
}

let seq = 0;
export const lineKey = () => `l${++seq}`;
