export const ROLES = ['admin', 'front_desk', 'doctor', 'accounts', 'pharmacy'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an admin can give to staff today; pharmacy is reserved for a later module. */
export const ASSIGNABLE_ROLES = ['admin', 'front_desk', 'doctor', 'accounts'] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  front_desk: 'Front desk',
  doctor: 'Doctor',
  accounts: 'Accounts',
  pharmacy: 'Pharmacy',
};
