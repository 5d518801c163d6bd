import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { EnrolledDeviceInfo, EnrolmentCodeInfo, SyncJoinResult, SyncStatus } from '../../../src-shared/api/types';
import { ApiError } from '../../../src-shared/errors';
import { isValidSeriesPrefix } from '../../../src-shared/mrn';
import { SHAPE_NAMES, shapeColumns, stationShapes, STATION_ROLES, type ShapeName, type StationRole } from '../../../src-shared/sync/shapes';
import type { ChangeEvent } from '../context';
import type { LocalDatabase, SyncConnection } from '../db/schema';
import type { Logger } from '../log';
import { SyncClient } from './client';
import { normalizeServerUrl, serverDidNotAnswer, serverRequest, type FetchFn, type ServerReply } from './remote';

export interface SyncOptions {
  /** The fetch used for every request to the server (tests wrap it to count what was fetched). */
  fetch?: FetchFn;
  /** How long sync.join waits for the clinic and its staff to arrive (ms, default 60 s). */
  joinTimeoutMs?: number;
  backoff?: { initialDelay?: number; maxDelay?: number; multiplier?: number };
  restartDelayMs?: number;
  /** The write path's retry delays while the server cannot be reached (ms). */
  pushRetry?: { initialDelay?: number; maxDelay?: number };
}

export interface SyncManagerDeps {
  db: Kysely<LocalDatabase>;
  readDb: Kysely<LocalDatabase>;
  sqlite: Database.Database;
  log: Logger;
  clock: () => Date;
  emit(event: ChangeEvent): void;
  clinicExists(): Promise<boolean>;
  invalidateClinic(): void;
  /** The desk takes the id the server gave it, so its outbox and audit name the device the server knows. */
  adoptDeviceId(id: string): void;
}

const enrolReply = z.object({
  deviceId: z.string().min(1),
  clinicId: z.string().min(1),
  clinicName: z.string(),
  credential: z.string().min(16),
  patientSeries: z.string().refine(isValidSeriesPrefix),
  invoiceSeries: z.string().min(1).max(5),
  enrolledAt: z.string(),
  stationRole: z.enum(STATION_ROLES).optional(),
});

const deviceReply = z.object({
  id: z.string(),
  name: z.string(),
  patientSeries: z.string(),
  invoiceSeries: z.string(),
  enrolledAt: z.string(),
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  stationRole: z.enum(STATION_ROLES).optional(),
});

const notJoined = () =>
  new ApiError({ code: 'conflict', reason: 'standalone', message: 'This PC is not connected to a clinic server. Devices are managed on a PC that has joined one.' });
const revokedHere = () =>
  new ApiError({ code: 'permission', reason: 'device_revoked', message: 'This PC has been removed from the clinic server by an administrator. Ask an administrator to enrol it again.' });
const badCode = () =>
  new ApiError({
    code: 'validation',
    reason: 'bad_code',
    fields: { code: 'That enrolment code is not valid or has expired. Ask your administrator for a new one.' },
    message: 'That enrolment code is not valid or has expired. Ask your administrator for a new one.',
  });
const badSetupCode = () =>
  new ApiError({
    code: 'validation',
    reason: 'bad_code',
    fields: { code: 'That set-up code is not valid or has expired. Restarting the server prints a new one.' },
    message: 'That set-up code is not valid or has expired. Restarting the server prints a new one.',
  });
/** Rows a request when a desk brings its clinic to a server (the server takes up to 5,000). */
export const UPLOAD_BATCH = 2_000;
const notAClinicServer = (url: string) =>
  new ApiError({ code: 'conflict', reason: 'not_a_clinic_server', message: `The address ${url} answered, but not as a ClinicDesk clinic server. Check the address with your administrator.` });

/**
 * The desk's connection to its clinic server: joining (enrolment), the read-path client's lifetime,
 * the sync status, and the admin actions relayed to the server. The credential stays in here and in the
 * sync_connection row: never logged, never in an API result.
 */
export class SyncManager {
  readonly #deps: SyncManagerDeps;
  readonly #opts: SyncOptions;
  readonly #fetch: FetchFn;
  #sendingBlobs = false;
  #conn: SyncConnection | null = null;
  #client: SyncClient | null = null;
  #closed = false;
  #joining = false;
  #uploading = false;

  constructor(deps: SyncManagerDeps, opts: SyncOptions = {}) {
    this.#deps = deps;
    this.#opts = opts;
    this.#fetch = opts.fetch ?? ((...args: Parameters<FetchFn>) => fetch(...args));
  }

  /** At core open: resume syncing when this desk has joined a server (and is not revoked). */
  async open(): Promise<void> {
    this.#conn = (await this.#deps.db.selectFrom('sync_connection').selectAll().executeTakeFirst()) ?? null;
    if (this.#conn && !this.#conn.revoked_at) await this.#startClient();
  }

  /** Something was queued in the outbox: push it now (the write path; a no-op while standalone). */
  kick(): void {
    this.#client?.kick();
    this.#sendBlobs();
  }

  /** Where attached files are read from for sending (the core's file store). */
  #blobReader: ((sha256: string) => Buffer | null) | null = null;
  setBlobReader(read: (sha256: string) => Buffer | null): void {
    this.#blobReader = read;
  }

  #blobRetry: NodeJS.Timeout | null = null;
  /** A file the server did not take (or could not be reached for) is tried again in 30 s, whatever else happens. */
  #retryBlobsLater(): void {
    if (this.#blobRetry || this.#closed) return;
    this.#blobRetry = setTimeout(() => {
      this.#blobRetry = null;
      this.#sendBlobs();
    }, 30_000);
    this.#blobRetry.unref();
  }

  #sendBlobs(): void {
    const read = this.#blobReader;
    if (read && this.#client?.state() === 'online') void this.uploadBlobs(read).catch(() => {});
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#blobRetry) clearTimeout(this.#blobRetry);
    const client = this.#client;
    this.#client = null;
    await client?.stop();
  }

  async #startClient(): Promise<void> {
    const conn = this.#conn!;
    const client = new SyncClient(conn, {
      db: this.#deps.db,
      sqlite: this.#deps.sqlite,
      log: this.#deps.log,
      clock: this.#deps.clock,
      fetch: this.#fetch,
      backoff: this.#opts.backoff,
      restartDelayMs: this.#opts.restartDelayMs,
      pushRetry: this.#opts.pushRetry,
      onApplied: (entities, tables) => {
        if (tables.includes('clinics')) this.#deps.invalidateClinic();
        this.#deps.emit({ type: 'changed', entities: [...entities, 'sync'] });
      },
      onStatusChanged: () => {
        this.#deps.emit({ type: 'changed', entities: ['sync'] });
        // Back online: files attached meanwhile go to the server.
        this.#sendBlobs();
      },
      onRevoked: () => this.#markRevoked(),
    });
    this.#client = client;
    await client.start();
  }

  async #markRevoked(): Promise<void> {
    if (!this.#conn || this.#conn.revoked_at || this.#closed) return;
    const at = this.#deps.clock().toISOString();
    await this.#deps.db.updateTable('sync_connection').set({ revoked_at: at }).execute();
    this.#conn = { ...this.#conn, revoked_at: at };
    this.#deps.log.log('warn', 'sync.revoked', { deviceId: this.#conn.device_id });
    this.#deps.emit({ type: 'changed', entities: ['sync'] });
  }

  async join(input: { serverUrl: string; code: string; deviceName: string }): Promise<SyncJoinResult> {
    return this.#oneAtATime('joining', () => this.#join(input));
  }

  /** Joining and connecting change who this desk is: one at a time. */
  async #oneAtATime<T>(doing: 'joining' | 'connecting', work: () => Promise<T>): Promise<T> {
    if (this.#joining) {
      throw new ApiError({ code: 'conflict', reason: 'join_in_progress', message: `This PC is already ${doing === 'joining' ? 'joining' : 'connecting to'} a clinic server. Wait for it to finish.` });
    }
    this.#joining = true;
    try {
      return await work();
    } finally {
      this.#joining = false;
    }
  }

  /** The server address as typed, checked; a field error in plain words otherwise. */
  #serverUrl(raw: string): string {
    const url = normalizeServerUrl(raw);
    if (url) return url;
    const message = 'That is not a server address. It looks like 192.168.1.10:8787 or http://clinic-server:8787.';
    throw new ApiError({ code: 'validation', fields: { serverUrl: message }, message });
  }

  /**
   * A desk that has its clinic brings it to a clinic server that has none, with the set-up code the server
   * printed (src-server/services/founding.ts): clinic and staff, then every other synced table in
   * dependency order, UPLOAD_BATCH rows a request, then "done"; from then on it syncs as the clinic's first,
   * admin, device. Rows go as they are on this desk (the server gives them their row_version and streams
   * them back). Commands wait while it runs (writesPaused), so the outbox is wholly described by those rows
   * and is settled. A retry with the same code after a failure resumes: the server keeps
   * what arrived and ignores rows it already has.
   */
  async connect(input: { serverUrl: string; code: string; deviceName: string }): Promise<SyncJoinResult> {
    return this.#oneAtATime('connecting', () => this.#connect(input));
  }

  async #connect(input: { serverUrl: string; code: string; deviceName: string }): Promise<SyncJoinResult> {
    if (this.#conn && !this.#conn.revoked_at) {
      throw new ApiError({ code: 'conflict', reason: 'already_joined', message: `This PC is already connected to the clinic server at ${this.#conn.server_url}.` });
    }
    if (!(await this.#deps.clinicExists())) {
      throw new ApiError({ code: 'conflict', reason: 'no_clinic', message: 'Set up the clinic on this PC first, or join a clinic server that already has it.' });
    }
    const url = this.#serverUrl(input.serverUrl);
    // While the desk's records are on their way, nothing new is written here (the screens say so and keep
    // what was typed): every outbox entry is then described by the rows sent, and all of it is settled.
    this.#uploading = true;
    try {
      await this.#deps.db.connection().execute(async () => undefined); // a command under way finishes first
      return await this.#upload(url, input);
    } finally {
      this.#uploading = false;
    }
  }

  /** Why a command may not write just now (a plain sentence), or null. */
  writesPaused(): string | null {
    return this.#uploading
      ? 'This PC is sending its records to the clinic server for the first time. Wait a moment and save again; nothing you typed is lost.'
      : null;
  }

  async #upload(url: string, input: { code: string; deviceName: string }): Promise<SyncJoinResult> {
    const device = await this.#deps.db.selectFrom('device').selectAll().executeTakeFirstOrThrow();
    const queued = await sql<{ last: number | null }>`SELECT max(rowid) AS last FROM outbox`.execute(this.#deps.db);
    const settleUpTo = queued.rows[0]?.last ?? 0;
    const [clinic] = await this.#localRows('clinics', 0, 1);
    const staff = await this.#allLocalRows('staff');
    const reply = await serverRequest(this.#fetch, url, {
      method: 'POST',
      path: '/v1/found',
      body: { code: input.code, deviceName: input.deviceName, patientSeries: device.patient_series, clinic: clinic?.row, staff: staff.map((r) => r.row) },
    });
    if (reply.error) {
      this.#deps.log.log('info', 'sync.connect_refused', { status: reply.status, reason: reply.error.reason });
      if (reply.error.reason?.startsWith('code_') && reply.error.reason !== 'code_used') throw badSetupCode();
      throw new ApiError({ code: reply.error.code, reason: reply.error.reason, message: reply.error.message });
    }
    const parsed = enrolReply.safeParse(reply.body);
    if (!parsed.success) throw notAClinicServer(url);
    const enrolled = parsed.data;
    let sent = 0;
    for (const table of SHAPE_NAMES) {
      if (table === 'clinics' || table === 'staff') continue;
      for (let after = 0; ; ) {
        const page = await this.#localRows(table, after, UPLOAD_BATCH);
        if (page.length === 0) break;
        await this.#uploadRequest(url, enrolled.credential, '/v1/upload', { table, rows: page.map((r) => r.row) });
        sent += page.length;
        after = page[page.length - 1]!.rowid;
      }
    }
    await this.#uploadRequest(url, enrolled.credential, '/v1/upload/finish', {});
    this.#deps.log.log('info', 'sync.uploaded', { rows: sent + staff.length + 1 });
    // What the outbox described is on the server now, in the rows just sent: settled in the same transaction
    // that keeps the credential.
    await this.#adopt(url, enrolled, device.patient_series, { settleOutboxUpTo: settleUpTo });
    return this.#waitForClinic();
  }

  /** One page of a synced table as the server keeps it: the shape's columns (row_version is the server's). */
  async #localRows(table: ShapeName, afterRowid: number, limit: number): Promise<Array<{ rowid: number; row: Record<string, unknown> }>> {
    const columns = shapeColumns(table, 'admin').filter((c) => c !== 'row_version');
    const rows = await sql<Record<string, unknown> & { __rowid: number }>`
      SELECT rowid AS __rowid, ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)}
      WHERE rowid > ${afterRowid} ORDER BY rowid LIMIT ${limit}`.execute(this.#deps.readDb);
    return rows.rows.map(({ __rowid, ...row }) => ({ rowid: __rowid, row }));
  }

  async #allLocalRows(table: ShapeName): Promise<Array<{ rowid: number; row: Record<string, unknown> }>> {
    const out: Array<{ rowid: number; row: Record<string, unknown> }> = [];
    for (let after = 0; ; ) {
      const page = await this.#localRows(table, after, UPLOAD_BATCH);
      if (page.length === 0) return out;
      out.push(...page);
      after = page[page.length - 1]!.rowid;
    }
  }

  async #uploadRequest(url: string, credential: string, path: string, body: unknown): Promise<void> {
    const reply = await serverRequest(this.#fetch, url, { method: 'POST', path, body, credential, timeoutMs: 120_000 });
    if (reply.error) {
      this.#deps.log.log('warn', 'sync.upload_refused', { status: reply.status, reason: reply.error.reason });
      throw new ApiError({
        code: reply.error.code,
        reason: reply.error.reason,
        message: `Sending this PC's data to the server stopped: ${reply.error.message} Nothing here was changed; try again with the same set-up code.`,
      });
    }
  }

  async #join(input: { serverUrl: string; code: string; deviceName: string }): Promise<SyncJoinResult> {
    if (await this.#deps.clinicExists()) {
      throw new ApiError({ code: 'conflict', reason: 'already_set_up', message: 'This PC already has its clinic. Sign in instead.' });
    }
    const url = this.#serverUrl(input.serverUrl);
    if (this.#conn && !this.#conn.revoked_at) {
      // Joined earlier, but the clinic's data had not arrived: wait for it again rather than enrol twice.
      if (this.#conn.server_url !== url) {
        throw new ApiError({
          code: 'conflict',
          reason: 'already_joined',
          message: `This PC has already joined the clinic server at ${this.#conn.server_url} and is waiting for its data.`,
        });
      }
      return this.#waitForClinic();
    }
    const device = await this.#deps.db.selectFrom('device').selectAll().executeTakeFirstOrThrow();
    const reply = await serverRequest(this.#fetch, url, {
      method: 'POST',
      path: '/v1/enrol',
      body: { code: input.code, deviceName: input.deviceName, patientSeries: device.patient_series },
    });
    if (reply.error) {
      this.#deps.log.log('info', 'sync.join_refused', { status: reply.status, reason: reply.error.reason });
      if (reply.error.reason?.startsWith('code_')) throw badCode();
      throw new ApiError({ code: reply.error.code, reason: reply.error.reason, message: reply.error.message });
    }
    const parsed = enrolReply.safeParse(reply.body);
    if (!parsed.success) throw notAClinicServer(url);
    const enrolled = parsed.data;
    await this.#adopt(url, enrolled, device.patient_series);
    return this.#waitForClinic();
  }

  /** Keeps the server's credential and series for this desk and starts syncing. */
  async #adopt(url: string, enrolled: z.infer<typeof enrolReply>, ownSeries: string, opts: { settleOutboxUpTo?: number } = {}): Promise<void> {
    const conn: SyncConnection = {
      singleton: 1,
      server_url: url,
      device_id: enrolled.deviceId,
      credential: enrolled.credential,
      clinic_id: enrolled.clinicId,
      clinic_name: enrolled.clinicName,
      station_role: enrolled.stationRole ?? 'front_desk',
      patient_series: enrolled.patientSeries,
      invoice_series: enrolled.invoiceSeries,
      enrolled_at: enrolled.enrolledAt,
      revoked_at: null,
    };
    await this.#deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sync_connection').execute();
      await trx.deleteFrom('sync_shapes').execute();
      await trx.deleteFrom('sync_refetch').execute();
      await trx.insertInto('sync_connection').values(conn).execute();
      if (opts.settleOutboxUpTo !== undefined) {
        await trx.updateTable('outbox').set({ status: 'applied' }).where('status', '=', 'pending').where(sql<number>`rowid`, '<=', opts.settleOutboxUpTo).execute();
        await trx.deleteFrom('outbox_rows').where('seq', '<=', opts.settleOutboxUpTo).execute();
      }
      // The server's series for this desk's MRNs (its own, kept, when no other device of the clinic had it).
      await trx
        .updateTable('device')
        .set({
          id: enrolled.deviceId,
          clinic_id: enrolled.clinicId,
          patient_series: enrolled.patientSeries,
          ...(enrolled.patientSeries === ownSeries ? {} : { patient_next: 1 }),
        })
        .execute();
    });
    this.#conn = conn;
    this.#deps.adoptDeviceId(enrolled.deviceId);
    this.#deps.log.log('info', 'sync.joined', { deviceId: enrolled.deviceId, clinicId: enrolled.clinicId, station: conn.station_role });
    await this.#client?.stop();
    await this.#startClient();
    this.#deps.emit({ type: 'changed', entities: ['sync'] });
  }

  async #waitForClinic(): Promise<SyncJoinResult> {
    const conn = this.#conn!;
    try {
      await this.#client!.waitUntilUpToDate(['clinics', 'staff'], this.#opts.joinTimeoutMs ?? 60_000);
    } catch (err) {
      if (this.#client?.revoked) throw revokedHere();
      this.#deps.log.log('warn', 'sync.join_waiting', { error: err instanceof Error ? err.message : 'unknown' });
      throw new ApiError({
        code: 'conflict',
        reason: 'sync_waiting',
        message: `This PC has joined the clinic server, but the clinic's details and staff list have not arrived yet from ${conn.server_url}. Check the network and try again in a minute.`,
      });
    }
    this.#deps.invalidateClinic();
    return {
      clinicName: conn.clinic_name,
      deviceId: conn.device_id,
      stationRole: conn.station_role,
      patientSeries: conn.patient_series,
      invoiceSeries: conn.invoice_series,
    };
  }

  async status(db: Kysely<LocalDatabase> = this.#deps.readDb): Promise<SyncStatus> {
    const pending = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    const attention = await db.selectFrom('inbox').select((eb) => eb.fn.countAll<number>().as('n')).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
    const conn = this.#conn;
    if (!conn) {
      return { state: 'standalone', serverUrl: null, lastSyncedAt: null, pendingMutations: Number(pending.n), needsAttention: Number(attention.n), stationRole: null, shapes: [] };
    }
    const rows = await db.selectFrom('sync_shapes').selectAll().execute();
    const byName = new Map(rows.map((r) => [r.name, r]));
    const received = stationShapes(conn.station_role);
    const shapes = received.map((name) => ({
      name,
      rows: byName.get(name)?.rows_applied ?? 0,
      upToDate: this.#client?.upToDate(name) ?? false,
    }));
    const stamps = received.map((n) => {
      const saved = byName.get(n)?.up_to_date_at ?? null;
      const seen = this.#client?.upToDateAt(n) ?? null;
      return saved && seen ? (saved > seen ? saved : seen) : (saved ?? seen);
    });
    const lastSyncedAt = stamps.every((s) => s !== null) ? (stamps as string[]).reduce((a, b) => (a < b ? a : b)) : null;
    return {
      state: conn.revoked_at ? 'revoked' : (this.#client?.state() ?? 'offline'),
      serverUrl: conn.server_url,
      lastSyncedAt,
      pendingMutations: Number(pending.n),
      needsAttention: Number(attention.n),
      stationRole: conn.station_role,
      shapes,
    };
  }

  /** An admin action on the server, done for the signed-in desk administrator. */
  async #adminRequest(userId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ServerReply> {
    const conn = this.#conn;
    if (!conn) throw notJoined();
    if (conn.revoked_at) throw revokedHere();
    const reply = await serverRequest(this.#fetch, conn.server_url, { method, path, body, credential: conn.credential, userId });
    if (reply.error) {
      if (reply.error.reason === 'device_revoked' || reply.error.reason === 'credential_unknown') {
        await this.#client?.stop();
        await this.#markRevoked();
        throw revokedHere();
      }
      throw new ApiError({ code: reply.error.code, reason: reply.error.reason, message: reply.error.message });
    }
    return reply;
  }

  #deviceInfo(raw: unknown, url: string): EnrolledDeviceInfo {
    const parsed = deviceReply.safeParse(raw);
    if (!parsed.success) throw notAClinicServer(url);
    const d = parsed.data;
    return { ...d, stationRole: d.stationRole ?? 'front_desk', thisDevice: d.id === this.#conn?.device_id };
  }

  /**
   * A request to the clinic server on a signed-in user's behalf (online payments: the server holds the
   * Razorpay keys). Refusals come back as ApiErrors in the server's words.
   */
  async serverCall(userId: string, path: string, body: unknown): Promise<unknown> {
    if (!this.#conn) {
      throw new ApiError({ code: 'conflict', reason: 'not_joined', message: 'Online payments go through the clinic server, and this PC is not connected to one. Take cash, card or UPI instead.' });
    }
    return (await this.#adminRequest(userId, 'POST', path, body)).body;
  }

  /**
   * Sends the attached files this desk holds and the server has not confirmed (content-addressed: sending one
   * twice is harmless). Quietly does nothing offline or unjoined; the next call sends them.
   */
  async uploadBlobs(read: (sha256: string) => Buffer | null): Promise<number> {
    const conn = this.#conn;
    if (!conn || conn.revoked_at || this.#sendingBlobs) return 0;
    this.#sendingBlobs = true;
    let sent = 0;
    try {
      const queued = await this.#deps.db.selectFrom('blob_uploads').select('sha256').where('uploaded_at', 'is', null).orderBy('queued_at').execute();
      for (const { sha256 } of queued) {
        const bytes = read(sha256);
        if (!bytes) continue;
        let reply: ServerReply;
        try {
          reply = await serverRequest(this.#fetch, conn.server_url, { method: 'POST', path: '/v1/blobs', body: { sha256, dataBase64: bytes.toString('base64') }, credential: conn.credential, timeoutMs: 120_000 });
        } catch {
          this.#retryBlobsLater();
          return sent; // offline: later
        }
        if (reply.error) {
          this.#deps.log.log('warn', 'sync.blob_refused', { reason: reply.error.reason ?? reply.error.code });
          this.#retryBlobsLater();
          continue;
        }
        await this.#deps.db.updateTable('blob_uploads').set({ uploaded_at: this.#deps.clock().toISOString() }).where('sha256', '=', sha256).execute();
        sent++;
      }
      if (sent) this.#deps.log.log('info', 'sync.blobs_sent', { count: sent });
      return sent;
    } finally {
      this.#sendingBlobs = false;
    }
  }

  /** An attached file from the clinic server, checked against its SHA-256; null when the server does not have it yet. */
  async fetchBlob(sha256: string, hash: (bytes: Buffer) => string): Promise<Buffer | null> {
    const conn = this.#conn;
    if (!conn) return null;
    if (conn.revoked_at) throw revokedHere();
    const reply = await serverRequest(this.#fetch, conn.server_url, { method: 'GET', path: `/v1/blobs/${sha256}`, credential: conn.credential, timeoutMs: 120_000 });
    if (reply.error) {
      if (reply.status === 404) return null;
      throw new ApiError({ code: reply.error.code, reason: reply.error.reason, message: reply.error.message });
    }
    const data = (reply.body as { dataBase64?: unknown })?.dataBase64;
    if (typeof data !== 'string') throw notAClinicServer(conn.server_url);
    const bytes = Buffer.from(data, 'base64');
    if (hash(bytes) !== sha256) {
      this.#deps.log.log('warn', 'sync.blob_checksum_mismatch', {});
      throw new ApiError({ code: 'conflict', reason: 'blob_damaged', message: 'The file came from the clinic server damaged (its checksum does not match). Try again.' });
    }
    return bytes;
  }

  async listDevices(userId: string): Promise<EnrolledDeviceInfo[]> {
    const reply = await this.#adminRequest(userId, 'GET', '/v1/devices');
    const list = (reply.body as { devices?: unknown })?.devices;
    if (!Array.isArray(list)) throw notAClinicServer(this.#conn!.server_url);
    return list.map((d) => this.#deviceInfo(d, this.#conn!.server_url));
  }

  async revokeDevice(userId: string, id: string): Promise<EnrolledDeviceInfo> {
    if (this.#conn && id === this.#conn.device_id) {
      throw new ApiError({ code: 'conflict', reason: 'this_device', message: 'This is the PC you are using. Remove it from another administrator PC.' });
    }
    const reply = await this.#adminRequest(userId, 'POST', `/v1/devices/${encodeURIComponent(id)}/revoke`, {});
    return this.#deviceInfo((reply.body as { device?: unknown })?.device, this.#conn!.server_url);
  }

  async createEnrolmentCode(userId: string, input: { expiresInHours?: number; stationRole: StationRole }): Promise<EnrolmentCodeInfo> {
    const reply = await this.#adminRequest(userId, 'POST', '/v1/enrolment-codes', {
      ...(input.expiresInHours !== undefined ? { expiresInHours: input.expiresInHours } : {}),
      stationRole: input.stationRole,
    });
    const body = reply.body as { code?: unknown; expiresAt?: unknown; stationRole?: unknown };
    if (typeof body?.code !== 'string' || typeof body.expiresAt !== 'string') throw notAClinicServer(this.#conn!.server_url);
    const role = STATION_ROLES.find((r) => r === body.stationRole) ?? input.stationRole;
    return { code: body.code, expiresAt: body.expiresAt, stationRole: role };
  }
}

export { serverDidNotAnswer };
