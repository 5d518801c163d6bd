import fs from 'node:fs';
import path from 'node:path';
import type { Page, Route } from '@playwright/test';
import { getDocumentProxy } from 'unpdf';
import { test, expect, screenshot, type Desk } from './fixtures';
import { APPOINTMENT_PATIENTS, DOCTOR, FRONT_DESK } from './data';
import { AppShell, callApi, DayViewScreen, EVERY_DAY, openNewClinic, registerOnPatientsScreen, registerPatientByApi, SchedulesScreen, SignInScreen, StaffScreen } from './pages';
import { expectFields, pdfText, PrintView } from './billing-pages';
import { ConsultScreen } from './consult-pages';

/**
 * The consult room end to end (issue 7). The administrator sets up a doctor with a registration number and the
 * front desk adds a walk-in; the doctor calls the patient from the queue, records an allergy, writes the SOAP
 * note (autosaved), vitals with one out-of-range reading flagged and one impossible reading refused, an ICD-10
 * diagnosis, a prescription (1-0-1 and 0-0-1, words and quantities shown as typed, an allergy warning on a third
 * drug, which is taken off), signs, sees everything locked, prints the prescription on A4 and A5 (saved as PDFs and
 * read back), and completes the visit. Then: the front desk cannot open a consultation or see a diagnosis.
 */

const PDF_DIR = path.join(process.cwd(), 'e2e', 'output', 'pdfs');
const REGISTRATION = 'MMC-2019-04567';
const PATIENT = APPOINTMENT_PATIENTS[0]!;
const DIAGNOSIS = { code: 'E11.9', title: 'Type 2 diabetes mellitus without complications' };
const METFORMIN = { generic: 'Metformin', brand: 'Glycomet', strength: '500 mg', dose: '1 tablet', frequency: '1-0-1', duration: '30' };
const ATORVASTATIN = { generic: 'Atorvastatin', strength: '10 mg', dose: '1 tablet', frequency: '0-0-1', duration: '30', instructions: 'Take at bedtime.' };
const AMOXICILLIN = { generic: 'Amoxicillin', strength: '500 mg', dose: '1 capsule', frequency: '1-1-1', duration: '5' };

async function signInAs(page: Page, user: { name: string; username: string; password: string }, role: string) {
  const shell = new AppShell(page);
  await shell.signOut();
  await new SignInScreen(page).signIn(user.username, user.password);
  await shell.expectSignedInAs(user.name, role);
}

/** The clinic; its doctor (profile with registration number, all day every day) and front desk; the patient checked in as a walk-in. */
async function setUp(page: Page, desk: Desk) {
  const shell = new AppShell(page);
  await openNewClinic(page, desk.launchUrl);
  await shell.nav('Staff').click();
  const staff = new StaffScreen(page);
  await staff.addStaff(DOCTOR, 'Doctor');
  await staff.addStaff(FRONT_DESK, 'Front desk');

  await shell.nav('Schedules').click();
  await expect(page.getByRole('table', { name: 'Doctors' }).getByText(DOCTOR.name)).toBeVisible();
  await page.getByRole('button', { name: 'Edit profile' }).click();
  const profile = page.getByRole('dialog');
  await profile.getByLabel('Specialty').fill('General medicine');
  await profile.getByLabel('Registration number').fill(REGISTRATION);
  await profile.getByLabel('Consultation fee (₹)').fill('500');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  const schedules = new SchedulesScreen(page);
  await schedules.addWeeklySession(EVERY_DAY, '00:00', '24:00', 15, 1);
  await schedules.saveWeekly();
  await registerOnPatientsScreen(page, PATIENT);

  await signInAs(page, FRONT_DESK, 'Front desk');
  await shell.nav('Appointments').click();
  const day = new DayViewScreen(page);
  await day.column(DOCTOR.name).getByRole('button', { name: 'Walk-in' }).click();
  await day.pickPatient('Kavita', PATIENT.fullName);
  await page.getByRole('button', { name: 'Add walk-in' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(day.waitingRoom.getByText(PATIENT.fullName)).toBeVisible();
}

test('the doctor calls the patient, writes the note, vitals, diagnosis and prescription, signs, prints on A4 and A5, and completes the visit', async ({ page, desk }) => {
  test.setTimeout(300_000);
  await PrintView.stubPrinting(page);
  await setUp(page, desk);
  const consult = new ConsultScreen(page);
  const print = new PrintView(page);
  fs.mkdirSync(PDF_DIR, { recursive: true });

  await test.step('the doctor sees the patient waiting and calls them in: the consult screen opens', async () => {
    await signInAs(page, DOCTOR, 'Doctor');
    await new AppShell(page).nav('My queue').click();
    await expect(page.getByRole('region', { name: 'Waiting' }).getByText(PATIENT.fullName)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Templates', exact: true })).toBeVisible();
    await screenshot(page, '40-consult-queue');
    await page.getByRole('button', { name: /^Call next patient/ }).click();
    await consult.expectPatient(PATIENT.fullName);
    await expect(consult.header.getByTestId('visit-status')).toHaveText('In consult');
    await expect(consult.header).toContainText('Token 1');
    await expect(consult.header).toContainText('Female, 41 years');
    await expect(consult.allergies).toContainText('No allergies recorded');
  });

  await test.step('an allergy is recorded and shows as a red badge', async () => {
    await consult.addAllergy('Penicillin', 'Severe', 'Rash and swelling');
    await expect(consult.allergies.getByRole('listitem').filter({ hasText: 'Penicillin' })).toHaveText(/Penicillin · severe/);
  });

  await test.step('the SOAP note is written and autosaved', async () => {
    await consult.soap('Subjective').fill('Tiredness and increased thirst for 3 months. Passing urine more often at night.');
    await consult.soap('Objective').fill('Alert, well hydrated. No pedal oedema. Feet: sensation normal.');
    await consult.soap('Assessment').fill('Newly detected type 2 diabetes; raised blood pressure today.');
    await consult.soap('Plan').fill('Start metformin. Statin for cardiovascular risk. Diet advice. HbA1c and lipids in 3 months.');
    await consult.expectSaved('Note');
  });

  await test.step('vitals: BMI worked out as typed, a high reading flagged, an impossible one refused with its reason and nothing lost', async () => {
    await consult.vital('Blood pressure (systolic)').fill('152');
    await consult.vital('Blood pressure (diastolic)').fill('88');
    await consult.vital('Pulse').fill('78');
    await consult.vital('Weight').fill('72');
    await consult.vital('Height').fill('165');
    await expect(page.getByTestId('bmi')).toHaveText('26.4 kg/m² · Obese');
    await expect(consult.note.getByText('Systolic BP is high (152 mmHg; 140 or above is high).')).toBeVisible();
    await consult.vital('Temperature').fill('370');
    await expect(consult.note.getByText('Temperature must be between 25 and 45 °C — check the reading.', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(consult.vital('Temperature')).toHaveAttribute('aria-invalid', 'true');
    await expect(consult.status('Note')).toContainText('Not saved — Temperature must be between 25 and 45 °C');
    await expect(consult.soap('Plan')).toHaveValue(/^Start metformin/);
    await consult.vital('Temperature').fill('37.2');
    await consult.expectSaved('Note');
    await expect(consult.note.getByText(/Temperature must be between/)).toHaveCount(0);
    await expect(consult.vital('Temperature')).not.toHaveAttribute('aria-invalid', 'true');
    // Systolic still flagged after the save, and saved (it is not refused).
    await expect(consult.note.getByText('Systolic BP is high (152 mmHg; 140 or above is high).')).toBeVisible();
  });

  await test.step('a diagnosis is picked from ICD-10 by typing words, and a follow-up date set', async () => {
    await consult.pickDiagnosis('type 2 diab', `${DIAGNOSIS.code} — ${DIAGNOSIS.title}`);
    await expect(consult.diagnoses.getByRole('listitem', { name: `${DIAGNOSIS.code} — ${DIAGNOSIS.title}` })).toBeVisible();
    await consult.note.getByRole('button', { name: '2 weeks' }).click();
    await expect(consult.note.getByLabel('Follow-up date', { exact: true })).toHaveValue('16-03-2026');
    await consult.expectSaved('Note');
    await screenshot(page, '40-consult-note');
  });

  await test.step('the prescription: two drugs with words and quantities as typed; a third warns of the allergy and is taken off', async () => {
    await consult.tab('Prescription').click();
    await consult.fillDrug(1, METFORMIN);
    await expect(consult.drug(1).getByTestId('frequency-words')).toHaveText('1 in the morning, 1 at night · 30 days · after food');
    await expect(consult.drug(1).getByLabel('Quantity', { exact: true })).toHaveValue('60');
    await consult.addDrug(2, ATORVASTATIN);
    await expect(consult.drug(2).getByTestId('frequency-words')).toHaveText('1 at night · 30 days · after food');
    await expect(consult.drug(2).getByLabel('Quantity', { exact: true })).toHaveValue('30');
    await page.getByLabel('Print in Hindi too').check();
    await expect(consult.drug(1)).toContainText('1 सुबह, 1 रात · 30 दिन · खाने के बाद');
    await consult.addDrug(3, AMOXICILLIN);
    await expect(consult.drug(3).getByRole('alert', { name: 'Allergy warning' })).toContainText('Amoxicillin matches the recorded allergy to Penicillin (severe)');
    await expect(consult.drug(1).getByRole('alert')).toHaveCount(0);
    await expect(consult.drug(3).getByLabel('Quantity', { exact: true })).toHaveValue('15');
    await consult.expectSaved('Prescription');
    await screenshot(page, '40-consult-prescription');
    await page.getByRole('button', { name: 'Remove drug 3' }).click();
    await expect(consult.drugs.getByRole('rowgroup', { name: /^Drug \d:/ })).toHaveCount(2);
    await consult.expectSaved('Prescription');
  });

  await test.step('signing locks the note and the prescription', async () => {
    await consult.tab('Note').click();
    await consult.expectSaved('Note');
    await consult.signNote();
    await expect(page.getByTestId('note-signature')).toContainText(`Signed by Dr ${DOCTOR.name} at 02-03-2026`);
    await expect(page.getByTestId('note-signature')).toContainText(/sha256:[0-9a-f]{12}…/);
    await expect(page.getByRole('button', { name: 'Sign note' })).toHaveCount(0);
    for (const f of ['Subjective', 'Objective', 'Assessment', 'Plan'] as const) await expect(consult.soap(f)).not.toBeEditable();
    await expect(consult.soap('Assessment')).toHaveValue('Newly detected type 2 diabetes; raised blood pressure today.');
    await expect(consult.note.getByLabel('Add diagnosis')).toHaveCount(0);
    await expect(consult.note.getByRole('button', { name: 'Book follow-up' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Add addendum' })).toBeVisible();
    await consult.tab('Prescription').click();
    await expect(page.getByTestId('prescription-signature')).toContainText(`Signed by Dr ${DOCTOR.name}`);
    await expect(consult.drugs.getByRole('textbox')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Change prescription' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add drug' })).toHaveCount(0);
    await consult.tab('Note').click();
    await screenshot(page, '40-consult-signed');
  });

  await test.step('the prescription prints on A4 with the doctor, the registration number and every drug', async () => {
    await consult.header.getByRole('button', { name: 'Print prescription' }).click();
    await expect(page).toHaveURL(/#\/print\/prescription\/[^?]+\?print=1$/);
    const doc = page.getByTestId('print-document');
    await expect(doc).toBeVisible();
    await expect.poll(() => print.prints()).toBe(1);
    // Devanagari does not come back out of a PDF as text (shaped glyphs): the Hindi lines are checked on the page.
    await expect(doc.getByTestId('rx-item').filter({ hasText: 'Metformin' })).toContainText('1 सुबह, 1 रात');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(PDF_DIR, 'prescription-a4.png'), fullPage: true });
    const a4 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: null });
    fs.writeFileSync(path.join(PDF_DIR, 'prescription-a4.pdf'), a4);
    const text = await pdfText(a4);
    expectFields(text, {
      doctor: DOCTOR.name,
      registration: REGISTRATION,
      patient: PATIENT.fullName,
      diagnosis: DIAGNOSIS.code,
      metformin: /Metformin.*500 mg/,
      'metformin frequency': '1-0-1',
      atorvastatin: /Atorvastatin.*10 mg/,
      'atorvastatin frequency': '0-0-1',
      'atorvastatin instructions': ATORVASTATIN.instructions,
      'follow-up': '16-03-2026',
    });
    expect(text).not.toContain('Amoxicillin');
    expect(text).not.toContain('Note signed'); // no screen notice on the paper
    const pdf = await getDocumentProxy(new Uint8Array(a4));
    expect(Math.round((await pdf.getPage(1)).view[2]!)).toBe(595); // A4: 210 mm
    await print.back();
    await consult.expectPatient(PATIENT.fullName);
  });

  await test.step('and on A5', async () => {
    await consult.header.getByRole('button', { name: 'Print A5' }).click();
    await expect(page).toHaveURL(/#\/print\/prescription\/[^?]+\?size=a5&print=1$/);
    await expect(page.getByTestId('print-document')).toBeVisible();
    await expect.poll(() => print.prints()).toBe(2);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(PDF_DIR, 'prescription-a5.png'), fullPage: true });
    const a5 = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: null });
    fs.writeFileSync(path.join(PDF_DIR, 'prescription-a5.pdf'), a5);
    const text = await pdfText(a5);
    expectFields(text, { doctor: DOCTOR.name, registration: REGISTRATION, metformin: 'Metformin', '1-0-1': '1-0-1', atorvastatin: 'Atorvastatin', '0-0-1': '0-0-1' });
    const pdf = await getDocumentProxy(new Uint8Array(a5));
    expect(Math.round((await pdf.getPage(1)).view[2]!)).toBe(420); // A5: 148 mm
    await print.back();
    await consult.expectPatient(PATIENT.fullName);
  });

  await test.step('the visit is completed and the queue is empty', async () => {
    await consult.header.getByRole('button', { name: 'Complete visit' }).click();
    await expect(page).toHaveURL(/#\/queue$/);
    await expect(page.getByRole('region', { name: 'In consultation' }).getByText('Nobody is with the doctor.')).toBeVisible();
  });
});

test('the front desk cannot open a consultation and sees no diagnosis in the patient’s history', async ({ page, desk }) => {
  test.setTimeout(120_000);
  let patientId = '';
  let visitId = '';

  await test.step('prepared through the ClinicApi: the doctor’s signed note with a diagnosis on a walk-in visit', async () => {
    await openNewClinic(page, desk.launchUrl);
    const doctor = await callApi<{ id: string }>(page, 'staff.create', { displayName: DOCTOR.name, username: DOCTOR.username, role: 'doctor', password: DOCTOR.password });
    await callApi(page, 'staff.create', { displayName: FRONT_DESK.name, username: FRONT_DESK.username, role: 'front_desk', password: FRONT_DESK.password });
    const patient = await registerPatientByApi(page, PATIENT);
    patientId = patient.id;
    visitId = (await callApi<{ id: string }>(page, 'appointments.walkIn', { doctorId: doctor.id, patientId })).id;
    await signInAs(page, DOCTOR, 'Doctor');
    const note = await callApi<{ id: string }>(page, 'notes.save', { appointmentId: visitId, assessment: 'Diabetes, newly found.', diagnoses: [DIAGNOSIS] });
    await callApi(page, 'notes.sign', { noteId: note.id });
    await page.goto(`${desk.url}/#/consult/${visitId}`);
    await new ConsultScreen(page).expectPatient(PATIENT.fullName);
  });

  await test.step('the front desk is refused the consult screen and the visit’s clinical record', async () => {
    await signInAs(page, FRONT_DESK, 'Front desk');
    await expect(page.getByRole('link', { name: 'Templates', exact: true })).toHaveCount(0);
    await page.goto(`${desk.url}/#/consult/${visitId}`);
    await expect(page.getByRole('heading', { name: 'Not available for your role' })).toBeVisible();
    await expect(page.getByText(PATIENT.fullName)).toHaveCount(0);
    await expect(page.getByText(DIAGNOSIS.code)).toHaveCount(0);
    await screenshot(page, '40-consult-front-desk-not-allowed');
    await expect(callApi(page, 'consult.visit', { appointmentId: visitId })).rejects.toThrow(/refused/);
  });

  await test.step('the patient’s history shows the visit, without the diagnosis', async () => {
    await page.goto(`${desk.url}/#/patients/${patientId}`);
    await expect(page.getByRole('heading', { name: PATIENT.fullName })).toBeVisible();
    const history = page.getByRole('region', { name: 'Patient history' });
    await expect(history.getByText(`Visit — ${DOCTOR.name}`)).toBeVisible();
    await expect(history).not.toContainText(DIAGNOSIS.code);
    await expect(history).not.toContainText('diabetes');
    await expect(page.getByText(DIAGNOSIS.title)).toHaveCount(0);
  });
});

test('after signing: a template and a quick phrase, a booked follow-up, a lab result, a diet plan, an addendum kept through a reload, and a changed prescription', async ({ page, desk }) => {
  test.setTimeout(180_000);
  const consult = new ConsultScreen(page);
  let visitId = '';

  await test.step('prepared through the ClinicApi: the doctor with a schedule, the patient checked in, a template and a quick phrase', async () => {
    await openNewClinic(page, desk.launchUrl);
    const doctor = await callApi<{ id: string }>(page, 'staff.create', { displayName: DOCTOR.name, username: DOCTOR.username, role: 'doctor', password: DOCTOR.password });
    await callApi(page, 'doctors.saveProfile', { staffId: doctor.id, specialty: 'General medicine', registrationNumber: REGISTRATION, consultationFeePaise: 50_000, room: '2' });
    const sessions = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinutes: 9 * 60, endMinutes: 13 * 60, slotMinutes: 15, capacity: 1 }));
    await callApi(page, 'schedules.setWeekly', { doctorId: doctor.id, sessions });
    const patient = await registerPatientByApi(page, PATIENT);
    visitId = (await callApi<{ id: string }>(page, 'appointments.walkIn', { doctorId: doctor.id, patientId: patient.id })).id;
    await signInAs(page, DOCTOR, 'Doctor');
    await callApi(page, 'consult.saveTemplate', { kind: 'template', name: 'Fever review', body: { subjective: 'Fever since _ days.', objective: 'Throat congested. Chest clear.', assessment: 'Viral fever.', plan: 'Paracetamol SOS. Fluids.' } });
    await callApi(page, 'consult.saveTemplate', { kind: 'phrase', name: 'Red flags', body: { text: 'Explained warning signs; return if breathless.' } });
  });

  await test.step('the consultation is started from the screen; a template fills only the empty fields; a quick phrase goes in at the cursor', async () => {
    await page.goto(`${desk.url}/#/consult/${visitId}`);
    await consult.expectPatient(PATIENT.fullName);
    await expect(consult.header.getByTestId('visit-status')).toHaveText('Checked in');
    await consult.header.getByRole('button', { name: 'Start consultation' }).click();
    await expect(consult.header.getByTestId('visit-status')).toHaveText('In consult');
    await consult.soap('Subjective').fill('Fever and sore throat for 2 days.');
    await consult.note.getByRole('button', { name: 'Template' }).click();
    await page.getByRole('menuitem', { name: 'Fever review' }).click();
    await expect(consult.soap('Subjective')).toHaveValue('Fever and sore throat for 2 days.');
    await expect(consult.soap('Objective')).toHaveValue('Throat congested. Chest clear.');
    await consult.soap('Plan').click();
    await consult.soap('Plan').press('Control+End');
    await consult.note.getByRole('button', { name: 'Quick phrase' }).click();
    await page.getByRole('menuitem', { name: /Red flags/ }).click();
    await expect(consult.soap('Plan')).toHaveValue('Paracetamol SOS. Fluids. Explained warning signs; return if breathless.');
    await consult.expectSaved('Note');
  });

  await test.step('a follow-up is booked in a free slot of the doctor and kept on the note', async () => {
    await consult.note.getByRole('button', { name: 'Book follow-up' }).click();
    const dialog = page.getByRole('dialog', { name: 'Book follow-up' });
    await expect(dialog.getByLabel('Date', { exact: true })).toHaveValue('09-03-2026');
    await dialog.getByRole('radio', { name: '09:00', exact: true }).check();
    await dialog.getByRole('button', { name: 'Book follow-up' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(consult.note.getByTestId('follow-up-booked')).toContainText('Booked for 09-03-2026 at 09:00');
    await expect(consult.note.getByLabel('Follow-up date', { exact: true })).toHaveValue('09-03-2026');
    await consult.expectSaved('Note');
  });

  await test.step('a test is ordered and its result entered: out of range, flagged', async () => {
    await consult.tab('Labs').click();
    const labs = page.getByRole('region', { name: 'Lab tests' });
    await labs.getByLabel('Order tests', { exact: true }).fill('HbA1c');
    await page.getByRole('option', { name: 'HbA1c (glycated haemoglobin)' }).click();
    await labs.getByRole('button', { name: 'Order', exact: true }).click();
    const row = labs.getByRole('row', { name: /HbA1c/ });
    await expect(row).toContainText('Ordered');
    await row.getByRole('button', { name: 'Enter result for HbA1c (glycated haemoglobin)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Result: HbA1c (glycated haemoglobin)' });
    await dialog.getByLabel('Result', { exact: true }).fill('8.1');
    await expect(dialog.getByText('High', { exact: true })).toBeVisible();
    await dialog.getByLabel('Report number', { exact: true }).fill('LAB-7781');
    await screenshot(page, '40-consult-lab-result');
    await dialog.getByRole('button', { name: 'Save result' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(row).toContainText('8.1 %');
    await expect(row).toContainText('High');
    await expect(labs.getByRole('link', { name: 'Trends' })).toHaveAttribute('href', /#\/labs\//);
  });

  await test.step('a drug and a diet plan, then the note is signed with them', async () => {
    await consult.tab('Prescription').click();
    await consult.fillDrug(1, { generic: 'Paracetamol', strength: '650 mg', dose: '1 tablet', frequency: 'SOS', duration: '3' });
    await expect(consult.drug(1).getByTestId('frequency-words')).toHaveText('when needed · 3 days · after food');
    await consult.drug(1).getByLabel('Quantity', { exact: true }).fill('6');
    const diet = page.getByRole('region', { name: 'Diet plan' });
    await diet.getByLabel('Meal or time', { exact: true }).fill('Throughout the day');
    await diet.getByLabel('Advice', { exact: true }).fill('Warm fluids, 3 litres a day.');
    await consult.expectSaved('Prescription');
    await consult.expectSaved('Diet plan');
    await consult.signNote();
    await expect(page.getByTestId('diet-plan-signature')).toContainText(`Signed by Dr ${DOCTOR.name}`);
    await expect(diet).toContainText('Throughout the day: Warm fluids, 3 litres a day.');
  });

  await test.step('an addendum that cannot reach the record survives a reload of the window, is saved once it can be, and signed', async () => {
    const text = 'HbA1c 8.1 % came back: diabetes to be worked up.';
    // The desk's core stops answering note saves (as if it had hung): nothing typed may be lost.
    const blockSaves = (route: Route) => (route.request().postData()?.includes('"notes.save"') ? route.abort() : route.continue());
    await page.route('**/api/call', blockSaves);
    await consult.tab('Note').click();
    await page.getByRole('button', { name: 'Add addendum' }).click();
    const addendum = page.getByRole('region', { name: 'Addendum 1 (draft)' });
    await addendum.getByLabel('Objective', { exact: true }).fill(text);
    await expect(consult.status('Addendum')).toContainText('Not saved —', { timeout: 15_000 });
    await expect(addendum.getByLabel('Objective', { exact: true })).toHaveValue(text);
    await page.reload();
    await consult.expectPatient(PATIENT.fullName);
    const again = page.getByRole('region', { name: 'Addendum 1 (draft)' });
    await expect(again.getByLabel('Objective', { exact: true })).toHaveValue(text);
    await expect(again.getByText('Text typed on this PC that had not reached the record was put back.')).toBeVisible();
    await page.unroute('**/api/call', blockSaves);
    await consult.expectSaved('Addendum');
    await page.getByRole('button', { name: 'Sign addendum' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign this addendum?' });
    await dialog.getByRole('button', { name: 'Sign addendum' }).click();
    await expect(dialog).toHaveCount(0);
    const signed = page.getByRole('region', { name: 'Addendum 1', exact: true });
    await expect(signed.getByTestId('addendum-signature')).toContainText(`Signed by Dr ${DOCTOR.name}`);
    await expect(signed.getByLabel('Objective', { exact: true })).not.toBeEditable();
    await expect(page.getByRole('button', { name: 'Add addendum' })).toBeVisible();
  });

  await test.step('the signed prescription is changed: a new version, signed on its own; the first stays on record', async () => {
    await consult.tab('Prescription').click();
    await page.getByRole('button', { name: 'Change prescription' }).click();
    await expect(page.getByRole('region', { name: 'Prescription' }).getByRole('heading', { name: 'Prescription (version 2)' })).toBeVisible();
    await consult.drug(1).getByLabel('Frequency', { exact: true }).fill('1-1-1');
    await expect(consult.drug(1).getByTestId('frequency-words')).toHaveText('1 in the morning, 1 in the afternoon, 1 at night · 3 days · after food');
    await consult.expectSaved('Prescription');
    await page.getByRole('button', { name: 'Sign prescription' }).click();
    await expect(page.getByTestId('prescription-signature')).toContainText(`Signed by Dr ${DOCTOR.name}`);
    await expect(consult.drugs).toContainText('1-1-1');
    await expect(page.getByText(/Earlier versions: version 1 \(signed/)).toBeVisible();
    await screenshot(page, '40-consult-changed-prescription');
  });
});
