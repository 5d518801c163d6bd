import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';

/**
 * Under 'consult': the core names the 'consult' entity in its change events after every clinical write
 * (notes, prescriptions, allergies, labs, templates), so LiveUpdates refreshes all of these at once.
 */
export const consultKeys = {
  visit: (appointmentId: string) => ['consult', 'visit', appointmentId] as const,
  history: (patientId: string) => ['consult', 'history', patientId] as const,
  diagnoses: (query: string) => ['consult', 'diagnoses', query] as const,
  templates: ['consult', 'templates'] as const,
  labs: (patientId: string) => ['consult', 'labs', patientId] as const,
  labTrend: (patientId: string, testName: string) => ['consult', 'labs', patientId, 'trend', testName] as const,
};

/** Everything the consult screen shows for one visit. */
export function useConsultVisit(appointmentId: string) {
  return useQuery({ queryKey: consultKeys.visit(appointmentId), queryFn: () => api.call('consult.visit', { appointmentId }), staleTime: 0, retry: false });
}

/** ICD-10 diagnoses matching what was typed (the caller debounces). */
export function useDiagnosisSearch(query: string) {
  const q = query.trim();
  return useQuery({
    queryKey: consultKeys.diagnoses(q),
    queryFn: () => api.call('consult.searchDiagnoses', { query: q, limit: 12 }),
    enabled: q.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}

/** The signed-in doctor's SOAP templates and quick phrases. */
export function useNoteTemplates(enabled: boolean) {
  return useQuery({ queryKey: consultKeys.templates, queryFn: () => api.call('consult.templates', {}), enabled, staleTime: 30_000 });
}
