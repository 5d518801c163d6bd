import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test as base, expect, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { CLOCK_START, PHI_VALUES } from './data';

/** A running desk in browser mode: its own data folder, its own host process, its logs captured. */
export interface Desk {
  url: string;
  launchUrl: string;
  dataDir: string;
  logFile: string;
  logs(): string;
  /** The desk's clock (host and browser): starts at CLOCK_START, then runs at normal speed. */
  now(): Date;
  /** Kills the host process (as a crash or power cut would) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Kills the host process (as switching the PC off would); the desk is down until start(). */
  stop(): Promise<void>;
  /** Starts a stopped desk again on the same data (on a new port: open launchUrl again). */
  start(): Promise<void>;
}

const ROOT = process.cwd(); // playwright runs from the repo root (playwright.config.ts)
const OUTPUT = path.join(ROOT, 'e2e', 'output');

async function startHost(dataDir: string, logFile: string, secret: string, clockStart: Date, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  // One process (node with tsx as a loader, not tsx's CLI, which runs the script in a child): killing it
  // really stops the host, as a crash or power cut would.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-main', 'host', 'cli.ts'), '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CLINICDESK_LAUNCH_SECRET: secret, CLINICDESK_LOG_LEVEL: 'debug', CLINICDESK_CLOCK_START: clockStart.toISOString(), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(logFile, { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Open this link in your browser: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${out}`));
    });
  });
  return { child, url };
}

/** A desk with its own host process and data folder; `close()` stops it and checks its log for personal data. */
export interface OpenedDesk extends Desk {
  close(): Promise<void>;
}

export function logFileFor(testInfo: TestInfo, suffix = ''): string {
  const logDir = path.join(OUTPUT, 'host-logs');
  fs.mkdirSync(logDir, { recursive: true });
  return path.join(logDir, `${testInfo.titlePath.slice(1).join(' - ').replace(/[^\w.-]+/g, '_')}${suffix}.log`);
}

/** No log line of the run may carry a patient's name, mobile number or other typed personal data. */
export function expectNoPhi(logs: string, what = 'host log'): void {
  expect(logs.length).toBeGreaterThan(0);
  for (const value of PHI_VALUES) expect(logs, `${what} contains "${value}"`).not.toContain(value);
}

async function openDesk(testInfo: TestInfo, suffix: string, extraEnv: Record<string, string> = {}): Promise<OpenedDesk> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-e2e-'));
  const logFile = logFileFor(testInfo, suffix);
  fs.writeFileSync(logFile, '');
  const secret = randomBytes(18).toString('base64url');
  const startedAt = Date.now();
  const now = () => new Date(CLOCK_START.getTime() + (Date.now() - startedAt));
  let running = await startHost(dataDir, logFile, secret, CLOCK_START, extraEnv);
  let stopped = false;
  let closed = false;
  const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    running.child.kill('SIGKILL');
    await exited(running.child);
  };
  const start = async () => {
    if (!stopped) return;
    running = await startHost(dataDir, logFile, secret, now(), extraEnv);
    stopped = false;
  };
  return {
    get url() {
      return running.url;
    },
    get launchUrl() {
      return `${running.url}/?k=${secret}`;
    },
    dataDir,
    logFile,
    logs: () => fs.readFileSync(logFile, 'utf8'),
    now,
    async restart() {
      await stop();
      await start();
    },
    stop,
    start,
    async close() {
      if (closed) return;
      closed = true;
      if (!stopped) {
        running.child.kill('SIGTERM');
        await exited(running.child);
      }
      expectNoPhi(fs.readFileSync(logFile, 'utf8'));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A browser context standing at the tests' clinic time, as the default `context` does (another PC's browser). */
export async function newDeskContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-IN', timezoneId: 'Asia/Kolkata' });
  await context.clock.install({ time: CLOCK_START });
  return context;
}

export const test = base.extend<{ desk: Desk; openDesks: (names: string[], env?: Record<string, string>) => Promise<OpenedDesk[]> }>({
  // Every test stands at the same clinic time (a Monday, 10:30 in Pune), whenever and wherever it runs:
  // the host's clock and the browser's start there together and then run at normal speed.
  desk: async ({ context }, use, testInfo) => {
    await context.clock.install({ time: CLOCK_START });
    const desk = await openDesk(testInfo, '');
    await use(desk);
    await desk.close();
  },
  /** More desks (e.g. two PCs of one clinic), each with its own data folder, host and log; closed and checked after the test. */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none.
  openDesks: async ({}, use, testInfo) => {
    const opened: OpenedDesk[] = [];
    await use(async (names, env = {}) => {
      const desks = await Promise.all(names.map((n) => openDesk(testInfo, ` - ${n}`, env)));
      opened.push(...desks);
      return desks;
    });
    for (const d of opened) await d.close();
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.join(OUTPUT, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}
