import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openCore } from '../core/core';
import { isLogLevel } from '../../src-shared/log';
import { jsonLogger } from '../core/log';
import { defaultDataDir } from '../core/paths';
import { startHost } from './server';

/**
 * `npm start` without Electron: browser mode on the embedded default data folder.
 *   --data-dir <folder>   where the desk database lives (default: the desktop app's data folder)
 *   --port <n>            port on 127.0.0.1 (default 4780; 0 picks a free one)
 * Environment:
 *   CLINICDESK_LAUNCH_SECRET  the link's one-time secret (default: random per launch)
 *   CLINICDESK_LOG_LEVEL      info (default) or debug
 *   CLINICDESK_CLOCK_START    for tests and demos only: an ISO instant the desk's clock starts from
 *                             (it then runs at normal speed), so a test can stand at 10:30 clinic time
 *                             whenever it runs
 *   CLINICDESK_SYNC_RETRY_MAX_MS  longest wait between attempts to reach the clinic server after it stopped
 *                             answering (default 32000); tests shorten it so a restarted server is seen at once
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'renderer-dir': { type: 'string' },
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
const rendererDir = values['renderer-dir'] ?? path.resolve(here, '../../out/renderer');
const port = Number(values.port ?? process.env.CLINICDESK_PORT ?? 4780);
const level = process.env.CLINICDESK_LOG_LEVEL;
const log = jsonLogger(undefined, isLogLevel(level) ? level : 'info');

const clock = clockFrom(process.env.CLINICDESK_CLOCK_START);
if (clock) log.log('warn', 'host.clock_set', { start: process.env.CLINICDESK_CLOCK_START });
const retryMax = Number(process.env.CLINICDESK_SYNC_RETRY_MAX_MS ?? '');
const sync = Number.isFinite(retryMax) && retryMax > 0 ? { backoff: { initialDelay: Math.min(1_000, retryMax), maxDelay: retryMax }, restartDelayMs: retryMax } : undefined;
const core = await openCore({ dataDir, logger: log, ...(clock ? { clock } : {}), ...(sync ? { sync } : {}) });
let host: Awaited<ReturnType<typeof startHost>>;
try {
  host = await startHost({ core, rendererDir, port, log, secret: process.env.CLINICDESK_LAUNCH_SECRET || undefined });
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
  host = await startHost({ core, rendererDir, port: 0, log, secret: process.env.CLINICDESK_LAUNCH_SECRET || undefined });
}

process.stdout.write(
  `\nClinicDesk is running in browser mode.\n  Open this link in your browser: ${host.launchUrl}\n  Data folder: ${dataDir}\n  Press Ctrl+C to stop.\n\n`,
);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await host.close();
  await core.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

/** A clock that starts at `start` (ISO instant) and runs at normal speed; undefined for the real clock. */
function clockFrom(start: string | undefined): (() => Date) | undefined {
  if (!start) return undefined;
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new Error(`CLINICDESK_CLOCK_START is not a date and time: ${start}`);
  const launched = Date.now();
  return () => new Date(startMs + (Date.now() - launched));
}
