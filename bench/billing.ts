/**
 * Billing benchmark (issue 6): a desk holding two years of a busy clinic's documents (≈300,000 invoices with
 * their lines and payments, bulk-inserted as the desk's sync would have written them), then, through the
 * core's ClinicApi as a signed-in accounts user:
 *  - invoices.issue p95: the invoice machine, this PC's next number, the GST maths of every line, the writes,
 *    the audit event and the outbox mutation, in one SQLite transaction (the draft is saved beforehand, not timed);
 *  - gst.summary for the busiest month: taxable value and tax by rate, exempt value, the HSN/SAC summary and
 *    the document ranges per series.
 *
 *   npm run bench -- billing [--invoices 300000] [--issues 500] [--summaries 20] [--seed 20261125] [--out file.json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { addDays, format, parseISO } from 'date-fns';
import { openCore } from '../src-main/core/core';
import type { MethodInput } from '../src-shared/api/contract';
import { todayIn } from '../src-shared/dates';
import { documentNumber, financialYear, taxLine } from '../src-shared/gst/tax';
import { INVOICE_MACHINE_VERSION } from '../src-shared/machines/invoice';
import { newId } from '../src-shared/ids';
import { Rng, seededUuidV7 } from './generate';
import { ADMIN, BENCH_SCRYPT, call } from './patients';
import { elapsedMs, now, summarize } from './stats';

export const BILLING_TARGETS = { issue_p95_ms: 10, gst_month_ms: 300 };

export interface BillingBenchOptions {
  invoices: number;
  issues: number;
  summaries: number;
  warmup: number;
  seed: number;
  resultsFile: string | null;
  log: (line: string) => void;
}

export const BILLING_DEFAULTS: Omit<BillingBenchOptions, 'resultsFile' | 'log'> = { invoices: 300_000, issues: 500, summaries: 20, warmup: 30, seed: 20261125 };

const CLINIC = { legalName: 'Sunrise Health Clinic LLP', tradeName: 'Sunrise Clinic', addressLine: '12, MG Road, Camp', city: 'Pune', stateCode: '27', pincode: '411001', gstin: '27AAPFU0939F1ZV' };
const ACCOUNTS = { username: 'anita', password: 'bench-accounts-password' };

/** What a clinic bills: consultations (exempt), procedures, dressings and medicines (taxable). */
const ITEMS = [
  { code: 'CONSULT', name: 'Consultation', kind: 'service', sac: '999312', unit: 'visit', exempt: true, price: 50_000, inclusive: false, rate: 0 },
  { code: 'FOLLOWUP', name: 'Follow-up consultation', kind: 'service', sac: '999312', unit: 'visit', exempt: true, price: 30_000, inclusive: false, rate: 0 },
  { code: 'ECG', name: 'ECG', kind: 'service', sac: '999316', unit: 'test', exempt: true, price: 40_000, inclusive: false, rate: 0 },
  { code: 'DRESS', name: 'Wound dressing kit', kind: 'goods', sac: '30059040', unit: 'nos', exempt: false, price: 11_800, inclusive: true, rate: 1200 },
  { code: 'PEEL', name: 'Chemical peel (cosmetic)', kind: 'service', sac: '999722', unit: 'session', exempt: false, price: 200_000, inclusive: false, rate: 1800 },
  { code: 'NEB', name: 'Nebuliser mask', kind: 'goods', sac: '90192090', unit: 'nos', exempt: false, price: 25_000, inclusive: true, rate: 1200 },
  { code: 'SUPP', name: 'Protein supplement 200 g', kind: 'goods', sac: '21061000', unit: 'tin', exempt: false, price: 65_000, inclusive: true, rate: 1800 },
] as const;

export interface BillingBenchResult {
  invoices: number;
  lines: number;
  payments: number;
  seed_s: number;
  issue: ReturnType<typeof summarize>;
  gst_month: ReturnType<typeof summarize>;
  month: string;
  month_documents: number;
}

export async function runBillingBench(opts: BillingBenchOptions): Promise<BillingBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-bench-billing-'));
  const log = opts.log;
  try {
    // The clinic and its people, through the core.
    let core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
    const admin = await call(core, 'setup.createClinic', { clinic: CLINIC, admin: ADMIN }, null);
    await call(core, 'staff.create', { displayName: 'Anita Accounts', username: ACCOUNTS.username, role: 'accounts', password: ACCOUNTS.password }, admin.token);
    const itemIds: string[] = [];
    for (const it of ITEMS) {
      const saved = await call(
        core,
        'catalogue.save',
        { code: it.code, name: it.name, kind: it.kind, sacHsn: it.sac, unit: it.unit, exempt: it.exempt, pricePaise: it.price, priceIncludesTax: it.inclusive, rateBp: it.rate, rateEffectiveFrom: '2020-04-01' },
        admin.token,
      );
      itemIds.push(saved.id);
    }
    const patientIds: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const p = await call(core, 'patients.register', { patient: { fullName: `Bench Patient ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}${String.fromCharCode(97 + Math.floor(i / 676))}`, sex: i % 2 ? 'female' : 'male', ageYears: 30 + (i % 40), mobile: `98${String(10_000_000 + i).padStart(8, '0')}` } }, admin.token);
      patientIds.push(p.id);
    }
    await core.close();

    const seeded = now();
    const counts = seed(path.join(dir, 'clinicdesk.sqlite'), opts, itemIds, patientIds);
    const seedS = elapsedMs(seeded) / 1000;
    log(`  seeded ${counts.invoices.toLocaleString('en-IN')} invoices, ${counts.lines.toLocaleString('en-IN')} lines, ${counts.payments.toLocaleString('en-IN')} payments in ${seedS.toFixed(1)} s`);

    core = await openCore({ dataDir: dir, scrypt: BENCH_SCRYPT, integrityCheck: 'off' });
    try {
      const token = (await call(core, 'auth.signIn', ACCOUNTS, null)).token;
      const rng = new Rng(opts.seed + 1);
      const issueSamples: number[] = [];
      for (let i = 0; i < opts.warmup + opts.issues; i++) {
        const id = newId();
        const picks = [ITEMS[rng.between(0, 2)]!, ...(rng.between(0, 1) ? [ITEMS[rng.between(3, ITEMS.length - 1)]!] : [])];
        const input: MethodInput<'invoices.saveDraft'> = {
          id,
          patientId: patientIds[rng.between(0, patientIds.length - 1)]!,
          recipient: { name: 'Bench Patient' },
          lines: picks.map((it) => ({
            id: newId(),
            itemId: itemIds[ITEMS.indexOf(it)]!,
            code: it.code,
            description: it.name,
            sacHsn: it.sac,
            kind: it.kind,
            unit: it.unit,
            quantityMilli: 1000 * rng.between(1, 3),
            unitPricePaise: it.price,
            priceIncludesTax: it.inclusive,
            discountPaise: 0,
            rateBp: it.rate,
            exempt: it.exempt,
          })),
        };
        await call(core, 'invoices.saveDraft', input, token);
        const t0 = now();
        await call(core, 'invoices.issue', { id }, token);
        const took = elapsedMs(t0);
        if (i >= opts.warmup) issueSamples.push(took);
      }
      const issue = summarize(issueSamples);
      log(`  invoices.issue: p50 ${issue.p50_ms} ms, p95 ${issue.p95_ms} ms (${issue.n} issues)`);

      const month = counts.busiestMonth;
      const gstSamples: number[] = [];
      let documents = 0;
      for (let i = 0; i < 3 + opts.summaries; i++) {
        const t0 = now();
        const s = await call(core, 'gst.summary', { month }, token);
        const took = elapsedMs(t0);
        documents = s.totals.documents;
        if (i >= 3) gstSamples.push(took);
      }
      const gst = summarize(gstSamples);
      log(`  gst.summary ${month} (${documents.toLocaleString('en-IN')} documents): p50 ${gst.p50_ms} ms, p95 ${gst.p95_ms} ms`);
      return { invoices: counts.invoices, lines: counts.lines, payments: counts.payments, seed_s: Math.round(seedS * 10) / 10, issue, gst_month: gst, month, month_documents: documents };
    } finally {
      await core.close();
    }
  } finally {
    if (process.env.CLINICDESK_BENCH_KEEP) log(`  kept the desk in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Two years of documents ending yesterday, bulk-inserted as synced rows (row_version set, as sync leaves them):
 * about 410 a day, numbered in turn in two desks' series per financial year, each with one to three lines
 * (figures from the real GST maths) and its payment; one in a hundred cancelled by a credit note.
 */
function seed(file: string, opts: BillingBenchOptions, itemIds: string[], patientIds: string[]) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const clinicId = (db.prepare('SELECT id FROM clinics').get() as { id: string }).id;
  const rng = new Rng(opts.seed);
  const today = todayIn('Asia/Kolkata');
  const days = 730;
  const first = addDays(parseISO(today), -days);
  const perDay = opts.invoices / days;
  const insInvoice = db.prepare(`INSERT INTO invoices (id, doc_type, status, machine_version, series, financial_year, sequence, number, issue_date, issued_at, issued_by,
    patient_id, recipient_name, recipient_address, recipient_state_code, recipient_gstin, appointment_id, original_id, group_id, reason, supplier, rounding,
    taxable_paise, exempt_paise, cgst_paise, sgst_paise, igst_paise, round_off_paise, total_paise, paid_paise, credited_paise, discount_approved_by,
    clinic_id, created_at, updated_at, updated_by, row_version, deleted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ?, 'nearest_rupee', ?, ?, ?, ?, 0, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, ?, NULL)`);
  const insLine = db.prepare(`INSERT INTO invoice_lines (id, invoice_id, position, item_id, code, description, sac_hsn, kind, unit, quantity_milli, unit_price_paise,
    price_includes_tax, discount_paise, rate_bp, exempt, delivered_to_state_code, credits_line_id, place_of_supply, taxable_paise, cgst_paise, sgst_paise, igst_paise, total_paise,
    clinic_id, created_at, updated_at, updated_by, row_version, deleted_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, NULL, NULL, '27', ?, ?, ?, 0, ?, ?, ?, ?, NULL, ?, NULL)`);
  const insPayment = db.prepare(`INSERT INTO payments (id, invoice_id, patient_id, kind, mode, amount_paise, tendered_paise, reference, razorpay_payment_id, credit_note_id,
    status, received_at, received_by, business_date, desk_series, clinic_id, created_at, updated_at, updated_by, row_version, deleted_at)
    VALUES (?, ?, ?, 'payment', ?, ?, NULL, NULL, NULL, NULL, 'recorded', ?, 'bench', ?, ?, ?, ?, ?, NULL, ?, NULL)`);
  const supplier = JSON.stringify({ ...CLINIC, signatory: CLINIC.legalName, footerText: null });
  const sequences = new Map<string, number>();
  const perMonth = new Map<string, number>();
  let rowVersion = 1;
  let invoices = 0;
  let lines = 0;
  let payments = 0;
  let uuidMs = first.getTime();
  const modes = ['cash', 'cash', 'cash', 'upi', 'upi', 'card'];
  db.transaction(() => {
    for (let d = 0; d < days; d++) {
      const date = format(addDays(first, d), 'yyyy-MM-dd');
      const fy = financialYear(date);
      const n = Math.round(perDay * (0.8 + rng.float() * 0.4));
      for (let k = 0; k < n && invoices < opts.invoices; k++) {
        const series = k % 3 === 0 ? 'FD2' : 'FD1';
        const key = `${series}/${fy}`;
        const seq = (sequences.get(key) ?? 0) + 1;
        sequences.set(key, seq);
        const at = `${date}T${String(3 + Math.floor((k / n) * 10)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00.000Z`;
        uuidMs += 1;
        const id = seededUuidV7(rng, uuidMs);
        const picks = [rng.between(0, 2), ...(rng.float() < 0.5 ? [rng.between(3, ITEMS.length - 1)] : []), ...(rng.float() < 0.2 ? [rng.between(3, ITEMS.length - 1)] : [])];
        let taxable = 0;
        let exempt = 0;
        let cgst = 0;
        let sgst = 0;
        let total = 0;
        const lineRows: unknown[][] = [];
        picks.forEach((p, pos) => {
          const it = ITEMS[p]!;
          const qty = 1000 * (it.kind === 'goods' ? rng.between(1, 3) : 1);
          const t = taxLine({ kind: it.kind, quantityMilli: qty, unitPricePaise: it.price, priceIncludesTax: it.inclusive, discountPaise: 0, rateBp: it.rate, exempt: it.exempt }, '27');
          if (t.exempt) exempt += t.taxablePaise;
          else taxable += t.taxablePaise;
          cgst += t.cgstPaise;
          sgst += t.sgstPaise;
          total += t.totalPaise;
          uuidMs += 1;
          lineRows.push([seededUuidV7(rng, uuidMs), id, pos + 1, itemIds[p], it.code, it.name, it.sac, it.kind, it.unit, qty, it.price, it.inclusive ? 1 : 0, it.exempt ? 0 : it.rate, it.exempt ? 1 : 0, t.taxablePaise, t.cgstPaise, t.sgstPaise, t.totalPaise, clinicId, at, at, rowVersion++]);
        });
        const rounded = Math.round(total / 100) * 100;
        const docType = exempt === 0 ? 'tax_invoice' : taxable === 0 ? 'bill_of_supply' : 'invoice_cum_bill_of_supply';
        const credited = rng.float() < 0.01;
        const patientId = patientIds[rng.between(0, patientIds.length - 1)]!;
        insInvoice.run(id, docType, credited ? 'credited' : 'paid', INVOICE_MACHINE_VERSION, series, fy, seq, documentNumber(series, date, seq), date, at, patientId, 'Bench Patient', supplier,
          taxable, exempt, cgst, sgst, rounded - total, rounded, credited ? 0 : rounded, credited ? rounded : 0, clinicId, at, at, rowVersion++);
        for (const l of lineRows) insLine.run(...l);
        uuidMs += 1;
        insPayment.run(seededUuidV7(rng, uuidMs), id, patientId, modes[rng.between(0, modes.length - 1)], rounded, at, date, series, clinicId, at, at, rowVersion++);
        invoices++;
        lines += lineRows.length;
        payments++;
        const month = date.slice(0, 7);
        perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  const busiestMonth = [...perMonth.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  return { invoices, lines, payments, busiestMonth };
}

export async function runAndReport(opts: BillingBenchOptions): Promise<void> {
  opts.log(`billing: ${opts.invoices.toLocaleString('en-IN')} invoices over two years; ${opts.issues} issues, ${opts.summaries} GST summaries`);
  const r = await runBillingBench(opts);
  const out = {
    invoices: r.invoices,
    issue_p95_ms: r.issue.p95_ms,
    gst_month_ms: r.gst_month.p95_ms,
    issue_p50_ms: r.issue.p50_ms,
    gst_month_p50_ms: r.gst_month.p50_ms,
    gst_month_documents: r.month_documents,
    lines: r.lines,
    payments: r.payments,
  };
  const verdict = (k: keyof typeof BILLING_TARGETS) => `${out[k]} ms (target ≤ ${BILLING_TARGETS[k]}: ${out[k] <= BILLING_TARGETS[k] ? 'met' : 'MISSED'})`;
  opts.log(`  issue_p95_ms ${verdict('issue_p95_ms')}; gst_month_ms ${verdict('gst_month_ms')}`);
  console.log(JSON.stringify(out));
  if (opts.resultsFile) {
    fs.mkdirSync(path.dirname(opts.resultsFile), { recursive: true });
    fs.writeFileSync(opts.resultsFile, `${JSON.stringify(out, null, 2)}\n`);
    opts.log(`  wrote ${opts.resultsFile}`);
  }
}
