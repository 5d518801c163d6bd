import type { AppointmentStatusName, AppointmentSummary, AppointmentType, DaySlot } from '../../../src-shared/api/types';
import { formatMinutes } from '../../../src-shared/domain/schedule';

/** Each status's look on the day view: colour plus a short word (never colour alone). */
export const STATUS_STYLE: Record<AppointmentStatusName, { label: string; color: string }> = {
  requested: { label: 'Requested', color: 'indigo' },
  tentative: { label: 'Held', color: 'yellow' },
  confirmed: { label: 'Booked', color: 'blue' },
  checked_in: { label: 'Checked in', color: 'teal' },
  in_consult: { label: 'In consult', color: 'grape' },
  completed: { label: 'Done', color: 'gray' },
  no_show: { label: 'No-show', color: 'orange' },
  cancelled: { label: 'Cancelled', color: 'red' },
};

/** Statuses that take a place in a slot (cancelled and no-show ones free it again). */
export const OCCUPYING: ReadonlySet<AppointmentStatusName> = new Set<AppointmentStatusName>(['requested', 'tentative', 'confirmed', 'checked_in', 'in_consult', 'completed']);

/** Places taken in a slot. */
export function takenPlaces(slot: DaySlot): number {
  return slot.appointments.filter((a) => OCCUPYING.has(a.status)).length;
}

/** Places still free in a slot (capacity minus what is taken). */
export function freePlaces(slot: DaySlot): number {
  return slot.capacity - takenPlaces(slot);
}

export const TYPE_LABELS: Record<AppointmentType, string> = { new: 'New', follow_up: 'Follow-up', procedure: 'Procedure' };

/** Button labels for the lifecycle events the core allows (appointment.hold is offered only when booking). */
export const EVENT_BUTTONS: Record<string, { label: string; color: string; needsReason?: 'desk' | 'admin' }> = {
  'appointment.confirm': { label: 'Confirm', color: 'blue' },
  'appointment.checkIn': { label: 'Check in', color: 'teal' },
  'appointment.startConsult': { label: 'Call in', color: 'grape' },
  'appointment.complete': { label: 'Complete', color: 'gray' },
  'appointment.markNoShow': { label: 'Mark no-show', color: 'orange' },
  'appointment.overrideNoShow': { label: 'Undo no-show', color: 'orange', needsReason: 'admin' },
  'appointment.cancel': { label: 'Cancel appointment', color: 'red', needsReason: 'desk' },
  'appointment.expireHold': { label: 'Release hold', color: 'yellow' },
  'appointment.hold': { label: 'Hold for payment', color: 'yellow' },
};

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** "09:30" → 570; "24:00" → 1440; anything else → null. */
export function parseTime(text: string): number | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

export function slotTime(a: Pick<AppointmentSummary, 'startMinutes' | 'endMinutes'>): string {
  if (a.startMinutes === null) return 'Walk-in';
  return a.endMinutes === null ? formatMinutes(a.startMinutes) : `${formatMinutes(a.startMinutes)}–${formatMinutes(a.endMinutes)}`;
}

/** yyyy-MM-dd plus n days (calendar arithmetic, no time zones involved). */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

/** Monday of the week containing the date. */
export function weekStartOf(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return addDays(iso, -((dow + 6) % 7));
}

export function minutesSince(isoInstant: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(isoInstant)) / 60_000));
}

export function formatRupees(paise: number | null): string {
  if (paise === null) return '—';
  return `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: paise % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
}
