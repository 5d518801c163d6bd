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

/** One formatter per timezone: building an Intl.DateTimeFormat costs more than formatting with it. */
const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** The clinic-local calendar date and wall-clock time of an instant, as zero-padded strings. */
export function localParts(instant: Date, timeZone: string = DEFAULT_TIMEZONE): { year: string; month: string; day: string; hour: string; minute: string } {
  let f = clockFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormatters.set(timeZone, f);
  }
  const out = { year: '0000', month: '00', day: '00', hour: '00', minute: '00' };
  for (const p of f.formatToParts(instant)) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/** An instant shown as "dd-MM-yyyy HH:mm" in the clinic's timezone. */
export function formatDisplayInstant(isoInstant: string, timeZone: string = DEFAULT_TIMEZONE): string {
  const d = parseISO(isoInstant);
  if (!isValid(d)) return isoInstant;
  const p = localParts(d, timeZone);
  return `${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}`;
}

/** Today's date (yyyy-MM-dd) in the clinic's timezone. */
export function todayIn(timeZone: string = DEFAULT_TIMEZONE, now: Date = new Date()): string {
  const p = localParts(now, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
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
