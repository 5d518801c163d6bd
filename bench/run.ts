/**
 * Benchmark runner: `npm run bench -- <name> [options]`.
 *
 *   npm run bench -- patients                   1,000,000 patients, 1,000 searches, 300 registrations
 *   npm run bench -- patients --count 100000    a smaller clinic
 *   npm run bench -- patients --reuse           reuse a cached seeded database (same generator, seed, count, schema)
 *   npm run bench -- schedule                   20 doctors, ~2,000,000 appointments over 3 years: day view, booking, transitions
 *   npm run bench -- sync-initial               an empty desk's first sync of 200,000 patients + 1,000,000 appointments
 *                                               (PostgreSQL when DATABASE_URL is set, else PGlite) vs raw better-sqlite3 inserts
 *   npm run bench -- billing                    ≈300,000 invoices over two years on a desk: invoices.issue p95 and the month's GST summary
 *   npm run bench -- consult                    a patient with 200 visits: opening the consult screen (visit + history timeline) p95,
 *                                               and the note's autosave (notes.save) p95
 *   npm run bench -- sync-live                  desk A → server → desk B: 200 bookings 50 ms apart (propagation p50/p95), and
 *                                               1,000 bookings made offline (seconds from reconnect until desk B has them all)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS, runPatientsBench } from './patients';
import { SCHEDULE_DEFAULTS, runScheduleBench } from './schedule';
import { SYNC_INITIAL_DEFAULTS, runSyncInitialBench } from './sync-initial';
import { SYNC_LIVE_DEFAULTS, runSyncLiveBench } from './sync-live';
import { BILLING_DEFAULTS, runAndReport as runBillingBench } from './billing';
import { CONSULT_DEFAULTS, runAndReport as runConsultBench } from './consult';

const benchDir = path.dirname(fileURLToPath(import.meta.url));

interface Bench {
  description: string;
  run(args: string[]): Promise<void>;
}

function parseArgs(args: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const [key, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) out.set(key, inline);
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) out.set(key, args[++i]!);
    else out.set(key, true);
  }
  return out;
}

function intArg(args: Map<string, string | true>, key: string, fallback: number): number {
  const v = args.get(key);
  if (v === undefined) return fallback;
  const n = Number(typeof v === 'string' ? v.replace(/_/g, '') : NaN);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${key} needs a whole number`);
  return n;
}

const benches: Record<string, Bench> = {
  patients: {
    description: 'seed a desk with generated patients; patients.search and patients.register through the core vs the raw FTS5 floor',
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['count', 'seed', 'queries', 'warmup', 'registrations', 'reuse', 'no-full-check', 'out', 'seed-batch']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const count = intArg(args, 'count', DEFAULTS.count);
      const out = args.get('out');
      await runPatientsBench({
        ...DEFAULTS,
        dataDir: path.join(benchDir, '.data'),
        count,
        seed: intArg(args, 'seed', DEFAULTS.seed),
        queries: intArg(args, 'queries', DEFAULTS.queries),
        warmup: intArg(args, 'warmup', DEFAULTS.warmup),
        registrations: intArg(args, 'registrations', DEFAULTS.registrations),
        reuse: args.has('reuse'),
        fullIntegrityCheck: !args.has('no-full-check'),
        seedBatch: Math.max(1, intArg(args, 'seed-batch', DEFAULTS.seedBatch)),
        // Only the standard run (1M, default seed) writes the committed result file unless told otherwise.
        resultsFile:
          typeof out === 'string'
            ? path.resolve(out)
            : count === DEFAULTS.count && !args.has('seed-batch')
              ? path.join(benchDir, 'results', 'patients.json')
              : path.join(benchDir, '.data', `patients-${count}.json`),
        log: (line) => console.log(line),
      });
    },
  },
  schedule: {
    description: '20 doctors and ~2M appointments on the 1M-patient desk; appointments.day, .book and .transition through the core',
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['patients', 'doctors', 'per-day', 'years', 'ahead', 'seed', 'day-views', 'today-views', 'warmup', 'bookings', 'transitions', 'no-reuse', 'today', 'out']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const d = SCHEDULE_DEFAULTS;
      const opts = {
        ...d,
        dataDir: path.join(benchDir, '.data'),
        patients: intArg(args, 'patients', d.patients),
        doctors: Math.max(1, intArg(args, 'doctors', d.doctors)),
        perDay: intArg(args, 'per-day', d.perDay),
        years: Math.max(1, intArg(args, 'years', d.years)),
        ahead: Math.max(2, intArg(args, 'ahead', d.ahead)),
        seed: intArg(args, 'seed', d.seed),
        dayViews: intArg(args, 'day-views', d.dayViews),
        todayViews: intArg(args, 'today-views', d.todayViews),
        warmup: intArg(args, 'warmup', d.warmup),
        bookings: intArg(args, 'bookings', d.bookings),
        transitions: intArg(args, 'transitions', d.transitions),
        reuse: !args.has('no-reuse'),
        today: typeof args.get('today') === 'string' ? (args.get('today') as string) : undefined,
        log: (line: string) => console.log(line),
      };
      const standard = opts.patients === d.patients && opts.doctors === d.doctors && opts.perDay === d.perDay && opts.years === d.years && opts.seed === d.seed;
      const out = args.get('out');
      await runScheduleBench({
        ...opts,
        resultsFile: typeof out === 'string' ? path.resolve(out) : standard ? path.join(benchDir, 'results', 'schedule.json') : path.join(benchDir, '.data', `schedule-${opts.patients}.json`),
      });
    },
  },
  'sync-initial': {
    description: "an empty desk's first sync from the real server (DATABASE_URL's PostgreSQL, else PGlite): rows/s vs raw better-sqlite3 inserts",
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['patients', 'appointments', 'doctors', 'out']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const d = SYNC_INITIAL_DEFAULTS;
      const patients = Math.max(1, intArg(args, 'patients', d.patients));
      const appointments = intArg(args, 'appointments', d.appointments);
      const doctors = Math.max(1, intArg(args, 'doctors', d.doctors));
      const postgres = Boolean(process.env.DATABASE_URL);
      const standard = patients === d.patients && appointments === d.appointments && doctors === d.doctors && postgres;
      const out = args.get('out');
      await runSyncInitialBench({
        patients,
        appointments,
        doctors,
        postgres,
        resultsFile: typeof out === 'string' ? path.resolve(out) : standard ? path.join(benchDir, 'results', 'sync-initial.json') : path.join(benchDir, '.data', `sync-initial-${patients}-${appointments}.json`),
        log: (line) => console.log(line),
      });
    },
  },
  billing: {
    description: "≈300,000 invoices over two years on a desk: invoices.issue p95 (machine, number, tax, write, audit, outbox) and the busiest month's gst.summary",
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['invoices', 'issues', 'summaries', 'seed', 'out']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const d = BILLING_DEFAULTS;
      const invoices = Math.max(1000, intArg(args, 'invoices', d.invoices));
      const seed = intArg(args, 'seed', d.seed);
      const out = args.get('out');
      const standard = invoices === d.invoices && seed === d.seed;
      await runBillingBench({
        ...d,
        invoices,
        seed,
        issues: Math.max(1, intArg(args, 'issues', d.issues)),
        summaries: Math.max(1, intArg(args, 'summaries', d.summaries)),
        resultsFile: typeof out === 'string' ? path.resolve(out) : standard ? path.join(benchDir, 'results', 'billing.json') : path.join(benchDir, '.data', `billing-${invoices}.json`),
        log: (line) => console.log(line),
      });
    },
  },
  consult: {
    description: "a consult-room desk with a 200-visit patient: the consult screen's data (visit + history timeline) p95 and the note's autosave p95",
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['visits', 'others', 'opens', 'saves', 'seed', 'out']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const d = CONSULT_DEFAULTS;
      const visits = Math.max(2, intArg(args, 'visits', d.visits));
      const others = intArg(args, 'others', d.others);
      const seed = intArg(args, 'seed', d.seed);
      const out = args.get('out');
      const standard = visits === d.visits && others === d.others && seed === d.seed;
      await runConsultBench({
        ...d,
        visits,
        others,
        seed,
        opens: Math.max(1, intArg(args, 'opens', d.opens)),
        saves: Math.max(1, intArg(args, 'saves', d.saves)),
        resultsFile: typeof out === 'string' ? path.resolve(out) : standard ? path.join(benchDir, 'results', 'consult.json') : path.join(benchDir, '.data', `consult-${visits}.json`),
        log: (line) => console.log(line),
      });
    },
  },
  'sync-live': {
    description: 'the write path: propagation desk A → server → desk B, and an offline burst of 1,000 mutations (DATABASE_URL’s PostgreSQL, else PGlite)',
    async run(argv) {
      const args = parseArgs(argv);
      const known = new Set(['bookings', 'spacing', 'offline', 'out']);
      for (const k of args.keys()) if (!known.has(k)) throw new Error(`unknown option --${k} (known: ${[...known].map((x) => `--${x}`).join(', ')})`);
      const d = SYNC_LIVE_DEFAULTS;
      const bookings = Math.max(1, intArg(args, 'bookings', d.bookings));
      const spacingMs = intArg(args, 'spacing', d.spacingMs);
      const offline = Math.max(1, intArg(args, 'offline', d.offline));
      const postgres = Boolean(process.env.DATABASE_URL);
      const standard = bookings === d.bookings && spacingMs === d.spacingMs && offline === d.offline && postgres;
      const out = args.get('out');
      await runSyncLiveBench({
        bookings,
        spacingMs,
        offline,
        postgres,
        resultsFile: typeof out === 'string' ? path.resolve(out) : standard ? path.join(benchDir, 'results', 'sync-live.json') : path.join(benchDir, '.data', `sync-live-${bookings}-${offline}.json`),
        log: (line) => console.log(line),
      });
    },
  },
};

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    console.error(name ? `Unknown benchmark: ${name}` : 'Which benchmark?');
    console.error('Available benchmarks (npm run bench -- <name>):');
    for (const [n, b] of Object.entries(benches)) console.error(`  ${n.padEnd(10)} ${b.description}`);
    process.exit(1);
  }
  await bench.run(rest);
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
