import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ApiError } from '../../src-shared/errors';
import { isShapeName, SHAPES, shapeColumns, stationReceives, type ShapeColumnType, type ShapeName, type ShapeTable, type StationRole } from '../../src-shared/sync/shapes';
import type { CentralDb, Listener } from '../db/open';
import type { CentralDatabase, DevicesTable } from '../db/schema';
import { credentialRefused } from './devices';

/**
 * The read path: the ElectricSQL shape protocol (as `@electric-sql/client`'s ShapeStream speaks it), served
 * from the tables and the change log (db/central 0002, 0004). One shape per synced table; the server
 * decides rows (the device's clinic) and columns (the device's station role, src-shared/sync/shapes.ts) —
 * a client's `where`/`columns` parameters are ignored.
 *
 * Offsets "<a>_<b>" are positions in the change log ordered by (txid, seq):
 *  - log position `<txid>_<seq>`: every change of a transaction with txid < `txid` has been delivered, and
 *    of transaction `txid` the entries with seq <= `seq` (0: none). A read delivers the entries after that
 *    position whose transaction is below the current watermark W = pg_snapshot_xmin(pg_current_snapshot()),
 *    i.e. only transactions that have ended — so a transaction that commits late while holding a lower
 *    seq is delayed, never skipped (0002 explains). When caught up the offset moves to `<W>_0`, also when
 *    nothing changed for the shape, so a quiet shape's offset keeps up with compaction.
 *  - snapshot chunk `<W0 - 1>_<2^62 + rv>`: part of the snapshot started at watermark W0, rows with
 *    row_version <= rv served. It sorts after every change of transactions below W0 and before `<W0>_0`,
 *    which is the offset after the last chunk; from there the log delivers every transaction >= W0,
 *    so whatever changed while the chunks were read arrives again (duplicates, never gaps; desks apply
 *    by row_version). Each chunk is read afresh (keyset by row_version: a row that changes moves to a
 *    higher row_version, still ahead of the cursor or re-delivered by the log). Offsets carry all the
 *    state: any server process can answer any request, and a prefetched or repeated URL gives the same answer.
 *
 * Handles (`<table>-<random>`) name a shape of one clinic, table and station role. Each stays valid until a
 * server-side reset retires it (resetShapes). Requests with a position and an unknown, retired or foreign
 * handle, or a position below the compaction horizon, get 409 must-refetch with a handle different from
 * the one sent (a new one is made when the newest is the one sent), and the desk starts a fresh snapshot.
 */

export const SHAPE_HEADER = {
  handle: 'electric-handle',
  offset: 'electric-offset',
  schema: 'electric-schema',
  cursor: 'electric-cursor',
  upToDate: 'electric-up-to-date',
} as const;
const EXPOSED = Object.values(SHAPE_HEADER).join(', ');

export const DEFAULT_CHUNK_SIZE = 10_000;
export const DEFAULT_LIVE_TIMEOUT_MS = 20_000;
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60_000;
export const CHANGES_CHANNEL = 'clinicdesk_changes';
export const DEVICES_CHANNEL = 'clinicdesk_devices';

/** Snapshot chunk offsets carry 2^62 + row_version in their second part (log seqs stay below 2^53). */
const SNAPSHOT_MARK = 1n << 62n;

export interface ShapeOptions {
  /** Rows per response (snapshot chunk or log page). */
  chunkSize?: number;
  /** How long a live request waits for a change before answering up-to-date. */
  liveTimeoutMs?: number;
  /** Poll interval while notifications are unavailable (PostgreSQL listener reconnecting). */
  pollMs?: number;
  /** Poll interval while a change of the shape waits behind an older open transaction. */
  pendingPollMs?: number;
}

export interface ShapeQuery {
  table: string | null;
  offset: string | null;
  handle: string | null;
  live: boolean;
  cursor: string | null;
}

export interface ShapeResponse {
  status: 200 | 409;
  headers: Record<string, string>;
  body: unknown[];
}

/** The live request's client went away: nothing is to be sent. */
export class ClientGoneError extends Error {
  constructor() {
    super('client gone');
    this.name = 'ClientGoneError';
  }
}

type Position =
  | { kind: 'initial' }
  | { kind: 'now' }
  | { kind: 'log'; txid: bigint; seq: bigint }
  | { kind: 'snapshot'; watermark: bigint; after: bigint };

export function parseOffset(text: string): Position | null {
  if (text === '-1') return { kind: 'initial' };
  if (text === 'now') return { kind: 'now' };
  const m = /^(\d{1,20})_(\d{1,20})$/.exec(text);
  if (!m) return null;
  const a = BigInt(m[1]!);
  const b = BigInt(m[2]!);
  if (a >= 1n << 64n) return null;
  if (b >= SNAPSHOT_MARK) return { kind: 'snapshot', watermark: a + 1n, after: b - SNAPSHOT_MARK };
  return { kind: 'log', txid: a, seq: b };
}

export function formatOffset(pos: { kind: 'log'; txid: bigint; seq: bigint } | { kind: 'snapshot'; watermark: bigint; after: bigint }): string {
  return pos.kind === 'log' ? `${pos.txid}_${pos.seq}` : `${pos.watermark - 1n}_${SNAPSHOT_MARK + pos.after}`;
}

const badRequest = (reason: string, message: string) => new ApiError({ code: 'validation', reason, message });

/** Postgres text form of a column, with instants as the desk's UTC ISO strings (toISOString). */
function columnSql(name: string, type: ShapeColumnType): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe column name in shapes.ts: ${name}`);
  const q = `"${name}"`;
  const expr = {
    text: q,
    int4: `${q}::text`,
    int8: `${q}::text`,
    jsonb: `${q}::text`,
    bool: `CASE WHEN ${q} THEN 'true' WHEN NOT ${q} THEN 'false' END`,
    date: `to_char(${q}, 'YYYY-MM-DD')`,
    timestamptz: `to_char(${q} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  }[type];
  return `${expr} AS ${q}`;
}

interface ShapeDef {
  table: ShapeName;
  columns: string[];
  select: string;
  schema: string;
}

/**
 * Refuses a shape its station does not receive: clinical records are served only to consult-room and admin PCs,
 * whatever a desk asks for.
 */
export function assertStationReceives(table: ShapeName, station: StationRole): void {
  if (!stationReceives(table, station)) {
    throw new ApiError({ code: 'permission', reason: 'not_for_station', message: 'This PC’s station does not receive that table (clinical records go only to consult rooms and administrators).' });
  }
}

const defs = new Map<string, ShapeDef>();
function shapeDef(table: ShapeName, station: StationRole): ShapeDef {
  const key = `${table}/${station}`;
  let def = defs.get(key);
  if (!def) {
    const spec: ShapeTable = SHAPES[table];
    const columns = shapeColumns(table, station);
    const schema: Record<string, { type: string; not_null?: true; pk_index?: number }> = {};
    for (const c of columns) {
      const col = spec.columns[c]!;
      schema[c] = { type: col.type, ...(col.notNull ? { not_null: true as const } : {}), ...(c === 'id' ? { pk_index: 0 } : {}) };
    }
    def = { table, columns, select: columns.map((c) => columnSql(c, spec.columns[c]!.type)).join(', '), schema: JSON.stringify(schema) };
    defs.set(key, def);
  }
  return def;
}

const keyOf = (table: string, id: string) => `"public"."${table}"/"${id.replace(/"/g, '""')}"`;

type Row = Record<string, string | null>;
interface ChangeMessage {
  key: string;
  value: Row;
  headers: { operation: 'insert' | 'update' | 'delete'; relation: [string, string] };
}
const UP_TO_DATE = { headers: { control: 'up-to-date' } } as const;
const MUST_REFETCH = { headers: { control: 'must-refetch' } } as const;

export class ShapeService {
  readonly #db: Kysely<CentralDatabase>;
  readonly #central: CentralDb;
  readonly #chunk: number;
  readonly #liveTimeoutMs: number;
  readonly #pollMs: number;
  readonly #pendingPollMs: number;
  #lastCursor = Date.now();
  #listener: Listener | null = null;
  readonly #waiters = new Map<string, Set<(why: string) => void>>();
  #closed = false;

  constructor(central: CentralDb, options: ShapeOptions = {}) {
    this.#central = central;
    this.#db = central.db;
    this.#chunk = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.#liveTimeoutMs = options.liveTimeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS;
    this.#pollMs = options.pollMs ?? 1000;
    this.#pendingPollMs = options.pendingPollMs ?? 200;
  }

  /** Starts listening for change and revocation notifications (without them, live requests poll). */
  async start(): Promise<void> {
    try {
      this.#listener = await this.#central.listen(
        [CHANGES_CHANNEL, DEVICES_CHANNEL],
        (channel, payload) => this.#wake(channel === CHANGES_CHANNEL ? `c:${payload}` : `d:${payload}`),
        () => this.#wakeAll('gap'),
      );
    } catch {
      this.#listener = null;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeAll('closed');
    await this.#listener?.close();
  }

  /** Answers one shape request of an authenticated device. Throws ApiError for a bad request. */
  async serve(device: DevicesTable, q: ShapeQuery, signal?: AbortSignal): Promise<ShapeResponse> {
    if (!q.table) throw badRequest('table_missing', 'Say which table to read: the "table" parameter is missing.');
    if (!isShapeName(q.table)) throw badRequest('unknown_table', 'This server has no shape for that table. Check the desk and server versions.');
    assertStationReceives(q.table, device.station_role);
    const pos = parseOffset(q.offset ?? '-1');
    if (!pos) throw badRequest('bad_offset', 'The "offset" parameter is not an offset of this server.');
    const shape = { clinicId: device.clinic_id, table: q.table, station: device.station_role, def: shapeDef(q.table, device.station_role) };

    if (pos.kind === 'initial') return this.#snapshotChunk(shape, await this.#currentHandle(shape), null, q);
    if (pos.kind === 'now') {
      const handle = await this.#currentHandle(shape);
      const w = await this.#watermark();
      return this.#reply(shape, handle, formatOffset({ kind: 'log', txid: w, seq: 0n }), [], true, q);
    }
    if (!q.handle || !(await this.#handleValid(shape, q.handle))) return this.#mustRefetch(shape, q.handle);
    if (pos.kind === 'snapshot') return this.#snapshotChunk(shape, q.handle, pos, q);

    const deadline = Date.now() + this.#liveTimeoutMs;
    for (;;) {
      const page = await this.#readLog(shape, pos);
      // Checked after reading: a compaction that committed before the read is seen here.
      if (pos.txid < (await this.#horizon())) return this.#mustRefetch(shape, q.handle);
      if (!q.live || page.messages.length > 0 || !page.upToDate || Date.now() >= deadline) {
        return this.#reply(shape, q.handle, formatOffset(page.next), page.messages, page.upToDate, q);
      }
      const listening = this.#listener?.connected ?? false;
      const waitMs = Math.min(deadline - Date.now(), page.pending ? this.#pendingPollMs : listening ? Infinity : this.#pollMs);
      const why = await this.#wait([`c:${shape.clinicId}:${shape.table}`, `d:${device.id}`], waitMs, signal);
      if (why === 'aborted') throw new ClientGoneError();
      const current = await this.#db.selectFrom('devices').select('revoked_at').where('id', '=', device.id).executeTakeFirst();
      if (!current || current.revoked_at) throw credentialRefused.revoked();
      if (why === 'closed') return this.#reply(shape, q.handle, formatOffset(page.next), [], true, q);
    }
  }

  async #snapshotChunk(shape: Shape, handle: string, pos: { watermark: bigint; after: bigint } | null, q: ShapeQuery): Promise<ShapeResponse> {
    const watermark = pos ? pos.watermark : await this.#watermark();
    const after = pos ? pos.after : 0n;
    const result = await sql<Row & { __rv: number }>`
      SELECT ${sql.raw(shape.def.select)}, t.row_version AS __rv FROM ${sql.table(shape.table)} AS t
      WHERE t.clinic_id = ${shape.clinicId} AND t.row_version > ${after.toString()}::bigint
      ORDER BY t.row_version LIMIT ${this.#chunk + 1}`.execute(this.#db); // t.row_version: the select list has a text "row_version"
    if (watermark < (await this.#horizon())) return this.#mustRefetch(shape, handle);
    const rows = result.rows.slice(0, this.#chunk);
    const more = result.rows.length > this.#chunk;
    const messages = rows.map((r) => this.#message(shape, 'insert', r));
    const offset = more
      ? formatOffset({ kind: 'snapshot', watermark, after: BigInt(rows[rows.length - 1]!.__rv) })
      : formatOffset({ kind: 'log', txid: watermark, seq: 0n });
    return this.#reply(shape, handle, offset, messages, !more, q);
  }

  /** One page of the change log after `pos`, with the rows' current values. */
  async #readLog(shape: Shape, pos: { txid: bigint; seq: bigint }) {
    const w = await this.#watermark();
    const entries = (
      await sql<{ txid: string; seq: number; row_id: string; operation: 'insert' | 'update' | 'delete' }>`
        SELECT txid::text AS txid, seq, row_id, operation FROM change_log
        WHERE clinic_id = ${shape.clinicId} AND table_name = ${shape.table}
          AND (txid, seq) > (${pos.txid.toString()}::xid8, ${pos.seq.toString()}::bigint)
          AND txid < ${w.toString()}::xid8
        ORDER BY txid, seq LIMIT ${this.#chunk + 1}`.execute(this.#db)
    ).rows;
    const more = entries.length > this.#chunk;
    const page = entries.slice(0, this.#chunk);
    let next: { kind: 'log'; txid: bigint; seq: bigint };
    if (more) {
      const last = page[page.length - 1]!;
      next = { kind: 'log', txid: BigInt(last.txid), seq: BigInt(last.seq) };
    } else {
      next = w > pos.txid ? { kind: 'log', txid: w, seq: 0n } : { kind: 'log', txid: pos.txid, seq: pos.seq };
    }
    // Each row once, at its last change in the page, with its current values (or a delete when it is gone).
    const lastIndex = new Map<string, number>();
    const inserted = new Set<string>();
    page.forEach((e, i) => {
      lastIndex.set(e.row_id, i);
      if (e.operation === 'insert') inserted.add(e.row_id);
    });
    const ids = [...lastIndex.keys()];
    const current = new Map<string, Row>();
    if (ids.length > 0) {
      const rows = await sql<Row>`
        SELECT ${sql.raw(shape.def.select)} FROM ${sql.table(shape.table)} AS t
        WHERE t.clinic_id = ${shape.clinicId} AND t.id IN (${sql.join(ids)})`.execute(this.#db);
      for (const r of rows.rows) current.set(r.id!, r);
    }
    const messages = [...lastIndex.entries()]
      .sort((x, y) => x[1] - y[1])
      .map(([id]) => {
        const row = current.get(id);
        if (!row) return this.#message(shape, 'delete', { id });
        return this.#message(shape, inserted.has(id) ? 'insert' : 'update', row);
      });
    let pending = false;
    if (!more && page.length === 0) {
      // A committed change of this shape waiting behind an older transaction that is still open.
      const waiting = await sql<{ n: number }>`
        SELECT 1 AS n FROM change_log WHERE clinic_id = ${shape.clinicId} AND table_name = ${shape.table} AND txid >= ${w.toString()}::xid8 LIMIT 1`.execute(this.#db);
      pending = waiting.rows.length > 0;
    }
    return { messages, next, upToDate: !more, pending };
  }

  #message(shape: Shape, operation: ChangeMessage['headers']['operation'], row: Row): ChangeMessage {
    const value: Row = {};
    if (operation === 'delete') value.id = row.id!;
    else for (const c of shape.def.columns) value[c] = row[c] ?? null;
    return { key: keyOf(shape.table, row.id!), value, headers: { operation, relation: ['public', shape.table] } };
  }

  #reply(shape: Shape, handle: string, offset: string, messages: ChangeMessage[], upToDate: boolean, q: ShapeQuery): ShapeResponse {
    const headers: Record<string, string> = {
      [SHAPE_HEADER.handle]: handle,
      [SHAPE_HEADER.offset]: offset,
      [SHAPE_HEADER.cursor]: this.#nextCursor(q.cursor),
      'access-control-expose-headers': EXPOSED,
    };
    if (!q.live) headers[SHAPE_HEADER.schema] = shape.def.schema;
    if (upToDate) headers[SHAPE_HEADER.upToDate] = 'true';
    return { status: 200, headers, body: upToDate ? [...messages, UP_TO_DATE] : messages };
  }

  async #mustRefetch(shape: Shape, stale: string | null): Promise<ShapeResponse> {
    let handle = await this.#currentHandle(shape);
    if (handle === stale) handle = await this.#mintHandle(shape);
    return { status: 409, headers: { [SHAPE_HEADER.handle]: handle, 'access-control-expose-headers': EXPOSED }, body: [MUST_REFETCH] };
  }

  /** Strictly increasing, and above the cursor the client sent (so a live answer is never a cached one). */
  #nextCursor(sent: string | null): string {
    const given = sent && /^\d{1,15}$/.test(sent) ? Number(sent) : 0;
    this.#lastCursor = Math.max(this.#lastCursor + 1, Date.now(), given + 1);
    return String(this.#lastCursor);
  }

  async #watermark(): Promise<bigint> {
    const r = await sql<{ w: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS w`.execute(this.#db);
    return BigInt(r.rows[0]!.w);
  }

  async #horizon(): Promise<bigint> {
    const r = await sql<{ h: string }>`SELECT horizon::text AS h FROM change_log_horizon WHERE id = 1`.execute(this.#db);
    return BigInt(r.rows[0]?.h ?? '0');
  }

  async #handleValid(shape: Shape, handle: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('shape_handles')
      .select('handle')
      .where('handle', '=', handle)
      .where('clinic_id', '=', shape.clinicId)
      .where('table_name', '=', shape.table)
      .where('station_role', '=', shape.station)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    return !!row;
  }

  async #currentHandle(shape: Shape): Promise<string> {
    const row = await this.#db
      .selectFrom('shape_handles')
      .select('handle')
      .where('clinic_id', '=', shape.clinicId)
      .where('table_name', '=', shape.table)
      .where('station_role', '=', shape.station)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('handle', 'desc')
      .executeTakeFirst();
    return row?.handle ?? this.#mintHandle(shape);
  }

  async #mintHandle(shape: Shape): Promise<string> {
    const handle = `${shape.table}-${randomBytes(8).toString('hex')}`;
    await sql`INSERT INTO shape_handles (handle, clinic_id, table_name, station_role, created_at)
      VALUES (${handle}, ${shape.clinicId}, ${shape.table}, ${shape.station}, clock_timestamp())`.execute(this.#db);
    return handle;
  }

  #wait(keys: string[], ms: number, signal?: AbortSignal): Promise<string> {
    if (this.#closed) return Promise.resolve('closed');
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (why: string) => {
        clearTimeout(timer);
        for (const key of keys) this.#waiters.get(key)?.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const onAbort = () => done('aborted');
      for (const key of keys) {
        let set = this.#waiters.get(key);
        if (!set) this.#waiters.set(key, (set = new Set()));
        set.add(done);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(ms)) timer = setTimeout(() => done('timeout'), Math.max(0, ms));
    });
  }

  #wake(key: string): void {
    const set = this.#waiters.get(key);
    if (!set) return;
    this.#waiters.delete(key);
    for (const done of [...set]) done(key);
  }

  #wakeAll(why: string): void {
    const all = [...this.#waiters.values()].flatMap((s) => [...s]);
    this.#waiters.clear();
    for (const done of all) done(why);
  }
}

interface Shape {
  clinicId: string;
  table: ShapeName;
  station: StationRole;
  def: ShapeDef;
}

/**
 * Retires every handle of a clinic's shapes (or of all clinics): each desk's next request gets 409 and a
 * fresh snapshot. For a server-side reset, e.g. after data was repaired directly in the database.
 */
export async function resetShapes(db: Kysely<CentralDatabase>, opts: { clinicId?: string; now: Date }): Promise<number> {
  let q = db.updateTable('shape_handles').set({ retired_at: opts.now.toISOString() }).where('retired_at', 'is', null);
  if (opts.clinicId) q = q.where('clinic_id', '=', opts.clinicId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Compaction: deletes the change log of transactions older than the retention and records the horizon H
 * (every entry with txid < H is gone). H is the lowest txid of the entries kept, and never above the
 * current watermark (an open transaction may still log entries with an old logged_at) nor below the last
 * horizon. Desks whose offset is below H get 409 and re-snapshot.
 */
export async function compactChangeLog(db: Kysely<CentralDatabase>, opts: { retentionMs: number; now: Date }): Promise<{ horizon: string; deleted: number }> {
  if (!Number.isFinite(opts.retentionMs) || opts.retentionMs < 0) throw new RangeError('retention must be a non-negative number of milliseconds');
  const cutoff = new Date(opts.now.getTime() - opts.retentionMs).toISOString();
  return db.transaction().execute(async (trx) => {
    const previous = BigInt((await sql<{ h: string }>`SELECT horizon::text AS h FROM change_log_horizon WHERE id = 1 FOR UPDATE`.execute(trx)).rows[0]!.h);
    const xmin = BigInt((await sql<{ w: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS w`.execute(trx)).rows[0]!.w);
    const kept = (await sql<{ t: string }>`SELECT txid::text AS t FROM change_log WHERE logged_at >= ${cutoff} ORDER BY txid LIMIT 1`.execute(trx)).rows[0];
    let horizon = kept ? BigInt(kept.t) : xmin;
    if (horizon > xmin) horizon = xmin;
    if (horizon < previous) horizon = previous;
    const deleted = await sql`DELETE FROM change_log WHERE txid < ${horizon.toString()}::xid8`.execute(trx);
    const n = Number(deleted.numAffectedRows ?? 0n);
    await sql`UPDATE change_log_horizon SET horizon = ${horizon.toString()}::xid8, compacted_at = ${opts.now.toISOString()}, deleted = deleted + ${n} WHERE id = 1`.execute(trx);
    return { horizon: horizon.toString(), deleted: n };
  });
}
