import { getISODay, parseISO } from 'date-fns';
import { localParts } from '../dates';

/** Doctors' slots, derived from weekly templates, exceptions and clinic holidays — never stored one by one. */
export interface WeeklySession {
  weekday: number; // ISO: 1 = Monday … 7 = Sunday
  startMinutes: number;
  endMinutes: number;
  slotMinutes: number;
  capacity: number;
}

export interface ScheduleException {
  date: string;
  kind: 'leave' | 'extra';
  /** For leave: null = the whole day. For extra: required. */
  startMinutes: number | null;
  endMinutes: number | null;
  slotMinutes: number | null;
  capacity: number | null;
}

export interface Slot {
  startMinutes: number;
  endMinutes: number;
  capacity: number;
}

export function isoWeekday(date: string): number {
  return getISODay(parseISO(date));
}

function sessionSlots(s: { startMinutes: number; endMinutes: number; slotMinutes: number; capacity: number }): Slot[] {
  const slots: Slot[] = [];
  for (let t = s.startMinutes; t + s.slotMinutes <= s.endMinutes; t += s.slotMinutes) {
    slots.push({ startMinutes: t, endMinutes: t + s.slotMinutes, capacity: s.capacity });
  }
  return slots;
}

/** The slots a doctor offers on a date: weekly sessions + extra sessions − leave, none on a clinic holiday. */
export function slotsForDay(date: string, weekly: WeeklySession[], exceptions: ScheduleException[], isHoliday: boolean): Slot[] {
  if (isHoliday) return [];
  const today = exceptions.filter((e) => e.date === date);
  if (today.some((e) => e.kind === 'leave' && e.startMinutes === null)) return [];
  const weekday = isoWeekday(date);
  let slots = weekly.filter((s) => s.weekday === weekday).flatMap(sessionSlots);
  for (const extra of today.filter((e) => e.kind === 'extra')) {
    if (extra.startMinutes === null || extra.endMinutes === null) continue;
    slots.push(...sessionSlots({ startMinutes: extra.startMinutes, endMinutes: extra.endMinutes, slotMinutes: extra.slotMinutes ?? 15, capacity: extra.capacity ?? 1 }));
  }
  for (const leave of today.filter((e) => e.kind === 'leave' && e.startMinutes !== null)) {
    slots = slots.filter((s) => s.endMinutes <= leave.startMinutes! || s.startMinutes >= (leave.endMinutes ?? 1440));
  }
  // One slot per start time: overlapping sessions add capacity rather than duplicate the slot.
  const byStart = new Map<number, Slot>();
  for (const s of slots) {
    const existing = byStart.get(s.startMinutes);
    if (existing) existing.capacity += s.capacity;
    else byStart.set(s.startMinutes, { ...s });
  }
  return [...byStart.values()].sort((a, b) => a.startMinutes - b.startMinutes);
}

/** "09:30" */
export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Clinic-local date and minutes after midnight of an instant. */
export function localClock(instant: Date, timeZone: string): { today: string; nowMinutes: number } {
  const p = localParts(instant, timeZone);
  return { today: `${p.year}-${p.month}-${p.day}`, nowMinutes: Number(p.hour) * 60 + Number(p.minute) };
}
