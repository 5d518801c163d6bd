import type { MethodArgs } from '../api/contract';

type NewClinic = MethodArgs<'setup.createClinic'>;

/**
 * A new clinic and its first administrator as rows — the same on a desk's first run and on the
 * server's init-clinic. Each side adds its convention columns (clinic_id, times, row_version) and writes
 * them; the password arrives already turned into a verifier (src-shared/passwords.ts).
 */
export function newClinicRows({ clinic, admin }: NewClinic, ids: { clinicId: string; adminId: string }, passwordHash: string) {
  return {
    clinic: {
      id: ids.clinicId,
      legal_name: clinic.legalName,
      trade_name: clinic.tradeName,
      address_line: clinic.addressLine,
      city: clinic.city,
      state_code: clinic.stateCode,
      pincode: clinic.pincode,
      phone: clinic.phone,
      gstin: clinic.gstin,
      timezone: clinic.timezone,
      idle_lock_minutes: 10,
      no_show_grace_minutes: 15,
    },
    admin: {
      id: ids.adminId,
      username: admin.username,
      display_name: admin.displayName,
      role: 'admin' as const,
      password_hash: passwordHash,
      active: 1,
    },
  };
}
