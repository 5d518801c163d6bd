import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { extractText, getDocumentProxy } from 'unpdf';

/** Page objects for the billing screens (issue 6), by what a person sees: roles, labels and text. */

export class BillingNav {
  constructor(private readonly page: Page) {}

  link(name: 'Billing' | 'Day closing' | 'GST summary' | 'Billing settings' | 'Appointments' | 'Doctor queue') {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  }

  async open(name: Parameters<BillingNav['link']>[0]) {
    await this.link(name).click();
  }
}

export class BillingSettingsScreen {
  constructor(private readonly page: Page) {}

  async saveTaxProfile(p: { signatory: string; footer: string }) {
    const page = this.page;
    await page.getByRole('tab', { name: 'Tax profile' }).click();
    const form = page.getByRole('form', { name: 'Tax profile' });
    await form.getByLabel('Authorised signatory', { exact: true }).fill(p.signatory);
    await form.getByLabel('Invoice footer', { exact: true }).fill(p.footer);
    await form.getByRole('button', { name: 'Save tax profile' }).click();
    await expect(page.getByText('The tax profile was saved.', { exact: false })).toBeVisible();
  }

  async addItem(item: { code: string; name: string; kind: 'Service' | 'Goods'; sacHsn: string; unit: string; price: string; rate: string; includesTax?: boolean }) {
    const page = this.page;
    await page.getByRole('tab', { name: 'Catalogue' }).click();
    await page.getByRole('button', { name: 'Add item' }).click();
    const dialog = page.getByRole('dialog', { name: 'New catalogue item' });
    await dialog.getByLabel('Code', { exact: true }).fill(item.code);
    await dialog.getByLabel('Name', { exact: true }).fill(item.name);
    await dialog.getByRole('textbox', { name: 'Kind', exact: true }).click();
    await page.getByRole('option', { name: item.kind, exact: true }).click();
    await dialog.getByLabel('SAC/HSN code', { exact: true }).fill(item.sacHsn);
    await dialog.getByLabel('Unit', { exact: true }).fill(item.unit);
    await dialog.getByLabel('Price (₹)', { exact: true }).fill(item.price);
    if (item.includesTax) await dialog.getByLabel('Price includes GST').check();
    await dialog.getByRole('textbox', { name: 'GST rate', exact: true }).click();
    await page.getByRole('option', { name: item.rate, exact: true }).click();
    await dialog.getByRole('button', { name: 'Save item' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('table', { name: 'Catalogue' }).getByRole('row', { name: new RegExp(item.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();
  }
}

export class InvoiceEditor {
  constructor(private readonly page: Page) {}

  get lines() {
    return this.page.getByRole('table', { name: 'Bill lines' });
  }

  line(description: string | RegExp) {
    return this.lines.getByRole('row', { name: description });
  }

  async addCatalogueItem(search: string, option: string) {
    const box = this.page.getByRole('textbox', { name: 'Add item from catalogue', exact: true });
    await box.click();
    await box.fill(search);
    await this.page.getByRole('option', { name: option }).click();
  }

  get total() {
    return this.page.getByTestId('bill-total');
  }

  get words() {
    return this.page.getByTestId('amount-in-words');
  }

  async issue() {
    await this.page.getByRole('button', { name: 'Issue bill' }).click();
  }
}

export class InvoiceView {
  constructor(private readonly page: Page) {}

  get status() {
    return this.page.getByTestId('invoice-status');
  }

  get balance() {
    return this.page.getByTestId('invoice-balance');
  }

  get payments() {
    return this.page.getByRole('table', { name: 'Payments list' });
  }

  async expectTitle(title: string) {
    await expect(this.page.getByRole('heading', { level: 2 })).toContainText(title);
  }

  /** Takes a payment through the dialog; cash may say what was handed over (the change shown is checked). */
  async takePayment(p: { mode: 'Cash' | 'Card' | 'UPI' | 'From advance'; amount?: string; tendered?: string; change?: string; reference?: string }) {
    const page = this.page;
    await page.getByRole('button', { name: 'Take payment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Take payment' });
    await dialog.getByRole('radio', { name: p.mode, exact: true }).check();
    if (p.amount) await dialog.getByLabel('Amount (₹)', { exact: true }).fill(p.amount);
    if (p.tendered) await dialog.getByLabel('Cash tendered (₹)', { exact: true }).fill(p.tendered);
    if (p.change) await expect(dialog.getByTestId('change-to-give')).toHaveText(p.change);
    if (p.reference) await dialog.getByLabel(p.mode === 'UPI' ? 'UPI reference' : 'Card reference', { exact: true }).fill(p.reference);
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await expect(dialog).toHaveCount(0);
  }

  async raiseCreditNote(p: { reason: string; refund?: 'Cash' | 'Card (reversal)' | 'UPI'; refundAmount?: string }) {
    const page = this.page;
    await page.getByRole('button', { name: 'Credit note' }).click();
    const dialog = page.getByRole('dialog', { name: 'Raise a credit note' });
    await dialog.getByRole('radio', { name: /The whole document/ }).check();
    await dialog.getByLabel('Reason', { exact: true }).fill(p.reason);
    if (p.refundAmount) await expect(dialog.getByTestId('refund-amount')).toContainText(p.refundAmount);
    if (p.refund) {
      await dialog.getByRole('textbox', { name: 'Refund by', exact: true }).click();
      await page.getByRole('option', { name: p.refund, exact: true }).click();
    }
    await dialog.getByRole('button', { name: 'Raise credit note' }).click();
    await expect(dialog).toHaveCount(0);
  }
}

/** The print views: window.print() is replaced by a counter (headless Chromium cannot print and make a PDF at once). */
export class PrintView {
  constructor(private readonly page: Page) {}

  static async stubPrinting(page: Page) {
    // Runs in the page (e2e is compiled without the DOM's types, hence globalThis).
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __prints: number; print: () => void };
      w.__prints = 0;
      w.print = () => {
        w.__prints += 1;
      };
    });
  }

  prints() {
    return this.page.evaluate(() => (globalThis as unknown as { __prints: number }).__prints);
  }

  /** After a Print button: the print route is shown, has asked to print once more than before, and is saved as a PDF. */
  async toPdf(kind: 'a4' | 'receipt', file: string, printsBefore: number): Promise<string> {
    const page = this.page;
    await expect(page.getByTestId(kind === 'a4' ? 'print-document' : 'print-receipt')).toBeVisible();
    await expect.poll(() => this.prints()).toBe(printsBefore + 1);
    // The page as it prints, as a picture beside the PDF (for people reviewing the layout).
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: file.replace(/\.pdf$/, '.png'), fullPage: true });
    await page.emulateMedia({ media: null });
    const pdf = kind === 'a4' ? await page.pdf({ format: 'A4', printBackground: true }) : await page.pdf({ width: '80mm', height: '200mm', printBackground: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, pdf);
    return pdfText(pdf);
  }

  async back() {
    await this.page.getByRole('button', { name: 'Back' }).click();
  }
}

/** A PDF's text, every run of white space made one space. */
export async function pdfText(pdf: Uint8Array | Buffer): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

/** Checks a PDF's text holds each expected field (strings exactly, patterns as given), naming the missing one. */
export function expectFields(text: string, fields: Record<string, string | RegExp>): void {
  for (const [what, want] of Object.entries(fields)) {
    if (typeof want === 'string') expect(text, `${what}: “${want}”`).toContain(want);
    else expect(text, `${what}: ${want}`).toMatch(want);
  }
}

export class DayClosingScreen {
  constructor(private readonly page: Page) {}

  expected(mode: 'cash' | 'card' | 'upi' | 'online') {
    return this.page.getByTestId(`expected-${mode}`);
  }

  async count(counted: { cash?: string; card?: string; upi?: string; online?: string }) {
    const labels = { cash: 'Cash counted (₹)', card: 'Card slips total (₹)', upi: 'UPI received (₹)', online: 'Online received (₹)' } as const;
    for (const [m, v] of Object.entries(counted) as Array<[keyof typeof labels, string]>) await this.page.getByLabel(labels[m], { exact: true }).fill(v);
  }

  async close() {
    await this.page.getByRole('button', { name: 'Close the day' }).click();
  }
}
