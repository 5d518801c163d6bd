import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { MethodInput } from '../../../src-shared/api/contract';
import { api } from './client';

/** Under 'billing': the core's 'billing' change events (any bill, payment, closing or catalogue change) refresh them. */
export const billingKeys = {
  profile: ['billing', 'profile'] as const,
  catalogue: (all: boolean) => ['billing', 'catalogue', all] as const,
  list: (f: MethodInput<'invoices.list'>) => ['billing', 'invoices', f] as const,
  invoice: (id: string) => ['billing', 'invoice', id] as const,
  day: (date: string) => ['billing', 'day', date] as const,
  gst: (month: string) => ['billing', 'gst', month] as const,
  toBill: (date: string) => ['billing', 'to-bill', date] as const,
};

export function useTaxProfile() {
  return useQuery({ queryKey: billingKeys.profile, queryFn: () => api.call('billing.taxProfile', {}) });
}

export function useCatalogue(includeInactive = false) {
  return useQuery({ queryKey: billingKeys.catalogue(includeInactive), queryFn: () => api.call('catalogue.list', { includeInactive }) });
}

export function useInvoices(filters: MethodInput<'invoices.list'>) {
  return useQuery({ queryKey: billingKeys.list(filters), queryFn: () => api.call('invoices.list', filters), placeholderData: keepPreviousData, staleTime: 0 });
}

export function useInvoice(id: string | null) {
  return useQuery({ queryKey: billingKeys.invoice(id ?? ''), queryFn: () => api.call('invoices.get', { id: id! }), enabled: !!id, staleTime: 0 });
}

export function useDayClosing(businessDate: string) {
  return useQuery({ queryKey: billingKeys.day(businessDate), queryFn: () => api.call('dayClosing.get', { businessDate }), staleTime: 0 });
}

export function useGstSummary(month: string) {
  return useQuery({ queryKey: billingKeys.gst(month), queryFn: () => api.call('gst.summary', { month }), placeholderData: keepPreviousData, staleTime: 0 });
}

/** A day's visits seen and not billed yet (appointment changes refresh it too). */
export function useVisitsToBill(date: string) {
  return useQuery({ queryKey: billingKeys.toBill(date), queryFn: () => api.call('invoices.toBill', { date }), staleTime: 0, refetchInterval: 30_000 });
}
