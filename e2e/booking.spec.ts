import type { Page } from '@playwright/test';
import { test, expect, screenshot, type Desk } from './fixtures';
import { APPOINTMENT_PATIENTS, DOCTOR, PATIENT_ADDRESS } from './data';
import { AppShell, bookOnDayView, DayViewScreen, dayViewTomorrow, openClinicWithDoctor, PatientsScreen, registerOnPatientsScreen, RegisterPatientScreen, SchedulesScreen } from './pages';

/**
 * Front-desk booking gaps (issue 3): the week view, registering a patient from the booking dialog,
 * editing a weekly session in place, and rescheduling by picking a free slot. Everything is done as the
 * administrator (who may also book) on tomorrow's date in the clinic's calendar, so the tests do not
 * depend on the time of day.
 */

const [KAVITA, ROHAN] = APPOINTMENT_PATIENTS as [(typeof APPOINTMENT_PATIENTS)[number], (typeof APPOINTMENT_PATIENTS)[number]];

const openClinic = (page: Page, desk: Desk) => openClinicWithDoctor(page, desk.launchUrl);

test('the Day/Week toggle shows the doctor’s week with the booking, and goes back to the day', async ({ page, desk }) => {
  test.setTimeout(150_000);
  await openClinic(page, desk);
  await registerOnPatientsScreen(page, KAVITA);
  const tomorrow = await dayViewTomorrow(page);
  await bookOnDayView(page, '11:00', KAVITA);

  await page.getByRole('radio', { name: 'Week', exact: true }).check();
  const week = page.getByRole('list', { name: `Week — ${DOCTOR.name}` });
  await expect(week).toBeVisible();
  await expect(week.getByRole('listitem')).toHaveCount(7);
  const tomorrowCell = week.getByRole('listitem', { name: new RegExp(tomorrow) });
  await expect(tomorrowCell.getByText(`11:00 ${KAVITA.fullName}`)).toBeVisible();
  await expect(tomorrowCell.getByText('Booked', { exact: true })).toBeVisible();
  await expect(tomorrowCell.getByText('15 free of 16')).toBeVisible();
  await expect(page.getByRole('region', { name: DOCTOR.name, exact: true })).toHaveCount(0);
  await screenshot(page, '27-week-view');

  await page.getByRole('radio', { name: 'Day', exact: true }).check();
  await expect(week).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Date', exact: true })).toHaveValue(tomorrow);
  await expect(new DayViewScreen(page).slot(DOCTOR.name, '11:00').getByText(KAVITA.fullName)).toBeVisible();

  // A day of the week opens that day.
  await page.getByRole('radio', { name: 'Week', exact: true }).check();
  await week.getByRole('listitem', { name: new RegExp(tomorrow) }).getByRole('button', { name: /free of/ }).click();
  await expect(page.getByRole('textbox', { name: 'Date', exact: true })).toHaveValue(tomorrow);
  await expect(page.getByRole('region', { name: DOCTOR.name, exact: true })).toBeVisible();
});

test('a brand-new patient is registered from the booking dialog and booked', async ({ page, desk }) => {
  test.setTimeout(150_000);
  await openClinic(page, desk);
  await dayViewTomorrow(page);
  const day = new DayViewScreen(page);
  await day.freeSlot(DOCTOR.name, '10:00').click();
  const dialog = page.getByRole('dialog', { name: 'Book appointment' });
  await expect(dialog).toBeVisible();

  await dialog.getByLabel('Find patient').fill(ROHAN.fullName);
  await expect(dialog.getByText('No patient matches.', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Register new patient' }).click();
  const form = dialog.getByRole('region', { name: 'Register new patient' });
  await expect(form).toBeVisible();
  // What was searched for starts the form off.
  await expect(form.getByLabel('Full name', { exact: true })).toHaveValue(ROHAN.fullName);

  const reg = new RegisterPatientScreen(page);
  await reg.fill({ ...PATIENT_ADDRESS, fullName: ROHAN.fullName, sex: ROHAN.sex, dateOfBirth: ROHAN.dateOfBirth, mobile: '58765 01234', emergencyPhone: ROHAN.emergencyPhone });
  await reg.submit();
  // Refused in words, and nothing typed is lost.
  await expect(form.getByText(/10-digit Indian mobile number/).first()).toBeVisible();
  await expect(form.getByLabel('Full name', { exact: true })).toHaveValue(ROHAN.fullName);
  await expect(form.getByLabel('Address', { exact: true })).toHaveValue(PATIENT_ADDRESS.address);
  await expect(form.getByLabel('Emergency contact phone', { exact: true })).toHaveValue(ROHAN.emergencyPhone);
  await form.getByLabel('Mobile number', { exact: true }).fill(ROHAN.mobile);
  await dialog.evaluate((el) => el.scrollTo(0, 0)); // the dialog's top (its heading sits under the sticky title bar otherwise)
  await screenshot(page, '28-inline-register');
  await reg.submit();

  // Back in the booking, with the new patient picked.
  await expect(form).toHaveCount(0);
  await expect(dialog.getByTestId('picked-patient')).toHaveText(ROHAN.fullName);
  await dialog.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(day.slot(DOCTOR.name, '10:00').getByRole('button', { name: new RegExp(ROHAN.fullName) })).toContainText('Booked');

  // Registering the same person again is caught as a probable duplicate, and the existing record can be used.
  await day.freeSlot(DOCTOR.name, '10:15').click();
  await dialog.getByRole('button', { name: 'Register new patient' }).click();
  await reg.fill({ ...PATIENT_ADDRESS, fullName: ROHAN.fullName, sex: ROHAN.sex, dateOfBirth: ROHAN.dateOfBirth, mobile: ROHAN.mobile, emergencyPhone: ROHAN.emergencyPhone });
  await reg.submit();
  const duplicates = page.getByRole('dialog', { name: 'This patient may already be registered' });
  await expect(duplicates.getByRole('row', { name: new RegExp(ROHAN.fullName) })).toBeVisible();
  await duplicates.getByRole('button', { name: 'Use this patient' }).click();
  await expect(duplicates).toHaveCount(0);
  await expect(dialog.getByTestId('picked-patient')).toHaveText(ROHAN.fullName);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await new AppShell(page).nav('Patients').click();
  const patients = new PatientsScreen(page);
  await patients.search('Rohan');
  await patients.expectResult(ROHAN.fullName);
  await expect(patients.results.getByRole('row', { name: new RegExp(ROHAN.fullName) })).toHaveCount(1);
});

test('a weekly session is edited in place and saved', async ({ page, desk }) => {
  await openClinic(page, desk);
  await expect(page.getByText('The weekly schedule was saved.')).toHaveCount(0); // (the first save's message goes by itself)
  const sessions = page.getByRole('table', { name: 'Weekly sessions' });
  const monday = sessions.getByRole('row', { name: /^Monday 09:00/ });
  await expect(monday).toContainText('13:00');

  await page.getByRole('button', { name: 'Edit Monday 09:00 session' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Monday 09:00 session' });
  await expect(edit.getByLabel('End', { exact: true })).toHaveValue('13:00');
  await edit.getByLabel('End', { exact: true }).fill('08:30');
  await edit.getByRole('button', { name: 'Update session' }).click();
  await expect(edit.getByRole('alert')).toHaveText('The session must end after it starts.');
  await edit.getByLabel('End', { exact: true }).fill('12:00');
  await edit.getByLabel('Capacity', { exact: true }).fill('2');
  await edit.getByRole('button', { name: 'Update session' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(monday).toContainText('12:00');
  await expect(page.getByText('Changes not saved yet')).toBeVisible();
  await new SchedulesScreen(page).saveWeekly();

  await page.reload();
  await expect(sessions.getByRole('row')).toHaveCount(8);
  await expect(monday.getByRole('cell')).toHaveText(['Monday', '09:00', '12:00', '15', '2', '']);
  await expect(sessions.getByRole('row', { name: /^Tuesday 09:00/ }).getByRole('cell')).toHaveText(['Tuesday', '09:00', '13:00', '15', '1', '']);
});

test('an appointment is rescheduled by picking another free slot', async ({ page, desk }) => {
  test.setTimeout(150_000);
  await openClinic(page, desk);
  await registerOnPatientsScreen(page, KAVITA);
  await dayViewTomorrow(page);
  await bookOnDayView(page, '11:00', KAVITA);
  const day = new DayViewScreen(page);

  await day.openAppointment(DOCTOR.name, '11:00', KAVITA.fullName);
  await day.act('Reschedule');
  const slots = day.dialog.getByRole('radiogroup', { name: /^Free slots on/ });
  await expect(slots.getByRole('radio')).toHaveCount(15); // 16 slots, less the appointment's own
  await expect(slots.getByRole('radio', { name: '11:00' })).toHaveCount(0);
  // Keyboard: into the list, then the arrow keys move the choice.
  await slots.getByRole('radio', { name: '11:15' }).check();
  await page.keyboard.press('ArrowRight');
  await expect(slots.getByRole('radio', { name: '11:30' })).toBeChecked();
  await day.dialog.getByLabel('Reason (optional)').fill('Patient asked for a later time');
  await screenshot(page, '29-reschedule-picker');
  await day.dialog.getByRole('button', { name: /^Move to .* 11:30$/ }).click();

  await expect(day.dialog.getByText(/· 11:30–11:45/)).toBeVisible();
  const last = day.timeline().getByRole('row').last();
  await expect(last).toContainText(/Rescheduled from 11:00 on \d{2}-\d{2}-\d{4} to 11:30 on \d{2}-\d{2}-\d{4}/);
  await expect(last).toContainText('Patient asked for a later time');
  await day.close();
  await expect(day.freeSlot(DOCTOR.name, '11:00')).toBeVisible();
  await expect(day.slot(DOCTOR.name, '11:30').getByRole('button', { name: new RegExp(KAVITA.fullName) })).toContainText('Booked');
});
