import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { validationError } from '../src-shared/api/validation';
import { ApiError } from '../src-shared/errors';
import { backendFrom, DEFAULT_PORT, electricFrom, parseDuration } from './config';
import { runAdminCommand, type AdminCommand } from './admin';
import { openCentralDatabase, CentralDbError, DataDirBusyError, type CentralDb } from './db/open';
import { startServer } from './http/server';
import { loopbackUrl, newAdminToken, readAdminFile, sendAdminCommand, writeAdminFile } from './local-admin';
import { isLogLevel, jsonLogger } from './log';
import { STATION_ROLES, type StationRole } from '../src-shared/sync/shapes';
import { createClinicInput } from './services/clinics';
import { DEFAULT_CODE_TTL_MS, isStationRole, type DeviceInfo } from './services/devices';
import { createSetupCode } from './services/founding';
import { compactChangeLog, DEFAULT_RETENTION_MS } from './services/shapes';

const USAGE = `ClinicDesk central sync server

Usage: npm run server -- [command] [options]

A server without a clinic prints a one-time set-up code when it starts: the clinic's first PC then sends
its clinic (Devices > Connect to a clinic server). init-clinic makes the clinic here instead.

Commands:
  serve (default)        start the server
      --port <n>           port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
      --host <address>     address to listen on (default 127.0.0.1; 0.0.0.0 serves the clinic's network)
      --retention <30d>    how long the change log is kept (compacted hourly; default 30d, or
                           CLINICDESK_CHANGE_LOG_RETENTION); a desk offline for longer re-downloads its data
      --electric-url <url> large deployments: serve GET /v1/shape from this Electric service in front of the
                           same PostgreSQL (e.g. http://electric:3000, or CLINICDESK_ELECTRIC_URL); devices are
                           still authenticated here, and rows and columns still decided here
      --electric-secret <s> Electric's API secret (its ELECTRIC_SECRET; better CLINICDESK_ELECTRIC_SECRET,
                           which stays out of the process list)
  init-clinic            create a clinic and its first administrator
      --legal-name <text> --address <text> --city <text> --state <GST state code, e.g. 27> --pincode <6 digits>
      [--trade-name <text>] [--phone <mobile>] [--gstin <GSTIN>] [--timezone <IANA zone>]
      --admin-name <text> --admin-username <text>
      [--additional]       allow another clinic on a server that already holds one
      [--station-role <role>]  also make the first desk's enrolment code, for a station of that role
      The admin password is read from CLINICDESK_ADMIN_PASSWORD, else asked for (or read from stdin).
  enrol-code             make a single-use enrolment code for a new desk
      --clinic <id or name> [--expires <30m | 24h | 7d>] (default 24h)
      [--station-role <${STATION_ROLES.join(' | ')}>]  which role's data the desk receives (default front_desk)
  compact                delete the change log older than --retention (default 30d) now
  reset-shapes           [--clinic <id or name>] make every desk (of that clinic) download its data afresh
  revoke-device <id>     stop a device at once (its credential is refused from now on)
  list-devices           [--clinic <id or name>]
  list-clinics

Options for every command:
  --data-dir <folder>    embedded database folder when DATABASE_URL is not set
                         (default ~/.local/share/ClinicDesk-server, or CLINICDESK_SERVER_DATA_DIR)
  --json                 print the result as JSON
With the embedded database, a running server holds its folder: the other commands then run through
that server (over 127.0.0.1, with a token it keeps in the folder), so it need not be stopped.

Environment: DATABASE_URL (PostgreSQL; without it the embedded PGlite database is used),
             CLINICDESK_LOG_LEVEL (debug | info | warn | error),
             CLINICDESK_ELECTRIC_URL, CLINICDESK_ELECTRIC_SECRET (see --electric-url)
`;

class UsageError extends Error {}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        port: { type: 'string' },
        host: { type: 'string' },
        clinic: { type: 'string' },
        expires: { type: 'string' },
        device: { type: 'string' },
        'legal-name': { type: 'string' },
        'trade-name': { type: 'string' },
        address: { type: 'string' },
        city: { type: 'string' },
        state: { type: 'string' },
        pincode: { type: 'string' },
        phone: { type: 'string' },
        gstin: { type: 'string' },
        timezone: { type: 'string' },
        'admin-name': { type: 'string' },
        'admin-username': { type: 'string' },
        additional: { type: 'boolean', default: false },
        'station-role': { type: 'string' },
        retention: { type: 'string' },
        'electric-url': { type: 'string' },
        'electric-secret': { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
})();

const command = positionals[0] ?? 'serve';
const json = values.json ?? false;
const out = (human: string, data: unknown) => process.stdout.write(json ? JSON.stringify(data) + '\n' : human + '\n');

/**
 * Runs an operator's command on the database — or, when the embedded folder is held by the running
 * server, through that server (see local-admin.ts).
 */
async function execute(cmd: AdminCommand): Promise<Record<string, unknown>> {
  let central: CentralDb;
  try {
    central = await openCentralDatabase(backendFrom(process.env, values['data-dir']));
  } catch (err) {
    if (err instanceof DataDirBusyError) {
      const info = readAdminFile(err.dataDir, err.pid);
      if (info) return sendAdminCommand(info, cmd);
    }
    throw err;
  }
  try {
    return await runAdminCommand(central.db, cmd, new Date());
  } finally {
    await central.close();
  }
}

function stationRoleOption(): StationRole | null {
  const role = values['station-role'];
  if (role === undefined) return null;
  if (!isStationRole(role)) throw new UsageError(`--station-role must be one of: ${STATION_ROLES.join(', ')}.`);
  return role;
}

function retentionMs(): number {
  const text = values.retention ?? process.env.CLINICDESK_CHANGE_LOG_RETENTION;
  if (!text) return DEFAULT_RETENTION_MS;
  const ms = parseDuration(text);
  if (ms === null) throw new UsageError('--retention takes a duration such as 7d or 30d.');
  return ms;
}

async function serve(): Promise<void> {
  const level = process.env.CLINICDESK_LOG_LEVEL;
  const log = jsonLogger(undefined, isLogLevel(level) ? level : 'info');
  const port = Number(values.port ?? process.env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0 to 65535).');
  const retention = retentionMs();
  let electric: ReturnType<typeof electricFrom>;
  try {
    electric = electricFrom(process.env, { url: values['electric-url'], secret: values['electric-secret'] });
  } catch (err) {
    throw new UsageError(`--electric-url: ${err instanceof Error ? err.message : String(err)}`);
  }
  const backend = backendFrom(process.env, values['data-dir']);
  if (electric && backend.kind !== 'postgres') {
    throw new UsageError('--electric-url needs DATABASE_URL: Electric reads the same PostgreSQL by logical replication, which the embedded database cannot offer.');
  }
  const central = await openCentralDatabase(backend);
  const host = values.host ?? '127.0.0.1';
  const adminToken = newAdminToken();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ central, log, port, host, electric, ...(backend.kind === 'pglite' ? { adminToken } : {}) });
  } catch (err) {
    await central.close();
    throw err;
  }
  log.log('info', 'server.listening', {
    url: server.url,
    database: central.kind,
    where: central.where,
    // The Electric address without credentials or query (the secret is never logged).
    ...(electric ? { shapes: 'electric', electric: new URL(electric.url).origin } : { shapes: 'native' }),
  });
  // A server without a clinic: the clinic's first PC brings it (services/founding.ts) with this code.
  const setup = await createSetupCode(central.db, { now: new Date() });
  if (setup) {
    log.log('info', 'server.awaiting_first_clinic', { codeExpiresAt: setup.expiresAt });
    const address = host === '0.0.0.0' || host === '::' ? `<this PC's address>:${server.port}` : new URL(server.url).host;
    process.stderr.write(
      `\nThis server holds no clinic yet. On the clinic's first PC (set up on its own in ClinicDesk, new\n` +
        `or long in use), sign in as an administrator, open Devices, choose "Connect to a clinic server",\n` +
        `and enter the server address ${address} and this set-up code:\n\n    Set-up code: ${setup.code}\n\n` +
        `It works once, until ${setup.expiresAt.slice(0, 16).replace('T', ' ')} UTC; restarting the server makes a new one.\n\n`,
    );
  }
  let releaseAdminFile = () => {};
  if (backend.kind === 'pglite' && backend.dataDir) {
    // The folder is this process's now: let the command line reach it through the server.
    const url = loopbackUrl(host, server.port);
    if (url) releaseAdminFile = writeAdminFile(backend.dataDir, { pid: process.pid, url, token: adminToken });
  }
  // Compaction: at start and hourly (a desk whose offset falls below the horizon re-snapshots).
  const compact = () =>
    compactChangeLog(central.db, { retentionMs: retention, now: new Date() })
      .then((r) => log.log('info', 'change_log.compacted', { horizon: r.horizon, deleted: r.deleted }))
      .catch((err: unknown) => log.log('error', 'change_log.compact_failed', { error: err instanceof Error ? err.name : typeof err }));
  void compact();
  const compactTimer = setInterval(() => void compact(), 60 * 60_000);
  compactTimer.unref();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    clearInterval(compactTimer);
    releaseAdminFile();
    await server.close();
    await central.close();
    log.log('info', 'server.stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.CLINICDESK_ADMIN_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new UsageError('No admin password was given: set CLINICDESK_ADMIN_PASSWORD or type it when asked.');
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // Do not echo what is typed.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(prompt)) process.stderr.write(prompt);
      };
      rl.question(prompt, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password for the new administrator: ');
  const second = await ask('Type it again: ');
  if (first !== second) throw new UsageError('The two passwords differ. Nothing was created.');
  return first;
}

async function initClinic(): Promise<void> {
  const v = values;
  const input = {
    clinic: {
      legalName: v['legal-name'],
      tradeName: v['trade-name'] ?? null,
      addressLine: v.address,
      city: v.city,
      stateCode: v.state,
      pincode: v.pincode,
      phone: v.phone ?? null,
      gstin: v.gstin ?? null,
      ...(v.timezone ? { timezone: v.timezone } : {}),
    },
    admin: { displayName: v['admin-name'], username: v['admin-username'], password: await readPassword() },
  };
  // Checked before the database is opened, with the desk's own first-run rules.
  const checked = createClinicInput.safeParse(input);
  if (!checked.success) throw validationError(checked.error);
  const firstCodeStationRole = stationRoleOption();
  const created = (await execute({ command: 'init-clinic', input, additional: v.additional, firstCodeStationRole })) as {
    clinicId: string;
    adminId: string;
    enrolmentCode?: { code: string; expiresAt: string; stationRole: StationRole };
  };
  const first = created.enrolmentCode;
  out(
    `Clinic created (id ${created.clinicId}) with its administrator "${v['admin-username']}".\n` +
      (first
        ? `Enrolment code for the first desk (${first.stationRole} station): ${first.code}\nIt enrols one PC and expires at ${first.expiresAt}.`
        : `Next: make an enrolment code for the first desk:  npm run server -- enrol-code --clinic ${created.clinicId}`),
    created,
  );
}

async function enrolCode(): Promise<void> {
  if (!values.clinic) throw new UsageError('Say which clinic the code is for: --clinic <id or name> (see list-clinics).');
  let ttlMs = DEFAULT_CODE_TTL_MS;
  if (values.expires) {
    const parsed = parseDuration(values.expires);
    if (parsed === null) throw new UsageError('--expires takes a duration such as 30m, 24h or 7d.');
    ttlMs = parsed;
  }
  const stationRole = stationRoleOption() ?? 'front_desk';
  const code = (await execute({ command: 'enrol-code', clinic: values.clinic, ttlMs, stationRole })) as {
    code: string;
    clinicId: string;
    clinicName: string;
    expiresAt: string;
    stationRole: StationRole;
  };
  out(
    `Enrolment code for ${code.clinicName} (${code.stationRole} station): ${code.code}\nIt enrols one PC and expires at ${code.expiresAt}. Enter it on the new desk with this server's address.`,
    { code: code.code, clinicId: code.clinicId, expiresAt: code.expiresAt, stationRole: code.stationRole },
  );
}

async function compact(): Promise<void> {
  const result = (await execute({ command: 'compact', retentionMs: retentionMs() })) as { horizon: string; deleted: number };
  out(`Change log compacted: ${result.deleted} entries deleted; horizon ${result.horizon}.`, result);
}

async function revoke(): Promise<void> {
  const id = positionals[1] ?? values.device;
  if (!id) throw new UsageError('Say which device to revoke: revoke-device <device id> (see list-devices).');
  const { device } = (await execute({ command: 'revoke-device', deviceId: id })) as { device: DeviceInfo };
  out(`Device "${device.name}" (${device.id}) is revoked since ${device.revokedAt}: its credential is refused from now on.`, { device });
}

async function devices(): Promise<void> {
  const { devices: list } = (await execute({ command: 'list-devices', clinic: values.clinic ?? null })) as { devices: DeviceInfo[] };
  const lines = list.map(
    (d) => `${d.id}  ${d.name}  patients ${d.patientSeries}  invoices ${d.invoiceSeries}  last seen ${d.lastSeenAt ?? 'never'}${d.revokedAt ? `  REVOKED ${d.revokedAt}` : ''}`,
  );
  out(lines.length ? lines.join('\n') : 'No devices are enrolled yet.', { devices: list });
}

async function clinics(): Promise<void> {
  const { clinics: list } = (await execute({ command: 'list-clinics' })) as { clinics: Array<{ id: string; name: string; devices: number }> };
  out(list.length ? list.map((c) => `${c.id}  ${c.name}  (${c.devices} active devices)`).join('\n') : 'No clinic yet: run init-clinic.', { clinics: list });
}

async function resetAll(): Promise<void> {
  const { retired } = (await execute({ command: 'reset-shapes', clinic: values.clinic ?? null })) as { retired: number };
  out(`${retired} shape handles retired: each desk downloads its data afresh on its next request.`, { retired });
}

const commands: Record<string, () => Promise<void>> = {
  serve,
  'init-clinic': initClinic,
  'enrol-code': enrolCode,
  'revoke-device': revoke,
  'list-devices': devices,
  'list-clinics': clinics,
  compact,
  'reset-shapes': resetAll,
};

async function main(): Promise<void> {
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const run = commands[command];
  if (!run) throw new UsageError(`Unknown command "${command}".`);
  await run();
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof ApiError) {
    const fields = err.fields ? Object.entries(err.fields).map(([k, m]) => `  ${k}: ${m}`) : [];
    process.stderr.write(json ? JSON.stringify({ error: err.toBody() }) + '\n' : [err.message, ...(fields.length > 1 ? fields : [])].join('\n') + '\n');
    process.exit(1);
  }
  if (err instanceof CentralDbError) {
    process.stderr.write(err.message + '\n');
    process.exit(1);
  }
  const code = (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
    process.stderr.write(`Could not reach the PostgreSQL database in DATABASE_URL (${code}). Check that it is running and the URL is right.\n`);
    process.exit(1);
  }
  if (code === 'EADDRINUSE') {
    process.stderr.write('That port is already in use by another program. Choose another with --port.\n');
    process.exit(1);
  }
  console.error(err);
  process.exit(1);
});
