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

// ---- doctors, schedules, appointments -------------------------------------------------------
export const apptKeys = {
  doctors: ['doctors', 'list'] as const,
  schedule: (doctorId: string) => ['schedules', doctorId] as const,
  holidays: ['holidays', 'list'] as const,
  day: (date: string) => ['appointments', 'day', date] as const,
  doctorDay: (date: string, doctorId: string) => ['appointments', 'day', date, doctorId] as const,
  week: (doctorId: string, weekStart: string) => ['appointments', 'week', doctorId, weekStart] as const,
  one: (id: string) => ['appointments', 'one', id] as const,
  queue: (doctorId: string | null) => ['appointments', 'queue', doctorId ?? 'me'] as const,
};

export function useDoctors() {
  return useQuery({ queryKey: apptKeys.doctors, queryFn: () => api.call('doctors.list', { includeInactive: false }) });
}

export function useSchedule(doctorId: string | null) {
  return useQuery({ queryKey: apptKeys.schedule(doctorId ?? ''), queryFn: () => api.call('schedules.get', { doctorId: doctorId! }), enabled: !!doctorId });
}

export function useHolidays() {
  return useQuery({ queryKey: apptKeys.holidays, queryFn: () => api.call('holidays.list', {}) });
}

export function useDayView(date: string) {
  return useQuery({ queryKey: apptKeys.day(date), queryFn: () => api.call('appointments.day', { date }), placeholderData: keepPreviousData, staleTime: 5_000, refetchInterval: 30_000 });
}

/** One doctor's slots on a date (e.g. to pick a free one when rescheduling). */
export function useDoctorDay(date: string | null, doctorId: string) {
  return useQuery({
    queryKey: apptKeys.doctorDay(date ?? '', doctorId),
    queryFn: () => api.call('appointments.day', { date: date!, doctorIds: [doctorId] }),
    enabled: !!date,
    staleTime: 0,
  });
}

export function useWeekView(doctorId: string | null, weekStart: string) {
  return useQuery({
    queryKey: apptKeys.week(doctorId ?? '', weekStart),
    queryFn: () => api.call('appointments.week', { doctorId: doctorId!, weekStart }),
    enabled: !!doctorId,
    placeholderData: keepPreviousData,
  });
}

export function useAppointment(id: string | null) {
  return useQuery({ queryKey: apptKeys.one(id ?? ''), queryFn: () => api.call('appointments.get', { id: id! }), enabled: !!id, staleTime: 0 });
}

export function useQueue(doctorId: string | null) {
  return useQuery({ queryKey: apptKeys.queue(doctorId), queryFn: () => api.call('appointments.queue', doctorId ? { doctorId } : {}), staleTime: 0 });
}

// ---- sync with the clinic server ------------------------------------------------------------
/** Under 'sync': the core's 'sync' change events refresh them (state, rows arriving, revocation). */
export const syncKeys = {
  status: ['sync', 'status'] as const,
  devices: ['sync', 'devices'] as const,
};

export function useSyncStatus() {
  // The interval keeps "Synced 2 min ago" honest even when nothing changes.
  return useQuery({ queryKey: syncKeys.status, queryFn: () => api.call('sync.status', {}), staleTime: 0, refetchInterval: 30_000 });
}

export function useDevices(enabled: boolean) {
  return useQuery({ queryKey: syncKeys.devices, queryFn: () => api.call('devices.list', {}), enabled, staleTime: 10_000, retry: false });
}

// ---- needs attention ------------------------------------------------------------------------
/** Under 'inbox': the core's 'inbox' change events (a refusal arriving, an item resolved here) refresh them. */
export const inboxKeys = {
  all: ['inbox', 'all'] as const,
};

/** Every item, open ones first (oldest first), then the resolved ones (latest first). */
export function useInbox() {
  return useQuery({ queryKey: inboxKeys.all, queryFn: () => api.call('inbox.list', { include: 'all' }), staleTime: 0 });
}
