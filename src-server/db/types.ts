import pg from 'pg';

/**
 * How values come back from PostgreSQL and from PGlite — the same on both, and the same as on the desk:
 *  - timestamptz → UTC ISO-8601 string with milliseconds ("2026-03-02T05:00:00.000Z")
 *  - date        → "YYYY-MM-DD" as stored (never a Date at some local midnight)
 *  - bigint      → number (row_version, paise); a value beyond 2^53 is an error rather than a silent rounding
 */
export const OID = { INT8: 20, DATE: 1082, TIMESTAMPTZ: 1184 } as const;

const parseTimestamptz = pg.types.getTypeParser(OID.TIMESTAMPTZ, 'text') as (value: string) => Date;

export const typeParsers: Record<number, (value: string) => unknown> = {
  [OID.TIMESTAMPTZ]: (value) => parseTimestamptz(value).toISOString(),
  [OID.DATE]: (value) => value,
  [OID.INT8]: (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new RangeError('A bigint value is too large to read as a number.');
    return n;
  },
};

/** For node-postgres: our parsers first, its own for every other type. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const ours = format !== 'binary' ? typeParsers[oid] : undefined;
    return ours ?? pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;
