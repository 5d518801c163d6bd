import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, screenshot, type Desk } from './fixtures';
import { ADMIN, APPOINTMENT_PATIENTS as PATIENTS, CLINIC, DOCTOR, FRONT_DESK, PATIENT_ADDRESS } from './data';
import { AppShell, clinicNowMinutes, DayViewScreen, EVERY_DAY, hhmm, openNewClinic, registerOnPatientsScreen, SchedulesScreen, SignInScreen, StaffScreen } from './pages';
import { BillingNav, BillingSettingsScreen, DayClosingScreen, expectFields, InvoiceEditor, InvoiceView, PrintView } from './billing-pages';

/**
 * Billing end to end (issue 6), as the administrator at a standalone desk (series FD1; the tests stand on
 * 2 March 2026, financial year 2025-26): a visit billed from the day view with a catalogue item added, paid part
 * in cash (with change) and part by UPI, printed as an A4 invoice and an 80 mm receipt, credited in full with a
 * cash refund; a consultation alone billed from the queue as a bill of supply; the day closed; the month's GST
 * summary. Every PDF is saved under e2e/output/pdfs and read back field by field.
 */

const PDF_DIR = path.join(process.cwd(), 'e2e', 'output', 'pdfs');
const SIGNATORY = ADMIN.name;
const FOOTER = 'Thank you for choosing Sunrise Clinic. Goods once sold are returnable within 7 days with this bill.';
const DRESSING = { code: 'DRESS', name: 'Wound dressing kit', kind: 'Goods' as const, sacHsn: '30059040', unit: 'nos', price: '118.45', rate: '12 %' };
const TODAY = '02-03-2026';
const FY = '2526';

/** The clinic, its doctor (₹500 a consultation, all day every day), two patients, the tax profile and one catalogue item. */
async function setUp(page: Page, desk: Desk) {
  const shell = new AppShell(page);
  await openNewClinic(page, desk.launchUrl);
  await shell.nav('Staff').click();
  await new StaffScreen(page).addStaff(DOCTOR, 'Doctor');

  await shell.nav('Schedules').click();
  await expect(page.getByRole('table', { name: 'Doctors' }).getByText(DOCTOR.name)).toBeVisible();
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const profile = page.getByRole('dialog');
  await profile.getByLabel('Specialty').fill('General medicine');
  await profile.getByLabel('Registration number').fill('MMC-2011-04521');
  await profile.getByLabel('Consultation fee (₹)').fill('500');
  await profile.getByLabel('Room').fill('2');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const schedules = new SchedulesScreen(page);
  await schedules.addWeeklySession(EVERY_DAY, '00:00', '24:00', 15, 1);
  await schedules.saveWeekly();

  for (const p of PATIENTS) await registerOnPatientsScreen(page, p);

  const nav = new BillingNav(page);
  await nav.open('Billing settings');
  const settings = new BillingSettingsScreen(page);
  await settings.saveTaxProfile({ signatory: SIGNATORY, footer: FOOTER });
  await settings.addItem(DRESSING);
}

test('a visit billed, paid in cash and UPI, printed, credited with a refund; a bill of supply; the day closed; the GST summary', async ({ page, desk }) => {
  test.setTimeout(300_000);
  await PrintView.stubPrinting(page);
  await setUp(page, desk);
  fs.rmSync(PDF_DIR, { recursive: true, force: true });
  const nav = new BillingNav(page);
  const day = new DayViewScreen(page);
  const editor = new InvoiceEditor(page);
  const view = new InvoiceView(page);
  const print = new PrintView(page);
  const [kavita, rohan] = PATIENTS;
  const invoiceNo = `FD1/${FY}/00001`;
  let prints = 0;

  await test.step('a booked visit is checked in and billed from the day view', async () => {
    const later = hhmm(Math.min(Math.floor(clinicNowMinutes(desk.now()) / 15) * 15 + 60, 1425));
    await nav.open('Appointments');
    await day.startBooking(DOCTOR.name, later, 'Kavita', kavita!.fullName);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await day.openAppointment(DOCTOR.name, later, kavita!.fullName);
    await day.act('Check in');
    await expect(day.dialog.getByTestId('status-badge')).toHaveText('Checked in');
    await day.dialog.getByRole('button', { name: 'Bill', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Draft bill' })).toBeVisible();
    await expect(editor.line(/Consultation — Meera Iyer/)).toBeVisible();
    await expect(editor.total).toHaveText('₹500.00');
  });

  await test.step('a catalogue item is added with a quantity and a discount; tax and totals follow as typed', async () => {
    await editor.addCatalogueItem('Wound', 'Wound dressing kit (DRESS)');
    const kit = editor.line(/Wound dressing kit/);
    await kit.getByLabel('Quantity').fill('2');
    await kit.getByLabel('Discount (₹)').fill('10');
    await expect(kit.getByTestId('line-taxable')).toHaveText('₹226.90');
    await expect(kit.getByTestId('line-tax')).toHaveText('₹13.61 + ₹13.61');
    await expect(kit.getByTestId('line-total')).toHaveText('₹254.12');
    const totals = page.getByRole('region', { name: 'Totals' });
    await expect(totals).toContainText('Round-off−₹0.12');
    await expect(editor.total).toHaveText('₹754.00');
    await expect(editor.words).toHaveText('Rupees Seven Hundred Fifty-Four Only');
    await expect(page.getByTestId('documents-preview')).toContainText('Invoice-cum-bill of supply');
    await page.getByRole('region', { name: 'Totals' }).scrollIntoViewIfNeeded();
    await screenshot(page, '30-billing-editor');
    await editor.issue();
    await view.expectTitle(`Invoice-cum-bill of supply ${invoiceNo}`);
    await expect(view.status).toHaveText('Unpaid');
    await expect(view.balance).toHaveText('₹754.00');
  });

  await test.step('part cash (with change) and part UPI settle it', async () => {
    await view.takePayment({ mode: 'Cash', amount: '400', tendered: '500', change: '₹100.00' });
    await expect(view.status).toHaveText('Part paid');
    await expect(view.balance).toHaveText('₹354.00');
    await view.takePayment({ mode: 'UPI', reference: 'UTR612345678901' });
    await expect(view.status).toHaveText('Paid');
    await expect(view.balance).toHaveText('₹0.00');
    await expect(page.getByRole('button', { name: 'Take payment' })).toHaveCount(0);
    await expect(view.payments.getByRole('row')).toHaveCount(3);
    await expect(view.payments).toContainText('tendered ₹500.00, change ₹100.00');
    await expect(view.payments).toContainText('UTR612345678901');
    await expect(page.getByRole('alert')).toHaveCount(0); // the "Payment recorded" notices have gone
    await screenshot(page, '31-billing-invoice-view');
  });

  await test.step('the invoice prints on A4 with every field the rules ask for', async () => {
    await page.getByRole('button', { name: 'Print', exact: true }).click();
    await expect(page).toHaveURL(/#\/print\/invoice\//);
    const text = await print.toPdf('a4', path.join(PDF_DIR, 'invoice-cum-bill-of-supply.pdf'), prints++);
    expectFields(text, {
      'legal name': CLINIC.legalName,
      'trade name': CLINIC.tradeName,
      address: `${CLINIC.address}, ${CLINIC.city} ${CLINIC.pincode}`,
      GSTIN: `GSTIN: ${CLINIC.gstin}`,
      title: 'INVOICE-CUM-BILL OF SUPPLY',
      copy: 'Original for recipient',
      number: `No.: ${invoiceNo}`,
      date: `Date: ${TODAY}`,
      recipient: kavita!.fullName,
      'recipient address': `${PATIENT_ADDRESS.address}, ${PATIENT_ADDRESS.city}`,
      'place of supply': 'Place of supply: Maharashtra (27)',
      'consultation SAC': '999312',
      'kit HSN': '30059040',
      'kit line': /Wound dressing kit\s+2 nos\s+₹118\.45\s+₹236\.90\s+₹10\.00\s+₹226\.90\s+6 %\s+₹13\.61\s+6 %\s+₹13\.61\s+₹254\.12/,
      'consultation line': /Consultation — Meera Iyer\s+1 visit\s+₹500\.00\s+₹500\.00\s+₹0\.00\s+₹500\.00\s+Exempt\s+₹0\.00\s+Exempt\s+₹0\.00\s+₹500\.00/,
      'taxable total': /Taxable value\s+₹226\.90/,
      'exempt total': /Exempt value \(no GST\)\s+₹500\.00/,
      CGST: /CGST\s+₹13\.61/,
      SGST: /SGST\s+₹13\.61/,
      'round-off': /Round-off\s+−₹0\.12/,
      total: /Total\s+₹754\.00/,
      'in words': 'Rupees Seven Hundred Fifty-Four Only',
      signatory: new RegExp(`${SIGNATORY}\\s+Authorised signatory`),
      footer: FOOTER,
    });
    expect(text).not.toContain('IGST');
    await print.back();
    await view.expectTitle(invoiceNo);
  });

  await test.step('the cash receipt prints at 80 mm', async () => {
    await page.getByRole('button', { name: 'Print receipt for ₹400.00 Cash' }).click();
    await expect(page).toHaveURL(/#\/print\/receipt\//);
    const text = await print.toPdf('receipt', path.join(PDF_DIR, 'receipt-cash.pdf'), prints++);
    expectFields(text, {
      clinic: CLINIC.tradeName,
      GSTIN: `GSTIN: ${CLINIC.gstin}`,
      title: 'PAYMENT RECEIPT',
      against: `Invoice-cum-bill of supply ${invoiceNo}`,
      from: kavita!.fullName,
      mode: /Mode\s+Cash/,
      tendered: /Cash tendered\s+₹500\.00/,
      change: /Change given\s+₹100\.00/,
      amount: /Amount received\s+₹400\.00/,
      'in words': 'Rupees Four Hundred Only',
      date: TODAY,
      signatory: new RegExp(`${SIGNATORY}\\s+Authorised signatory`),
    });
    await print.back();
  });

  await test.step('a consultation alone, billed from the queue, is a bill of supply', async () => {
    await nav.open('Appointments');
    await day.column(DOCTOR.name).getByRole('button', { name: 'Walk-in' }).click();
    await day.pickPatient('Rohan', rohan!.fullName);
    await page.getByRole('button', { name: 'Add walk-in' }).click();
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await nav.open('Doctor queue');
    await page.getByRole('region', { name: 'Waiting' }).getByRole('button', { name: `Bill ${rohan!.fullName}` }).click();
    await expect(page.getByRole('heading', { name: 'Draft bill' })).toBeVisible();
    await expect(page.getByTestId('documents-preview')).toHaveText(/Bill of supply/);
    await editor.issue();
    await view.expectTitle(`Bill of supply FD1/${FY}/00002`);
    await view.takePayment({ mode: 'Cash', tendered: '500', change: '₹0.00' });
    await expect(view.status).toHaveText('Paid');
    await page.getByRole('button', { name: 'Print', exact: true }).click();
    const text = await print.toPdf('a4', path.join(PDF_DIR, 'bill-of-supply.pdf'), prints++);
    expectFields(text, {
      'legal name': CLINIC.legalName,
      GSTIN: `GSTIN: ${CLINIC.gstin}`,
      title: 'BILL OF SUPPLY',
      copy: 'Original for recipient',
      number: `No.: FD1/${FY}/00002`,
      date: `Date: ${TODAY}`,
      recipient: rohan!.fullName,
      'place of supply': 'Place of supply: Maharashtra (27)',
      line: /999312\s+Consultation — Meera Iyer\s+1 visit/,
      exempt: /Exempt value \(no GST\)\s+₹500\.00/,
      'exempt note': 'Exempt supply of health care services: no GST charged.',
      total: /Total\s+₹500\.00/,
      'in words': 'Rupees Five Hundred Only',
      signatory: new RegExp(`${SIGNATORY}\\s+Authorised signatory`),
    });
    expect(text).not.toMatch(/CGST\s+₹/);
    await print.back();
  });

  await test.step('the first bill is credited in full, the money going back in cash', async () => {
    await nav.open('Billing');
    await page.getByRole('table', { name: 'Bills' }).getByRole('link', { name: invoiceNo }).click();
    await view.expectTitle(invoiceNo);
    await view.raiseCreditNote({ reason: 'Billed to the wrong patient', refund: 'Cash', refundAmount: '₹754.00' });
    await view.expectTitle(`Credit note CN1/${FY}/00001`);
    await expect(page.getByTestId('credit-note-of')).toContainText(`Credit note against ${invoiceNo}`);
    await expect(page.getByTestId('invoice-total')).toHaveText('−₹754.00');
    await page.getByRole('button', { name: 'Print', exact: true }).click();
    const text = await print.toPdf('a4', path.join(PDF_DIR, 'credit-note.pdf'), prints++);
    expectFields(text, {
      'legal name': CLINIC.legalName,
      GSTIN: `GSTIN: ${CLINIC.gstin}`,
      title: 'CREDIT NOTE',
      number: `No.: CN1/${FY}/00001`,
      date: `Date: ${TODAY}`,
      reference: `Credit note against ${invoiceNo} dated ${TODAY}`,
      reason: 'Reason: Billed to the wrong patient',
      'place of supply': 'Place of supply: Maharashtra (27)',
      'kit line reversed': /30059040\s+Wound dressing kit\s+−2 nos\s+₹118\.45\s+−₹236\.90\s+−₹10\.00\s+−₹226\.90\s+6 %\s+−₹13\.61\s+6 %\s+−₹13\.61\s+−₹254\.12/,
      CGST: /CGST\s+−₹13\.61/,
      'round-off': /Round-off\s+₹0\.12/,
      total: /Total\s+−₹754\.00/,
      'in words': 'Rupees Seven Hundred Fifty-Four Only',
      signatory: new RegExp(`${SIGNATORY}\\s+Authorised signatory`),
    });
    await print.back();
    await page.getByRole('link', { name: invoiceNo }).click();
    await expect(view.status).toHaveText('Credited');
    await expect(view.payments).toContainText('Refund');
  });

  await test.step('the list filters by status and payment mode', async () => {
    await nav.open('Billing');
    const bills = page.getByRole('table', { name: 'Bills' });
    await expect(bills.getByRole('row')).toHaveCount(4); // header + 2 bills + the credit note
    await page.getByRole('textbox', { name: 'Paid by', exact: true }).click();
    await page.getByRole('option', { name: 'UPI', exact: true }).click();
    await expect(bills.getByRole('row')).toHaveCount(2);
    await expect(bills).toContainText(invoiceNo);
  });

  await test.step('the day closes with the count equal to the bills', async () => {
    await nav.open('Day closing');
    const closing = new DayClosingScreen(page);
    // Cash: 400 + 500 in, 754 refunded; UPI: 354.
    await expect(closing.expected('cash')).toHaveText('₹146.00');
    await expect(closing.expected('upi')).toHaveText('₹354.00');
    await expect(closing.expected('card')).toHaveText('₹0.00');
    await closing.count({ cash: '146', upi: '354' });
    await expect(page.getByTestId('open-difference')).toHaveText('The count matches the bills.');
    await closing.close();
    await expect(page.getByTestId('closing-difference')).toHaveText('No difference: the count matched the bills.');
    await expect(page.getByText('Locked', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Close the day' })).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await screenshot(page, '32-billing-day-closing');
  });

  await test.step('the GST summary of the month, exported as CSV', async () => {
    await nav.open('GST summary');
    const docs = page.getByRole('table', { name: 'Documents table' });
    await expect(docs.getByRole('row', { name: /Invoice-cum-bill of supply/ })).toContainText(`${invoiceNo}${invoiceNo}1${invoiceNo}`);
    await expect(docs.getByRole('row', { name: /Credit note/ })).toContainText(`CN1/${FY}/00001`);
    await expect(page.getByTestId('exempt-total')).toContainText('₹500.00');
    await expect(page.getByRole('table', { name: 'HSN/SAC table' })).toContainText('30059040');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await screenshot(page, '33-billing-gst-summary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('gst-summary-2026-03.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('HSN/SAC summary');
    expect(csv).toContain(`FD1,Invoice-cum-bill of supply,${invoiceNo},${invoiceNo},1,${invoiceNo}`);
    expect(csv).toContain('Exempt,500.00');
  });
});

test('a discount above the front desk’s limit is approved by an administrator without losing what was typed', async ({ page, desk }) => {
  test.setTimeout(180_000);
  const shell = new AppShell(page);
  await openNewClinic(page, desk.launchUrl);
  await shell.nav('Staff').click();
  await new StaffScreen(page).addStaff(FRONT_DESK, 'Front desk');
  const nav = new BillingNav(page);
  await nav.open('Billing settings');
  await new BillingSettingsScreen(page).addItem({ code: 'PEEL', name: 'Chemical peel (cosmetic)', kind: 'Service', sacHsn: '999722', unit: 'session', price: '2000', rate: '18 %' });
  await shell.signOut();
  await new SignInScreen(page).signIn(FRONT_DESK.username, FRONT_DESK.password);
  await shell.expectSignedInAs(FRONT_DESK.name, 'Front desk');

  await nav.open('Billing');
  await page.getByRole('button', { name: 'New bill' }).click();
  await page.getByRole('button', { name: 'Bill without a patient' }).click();
  await expect(page.getByRole('heading', { name: 'New bill' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Walk-in buyer');
  const editor = new InvoiceEditor(page);
  await editor.addCatalogueItem('peel', 'Chemical peel (cosmetic) (PEEL)');
  const peel = editor.line(/Chemical peel/);
  await peel.getByLabel('Discount (₹)').fill('500'); // 25 %: the front desk may give 10 %
  await expect(editor.total).toHaveText('₹1,770.00');
  await page.getByRole('button', { name: 'Save draft' }).click();

  const approval = page.getByRole('dialog', { name: 'Discount needs an administrator’s approval' });
  await expect(approval).toContainText('more than 10 % of the line');
  await approval.getByLabel('Administrator’s username', { exact: true }).fill(FRONT_DESK.username);
  await approval.getByLabel('Administrator’s password', { exact: true }).fill(FRONT_DESK.password);
  await approval.getByRole('button', { name: 'Approve discount' }).click();
  await expect(approval.getByRole('alert')).toContainText('not an administrator’s username and password');
  await approval.getByLabel('Administrator’s username', { exact: true }).fill(ADMIN.username);
  await approval.getByLabel('Administrator’s password', { exact: true }).fill(ADMIN.password);
  await approval.getByRole('button', { name: 'Approve discount' }).click();
  await expect(approval).toHaveCount(0);
  await expect(page.getByText(`Discount approved by ${ADMIN.name}.`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Draft bill' })).toBeVisible();
  await expect(peel.getByLabel('Discount (₹)')).toHaveValue('500');
  await expect(editor.total).toHaveText('₹1,770.00');

  await editor.issue();
  await new InvoiceView(page).expectTitle(`Tax invoice FD1/${FY}/00001`);
  // Crediting is for accounts and administrators: the front desk is not offered it.
  await expect(page.getByRole('button', { name: 'Take payment' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Credit note' })).toHaveCount(0);
});
