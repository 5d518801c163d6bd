import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_STATUS, type ApiResult } from '../../src-shared/errors';
import type { ClinicCore } from '../core/core';
import type { Logger } from '../core/log';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/csp';

/**
 * Browser mode: the ClinicApi over HTTP (calls) and WebSocket (live change events) on 127.0.0.1,
 * with the built renderer served beside it. Every request is untrusted: it must carry the per-launch
 * secret (from the opened URL, then an HttpOnly cookie), come from our own origin and Host, and the
 * ClinicApi still asks for sign-in and checks permissions — another local process cannot read
 * patients through it.
 */
export interface HostOptions {
  core: ClinicCore;
  rendererDir: string;
  port?: number;
  secret?: string;
  log: Logger;
}

export interface RunningHost {
  url: string;
  /** The URL to open first: it carries the launch secret. */
  launchUrl: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'clinicdesk_launch';
/** Large enough for an attached report (10 MB, base64-encoded: about 13.4 MB). */
const MAX_BODY = 16 * 1024 * 1024;


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { core, log } = options;
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(options.rendererDir);
  let origin = '';
  let hostHeaders = new Set<string>();

  const hasSecret = (req: http.IncomingMessage) => {
    const c = cookieValue(req.headers.cookie, COOKIE);
    return c !== null && safeEqual(c, secret);
  };
  // Host must be ours (defeats DNS rebinding); Origin, when sent, must be ours (defeats other sites).
  const trustedHost = (req: http.IncomingMessage) => hostHeaders.has(req.headers.host ?? '');
  const trustedOrigin = (req: http.IncomingMessage, required: boolean) => {
    const o = req.headers.origin;
    if (o === undefined) return !required;
    return o === origin || o === origin.replace('127.0.0.1', 'localhost');
  };

  function send(res: http.ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}) {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  }

  function refuse(res: http.ServerResponse, status: number, message: string) {
    const body: ApiResult<never> = { ok: false, error: { code: status === 401 ? 'unauthenticated' : 'permission', message } };
    send(res, status, JSON.stringify(body), 'application/json');
  }

  async function readBody(req: http.IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse) {
    if (req.method !== 'POST') return refuse(res, 405 , 'Use POST.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415 , 'Send JSON.');
    const raw = await readBody(req);
    if (raw === null) return send(res, 413, JSON.stringify({ ok: false, error: { code: 'validation', message: 'That is too much data to save at once.' } }), 'application/json');
    let message: { method?: unknown; input?: unknown };
    try {
      message = JSON.parse(raw);
    } catch {
      return send(res, 400, JSON.stringify({ ok: false, error: { code: 'validation', message: 'The request could not be read. Please reload the page.' } }), 'application/json');
    }
    const token = req.headers['x-clinic-session'];
    const result = await core.call(typeof message.method === 'string' ? message.method : '', message.input, {
      token: typeof token === 'string' ? token : null,
    });
    send(res, result.ok ? 200 : HTTP_STATUS[result.error.code], JSON.stringify(result), 'application/json');
  }

  function serveStatic(urlPath: string, res: http.ServerResponse) {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return send(res, 400, 'Bad path', 'text/plain; charset=utf-8');
    }
    let file = path.resolve(rendererDir, '.' + rel);
    if (!file.startsWith(rendererDir + path.sep) && file !== rendererDir) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(rendererDir, 'index.html');
    if (!fs.existsSync(file)) {
      return send(res, 503, 'The screens are not built yet. Run "npm run build" (npm start does it for you).', 'text/plain; charset=utf-8');
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    send(res, 200, fs.readFileSync(file), type, immutable ? { 'Cache-Control': 'public, max-age=31536000, immutable' } : {});
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (!trustedHost(req)) return refuse(res, 403, 'ClinicDesk only answers on its own address.');
        const url = new URL(req.url ?? '/', origin);
        const k = url.searchParams.get('k');
        if (req.method === 'GET' && k !== null) {
          if (!safeEqual(k, secret)) return refuse(res, 401, 'This link is not valid any more. Use the link ClinicDesk printed when it started.');
          res.writeHead(303, {
            ...SECURITY_HEADERS,
            'Set-Cookie': `${COOKIE}=${secret}; HttpOnly; SameSite=Strict; Path=/`,
            Location: '/',
          });
          return res.end();
        }
        if (!hasSecret(req)) {
          return send(
            res,
            401,
            '<!doctype html><meta charset="utf-8"><title>ClinicDesk</title><p style="font-family:sans-serif">Open ClinicDesk with the link it printed when it started.</p>',
            'text/html; charset=utf-8',
          );
        }
        if (url.pathname === '/api/call') {
          if (!trustedOrigin(req, true)) return refuse(res, 403, 'Requests from other pages are not allowed.');
          return await handleApi(req, res);
        }
        if (url.pathname === '/api/health') return send(res, 200, JSON.stringify({ ok: true }), 'application/json');
        if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405 , 'Not allowed.');
        return serveStatic(url.pathname, res);
      } catch (err) {
        log.log('error', 'host.request_failed', { error: err instanceof Error ? err.name : 'unknown' });
        if (!res.headersSent) send(res, 500, JSON.stringify({ ok: false, error: { code: 'internal', message: 'Something went wrong. Please try again.' } }), 'application/json');
        else res.end();
      }
    })();
  });

  // Live change events for open screens.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/api/events' || !trustedHost(req) || !trustedOrigin(req, true) || !hasSecret(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'events only'));
    });
  });
  const unsubscribe = core.subscribe((event) => {
    const data = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(data);
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
  origin = `http://127.0.0.1:${port}`;
  hostHeaders = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  log.log('info', 'host.listening', { port });

  return {
    url: origin,
    launchUrl: `${origin}/?k=${secret}`,
    port,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
