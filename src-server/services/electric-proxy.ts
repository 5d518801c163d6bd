import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../src-shared/errors';
import { isUuid } from '../../src-shared/ids';
import { isShapeName, shapeColumns } from '../../src-shared/sync/shapes';
import type { DevicesTable } from '../db/schema';
import { assertStationReceives, ClientGoneError, SHAPE_HEADER } from './shapes';

/**
 * Proxy mode of GET /v1/shape, for large deployments: a real Electric service
 * (https://electric-sql.com) reads the same PostgreSQL by logical replication and serves the shapes; this
 * server stays the only address the desks know. It authenticates the device exactly as the native
 * endpoint does (server.ts), then forwards to `${electricUrl}/v1/shape` with parameters it decides itself:
 *
 *   table    one of src-shared/sync/shapes.ts (anything else: 400, never forwarded)
 *   where    clinic_id = '<the device's clinic>'  (for `clinics`: id = '<clinic>'); the id is a UUID
 *            checked with isUuid before it is put into the expression, so nothing else is ever interpolated
 *   columns  the station role's columns (shapeColumns; `id`, the primary key Electric requires, first)
 *   secret   the Electric API secret (ELECTRIC_SECRET of the Electric service), when configured
 *
 * plus only the protocol's position parameters from the desk: offset, handle, live, cursor. Everything
 * else the desk sends — its own where/columns/params, replica, subset__*, cache-buster, … — is dropped.
 *
 * The upstream status, body (streamed, byte for byte) and the headers the client needs come back
 * unchanged. Electric refusing our secret (401/403) becomes 502: passed through, the desk would take it
 * for its own credential being refused and stop syncing. Electric unreachable: 502; no answer within
 * `timeoutMs`: 504 (the desk's client retries 5xx). When the desk goes away the upstream request is
 * aborted, so a held live long-poll does not linger at Electric.
 */

export interface ElectricProxyOptions {
  /** Electric's base URL, e.g. http://electric:3000 (the proxy appends /v1/shape). */
  url: string;
  /** Electric's API secret (its ELECTRIC_SECRET), sent as `secret=`. */
  secret?: string | null;
  /** How long to wait for Electric's response headers; a live request is held ~20 s by Electric. */
  timeoutMs?: number;
}

/** The desk's parameters that are forwarded; every other one is dropped. */
export const FORWARDED_PARAMS = ['offset', 'handle', 'live', 'cursor'] as const;

/** Response headers passed back from Electric (lower case), as the desk's ShapeStream reads them. */
export const PASSED_HEADERS = [
  SHAPE_HEADER.handle,
  SHAPE_HEADER.offset,
  SHAPE_HEADER.schema,
  SHAPE_HEADER.cursor,
  SHAPE_HEADER.upToDate,
  'content-type',
  'cache-control',
  'etag',
] as const;
const EXPOSED = Object.values(SHAPE_HEADER).join(', ');

export const DEFAULT_UPSTREAM_TIMEOUT_MS = 90_000;

const badRequest = (reason: string, message: string) => new ApiError({ code: 'validation', reason, message });

/** A failure of the upstream Electric service, answered with `status` and plain words. */
export class UpstreamError extends Error {
  constructor(
    readonly status: 502 | 504,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export class ElectricProxy {
  readonly #base: URL;
  readonly #secret: string | null;
  readonly #timeoutMs: number;

  constructor(options: ElectricProxyOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('The Electric URL must start with http:// or https://');
    base.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/shape`;
    base.search = '';
    base.hash = '';
    this.#base = base;
    this.#secret = options.secret || null;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  }

  /** Where a desk's request goes: the server's shape definition plus the desk's position. Throws ApiError 400. */
  upstreamUrl(device: Pick<DevicesTable, 'clinic_id' | 'station_role'>, params: URLSearchParams): URL {
    const table = params.get('table');
    if (!table) throw badRequest('table_missing', 'Say which table to read: the "table" parameter is missing.');
    if (!isShapeName(table)) throw badRequest('unknown_table', 'This server has no shape for that table. Check the desk and server versions.');
    assertStationReceives(table, device.station_role);
    // The clinic id comes from our own database, but it is the one value put into an SQL expression:
    // refuse anything that is not exactly a UUID rather than trust it.
    if (!isUuid(device.clinic_id)) throw new Error('The device has a clinic id that is not a UUID');
    const url = new URL(this.#base);
    url.searchParams.set('table', table);
    url.searchParams.set('where', `${table === 'clinics' ? 'id' : 'clinic_id'} = '${device.clinic_id}'`);
    url.searchParams.set('columns', shapeColumns(table, device.station_role).join(','));
    for (const name of FORWARDED_PARAMS) {
      const value = params.get(name);
      if (value !== null) url.searchParams.set(name, value);
    }
    if (this.#secret) url.searchParams.set('secret', this.#secret);
    return url;
  }

  /**
   * Forwards one shape request and streams Electric's answer into `res`; resolves with the status sent.
   * Throws UpstreamError before anything is sent when Electric cannot be used, ClientGoneError when the
   * desk went away (`signal`).
   */
  async forward(url: URL, res: http.ServerResponse, signal: AbortSignal): Promise<number> {
    if (signal.aborted) throw new ClientGoneError();
    const get = url.protocol === 'https:' ? https.get : http.get;
    const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = get(url, { signal, headers: { accept: 'application/json' } }, resolve);
      req.setTimeout(this.#timeoutMs, () =>
        req.destroy(new UpstreamError(504, 'electric_timeout', 'The sync service (Electric) did not answer in time. The desk will try again.')),
      );
      req.on('error', (err) => {
        if (signal.aborted) reject(new ClientGoneError());
        else if (err instanceof UpstreamError) reject(err);
        else reject(new UpstreamError(502, 'electric_unreachable', 'The server could not reach its sync service (Electric). The desk will try again; if it keeps happening, check that Electric is running.'));
      });
    });
    const status = upstream.statusCode ?? 502;
    if (status === 401 || status === 403) {
      upstream.resume();
      throw new UpstreamError(502, 'electric_refused', "The sync service (Electric) refused this server's secret. Check --electric-secret against Electric's ELECTRIC_SECRET.");
    }
    const headers: Record<string, string> = { 'access-control-expose-headers': EXPOSED, 'x-content-type-options': 'nosniff' };
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    res.writeHead(status, headers);
    try {
      await pipeline(upstream, res);
    } catch {
      // The desk went away or Electric broke off mid-body: the response cannot be completed either way.
      if (!res.destroyed) res.destroy();
    }
    return status;
  }
}
