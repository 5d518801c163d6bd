import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, screenshot } from './fixtures';
import { APPOINTMENT_PATIENTS, DOCTOR, FRONT_DESK } from './data';
import { AppShell, callApi, openNewClinic, registerPatientByApi } from './pages';
import { ConsultScreen } from './consult-pages';
import { switchUser } from './labs-pages';

/**
 * Follow-up tasks and attached documents (issue 7). Prepared through the ClinicApi with the signed-in user's own
 * session: the clinic, its doctor (09:00–13:00 every day, 15-minute slots) and front desk, a patient with a walk-in
 * visit, and the doctor's note signed with a follow-up date two weeks out (not booked from the note), which gives
 * the front desk a task. The front desk sees it in "Follow-ups to book" on the day view, books it into the
 * doctor's 09:00 slot on the due date, and the task goes. Then the doctor, on the visit's consult screen, is
 * refused a file over 10 MB before anything is sent, attaches a small PDF report and opens it (a download: the
 * app's Content-Security-Policy allows no frames or plugins, so a PDF is not shown inside the app).
 */

const PATIENT = APPOINTMENT_PATIENTS[0]!;
const FOLLOW_UP = { iso: '2026-03-16', shown: '16-03-2026' };
const TODAY = '02-03-2026';
const REPORT_TITLE = 'HbA1c report, City Lab';

/** The smallest well-formed PDF: one empty A4 page, with a correct cross-reference table. */
function tinyPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>'];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

test('a follow-up asked for on a signed note is booked from the day view; a PDF report is attached and opened', async ({ page, desk }) => {
  test.setTimeout(180_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'clinicdesk-docs-'));
  const pdf = tinyPdf();
  const pdfPath = path.join(files, 'hba1c-report.pdf');
  fs.writeFileSync(pdfPath, pdf);
  const bigPath = path.join(files, 'full-scan.pdf');
  fs.writeFileSync(bigPath, Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(12 * 1024 * 1024, 0x20)]));
  let visitId = '';
  let patientId = '';
  let mrn = '';

  await test.step('prepared through the ClinicApi: the doctor signs the visit’s note with a follow-up date, unbooked', async () => {
    await openNewClinic(page, desk.launchUrl);
    const doctor = await callApi<{ id: string }>(page, 'staff.create', { displayName: DOCTOR.name, username: DOCTOR.username, role: 'doctor', password: DOCTOR.password });
    await callApi(page, 'staff.create', { displayName: FRONT_DESK.name, username: FRONT_DESK.username, role: 'front_desk', password: FRONT_DESK.password });
    await callApi(page, 'schedules.setWeekly', {
      doctorId: doctor.id,
      sessions: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinutes: 9 * 60, endMinutes: 13 * 60, slotMinutes: 15, capacity: 1 })),
    });
    const patient = await registerPatientByApi(page, PATIENT);
    patientId = patient.id;
    mrn = patient.mrn;
    visitId = (await callApi<{ id: string }>(page, 'appointments.walkIn', { doctorId: doctor.id, patientId, type: 'new' })).id;

    await switchUser(page, DOCTOR, 'Doctor');
    const note = await callApi<{ id: string }>(page, 'notes.save', {
      appointmentId: visitId,
      assessment: 'Sugar high; starting treatment.',
      plan: 'Review with HbA1c in two weeks.',
      followUpDate: FOLLOW_UP.iso,
    });
    await callApi(page, 'notes.sign', { noteId: note.id });
  });

  await test.step('the front desk sees the follow-up on the day view: patient, MRN, mobile, what to book and when', async () => {
    await switchUser(page, FRONT_DESK, 'Front desk');
    await new AppShell(page).nav('Appointments').click();
    const followUps = page.getByRole('region', { name: 'Follow-ups to book', exact: true });
    await expect(followUps).toBeVisible();
    const task = followUps.getByRole('listitem', { name: PATIENT.fullName, exact: true });
    await expect(task).toContainText(mrn);
    await expect(task).toContainText(`+91 ${PATIENT.mobile.slice(0, 5)} ${PATIENT.mobile.slice(5)}`);
    await expect(task).toContainText(`Book a follow-up with ${DOCTOR.name} on or near ${FOLLOW_UP.shown}`);
    await expect(task).toContainText(`Due ${FOLLOW_UP.shown}`);
    await expect(task).not.toContainText('Overdue');
    await screenshot(page, '43-follow-ups-to-book');
  });

  await test.step('“Book” offers the doctor’s free slots on the due date; booking 09:00 closes the task', async () => {
    const followUps = page.getByRole('region', { name: 'Follow-ups to book', exact: true });
    await followUps.getByRole('listitem', { name: PATIENT.fullName, exact: true }).getByRole('button', { name: 'Book', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book follow-up' });
    await expect(dialog).toContainText(PATIENT.fullName);
    await expect(dialog.getByLabel('Doctor', { exact: true })).toHaveValue(DOCTOR.name);
    await expect(dialog.getByRole('textbox', { name: 'Date', exact: true })).toHaveValue(FOLLOW_UP.shown);
    const slots = dialog.getByRole('radiogroup', { name: `Free slots on ${FOLLOW_UP.shown}` });
    await slots.getByRole('radio', { name: '09:00', exact: true }).check();
    await dialog.getByRole('button', { name: 'Book follow-up' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('alert').filter({ hasText: `${PATIENT.fullName} is booked on ${FOLLOW_UP.shown} at 09:00.` })).toBeVisible();
    await expect(followUps.getByRole('listitem')).toHaveCount(0);
    await expect(followUps).toContainText('No follow-ups waiting.');

    // What was written: a confirmed follow-up visit at 09:00 on the due date, and the task done with it.
    const day = await callApi<{ doctors: Array<{ slots: Array<{ startMinutes: number; appointments: Array<{ id: string; patientName: string; status: string; type: string }> }> }> }>(page, 'appointments.day', { date: FOLLOW_UP.iso });
    const nine = day.doctors[0]!.slots.find((s) => s.startMinutes === 9 * 60)!;
    expect(nine.appointments).toHaveLength(1);
    expect(nine.appointments[0]).toMatchObject({ patientName: PATIENT.fullName, status: 'confirmed', type: 'follow_up' });
    const done = await callApi<Array<{ patient: { id: string }; appointmentId: string | null }>>(page, 'tasks.list', { status: 'done' });
    expect(done).toEqual([expect.objectContaining({ patient: expect.objectContaining({ id: patientId }), appointmentId: nine.appointments[0]!.id })]);
  });

  await test.step('the doctor opens the visit: no documents yet; a file over 10 MB is refused before it is sent', async () => {
    await switchUser(page, DOCTOR, 'Doctor');
    await page.goto(`${desk.url}/#/consult/${visitId}`);
    await new ConsultScreen(page).expectPatient(PATIENT.fullName);
    const documents = page.getByRole('region', { name: 'Documents', exact: true });
    await expect(documents).toContainText('No documents attached yet.');
    await documents.getByRole('button', { name: 'Attach report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Attach report' });
    await dialog.getByLabel('Title', { exact: true }).fill(REPORT_TITLE);
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByLabel('File', { exact: true }).click();
    await (await chooser).setFiles(bigPath);
    const tooBig = dialog.getByText('This file is 12.0 MB, over the 10 MB limit. Scan it at a lower resolution or as a smaller PDF.');
    await expect(tooBig).toBeVisible();
    let attachCalls = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/call') && (r.postData() ?? '').includes('"documents.attach"')) attachCalls++;
    });
    await dialog.getByRole('button', { name: 'Attach', exact: true }).click();
    // Refused on the spot: the cursor goes to the file, the message stays, and nothing went to the core.
    await expect(dialog.getByLabel('File', { exact: true })).toBeFocused();
    await expect(tooBig).toBeVisible();
    expect(attachCalls).toBe(0);
  });

  await test.step('a small PDF is attached to the visit and listed: type, size, who attached it, the date', async () => {
    const dialog = page.getByRole('dialog', { name: 'Attach report' });
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByLabel('File', { exact: true }).click();
    await (await chooser).setFiles(pdfPath);
    await expect(dialog.getByText(/over the 10 MB limit/)).toHaveCount(0);
    await expect(dialog.getByLabel('Title', { exact: true })).toHaveValue(REPORT_TITLE);
    await expect(dialog).toContainText('PDF · 1 KB');
    await dialog.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    const documents = page.getByRole('region', { name: 'Documents', exact: true });
    const item = documents.getByRole('listitem', { name: REPORT_TITLE, exact: true });
    await expect(item).toContainText(`PDF · 1 KB · ${DOCTOR.name} · ${TODAY}`);
    await expect(item).toContainText('This visit');
    await expect(documents.getByRole('listitem')).toHaveCount(1);
    await screenshot(page, '43-documents');
  });

  await test.step('“Open” fetches the file and offers it as a download, byte for byte what was attached', async () => {
    const documents = page.getByRole('region', { name: 'Documents', exact: true });
    await documents.getByRole('button', { name: `Open ${REPORT_TITLE}` }).click();
    const viewer = page.getByRole('dialog', { name: REPORT_TITLE });
    await expect(viewer).toContainText('PDFs cannot be shown inside ClinicDesk');
    const download = page.waitForEvent('download');
    await viewer.getByRole('link', { name: 'Download PDF' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${REPORT_TITLE}.pdf`);
    expect(fs.readFileSync(await file.path())).toEqual(pdf);
    await viewer.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(viewer).toHaveCount(0);
  });

  fs.rmSync(files, { recursive: true, force: true });
});
