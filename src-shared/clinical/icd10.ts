/**
 * ICD-10(-CM) diagnosis search over a bundled code list (resources/icd10/icd10cm.tsv).
 * Pure: no Node, no DOM. The desktop core reads the file and builds the index once.
 *
 * - A code-like query ("e11", "E11.9", "E119") matches code prefixes, dot optional, any case;
 *   shorter codes come first (the category, then its subdivisions).
 * - A word query ("type 2 diab", "hypertension", "fever") needs every query word to be the prefix
 *   of some word of the title; exact word matches, a match on the title's first word, 3-character
 *   categories and shorter titles rank higher.
 */

export interface Icd10Entry {
  /** As doctors write it: "E11", "E11.9", "E11.65". */
  code: string;
  title: string;
}

export interface Icd10Index {
  readonly size: number;
  /** Entries sorted by code key. */
  readonly entries: readonly Icd10Entry[];
  /** Code without the dot, upper case, parallel to entries (sorted, so prefixes are ranges). */
  readonly keys: readonly string[];
  /** Sorted distinct lower-case title words; a word's id is its position here. */
  readonly vocab: readonly string[];
  /** For each entry, the ids of its title words in title order (duplicates removed). */
  readonly entryWords: readonly Uint32Array[];
  /** For each word id, the entries whose title has it (ascending entry positions). */
  readonly postings: readonly Uint32Array[];
  /** The query-independent part of each entry's word-search score (category bonus, title length). */
  readonly baseScore: Float64Array;
}

/** Parses `CODE<TAB>title` lines; blank lines and lines starting with '#' are skipped. */
export function parseIcd10Tsv(text: string): Icd10Entry[] {
  const out: Icd10Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line.startsWith('#')) continue;
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const code = line.slice(0, tab).trim();
    const title = line.slice(tab + 1).trim();
    if (code && title) out.push({ code, title });
  }
  return out;
}

/** "e11.9 " → "E119": the key codes are compared on. */
export function icd10Key(code: string): string {
  return code.replace(/[\s.]/g, '').toUpperCase();
}

/** "E119" → "E11.9"; "E11" stays "E11". */
export function formatIcd10Code(code: string): string {
  const key = icd10Key(code);
  return key.length > 3 ? `${key.slice(0, 3)}.${key.slice(3)}` : key;
}

const CODE_LIKE = /^[A-Z][0-9][0-9A-Z]{0,5}$/;

/** True when the query reads as (the start of) a code: a letter, a digit, then up to 5 more. */
export function isIcd10CodeQuery(query: string): boolean {
  return CODE_LIKE.test(icd10Key(query));
}

/** Lower-case words of letters and digits ("Pre-existing type 2" → pre, existing, type, 2). */
export function icd10Words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

export function buildIcd10Index(input: readonly Icd10Entry[]): Icd10Index {
  const byKey = new Map<string, Icd10Entry>();
  for (const e of input) {
    const key = icd10Key(e.code);
    if (!key || byKey.has(key)) continue;
    byKey.set(key, { code: formatIcd10Code(key), title: e.title });
  }
  const keys = [...byKey.keys()].sort(compareStrings);
  const entries = keys.map((k) => byKey.get(k)!);

  const wordsPerEntry = entries.map((e) => [...new Set(icd10Words(e.title))]);
  const vocab = [...new Set(wordsPerEntry.flat())].sort(compareStrings);
  const idOf = new Map<string, number>();
  vocab.forEach((w, i) => idOf.set(w, i));

  const counts = new Uint32Array(vocab.length);
  const entryWords = wordsPerEntry.map((words) => {
    const ids = new Uint32Array(words.length);
    words.forEach((w, i) => {
      const id = idOf.get(w)!;
      ids[i] = id;
      counts[id] = counts[id]! + 1;
    });
    return ids;
  });
  const postings = Array.from(counts, (n) => new Uint32Array(n));
  const fill = new Uint32Array(vocab.length);
  entryWords.forEach((ids, entry) => {
    for (const id of ids) {
      postings[id]![fill[id]!] = entry;
      fill[id] = fill[id]! + 1;
    }
  });

  const baseScore = Float64Array.from(entries, (e, i) => {
    const codeLength = keys[i]!.length;
    return (codeLength === 3 ? 4 : codeLength === 4 ? 1 : 0) - Math.min(entryWords[i]!.length, 24) * 0.5 - Math.min(e.title.length, 200) * 0.01;
  });

  return { size: entries.length, entries, keys, vocab, entryWords, postings, baseScore };
}

/** Searches by code prefix or by title words; see the module comment for the ranking. */
export function searchIcd10(index: Icd10Index, query: string, limit = 20): Icd10Entry[] {
  if (limit <= 0) return [];
  if (isIcd10CodeQuery(query)) {
    const byCode = searchByCode(index, icd10Key(query), limit);
    if (byCode.length > 0) return byCode;
  }
  return searchByWords(index, query, limit);
}

function searchByCode(index: Icd10Index, prefix: string, limit: number): Icd10Entry[] {
  const { keys } = index;
  const from = lowerBound(keys, prefix);
  const to = lowerBound(keys, prefix + '\uffff');
  // Shorter codes first, then code order: take the range length by length until the limit is met.
  const byLength = new Map<number, number[]>();
  for (let i = from; i < to; i++) {
    const len = keys[i]!.length;
    let list = byLength.get(len);
    if (!list) byLength.set(len, (list = []));
    list.push(i);
  }
  const out: Icd10Entry[] = [];
  for (const len of [...byLength.keys()].sort((a, b) => a - b)) {
    for (const i of byLength.get(len)!) {
      out.push(index.entries[i]!);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

interface WordRange {
  word: string;
  from: number;
  to: number;
  /** Id of the vocabulary word equal to the query word, or -1. */
  exact: number;
}

function searchByWords(index: Icd10Index, query: string, limit: number): Icd10Entry[] {
  const words = [...new Set(icd10Words(query))];
  if (words.length === 0) return [];
  const { vocab, postings, entryWords, entries } = index;

  const ranges: WordRange[] = [];
  for (const word of words) {
    const from = lowerBound(vocab, word);
    const to = lowerBound(vocab, word + '\uffff');
    if (from >= to) return [];
    ranges.push({ word, from, to, exact: vocab[from] === word ? from : -1 });
  }

  // Drive from the query word with the fewest candidate entries; check the others per entry.
  let driver = ranges[0]!;
  let driverCount = Infinity;
  for (const r of ranges) {
    let n = 0;
    for (let id = r.from; id < r.to; id++) n += postings[id]!.length;
    if (n < driverCount) {
      driverCount = n;
      driver = r;
    }
  }
  const others = ranges.filter((r) => r !== driver);

  // Best-first top list: parallel arrays of entry positions and scores.
  const topEntries: number[] = [];
  const topScores: number[] = [];
  const seen = driver.to - driver.from > 1 ? new Uint8Array(index.size) : undefined;
  for (let id = driver.from; id < driver.to; id++) {
    for (const entry of postings[id]!) {
      if (seen) {
        if (seen[entry]) continue;
        seen[entry] = 1;
      }
      const ids = entryWords[entry]!;
      let ok = true;
      for (const r of others) {
        if (!hasWordIn(ids, r)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const score = index.baseScore[entry]! + wordScore(ids, ranges);
      // Higher score first; on equal scores the lower code (positions are in code order).
      const last = topEntries.length - 1;
      if (topEntries.length >= limit && (score < topScores[last]! || (score === topScores[last] && entry > topEntries[last]!))) continue;
      let i = topEntries.length;
      while (i > 0 && (topScores[i - 1]! < score || (topScores[i - 1] === score && topEntries[i - 1]! > entry))) i--;
      topEntries.splice(i, 0, entry);
      topScores.splice(i, 0, score);
      if (topEntries.length > limit) {
        topEntries.pop();
        topScores.pop();
      }
    }
  }
  return topEntries.map((e) => entries[e]!);
}

function hasWordIn(ids: Uint32Array, r: WordRange): boolean {
  for (const id of ids) if (id >= r.from && id < r.to) return true;
  return false;
}

/** Exact word matches count most; a match on the title's first word ("Fever, unspecified") next. */
function wordScore(ids: Uint32Array, ranges: readonly WordRange[]): number {
  let score = 0;
  for (const r of ranges) {
    if (r.exact < 0) continue;
    for (const id of ids) {
      if (id === r.exact) {
        score += 10;
        break;
      }
    }
  }
  const first = ids[0];
  if (first !== undefined) {
    for (const r of ranges) {
      if (first >= r.from && first < r.to) {
        score += 6;
        break;
      }
    }
  }
  return score;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First position in the sorted list whose value is >= value. */
function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
