import type { Page } from '@playwright/test';
import { getDocumentProxy } from 'unpdf';
import { test, expect, screenshot, type Desk } from './fixtures';
import { APPOINTMENT_PATIENTS, DOCTOR, FRONT_DESK } from './data';
import { callApi, openNewClinic, registerPatientByApi } from './pages';
import { pdfText } from './billing-pages';
import { HistorySection, LabsScreen, switchUser } from './labs-pages';

/**
 * Lab results and the patient's history (issue 7). The clinic, its doctor, accounts and front-desk staff, a
 * patient with a checked-in walk-in visit and its bill are prepared through the ClinicApi with the signed-in
 * user's own session; nine HbA1c results (and a few other tests) go in the same way as the doctor, the tenth
 * through the lab screen's form. Then: the HbA1c trend (10 points, the reference band, the significant rise),
 * two reports side by side, the printed prescription on A4 and A5, and what the history shows each role.
 */

const ACCOUNTS = { name: 'Ravi Menon', username: 'ravi', password: 'Ledger#2026' };
const PATIENT = APPOINTMENT_PATIENTS[0]!;
const HBA1C = { name: 'HbA1c', unit: '%', refLow: '4.0', refHigh: '5.6' };
const FBS = { name: 'Glucose, fasting (FBS)', unit: 'mg/dL', refLow: '70', refHigh: '99' };
const TSH = { name: 'TSH', unit: 'mIU/L', refLow: '0.4', refHigh: '4.0' };
/** Nine results through the API, oldest first; the tenth (7.2 today) through the screen. 7.1 → 8.8 is the one big rise (24 %). */
const SERIES: Array<{ date: string; value: string; report: string; others?: Array<{ test: typeof FBS; value: string }> }> = [
  { date: '2025-03-10', value: '6.2', report: 'LAB-2501' },
  { date: '2025-04-14', value: '6.4', report: 'LAB-2502' },
  { date: '2025-05-19', value: '6.3', report: 'LAB-2503' },
  { date: '2025-06-23', value: '6.6', report: 'LAB-2504' },
  { date: '2025-08-04', value: '7.1', report: 'LAB-2505' },
  { date: '2025-09-15', value: '8.8', report: 'LAB-2506' },
  { date: '2025-10-27', value: '8.5', report: 'LAB-2507' },
  { date: '2025-12-08', value: '8.1', report: 'LAB-2508', others: [{ test: FBS, value: '168' }] },
  { date: '2026-01-19', value: '7.6', report: 'LAB-2601', others: [{ test: FBS, value: '142' }, { test: TSH, value: '2.1' }] },
];
const DIAGNOSIS = { code: 'E11.9', title: 'Type 2 diabetes mellitus without complications' };

interface Seeded {
  patientId: string;
  visitId: string;
  prescriptionId: string;
  dietId: string;
}

/** The clinic with its admin (signed in), a doctor, accounts and front desk; the patient's walk-in visit billed. */
async function setUp(page: Page, desk: Desk): Promise<Omit<Seeded, 'prescriptionId' | 'dietId'>> {
  await openNewClinic(page, desk.launchUrl);
  const doctor = await callApi<{ id: string }>(page, 'staff.create', { displayName: DOCTOR.name, username: DOCTOR.username, role: 'doctor', password: DOCTOR.password });
  await callApi(page, 'staff.create', { displayName: ACCOUNTS.name, username: ACCOUNTS.username, role: 'accounts', password: ACCOUNTS.password });
  await callApi(page, 'staff.create', { displayName: FRONT_DESK.name, username: FRONT_DESK.username, role: 'front_desk', password: FRONT_DESK.password });
  await callApi(page, 'doctors.saveProfile', { staffId: doctor.id, specialty: 'Diabetology', registrationNumber: 'MMC-2011-04521', consultationFeePaise: 50_000, room: '2' });
  const patient = await registerPatientByApi(page, PATIENT);
  const visit = await callApi<{ id: string }>(page, 'appointments.walkIn', { doctorId: doctor.id, patientId: patient.id, type: 'follow_up' });
  const bill = await callApi<{ id: string }>(page, 'invoices.draftForVisit', { appointmentId: visit.id });
  await callApi(page, 'invoices.issue', { id: bill.id });
  return { patientId: patient.id, visitId: visit.id };
}

/** As the doctor: nine HbA1c reports (two with more tests), the visit's note with a diagnosis, a prescription and a diet plan, signed. */
async function doctorRecords(page: Page, s: Omit<Seeded, 'prescriptionId' | 'dietId'>): Promise<{ prescriptionId: string; dietId: string }> {
  for (const r of SERIES) {
    for (const t of [{ test: HBA1C, value: r.value }, ...(r.others ?? [])]) {
      await callApi(page, 'labs.enterResult', {
        patientId: s.patientId,
        test: { name: t.test.name, unit: t.test.unit, refLow: t.test.refLow, refHigh: t.test.refHigh },
        value: t.value,
        collectedOn: r.date,
        reportRef: r.report,
      });
    }
  }
  const note = await callApi<{ id: string }>(page, 'notes.save', {
    appointmentId: s.visitId,
    subjective: 'Follow-up of diabetes; tired in the afternoons.',
    assessment: 'Diabetes not well controlled.',
    plan: 'Continue metformin, add glimepiride; diet; HbA1c in 3 months.',
    vitals: { bpSystolic: 134, bpDiastolic: 86, pulse: 78, weightKg: 71.5, heightCm: 158 },
    diagnoses: [DIAGNOSIS],
    followUpDate: '2026-06-01',
  });
  const rx = await callApi<{ id: string }>(page, 'prescriptions.save', {
    kind: 'medication',
    appointmentId: s.visitId,
    printHindi: true,
    advice: 'Walk 30 minutes every day. Check fasting sugar once a week.',
    items: [
      { generic: 'Metformin', brand: 'Glycomet SR', strength: '500 mg', form: 'tablet', dose: '1 tablet', frequency: '1-0-1', route: 'oral', durationValue: 3, durationUnit: 'months', quantity: 180, timing: 'after_food', instructions: null },
      { generic: 'Glimepiride', brand: 'Amaryl', strength: '1 mg', form: 'tablet', dose: '1 tablet', frequency: 'OD', route: 'oral', durationValue: 30, durationUnit: 'days', quantity: 30, timing: 'before_food', instructions: 'Take 15 minutes before breakfast.' },
    ],
  });
  const diet = await callApi<{ id: string }>(page, 'prescriptions.save', {
    kind: 'diet',
    appointmentId: s.visitId,
    items: [
      { meal: 'Breakfast', advice: 'Vegetable poha or two besan chillas; tea without sugar.' },
      { meal: 'Lunch', advice: 'Two phulkas, dal, a bowl of sabzi and salad; no rice.' },
      { meal: 'Dinner', advice: 'Before 8 pm: one phulka, paneer or dal, vegetables.' },
    ],
    advice: 'No sweets, fruit juice or fried snacks.',
  });
  await callApi(page, 'notes.sign', { noteId: note.id });
  return { prescriptionId: rx.id, dietId: diet.id };
}

async function pdfPages(pdf: Buffer): Promise<number> {
  return (await getDocumentProxy(new Uint8Array(pdf))).numPages;
}

test('HbA1c trend with the reference band and the significant rise, two reports compared, the prescription printed, and the history by role', async ({ page, desk }) => {
  test.setTimeout(240_000);
  const labs = new LabsScreen(page);
  const history = new HistorySection(page);
  let s!: Seeded;

  await test.step('the clinic, its staff, the patient’s visit and bill are prepared; the doctor records nine reports and signs the note', async () => {
    const base = await setUp(page, desk);
    await switchUser(page, DOCTOR, 'Doctor');
    s = { ...base, ...(await doctorRecords(page, base)) };
  });

  await test.step('the doctor keeps a SOAP template and a quick phrase: created, changed, removed', async () => {
    await page.goto(`${desk.url}/#/templates`);
    await expect(page.getByRole('heading', { name: 'Note templates' })).toBeVisible();
    await page.getByRole('button', { name: 'New template' }).click();
    let dialog = page.getByRole('dialog', { name: 'New template' });
    await dialog.getByRole('button', { name: 'Save template' }).click();
    await expect(dialog.getByText('Template name needs at least 2 characters.')).toBeVisible();
    await dialog.getByLabel('Template name', { exact: true }).fill('Diabetes follow-up');
    await dialog.getByLabel('Subjective', { exact: true }).fill('Sugar readings at home:');
    await dialog.getByLabel('Plan', { exact: true }).fill('HbA1c in 3 months.');
    await dialog.getByRole('button', { name: 'Save template' }).click();
    await expect(dialog).toHaveCount(0);
    const templates = page.getByRole('table', { name: 'SOAP templates' });
    await expect(templates.getByRole('row', { name: /Diabetes follow-up/ })).toContainText('S: Sugar readings at home: · P: HbA1c in 3 months.');

    await page.getByRole('button', { name: 'New quick phrase' }).click();
    dialog = page.getByRole('dialog', { name: 'New quick phrase' });
    await dialog.getByLabel('Short name', { exact: true }).fill('walk');
    await dialog.getByLabel('Phrase', { exact: true }).fill('Walk 30 minutes a day.');
    await dialog.getByRole('button', { name: 'Save quick phrase' }).click();
    await expect(dialog).toHaveCount(0);
    const phrases = page.getByRole('table', { name: 'Quick phrases' });
    await phrases.getByRole('button', { name: 'Edit walk' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit quick phrase “walk”' });
    await dialog.getByLabel('Phrase', { exact: true }).fill('Walk 45 minutes a day, after dinner.');
    await dialog.getByRole('button', { name: 'Save quick phrase' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(phrases.getByRole('row', { name: /walk/ })).toContainText('Walk 45 minutes a day, after dinner.');

    await templates.getByRole('button', { name: 'Remove Diabetes follow-up' }).click();
    await page.getByRole('dialog', { name: 'Remove “Diabetes follow-up”?' }).getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByRole('table', { name: 'SOAP templates' })).toHaveCount(0);
    await expect(page.getByText('No templates yet.', { exact: false })).toBeVisible();
    await expect(phrases.getByRole('row')).toHaveCount(2);
  });

  await test.step('the tenth HbA1c goes in through the lab screen; reports list by date with abnormal values flagged', async () => {
    await labs.open(desk.url, s.patientId);
    await expect(page.getByText(`${PATIENT.fullName} · MRN`)).toBeVisible();
    await labs.addResult({ test: HBA1C.name, value: '7.2', reportRef: 'LAB-2610' });
    const today = labs.report('02-03-2026 · Report LAB-2610');
    await expect(today.getByRole('row', { name: /HbA1c/ })).toContainText('7.2 %');
    await expect(today.getByRole('row', { name: /HbA1c/ })).toContainText('High');
    const january = labs.report('19-01-2026 · Report LAB-2601');
    await expect(january.getByRole('row')).toHaveCount(4); // header + HbA1c, FBS, TSH
    await expect(january.getByRole('row', { name: /TSH/ })).not.toContainText('High');
    await expect(page.getByRole('region', { name: /· Report LAB-/ })).toHaveCount(10);
  });

  await test.step('the HbA1c trend: 10 points, the shaded reference band, the 24 % rise listed and ringed', async () => {
    await labs.pickTest(HBA1C.name);
    await expect(labs.caption).toHaveText('10 results from 10-03-2025 to 02-03-2026 · %');
    await expect(labs.points).toHaveCount(10);
    await expect(labs.chart.locator('.recharts-reference-area')).toHaveCount(1);
    await expect(page.getByText('Shaded band: reference range 4.0–5.6 %')).toBeVisible();
    await expect(labs.chart.getByText('Reference 4.0–5.6 %')).toBeVisible();
    await expect(labs.significantChanges.getByRole('listitem')).toHaveCount(1);
    await expect(labs.significantChanges).toContainText('HbA1c rose 24 % from 7.1 to 8.8 on 15-09-2025');
    await expect(labs.chart.locator('[data-testid="trend-point"][data-significant="true"]')).toHaveCount(1);
    await screenshot(page, '41-labs-trend');
  });

  await test.step('two reports side by side: the tests both have, with the change and the flags', async () => {
    await labs.compare('08-12-2025 · Report LAB-2508', '19-01-2026 · Report LAB-2601');
    const table = labs.compared;
    await expect(table.getByRole('columnheader', { name: '08-12-2025 · Report LAB-2508' })).toBeVisible();
    await expect(table.getByRole('columnheader', { name: '19-01-2026 · Report LAB-2601' })).toBeVisible();
    await expect(table.getByRole('row')).toHaveCount(3); // header + HbA1c + FBS (TSH only in the later one)
    const hba1c = table.getByRole('row', { name: /HbA1c/ });
    await expect(hba1c).toContainText('8.1 %');
    await expect(hba1c).toContainText('7.6 %');
    await expect(hba1c).toContainText('−0.5 (−6 %)');
    const fbs = table.getByRole('row', { name: /FBS/ });
    await expect(fbs).toContainText('168 mg/dL');
    await expect(fbs).toContainText('142 mg/dL');
    await expect(fbs).toContainText('−26 (−15 %)');
    await expect(fbs.getByText('High')).toHaveCount(2);
    await expect(page.getByText('Only in 19-01-2026 · Report LAB-2601: TSH.')).toBeVisible();
    await screenshot(page, '42-labs-compare');
  });

  await test.step('the doctor sees the whole history: diagnoses, drugs, lab values flagged, the bill without its amount', async () => {
    await page.goto(`${desk.url}/#/patients/${s.patientId}`);
    await expect(history.timeline).toBeVisible();
    await expect(history.entry(/^Visit — /)).toContainText(`${DIAGNOSIS.code} ${DIAGNOSIS.title}`);
    await expect(history.entry(/^Visit — /)).toContainText('Note signed');
    await expect(history.entry('Prescription')).toContainText('Metformin (Glycomet SR)');
    await expect(history.entry('Diet plan')).toBeVisible();
    await expect(history.entry(HBA1C.name).first()).toContainText('7.2 % (high)');
    await expect(history.entry(/^Invoice|^Bill/)).toBeVisible();
    await expect(history.region.getByTestId('timeline-amount')).toHaveCount(0);
    await history.region.getByRole('heading', { name: 'Medical and visit history' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, '41b-history-doctor');
    for (const kind of ['Visits', 'Prescriptions', 'Diet plans', 'Documents', 'Bills'] as const) await history.toggle(kind, false);
    await expect(history.region.getByTestId('timeline-entry')).toHaveCount(13); // 10 HbA1c, 2 FBS, 1 TSH, and nothing else
    await history.toggle('Visits', true);
    await history.search('TSH');
    await expect(history.region.getByTestId('timeline-entry')).toHaveCount(1);
    await expect(history.entry('TSH')).toContainText('2.1 mIU/L');
    await history.search('');
    await expect(history.region.getByTestId('timeline-entry')).toHaveCount(14); // and the visit
  });

  await test.step('the prescription prints on A4 and on A5 with the registration number, both notations, Hindi and the signature', async () => {
    await page.goto(`${desk.url}/#/print/prescription/${s.prescriptionId}`);
    const doc = page.getByTestId('print-document');
    await expect(doc).toBeVisible();
    await expect(doc).toContainText('Dr Meera Iyer');
    await expect(doc).toContainText('Reg. No. MMC-2011-04521');
    await expect(doc).toContainText(`${DIAGNOSIS.code} ${DIAGNOSIS.title}`);
    await expect(doc).toContainText('BP 134/86 mmHg');
    const metformin = doc.getByTestId('rx-item').filter({ hasText: 'Metformin' });
    await expect(metformin).toContainText('Metformin (Glycomet SR) 500 mg · Tablet');
    await expect(metformin).toContainText('1-0-1 (1 in the morning, 1 at night)');
    await expect(metformin).toContainText('after food');
    await expect(metformin).toContainText('for 3 months');
    await expect(metformin).toContainText('Qty: 180');
    await expect(metformin).toContainText('1 सुबह, 1 रात · खाने के बाद');
    await expect(metformin).toContainText('3 महीने');
    await expect(doc.getByTestId('rx-item').filter({ hasText: 'Glimepiride' })).toContainText('1-0-0 (1 in the morning)');
    await expect(doc).toContainText('Follow-up: 01-06-2026');
    await expect(doc.getByTestId('rx-signature')).toContainText(/Digitally signed by Dr Meera Iyer on 02-03-2026 \d\d:\d\d/);
    await expect(doc.getByTestId('rx-signature')).toContainText(/Content hash sha256:[0-9a-f]{16}…/);
    await expect(page.getByText('DRAFT — not signed')).toHaveCount(0);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '42b-prescription-a4');
    const a4 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(await pdfPages(a4)).toBe(1);
    expect(await pdfText(a4)).toContain('Reg. No. MMC-2011-04521');
    await page.emulateMedia({ media: null });

    // click, then wait for the outcome: the switch goes through the URL, so it is checked a moment later.
    await page.getByRole('radio', { name: 'A5' }).click();
    await expect(page).toHaveURL(/size=a5/);
    await expect(page.getByRole('radio', { name: 'A5' })).toBeChecked();
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '42c-prescription-a5');
    const a5 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(await pdfPages(a5)).toBe(1);
    const size = (await (await getDocumentProxy(new Uint8Array(a5))).getPage(1)).view; // [0, 0, width, height] in points
    expect(Math.round(size[2]!)).toBe(420); // A5: 148 mm
    await page.emulateMedia({ media: null });

    await page.goto(`${desk.url}/#/print/prescription/${s.dietId}?size=a5`);
    await expect(doc.getByText('Diet plan', { exact: true })).toBeVisible();
    await expect(doc.getByTestId('rx-item')).toHaveCount(3);
    await expect(doc.getByTestId('rx-item').first()).toContainText('Breakfast');

    // A signed prescription is changed by a new draft version, which prints as a draft until signed.
    const draft = await callApi<{ id: string }>(page, 'prescriptions.revise', { prescriptionId: s.prescriptionId });
    await page.goto(`${desk.url}/#/print/prescription/${draft.id}`);
    await expect(doc.getByRole('note')).toHaveText('DRAFT — not signed');
    await expect(doc.getByTestId('rx-signature')).toHaveText('Not signed: not valid as a prescription.');
    await expect(doc).toContainText('Prescription version 2');
  });

  await test.step('accounts sees the visit and the bill with its amount, and no lab values', async () => {
    await page.goto(`${desk.url}/#/patients`);
    await switchUser(page, ACCOUNTS, 'Accounts');
    await page.goto(`${desk.url}/#/patients/${s.patientId}`);
    await expect(history.timeline).toBeVisible();
    await expect(history.region.getByTestId('timeline-amount')).toHaveText('₹500.00');
    await expect(history.filter('Labs')).toHaveCount(0);
    await expect(history.region).not.toContainText('HbA1c');
    await expect(history.region).not.toContainText('7.2');
    await expect(history.region).not.toContainText(DIAGNOSIS.code);
    await expect(history.region.getByTestId('timeline-entry')).toHaveCount(2);
    await expect(page.getByRole('link', { name: 'Lab results' })).toHaveCount(0);
    await page.goto(`${desk.url}/#/labs/${s.patientId}`);
    await expect(page.getByText('Not available for your role')).toBeVisible();
  });

  await test.step('the front desk sees the visit and the bill number, and no diagnoses', async () => {
    await switchUser(page, FRONT_DESK, 'Front desk');
    await page.goto(`${desk.url}/#/patients/${s.patientId}`);
    await expect(history.timeline).toBeVisible();
    await expect(history.entry(/^Visit — /)).toContainText('Checked in');
    await expect(history.region).not.toContainText(DIAGNOSIS.code);
    await expect(history.region).not.toContainText('diabetes');
    await expect(history.region).not.toContainText('Metformin');
    await expect(history.region).not.toContainText('HbA1c');
    await expect(history.region.getByTestId('timeline-amount')).toHaveCount(0);
    await expect(history.region.getByTestId('timeline-entry')).toHaveCount(2);
  });
});
