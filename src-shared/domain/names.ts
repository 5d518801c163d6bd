/** Name matching for the probable-duplicate warning (pure, used by the desk and later the server). */

export function normalizeName(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z\s]/g, ' ')
    .split(/\s+/)
    .filter((t) => t.length > 0 && !['mr', 'mrs', 'ms', 'dr', 'smt', 'shri', 'sri', 'kumari', 'baby', 'master'].includes(t));
}

/** Jaro–Winkler similarity in [0, 1]. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatches = new Array<boolean>(a.length).fill(false);
  const bMatches = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(i + range + 1, b.length);
    for (let j = lo; j < hi; j++) {
      if (bMatches[j] || a[i] !== b[j]) continue;
      aMatches[i] = bMatches[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatches[i]) continue;
    while (!bMatches[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Two names probably belong to the same person: the first names are (nearly) the same, and the
 * last names, where both are given, are nearly the same or one is just the other's initial.
 * "Ramesh Kumar" ~ "Ramesh K" ~ "Rmesh Kumar"; "Ramesh Kumar" ≁ "Suresh Kumar" (family sharing a phone).
 */
export function namesProbablySame(a: string, b: string): boolean {
  const ta = normalizeName(a);
  const tb = normalizeName(b);
  if (!ta.length || !tb.length) return false;
  if (jaroWinkler(ta[0]!, tb[0]!) < 0.9) return false;
  if (ta.length === 1 || tb.length === 1) return true;
  const la = ta[ta.length - 1]!;
  const lb = tb[tb.length - 1]!;
  if (la.length === 1 || lb.length === 1) return la[0] === lb[0];
  return jaroWinkler(la, lb) >= 0.85;
}
