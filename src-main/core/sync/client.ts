import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { BackoffDefaults, FetchError, ShapeStream, type Message, type Offset, type Row } from '@electric-sql/client';
import { stationShapes, type ShapeName, type StationRole } from '../../../src-shared/sync/shapes';
import type { SyncShapeStatus, SyncState, SyncStatus } from '../../../src-shared/api/types';
import type { LocalDatabase, SyncConnection } from '../db/schema';
import type { Logger } from '../log';
import { inSyncTransaction, SHAPE_ENTITIES, shapeParser, ShapeApplier, type ApplyOutcome } from './apply';
import type { FetchFn } from './remote';
import { OutboxPusher } from './push';


/** How often a desk that lost its server asks whether it is back. */
const HEALTH_PROBE_MS = 2_000;
/**
 * The desk's read path: one ShapeStream (@electric-sql/client, unmodified) per synced table, in SHAPES
 * order, each resuming from the handle + offset saved with the rows it last applied. Every delivered
 * batch is applied in one transaction on the write connection (under kysely's connection lock, so it never
 * interleaves with a command's transaction), then the screens of the touched entities are told.
 *
 * Errors: the client retries network failures and 5xx by itself (we only mark the desk offline while it
 * does); other refusals come to onError: 401/403 mean the credential was revoked (or is unknown to the
 * server), which stops sync for good; anything else retries with backoff. A batch that fails to apply
 * restarts that shape's stream from the last saved position, so nothing is skipped.
 */
export interface SyncClientOptions {
  db: Kysely<LocalDatabase>;
  sqlite: Database.Database;
  log: Logger;
  clock: () => Date;
  fetch: FetchFn;
  /** After each applied batch that changed rows: the entities whose screens should refresh. */
  onApplied(entities: string[], tables: ShapeName[]): void;
  /** When the overall state (or a shape's up-to-date flag) changed. */
  onStatusChanged(): void;
  /** The server refused the credential: persist it and stop. */
  onRevoked(): Promise<void>;
  backoff?: { initialDelay?: number; maxDelay?: number; multiplier?: number };
  /** Wait before a stream that gave up is started again (ms). */
  restartDelayMs?: number;
  /** The write path's retry delays while the server cannot be reached (ms). */
  pushRetry?: { initialDelay?: number; maxDelay?: number };
}

interface ShapeRun {
  name: ShapeName;
  stream: ShapeStream<Row<unknown>> | null;
  controller: AbortController | null;
  upToDate: boolean;
  failing: boolean;
  restartTimer: NodeJS.Timeout | null;
  /** When this run last wrote its position (ms), and whether a refetch waits for its snapshot's end. */
  savedAt: number | null;
  refetching: boolean;
  /** When the shape was last up to date (ISO), known in memory even when that was not written. */
  upToDateAt: string | null;
}

/** A quiet live poll (nothing but up-to-date) writes its new offset at most this often. */
const QUIET_SAVE_MS = 30_000;

export class SyncClient {
  readonly #opts: SyncClientOptions;
  readonly #conn: SyncConnection;
  readonly #runs = new Map<ShapeName, ShapeRun>();
  readonly #appliers = new Map<ShapeName, ShapeApplier>();
  #inFlight = new Set<Promise<unknown>>();
  #stopped = false;
  #revoked = false;
  #lastKey = '';
  #healthTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #waiters = new Set<() => void>();
  #pusher: OutboxPusher | null = null;
  #pushFailing = false;

  constructor(conn: SyncConnection, opts: SyncClientOptions) {
    this.#conn = conn;
    this.#opts = opts;
  }

  get stationRole(): StationRole {
    return this.#conn.station_role;
  }

  async start(): Promise<void> {
    // Appliers prepare statements and make sure each shape has its sync_shapes row: under the connection lock.
    await this.#opts.db.connection().execute(async () => {
      for (const name of stationShapes(this.#conn.station_role)) {
        if (!this.#appliers.has(name)) this.#appliers.set(name, new ShapeApplier(this.#opts.sqlite, name, this.#conn.station_role));
      }
    });
    for (const name of stationShapes(this.#conn.station_role)) {
      const run: ShapeRun = { name, stream: null, controller: null, upToDate: false, failing: false, restartTimer: null, savedAt: null, refetching: false, upToDateAt: null };
      this.#runs.set(name, run);
      this.#startStream(run);
    }
    this.#pusher = new OutboxPusher({
      db: this.#opts.db,
      sqlite: this.#opts.sqlite,
      log: this.#opts.log,
      clock: this.#opts.clock,
      fetch: this.#opts.fetch,
      serverUrl: this.#conn.server_url,
      credential: this.#conn.credential,
      appliers: this.#appliers,
      retry: this.#opts.pushRetry,
      onSettled: (entities, tables) => this.#opts.onApplied(entities, tables),
      onReachable: (reachable) => {
        if (this.#pushFailing === !reachable) return;
        this.#pushFailing = !reachable;
        this.#statusMaybeChanged();
      },
      onRevoked: () => this.#revoke(),
    });
    this.#opts.log.log('info', 'sync.started', { shapes: this.#runs.size, station: this.#conn.station_role });
    this.#statusMaybeChanged();
    this.#pusher.kick();
  }

  /** The outbox has something new (or the server may be back): push it now. */
  kick(): void {
    if (!this.#stopped && !this.#revoked) this.#pusher?.kick();
  }

  #startStream(run: ShapeRun): void {
    if (this.#stopped || this.#revoked) return;
    const applier = this.#appliers.get(run.name)!;
    const position = applier.position();
    const controller = new AbortController();
    const stream = new ShapeStream<Row<unknown>>({
      url: `${this.#conn.server_url}/v1/shape`,
      params: { table: run.name },
      headers: { Authorization: `Bearer ${this.#conn.credential}` },
      ...(position.handle ? { handle: position.handle, offset: position.offset as Offset } : {}),
      parser: shapeParser,
      signal: controller.signal,
      fetchClient: this.#opts.fetch,
      backoffOptions: {
        ...BackoffDefaults,
        ...this.#opts.backoff,
        onFailedAttempt: () => {
          if (controller.signal.aborted || run.controller !== controller) return;
          if (!run.failing) {
            run.failing = true;
            this.#opts.log.log('info', 'sync.shape_unreachable', { shape: run.name });
            this.#statusMaybeChanged();
          }
        },
      },
      onError: async (err) => {
        if (controller.signal.aborted) return;
        if (err instanceof FetchError && (err.status === 401 || err.status === 403)) {
          const reason = (err.json as { error?: { reason?: string } } | undefined)?.error?.reason;
          this.#opts.log.log('warn', 'sync.credential_refused', { shape: run.name, status: err.status, reason });
          await this.#revoke();
          return;
        }
        run.failing = true;
        this.#opts.log.log('warn', 'sync.shape_error', { shape: run.name, status: err instanceof FetchError ? err.status : undefined, error: err.name });
        this.#statusMaybeChanged();
        if (err instanceof FetchError && err.status === 400 && position.handle) {
          // The server no longer understands the saved position (e.g. its database was replaced): start the
          // shape again from a fresh snapshot, as after a must-refetch, so rows it no longer has are removed.
          await this.#resetPosition(run);
          this.#restartLater(run, 1_000);
          return;
        }
        return {};
      },
    });
    run.stream = stream;
    run.controller = controller;
    stream.subscribe(
      async (messages) => {
        if (controller.signal.aborted || run.controller !== controller) return;
        const work = this.#applyBatch(run, stream, controller, messages);
        this.#inFlight.add(work);
        try {
          await work;
        } finally {
          this.#inFlight.delete(work);
        }
      },
      () => {
        // The stream gave up (its retry budget ran out): start it again later from the saved position.
        if (controller.signal.aborted || run.controller !== controller) return;
        this.#restartLater(run);
      },
    );
  }

  async #resetPosition(run: ShapeRun): Promise<void> {
    const applier = this.#appliers.get(run.name)!;
    const now = this.#opts.clock().toISOString();
    try {
      await this.#opts.db.connection().execute(async () =>
        inSyncTransaction(this.#opts.sqlite, () => applier.apply([{ headers: { control: 'must-refetch' } }], { handle: null, offset: '-1' }, now)),
      );
      run.refetching = true;
      this.#opts.log.log('warn', 'sync.shape_reset', { shape: run.name });
    } catch (err) {
      this.#opts.log.log('error', 'sync.shape_reset_failed', { shape: run.name, error: err instanceof Error ? err.name : typeof err });
    }
  }

  #restartLater(run: ShapeRun, delayMs = this.#opts.restartDelayMs ?? 30_000): void {
    run.controller?.abort();
    run.controller = null;
    run.stream = null;
    run.upToDate = false;
    run.failing = true;
    run.savedAt = null;
    this.#statusMaybeChanged();
    if (this.#stopped || this.#revoked || run.restartTimer) return;
    run.restartTimer = setTimeout(() => {
      run.restartTimer = null;
      this.#startStream(run);
    }, delayMs);
    run.restartTimer.unref();
  }

  async #applyBatch(run: ShapeRun, stream: ShapeStream<Row<unknown>>, controller: AbortController, messages: Message<Row<unknown>>[]): Promise<void> {
    const applier = this.#appliers.get(run.name)!;
    const nowMs = this.#opts.clock().getTime();
    // A quiet live poll says only "still up to date": note it, and write its offset now and then, not every time.
    const quiet = messages.every((m) => (m.headers as { control?: string }).control === 'up-to-date');
    if (quiet && !run.refetching && run.savedAt !== null && nowMs - run.savedAt < QUIET_SAVE_MS) {
      run.failing = false;
      run.upToDate = true;
      run.upToDateAt = new Date(nowMs).toISOString();
      this.#statusMaybeChanged();
      return;
    }
    let outcome: ApplyOutcome;
    try {
      // The position the stream will ask from next: saved with these rows, in the same transaction.
      const position = { handle: stream.shapeHandle ?? null, offset: stream.lastOffset };
      const now = this.#opts.clock().toISOString();
      outcome = await this.#opts.db.connection().execute(async () => {
        if (controller.signal.aborted) return null;
        return inSyncTransaction(this.#opts.sqlite, () => applier.apply(messages, position, now));
      }) as ApplyOutcome;
      if (!outcome) return;
    } catch (err) {
      // Nothing of the batch was kept; the stream has moved on in memory, so restart it from the saved position.
      this.#opts.log.log('error', 'sync.apply_failed', { shape: run.name, error: err instanceof Error ? err.name : typeof err, code: (err as { code?: string })?.code });
      this.#restartLater(run);
      return;
    }
    const wasFailing = run.failing;
    run.failing = false;
    run.savedAt = nowMs;
    if (outcome.mustRefetch) {
      run.upToDate = false;
      run.refetching = true;
      this.#opts.log.log('info', 'sync.must_refetch', { shape: run.name });
    }
    if (outcome.upToDate) {
      run.upToDate = true;
      run.refetching = false;
      run.upToDateAt = new Date(nowMs).toISOString();
    }
    const changed = outcome.changed + outcome.refetchDeleted;
    if (changed > 0) {
      this.#opts.log.log('debug', 'sync.applied', { shape: run.name, changed, skipped: outcome.skipped, removed: outcome.refetchDeleted });
      this.#opts.onApplied(SHAPE_ENTITIES[run.name], [run.name]);
    }
    if (wasFailing) {
      this.#opts.log.log('info', 'sync.shape_reachable', { shape: run.name });
      this.kick();
    }
    this.#statusMaybeChanged();
  }

  async #revoke(): Promise<void> {
    if (this.#revoked) return;
    this.#revoked = true;
    for (const run of this.#runs.values()) {
      run.controller?.abort();
      if (run.restartTimer) clearTimeout(run.restartTimer);
    }
    await this.#opts.onRevoked();
    this.#statusMaybeChanged();
  }

  get revoked(): boolean {
    return this.#revoked;
  }

  state(): SyncState {
    if (this.#revoked) return 'revoked';
    const runs = [...this.#runs.values()];
    if (runs.length === 0) return 'offline';
    if (runs.some((r) => r.failing) || this.#pushFailing) return 'offline';
    return runs.every((r) => r.upToDate) ? 'online' : 'syncing';
  }

  upToDate(name: ShapeName): boolean {
    return this.#runs.get(name)?.upToDate ?? false;
  }

  /** When the shape was last up to date in this run (ISO), or null. */
  upToDateAt(name: ShapeName): string | null {
    return this.#runs.get(name)?.upToDateAt ?? null;
  }

  #statusMaybeChanged(): void {
    this.#watchForServer();
    const key = this.state() + ':' + [...this.#runs.values()].map((r) => (r.upToDate ? 1 : 0)).join('');
    for (const w of this.#waiters) w();
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    this.#opts.onStatusChanged();
  }

  /** Resolves when every named shape is up to date; rejects on timeout or revocation. */
  waitUntilUpToDate(names: ShapeName[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#revoked) return finish(new Error('revoked'));
        if (this.#stopped) return finish(new Error('stopped'));
        if (names.every((n) => this.upToDate(n))) finish();
      };
      const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
      const finish = (err?: Error) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * While a shape is failing, ask the server's /health every few seconds: a live request held by the
   * server answers only when something changes (or after ~20 s), so without this the header would say
   * Offline that long after the server is back.
   */
  #watchForServer(): void {
    const failing = [...this.#runs.values()].some((r) => r.failing) || this.#pushFailing;
    if (!failing || this.#stopped || this.#revoked) {
      if (this.#healthTimer) clearTimeout(this.#healthTimer);
      this.#healthTimer = null;
      return;
    }
    if (this.#healthTimer) return;
    this.#healthTimer = setTimeout(async () => {
      this.#healthTimer = null;
      try {
        const res = await this.#opts.fetch(`${this.#conn.server_url}/health`, { signal: AbortSignal.timeout(3_000) });
        if (res.ok && !this.#stopped) {
          for (const run of this.#runs.values()) run.failing = false;
          this.#opts.log.log('info', 'sync.server_reachable', {});
          this.kick();
        }
      } catch {
        // still unreachable: try again on the next tick
      }
      this.#statusMaybeChanged();
    }, HEALTH_PROBE_MS);
    this.#healthTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#healthTimer) clearTimeout(this.#healthTimer);
    for (const run of this.#runs.values()) {
      run.controller?.abort();
      if (run.restartTimer) clearTimeout(run.restartTimer);
    }
    await this.#pusher?.stop();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    for (const w of this.#waiters) w();
    this.#opts.log.log('info', 'sync.stopped', {});
  }
}

export type { SyncShapeStatus, SyncStatus };
