import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './client';

/** Query keys start with the entity the core names in its change events, so those events refresh them. */
export const keys = {
  patientSearch: (q: string) => ['patients', 'search', q] as const,
  patient: (id: string) => ['patients', 'one', id] as const,
  patientHistory: (id: string) => ['patients', 'history', id] as const,
  staff: ['staff', 'list'] as const,
  clinic: ['clinic'] as const,
};

export function usePatientSearch(query: string) {
  const q = query.trim();
  return useQuery({
    queryKey: keys.patientSearch(q),
    queryFn: () => api.call('patients.search', { query: q, limit: 50 }),
    enabled: q !== '',
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export function usePatient(id: string) {
  return useQuery({ queryKey: keys.patient(id), queryFn: () => api.call('patients.get', { id }) });
}

export function usePatientHistory(id: string, enabled: boolean) {
  return useQuery({ queryKey: keys.patientHistory(id), queryFn: () => api.call('patients.history', { id }), enabled });
}

export function useStaff() {
  return useQuery({ queryKey: keys.staff, queryFn: () => api.call('staff.list', { includeInactive: true }) });
}

export function useClinic() {
  return useQuery({ queryKey: keys.clinic, queryFn: () => api.call('clinic.get', {}) });
}
