/**
 * Deterministic generator of realistic Indian patients (and of the search queries run against them).
 * Same seed + same count → byte-identical patients: no Math.random, no clock, only a seeded PRNG.
 *
 * Families are modelled as households: members share a surname, an address and often one mobile
 * number (children, a spouse, elderly parents), and register at different times, as they do at a clinic.
 */
import { estimatedDateOfBirth } from '../src-shared/dates';
import type { Sex } from '../src-shared/api/types';
import type { PatientFields } from '../src-shared/domain/patients';
import { CITIES, COMMUNITIES, BUILDINGS, EMAIL_DOMAINS, RELATIONS_TO_HEAD, STREETS, type City, type Community, type Region } from './indianData';

/** Bump when the generated data changes: cached seeded databases are keyed by it. */
export const GENERATOR_VERSION = 1;

/** Registrations of the seeded patients end here (and span the years before). Fixed for determinism. */
export const SEED_END_MS = Date.UTC(2025, 11, 31, 12, 0, 0);
export const SEED_SPAN_YEARS = 10;

const YEAR_MS = 365.2425 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

// ---- PRNG -----------------------------------------------------------------------------------

/** mulberry32: a small, fast 32-bit PRNG; good enough for test data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  u32(): number {
    return this.next();
  }
  /** [0, 1) */
  float(): number {
    return this.next() / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  /** Integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}

/** Picks from a list with precomputed cumulative weights (binary search). */
class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;
  constructor(
    private readonly items: readonly T[],
    weight: (item: T, index: number) => number,
  ) {
    let sum = 0;
    items.forEach((item, i) => {
      sum += weight(item, i);
      this.cumulative.push(sum);
    });
    this.total = sum;
  }
  pick(rng: Rng): T {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** Common names first: a Zipf-like weight by rank. */
const zipf = (s: number) => <T>(items: readonly T[]) => new Weighted(items, (_item, i) => 1 / Math.pow(i + 1, s));

// ---- patients ---------------------------------------------------------------------------------

/**
 * One generated patient: the fields of a registration (the shared PatientFields, with an exact or
 * estimated date of birth always present), plus when they registered.
 */
export type GeneratedPatient = Omit<PatientFields, 'dateOfBirth' | 'consentMessagesAt' | 'consentDataProcessingAt'> & {
  dateOfBirth: string;
  /** Registration instant (ms since epoch); strictly increasing with the generation order. */
  registeredAtMs: number;
};

type Role = 'head' | 'spouse' | 'child' | 'parent' | 'sibling';

interface Member {
  role: Role;
  sex: 'female' | 'male';
  firstName: string;
  dobMs: number;
  /** Own number, or null to use the household's (shared) number. */
  mobile: string | null;
}

interface Household {
  community: Community;
  city: City;
  surname: string;
  mobile: string;
  addressLine: string | null;
  pincode: string;
  /** Head's first name, for father-middle names and emergency contacts. */
  headFirst: string;
  headSex: 'female' | 'male';
  pending: Member[];
}

interface CommunityPickers {
  surname: Weighted<string>;
  male: Weighted<string>;
  female: Weighted<string>;
  region: Weighted<Region>;
}

const HOUSEHOLD_SIZES = new Weighted([1, 2, 3, 4, 5, 6], (n) => [40, 25, 17, 12, 4, 2][n - 1]!);
/** First digit of Indian mobile numbers (9 and 8 series are older, so commoner). */
const MOBILE_FIRST = new Weighted(['9', '8', '7', '6'], (d) => ({ '9': 40, '8': 25, '7': 25, '6': 10 })[d]!);

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function randomMobile(rng: Rng): string {
  return MOBILE_FIRST.pick(rng) + rng.digits(9);
}

export interface GeneratorOptions {
  /** How many patients the seeded clinic will hold: registrations are spread evenly over the span. */
  count: number;
  endMs?: number;
  spanYears?: number;
}

/**
 * Streams patients in registration order. Deterministic for a given seed and count.
 * `next()` beyond `count` keeps working (registration times continue past endMs), for extra registrations.
 */
export class PatientGenerator {
  private readonly rng: Rng;
  private readonly communities: Weighted<Community>;
  private readonly pickers = new Map<Community, CommunityPickers>();
  private readonly citiesByRegion = new Map<Region, Weighted<City>>();
  private readonly allCities: Weighted<City>;
  private readonly open: Household[] = [];
  private readonly startMs: number;
  private readonly stepMs: number;
  private index = 0;

  constructor(seed: number, options: GeneratorOptions) {
    this.rng = new Rng(seed);
    this.communities = new Weighted(COMMUNITIES, (c) => c.weight);
    for (const c of COMMUNITIES) {
      this.pickers.set(c, {
        surname: zipf(0.9)(c.surnames),
        male: zipf(0.7)(c.male),
        female: zipf(0.7)(c.female),
        region: new Weighted(Object.keys(c.regions) as Region[], (r) => c.regions[r]!),
      });
    }
    for (const region of ['north', 'south', 'east', 'west'] as const) {
      this.citiesByRegion.set(region, new Weighted(CITIES.filter((c) => c.region === region), (c) => c.weight));
    }
    this.allCities = new Weighted(CITIES, (c) => c.weight);
    const end = options.endMs ?? SEED_END_MS;
    const span = (options.spanYears ?? SEED_SPAN_YEARS) * YEAR_MS;
    this.startMs = end - span;
    this.stepMs = span / Math.max(1, options.count);
  }

  next(): GeneratedPatient {
    const rng = this.rng;
    const i = this.index++;
    // Strictly increasing, a little jitter inside each patient's slot.
    const registeredAtMs = Math.floor(this.startMs + (i + 0.1 + rng.float() * 0.8) * this.stepMs);
    let household: Household;
    let member: Member;
    if (this.open.length > 0 && rng.chance(0.5)) {
      // A family member of someone registered earlier.
      const k = rng.int(this.open.length);
      household = this.open[k]!;
      member = household.pending.shift()!;
      if (household.pending.length === 0) {
        this.open[k] = this.open[this.open.length - 1]!;
        this.open.pop();
      }
    } else {
      household = this.newHousehold(registeredAtMs);
      member = household.pending.shift()!;
      if (household.pending.length > 0) this.open.push(household);
    }
    return this.patient(household, member, registeredAtMs);
  }

  private firstName(c: Community, sex: 'female' | 'male'): string {
    const p = this.pickers.get(c)!;
    return (sex === 'male' ? p.male : p.female).pick(this.rng);
  }

  /** Age at the household's first registration, in years (0–95), shaped like a clinic's patients. */
  private adultAge(lo: number, hi: number): number {
    return this.rng.between(lo, hi);
  }

  private anyAge(): number {
    const r = this.rng.float();
    if (r < 0.1) return this.rng.between(0, 4);
    if (r < 0.25) return this.rng.between(5, 17);
    if (r < 0.6) return this.rng.between(18, 39);
    if (r < 0.85) return this.rng.between(40, 59);
    return this.rng.between(60, 95);
  }

  private dobFor(ageYears: number, atMs: number): number {
    const clamped = Math.max(0, Math.min(95, ageYears));
    return atMs - clamped * YEAR_MS - this.rng.int(365) * DAY_MS;
  }

  private newHousehold(atMs: number): Household {
    const rng = this.rng;
    const community = this.communities.pick(rng);
    const p = this.pickers.get(community)!;
    const region = rng.chance(0.08) ? null : p.region.pick(rng);
    const city = region ? this.citiesByRegion.get(region)!.pick(rng) : this.allCities.pick(rng);
    const size = HOUSEHOLD_SIZES.pick(rng);
    const headSex: 'female' | 'male' = rng.chance(0.55) ? 'male' : 'female';
    const headAge = size === 1 ? this.anyAge() : this.adultAge(24, 72);
    const headFirst = this.firstName(community, headSex);
    const addressLine = rng.chance(0.7)
      ? `${rng.chance(0.5) ? 'Flat ' : ''}${rng.between(1, 999)}, ${rng.pick(BUILDINGS)}, ${rng.pick(STREETS)}`
      : null;
    const pending: Member[] = [{ role: 'head', sex: headSex, firstName: headFirst, dobMs: this.dobFor(headAge, atMs), mobile: null }];
    const usedFirst = new Set([headFirst]);
    for (let m = 1; m < size; m++) {
      let role: Role;
      if (m === 1 && rng.chance(0.75)) role = 'spouse';
      else if (rng.chance(0.75)) role = 'child';
      else role = rng.chance(0.5) ? 'parent' : 'sibling';
      const sex: 'female' | 'male' = role === 'spouse' ? (headSex === 'male' ? 'female' : 'male') : rng.chance(0.5) ? 'male' : 'female';
      let firstName = this.firstName(community, sex);
      for (let tries = 0; usedFirst.has(firstName) && tries < 5; tries++) firstName = this.firstName(community, sex);
      usedFirst.add(firstName);
      const age =
        role === 'spouse'
          ? headAge + rng.between(-6, 6)
          : role === 'child'
            ? headAge - rng.between(20, 38)
            : role === 'parent'
              ? headAge + rng.between(20, 32)
              : headAge + rng.between(-10, 10);
      const adult = age >= 18;
      const ownShare = role === 'spouse' ? 0.45 : role === 'child' ? (adult ? 0.7 : 0) : role === 'parent' ? 0.35 : 0.8;
      pending.push({ role, sex, firstName, dobMs: this.dobFor(age, atMs), mobile: rng.chance(ownShare) ? randomMobile(rng) : null });
    }
    return {
      community,
      city,
      surname: p.surname.pick(rng),
      mobile: randomMobile(rng),
      addressLine,
      pincode: city.pinPrefix + rng.digits(3),
      headFirst,
      headSex,
      pending,
    };
  }

  private fullName(h: Household, m: Member): string {
    const rng = this.rng;
    const c = h.community;
    let surname = h.surname;
    if (c.style === 'sikh' && m.sex === 'female' && surname === 'Singh') surname = 'Kaur';
    const middles = m.sex === 'male' ? c.maleMiddle : c.femaleMiddle;
    const withMiddle = rng.chance(c.middleShare);
    let parts: string[];
    switch (c.style) {
      case 'sikh': {
        const middle = m.sex === 'male' ? 'Singh' : 'Kaur';
        parts = withMiddle ? (rng.chance(0.25) ? [m.firstName, middle] : [m.firstName, middle, surname]) : [m.firstName, surname];
        break;
      }
      case 'initial-first-last': {
        const initial = String.fromCharCode(65 + rng.int(26)) + (rng.chance(0.6) ? '.' : '');
        if (!withMiddle) parts = [m.firstName, surname];
        else if (rng.chance(0.15)) parts = [initial, m.firstName]; // "K. Lakshmi": no family name at all
        else parts = rng.chance(0.7) ? [initial, m.firstName, surname] : [m.firstName, initial, surname];
        break;
      }
      case 'father-middle': {
        let middle: string | null = null;
        if (withMiddle) {
          // Wife and children take the head's first name; the head, a father's name of their own.
          if ((m.role === 'spouse' || m.role === 'child') && h.headSex === 'male') middle = h.headFirst;
          else if (m.role === 'child' && h.headSex === 'female') middle = this.firstName(c, 'male');
          else middle = this.firstName(c, 'male');
          if (c.key === 'gujarati' && m.role !== 'child' && rng.chance(0.3)) middle += m.sex === 'male' ? 'bhai' : 'ben';
        }
        parts = middle ? [m.firstName, middle, surname] : [m.firstName, surname];
        break;
      }
      case 'first-middle-last': {
        let middle: string | null = null;
        if (withMiddle && middles && middles.length > 0) middle = rng.pick(middles);
        else if (rng.chance(0.05)) middle = String.fromCharCode(65 + rng.int(26)) + '.';
        parts = middle ? [m.firstName, middle, surname] : [m.firstName, surname];
        break;
      }
    }
    const name = parts.join(' ');
    // A few desks type names in capitals.
    return rng.chance(0.01) ? name.toUpperCase() : name;
  }

  private patient(h: Household, m: Member, registeredAtMs: number): GeneratedPatient {
    const rng = this.rng;
    const fullName = this.fullName(h, m);
    const sex: Sex = rng.chance(0.001) ? 'other' : m.sex;
    const mobile = m.mobile ?? h.mobile;
    // Age-only registrations: the date of birth is estimated as "that many years before today".
    const dobEstimated = rng.chance(0.15);
    let dobMs = Math.min(m.dobMs, registeredAtMs);
    let dateOfBirth: string;
    if (dobEstimated) {
      // As the desk does it: that many whole years before the registration day.
      const age = Math.floor((registeredAtMs - dobMs) / YEAR_MS);
      dateOfBirth = estimatedDateOfBirth(age, isoDate(registeredAtMs));
      dobMs = Date.parse(`${dateOfBirth}T00:00:00Z`);
    } else {
      dateOfBirth = isoDate(dobMs);
    }
    const age = (registeredAtMs - dobMs) / YEAR_MS;
    let email: string | null = null;
    if (age >= 18 && rng.chance(m.mobile !== null ? 0.45 : 0.15)) {
      const first = m.firstName.toLowerCase();
      const last = h.surname.toLowerCase().replace(/[^a-z]/g, '');
      const sep = rng.pick(['.', '', '_']);
      const suffix = rng.chance(0.6) ? String(rng.between(1, 99)) : rng.chance(0.5) ? String(new Date(dobMs).getUTCFullYear()) : '';
      email = `${first}${sep}${last}${suffix}@${rng.pick(EMAIL_DOMAINS)}`;
    }
    let emergencyName: string | null = null;
    let emergencyRelation: string | null = null;
    let emergencyPhone: string | null = null;
    if (rng.chance(0.45)) {
      if (m.role !== 'head') {
        // The head of the family, described from this patient's side.
        const rel = m.role === 'spouse' ? 'spouse' : m.role === 'child' ? 'parent' : m.role === 'parent' ? 'child' : 'sibling';
        emergencyName = `${h.headFirst} ${h.surname}`;
        emergencyRelation = RELATIONS_TO_HEAD[rel][h.headSex];
        emergencyPhone = h.mobile !== mobile ? h.mobile : null;
      } else {
        const rel = rng.pick(['spouse', 'child', 'sibling'] as const);
        const sex = rel === 'spouse' ? (m.sex === 'male' ? 'female' : 'male') : rng.chance(0.5) ? 'male' : 'female';
        emergencyName = `${this.firstName(h.community, sex)} ${h.surname}`;
        emergencyRelation = RELATIONS_TO_HEAD[rel][sex];
        emergencyPhone = randomMobile(rng);
      }
    }
    const hasCity = rng.chance(0.95);
    const consentDataProcessing = rng.chance(0.85);
    return {
      fullName,
      sex,
      dateOfBirth,
      dobEstimated,
      mobile,
      email,
      addressLine: hasCity ? h.addressLine : null,
      city: hasCity ? h.city.name : null,
      stateCode: hasCity ? h.city.stateCode : null,
      pincode: hasCity && rng.chance(0.9) ? h.pincode : null,
      emergencyName,
      emergencyRelation,
      emergencyPhone,
      abhaNumber: rng.chance(0.12) ? '91' + rng.digits(12) : null,
      consentMessages: rng.chance(0.6),
      consentDataProcessing,
      registeredAtMs,
    };
  }
}

/** A UUIDv7 (as the app's newId() makes) with its random bits from the seeded PRNG. */
export function seededUuidV7(rng: Rng, ms: number): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const ts = hex(ms, 12);
  const r1 = rng.u32();
  const r2 = rng.u32();
  const r3 = rng.u32();
  const randA = hex(0x7000 | (r1 & 0x0fff), 4);
  const randB = hex(0x8000 | ((r1 >>> 12) & 0x3fff), 4);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${randA}-${randB}-${hex(r2, 8)}${hex(r3 & 0xffff, 4)}`;
}

// ---- queries ------------------------------------------------------------------------------------

export type QueryKind = 'name' | 'mobile' | 'mrn';

export interface BenchQuery {
  text: string;
  kind: QueryKind;
  /** How the query was made, e.g. "name:first+last-prefix", "mobile:+91". */
  variant: string;
  /** The row it was made from (present in the data). */
  sourceRid: number;
}

export interface SampledPatient {
  rid: number;
  fullName: string;
  mobile: string;
  mrn: string;
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'dr', 'smt', 'shri', 'sri', 'kumari', 'baby', 'master']);

function nameWords(fullName: string): string[] {
  return fullName
    .toLowerCase()
    .replace(/[^a-z\s]/g, '')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !TITLES.has(w));
}

function prefixOf(rng: Rng, word: string): string {
  const n = Math.min(word.length, rng.between(2, 6));
  return word.slice(0, n);
}

function casing(rng: Rng, text: string): string {
  const r = rng.float();
  if (r < 0.6) return text.toLowerCase();
  if (r < 0.9) return text.split(' ').map(titleCase).join(' ');
  return text.toUpperCase();
}

function nameQuery(rng: Rng, p: SampledPatient): { text: string; variant: string } | null {
  const words = nameWords(p.fullName);
  if (words.length === 0) return null;
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const r = rng.float();
  if (r < 0.25 || words.length === 1) return { text: casing(rng, prefixOf(rng, first)), variant: 'name:first-prefix' };
  if (r < 0.4) return { text: casing(rng, prefixOf(rng, last)), variant: 'name:last-prefix' };
  if (r < 0.75) return { text: casing(rng, `${prefixOf(rng, first)} ${prefixOf(rng, last)}`), variant: 'name:first+last-prefix' };
  if (r < 0.9) return { text: casing(rng, `${first} ${last}`), variant: 'name:first+last' };
  return { text: casing(rng, `${prefixOf(rng, last)} ${prefixOf(rng, first)}`), variant: 'name:last+first-prefix' };
}

function mobileQuery(rng: Rng, p: SampledPatient): { text: string; variant: string } {
  const digits = p.mobile.slice(0, rng.between(4, 10));
  const r = rng.float();
  if (r < 0.7) return { text: digits, variant: 'mobile:digits' };
  if (r < 0.85) return { text: `+91 ${digits}`, variant: 'mobile:+91' };
  if (r < 0.95) return { text: `0${digits}`, variant: 'mobile:0' };
  return { text: digits.length > 5 ? `${digits.slice(0, 5)} ${digits.slice(5)}` : digits, variant: 'mobile:spaced' };
}

function mrnQuery(rng: Rng, p: SampledPatient): { text: string; variant: string } {
  const [series, seq, check] = p.mrn.split('-') as [string, string, string];
  const r = rng.float();
  if (r < 0.4) return { text: rng.chance(0.7) ? p.mrn : p.mrn.toLowerCase(), variant: 'mrn:full' };
  if (r < 0.55) return { text: `${series}${seq}${check}`, variant: 'mrn:compact' };
  if (r < 0.7) return { text: `${series}-${seq}`, variant: 'mrn:no-check' };
  // Typed so far: the series and at least three digits of the number.
  const digits = rng.between(3, Math.max(3, seq.length - 1));
  return { text: `${series}-${seq.slice(0, digits)}`, variant: 'mrn:prefix' };
}

/**
 * `count` queries over the seeded data: 60 % name fragments, 25 % mobile prefixes, 15 % MRNs.
 * `sample(rid)` reads one seeded patient; rids are drawn uniformly from 1..patients.
 */
export function makeQueries(seed: number, count: number, patients: number, sample: (rid: number) => SampledPatient): BenchQuery[] {
  const rng = new Rng(seed);
  const out: BenchQuery[] = [];
  while (out.length < count) {
    const p = sample(rng.between(1, patients));
    const r = rng.float();
    const kind: QueryKind = r < 0.6 ? 'name' : r < 0.85 ? 'mobile' : 'mrn';
    const q = kind === 'name' ? nameQuery(rng, p) : kind === 'mobile' ? mobileQuery(rng, p) : mrnQuery(rng, p);
    if (q) out.push({ ...q, kind, sourceRid: p.rid });
  }
  return out;
}
