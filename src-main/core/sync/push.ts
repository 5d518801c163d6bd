import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { newId } from '../../../src-shared/ids';
import { isShapeName, SHAPE_NAMES, type ShapeName } from '../../../src-shared/sync/shapes';
import type { LocalDatabase } from '../db/schema';
import type { Logger } from '../log';
import { inSyncTransaction, SHAPE_ENTITIES, type ShapeApplier } from './apply';
import { serverRequest, type FetchFn } from './remote';

/**
 * The desk's write path (DESIGN.md §4): the outbox goes to the server, in order, as soon as there is
 * something in it and the server answers — a command kicks it, so nothing waits for a timer — up to
 * PUSH_BATCH mutations a request. The server runs each command again (src-server/services/mutations.ts)
 * and answers per mutation; the answers are applied in ONE SQLite transaction:
 *  - applied: the outbox entry is settled and the after-images go in (they carry the server's row_version);
 *  - rejected: the desk's copy returns to the server's truth (its current rows go in, rows it never had are
 *    removed) and the mutation moves to the "needs attention" inbox with the server's reason;
 *  - either way, a row that a later pending mutation still holds is not touched yet (it waits in sync_held),
 *    and rows held meanwhile go in by row_version once nothing pending holds them.
 * A push that fails on the way (server down, killed half way) is simply sent again: the server answers a
 * mutation it has seen with its recorded outcome, so nothing is applied twice.
 */
export const PUSH_BATCH = 250;

const rowsByTable = z.record(z.string(), z.array(z.record(z.string(), z.unknown())));
const rowRef = z.tuple([z.string(), z.string()]);
const pushReply = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['applied', 'rejected']),
      reason: z.string().optional(),
      message: z.string().optional(),
      details: z.unknown().optional(),
      rows: rowsByTable.default({}),
      missing: z.array(rowRef).default([]),
    }),
  ),
});

export interface PushOptions {
  db: Kysely<LocalDatabase>;
  sqlite: Database.Database;
  log: Logger;
  clock: () => Date;
  fetch: FetchFn;
  serverUrl: string;
  credential: string;
  appliers: ReadonlyMap<ShapeName, ShapeApplier>;
  /** After answers were applied: the screens to refresh. */
  onSettled(entities: string[], tables: ShapeName[]): void;
  /** Whether the server took the last push (false: it could not be reached). */
  onReachable(reachable: boolean): void;
  /** The server refused the credential. */
  onRevoked(): Promise<void>;
  retry?: { initialDelay?: number; maxDelay?: number };
}

interface OutboxEntry {
  seq: number;
  mutation_id: string;
  name: string;
  args: string;
  ids: string;
  rows: string;
  user_id: string | null;
  created_at: string;
}

export class OutboxPusher {
  readonly #opts: PushOptions;
  #running = false;
  #again = false;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #delay: number;
  #current: Promise<void> | null = null;
  readonly #select: Database.Statement;
  readonly #settle: Database.Statement;
  readonly #unholdRows: Database.Statement;
  readonly #inbox: Database.Statement;
  readonly #heldFree: Database.Statement;
  readonly #heldDelete: Database.Statement;

  constructor(opts: PushOptions) {
    this.#opts = opts;
    this.#delay = opts.retry?.initialDelay ?? 500;
    const { sqlite } = opts;
    this.#select = sqlite.prepare(`SELECT seq, mutation_id, name, args, ids, rows, user_id, created_at FROM outbox WHERE status = 'pending' ORDER BY seq LIMIT ?`);
    this.#settle = sqlite.prepare(`UPDATE outbox SET status = ? WHERE seq = ? AND status = 'pending'`);
    this.#unholdRows = sqlite.prepare(`DELETE FROM outbox_rows WHERE seq = ?`);
    this.#inbox = sqlite.prepare(
      `INSERT OR IGNORE INTO inbox (id, mutation_id, name, args, user_id, made_at, reason, message, details, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#heldFree = sqlite.prepare(`SELECT table_name, row_id, data FROM sync_held h WHERE NOT EXISTS (SELECT 1 FROM outbox_rows o WHERE o.row_id = h.row_id)`);
    this.#heldDelete = sqlite.prepare(`DELETE FROM sync_held WHERE table_name = ? AND row_id = ?`);
  }

  /** Something was queued (or the server may be back): push now, or right after the push under way. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#running = true;
    this.#current = this.#run().finally(() => {
      this.#running = false;
      this.#current = null;
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#current;
  }

  async #run(): Promise<void> {
    for (;;) {
      this.#again = false;
      let more: boolean;
      try {
        more = await this.#pushOnce();
        this.#delay = this.#opts.retry?.initialDelay ?? 500;
      } catch (err) {
        if (this.#stopped) return;
        if (err instanceof RevokedError) {
          await this.#opts.onRevoked();
          return;
        }
        this.#opts.onReachable(false);
        this.#opts.log.log('info', 'sync.push_failed', { error: err instanceof Error ? err.name : typeof err, reason: (err as { reason?: string }).reason });
        // Try again later (a kick — a new command, the server seen again — tries at once).
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.kick();
        }, this.#delay);
        this.#timer.unref?.();
        this.#delay = Math.min(this.#delay * 2, this.#opts.retry?.maxDelay ?? 10_000);
        return;
      }
      if (this.#stopped) return;
      if (!more && !this.#again) return;
    }
  }

  /** One request: the oldest pending mutations. True when more may be waiting. */
  async #pushOnce(): Promise<boolean> {
    const entries = (await this.#opts.db.connection().execute(async () => this.#select.all(PUSH_BATCH))) as OutboxEntry[];
    if (entries.length === 0) return false;
    const started = performance.now();
    const reply = await serverRequest(this.#opts.fetch, this.#opts.serverUrl, {
      method: 'POST',
      path: '/v1/mutations',
      credential: this.#opts.credential,
      timeoutMs: 120_000,
      body: {
        mutations: entries.map((e) => ({
          id: e.mutation_id,
          name: e.name,
          args: JSON.parse(e.args),
          ids: JSON.parse(e.ids),
          rows: JSON.parse(e.rows),
          userId: e.user_id ?? 'system',
          madeAt: e.created_at,
        })),
      },
    });
    if (reply.error) {
      if (reply.status === 401 || reply.status === 403) {
        if (reply.error.reason === 'device_revoked' || reply.error.reason === 'credential_unknown' || reply.status === 401) throw new RevokedError();
      }
      // Refused as a whole (a batch this server cannot read: a newer desk than its server) or failed there:
      // everything stays pending (nothing is dropped), is logged, and is tried again later.
      this.#opts.log.log('error', 'sync.push_refused', { status: reply.status, reason: reply.error.reason });
      throw Object.assign(new Error('push refused'), { reason: reply.error.reason });
    }
    const parsed = pushReply.safeParse(reply.body);
    if (!parsed.success || parsed.data.results.length !== entries.length) throw new Error('not a clinic server reply');
    const results = parsed.data.results;
    const outcome = await this.#opts.db.connection().execute(async () => inSyncTransaction(this.#opts.sqlite, () => this.#applyResults(entries, results)));
    this.#opts.onReachable(true);
    this.#opts.log.log('debug', 'sync.pushed', { mutations: entries.length, rejected: outcome.rejected, ms: Math.round(performance.now() - started) });
    if (outcome.rejected > 0) this.#opts.log.log('warn', 'sync.mutations_rejected', { rejected: outcome.rejected });
    this.#opts.onSettled([...new Set([...outcome.tables].flatMap((t) => SHAPE_ENTITIES[t])), 'sync', 'inbox'], [...outcome.tables]);
    return entries.length === PUSH_BATCH;
  }

  #applyResults(entries: OutboxEntry[], results: z.output<typeof pushReply>['results']): { rejected: number; tables: Set<ShapeName> } {
    const now = this.#opts.clock().toISOString();
    const tables = new Set<ShapeName>();
    let rejected = 0;
    const applier = (table: string) => (isShapeName(table) ? this.#opts.appliers.get(table) : undefined);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const result = results[i]!;
      if (result.id !== entry.mutation_id) throw new Error('the server answered for other mutations');
      this.#settle.run(result.status, entry.seq);
      this.#unholdRows.run(entry.seq);
      if (result.status === 'rejected') {
        rejected++;
        this.#inbox.run(
          newId(),
          entry.mutation_id,
          entry.name,
          entry.args,
          entry.user_id,
          entry.created_at,
          result.reason ?? 'rejected',
          result.message ?? 'The server refused this change.',
          result.details === undefined ? null : JSON.stringify(result.details),
          now,
        );
      }
      // Parents before children (SHAPES order) for rows that go in; children before parents for rows that go.
      for (const table of SHAPE_NAMES) {
        const rows = result.rows[table];
        if (rows?.length && applier(table)!.settleRows(rows) > 0) tables.add(table);
      }
      const missing = [...result.missing].sort((a, b) => SHAPE_NAMES.indexOf(b[0] as ShapeName) - SHAPE_NAMES.indexOf(a[0] as ShapeName));
      for (const [table, id] of missing) {
        if ((applier(table)?.dropRow(id) ?? 0) > 0) tables.add(table as ShapeName);
      }
    }
    // Streamed rows that waited for these mutations: in now, by row_version.
    for (const held of this.#heldFree.all() as Array<{ table_name: string; row_id: string; data: string }>) {
      const a = applier(held.table_name);
      if (a && a.releaseHeld(JSON.parse(held.data)) > 0) tables.add(a.table);
      this.#heldDelete.run(held.table_name, held.row_id);
    }
    return { rejected, tables };
  }
}

class RevokedError extends Error {}
