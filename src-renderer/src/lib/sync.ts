import type { SyncState } from '../../../src-shared/api/types';
import type { StationRole } from '../../../src-shared/sync/shapes';

/** How each sync state looks: a word and an explanation as well as a colour, so it is never colour alone. */
export const SYNC_STATES: Record<SyncState, { word: string; color: string; explain: string }> = {
  online: { word: 'Online', color: 'teal', explain: 'Connected to the clinic server. Changes from other PCs appear here within seconds.' },
  syncing: { word: 'Syncing', color: 'blue', explain: 'Connected to the clinic server and catching up with changes made on other PCs.' },
  offline: {
    word: 'Offline',
    color: 'orange',
    explain: "The clinic server is not answering. Keep working: everything is saved on this PC and catches up when the server is back.",
  },
  standalone: {
    word: 'This PC only',
    color: 'gray',
    explain: 'This PC is not connected to a clinic server: everything is saved on this computer only.',
  },
  revoked: {
    word: 'Revoked',
    color: 'red',
    explain: 'An administrator has removed this PC from the clinic server. What is already here can still be read; ask an administrator to enrol it again.',
  },
};

export const STATION_LABELS: Record<StationRole, string> = {
  front_desk: 'Front desk',
  doctor: 'Consult room (doctor)',
  accounts: 'Accounts',
  admin: 'Admin',
};

/** Table names of the shapes, as people call them. */
const SHAPE_LABELS: Record<string, string> = {
  clinics: 'Clinic details',
  staff: 'Staff',
  patients: 'Patients',
  doctor_profiles: 'Doctors',
  schedule_sessions: 'Weekly schedules',
  schedule_exceptions: 'Leave and extra sessions',
  clinic_holidays: 'Holidays',
  appointments: 'Appointments',
  appointment_transitions: 'Appointment history',
};

export function shapeLabel(name: string): string {
  return SHAPE_LABELS[name] ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** "just now", "2 min ago", "3 h ago", else the date and time. */
export function ago(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (ms < 45_000) return 'just now';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  return dateTime(iso);
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-IN', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function pendingText(n: number): string {
  if (n === 0) return 'No changes waiting to be sent';
  return n === 1 ? '1 change waiting to be sent' : `${n} changes waiting to be sent`;
}

/** "1 change needs attention" (the server refused it and someone has to decide what to do). */
export function attentionText(n: number): string {
  if (n === 0) return 'Nothing needs attention';
  return n === 1 ? '1 change needs attention' : `${n} changes need attention`;
}

/** "5 min ago (2 Mar 2026, 10:41 am)": relative and absolute (once only when they are the same). */
export function agoAndAt(iso: string, now: number): string {
  const relative = ago(iso, now);
  const absolute = dateTime(iso);
  return relative === absolute ? absolute : `${relative} (${absolute})`;
}
