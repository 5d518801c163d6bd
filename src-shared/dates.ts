import { differenceInYears, format, isValid, parse, parseISO, subYears } from 'date-fns';

/** Dates the user sees: dd-MM-yyyy. Dates stored and sent: yyyy-MM-dd. Instants: UTC ISO strings. */
export const DISPLAY_DATE = 'dd-MM-yyyy';
export const ISO_DATE = 'yyyy-MM-dd';
export const DEFAULT_TIMEZONE = 'Asia/Kolkata';

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = parse(value, ISO_DATE, new Date(2000, 0, 1));
  return isValid(d) && format(d, ISO_DATE) === value;
}

export function formatDisplayDate(isoDate: string): string {
  const d = parse(isoDate, ISO_DATE, new Date(2000, 0, 1));
  return isValid(d) ? format(d, DISPLAY_DATE) : isoDate;
}

/** An instant shown as "dd-MM-yyyy HH:mm" in the clinic's timezone. */
export function formatDisplayInstant(isoInstant: string, timeZone: string = DEFAULT_TIMEZONE): string {
  const d = parseISO(isoInstant);
  if (!isValid(d)) return isoInstant;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('day')}-${get('month')}-${get('year')} ${get('hour')}:${get('minute')}`;
}

/** Today's date (yyyy-MM-dd) in the clinic's timezone. */
export function todayIn(timeZone: string = DEFAULT_TIMEZONE, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts; // en-CA formats as yyyy-MM-dd
}

export function ageInYears(isoDateOfBirth: string, todayIso: string): number {
  return differenceInYears(parse(todayIso, ISO_DATE, new Date(2000, 0, 1)), parse(isoDateOfBirth, ISO_DATE, new Date(2000, 0, 1)));
}

/** When only an age is known: an estimated date of birth, that many years before today (flagged as estimated). */
export function estimatedDateOfBirth(ageYears: number, todayIso: string): string {
  const today = parse(todayIso, ISO_DATE, new Date(2000, 0, 1));
  return format(subYears(today, ageYears), ISO_DATE);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
