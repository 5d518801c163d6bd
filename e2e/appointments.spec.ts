import type { Page } from '@playwright/test';
import { test, expect, screenshot, type Desk } from './fixtures';
import { APPOINTMENT_PATIENTS as PATIENTS, DOCTOR, FRONT_DESK } from './data';
import { AppShell, clinicNowMinutes, DayViewScreen, EVERY_DAY, hhmm, openNewClinic, registerOnPatientsScreen, SchedulesScreen, SignInScreen, StaffScreen } from './pages';


/** Slot starts (15-minute slots) for the slot holding the desk's now and one an hour later, clinic time. */
function slots(desk: Desk) {
  const now = clinicNowMinutes(desk.now());
  const current = Math.floor(now / 15) * 15;
  const later = Math.min(current + 60, 1425);
  return { current: hhmm(current), later: hhmm(later) };
}

async function signInAs(page: Page, who: { username: string; password: string }) {
  const shell = new AppShell(page);
  await shell.signOut();
  await new SignInScreen(page).signIn(who.username, who.password);
  await expect(page.getByTestId('user-name')).toBeVisible();
}

/** Clinic + admin, a doctor and a front-desk user, the doctor's all-day schedule, two patients. Ends signed in as admin. */
async function setUpClinic(page: Page, desk: Desk) {
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
  await profile.getByLabel('Registration number').fill('MMC-2011-04521');
  await profile.getByLabel('Consultation fee (₹)').fill('500');
  await profile.getByLabel('Room').fill('2');
  await profile.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Doctors' }).getByText('₹500')).toBeVisible();

  const schedules = new SchedulesScreen(page);
  await schedules.addWeeklySession(EVERY_DAY, '00:00', '24:00', 15, 1);
  await expect(page.getByRole('table', { name: 'Weekly sessions' }).getByRole('row')).toHaveCount(8);
  await schedules.saveWeekly();

  for (const p of PATIENTS) await registerOnPatientsScreen(page, p);
}

test('book → confirm → check in → doctor calls in and completes, with the timeline', async ({ page, desk }) => {
  test.setTimeout(180_000);
  await setUpClinic(page, desk);
  const { later } = slots(desk);
  const shell = new AppShell(page);
  const day = new DayViewScreen(page);
  const [kavita] = PATIENTS;

  await test.step('front desk books a later slot today and checks the patient in', async () => {
    await signInAs(page, FRONT_DESK);
    await shell.nav('Appointments').click();
    await expect(day.column(DOCTOR.name)).toBeVisible();
    await day.startBooking(DOCTOR.name, later, 'Kavita', kavita!.fullName);
    await page.getByLabel('Notes for the desk').fill('Prefers Marathi');
    await page.getByLabel('Find patient').press('Control+Enter');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(day.slot(DOCTOR.name, later).getByText('Booked')).toBeVisible();

    await day.openAppointment(DOCTOR.name, later, kavita!.fullName);
    await expect(day.dialog.getByTestId('status-badge')).toHaveText('Booked');
    await expect(day.actions()).toHaveText(['Check in', 'Cancel appointment', 'Reschedule']);
    await day.act('Check in');
    await expect(day.dialog.getByTestId('status-badge')).toHaveText('Checked in');
    await expect(day.dialog.getByText('Token 1')).toBeVisible();
    await day.close();
    await expect(day.waitingRoom.getByText(kavita!.fullName)).toBeVisible();
    await expect(day.waitingRoom.getByText(/waiting \d+ min/)).toBeVisible();
    await screenshot(page, '20-waiting-room');
  });

  await test.step('the doctor calls the patient in and completes the consultation', async () => {
    await signInAs(page, DOCTOR);
    await shell.nav('My queue').click();
    await expect(page.getByRole('region', { name: 'Waiting' }).getByText(kavita!.fullName)).toBeVisible();
    await screenshot(page, '21-doctor-queue');
    await page.getByRole('button', { name: /Call next/ }).click();
    // Calling the patient in opens the consult screen (issue 7); the queue shows them with the doctor.
    await expect(page).toHaveURL(/#\/consult\//);
    await shell.nav('My queue').click();
    const consult = page.getByRole('region', { name: 'In consultation' });
    await expect(consult.getByText(kavita!.fullName)).toBeVisible();
    await screenshot(page, '22-doctor-queue-in-consult');
    await consult.getByRole('button', { name: 'Complete' }).click();
    await expect(consult.getByText('Nobody is with the doctor.')).toBeVisible();
  });

  await test.step('the timeline shows every step, with who and when', async () => {
    await shell.nav('Appointments').click();
    await day.openAppointment(DOCTOR.name, later, kavita!.fullName);
    await expect(day.dialog.getByTestId('status-badge')).toHaveText('Done');
    await expect(day.actions()).toHaveCount(0);
    const rows = day.timeline().getByRole('row');
    await expect(rows).toHaveCount(6); // header + requested, booked, checked in, in consult, done
    await expect(rows.nth(1)).toContainText('Requested');
    await expect(rows.nth(2)).toContainText('Requested → Booked');
    await expect(rows.nth(2)).toContainText(FRONT_DESK.name);
    await expect(rows.nth(3)).toContainText('Booked → Checked in');
    await expect(rows.nth(4)).toContainText('Checked in → In consult');
    await expect(rows.nth(4)).toContainText(DOCTOR.name);
    await expect(rows.nth(5)).toContainText('In consult → Done');
    await expect(rows.nth(1)).toContainText(/\d{2}-\d{2}-\d{4} \d{2}:\d{2}/);
    await screenshot(page, '23-appointment-timeline');
  });
});

test('a held slot becomes free again by itself when the hold lapses', async ({ page, desk }) => {
  test.setTimeout(240_000);
  await setUpClinic(page, desk);
  const { later } = slots(desk);
  const day = new DayViewScreen(page);
  await new AppShell(page).nav('Appointments').click();
  await day.startBooking(DOCTOR.name, later, 'Rohan', PATIENTS[1]!.fullName);
  await page.getByLabel('Hold minutes').fill('1');
  await page.getByRole('button', { name: 'Hold for payment' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(day.slot(DOCTOR.name, later).getByText(/Held · (under 1|\d) min left/)).toBeVisible();
  await expect(day.freeSlot(DOCTOR.name, later)).toHaveCount(0);
  await screenshot(page, '24-held-slot');
  await expect(async () => {
    await expect(day.freeSlot(DOCTOR.name, later)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 110_000, intervals: [2_000] });
  await expect(day.slot(DOCTOR.name, later).getByText('Cancelled')).toBeVisible();
});

test('no-show after the grace period, and the admin undoes it with a reason', async ({ page, desk }) => {
  test.setTimeout(180_000);
  await setUpClinic(page, desk);
  const shell = new AppShell(page);
  await shell.nav('Clinic settings').click();
  await page.getByLabel('No-show grace (minutes)').fill('0');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Clinic settings were updated.')).toBeVisible();

  const { current } = slots(desk);
  const day = new DayViewScreen(page);
  const name = PATIENTS[0]!.fullName;
  await shell.nav('Appointments').click();
  await day.startBooking(DOCTOR.name, current, 'Kavita', name);
  await page.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await day.openAppointment(DOCTOR.name, current, name);
  await day.act('Mark no-show');
  await expect(day.dialog.getByTestId('status-badge')).toHaveText('No-show');
  await expect(day.actions()).toHaveText(['Undo no-show']);
  await day.act('Undo no-show');
  // A reason is required: too short is refused in words, and the dialog stays open.
  await day.dialog.getByLabel('Reason').fill('ok');
  await day.act('Undo no-show with this reason');
  await expect(day.dialog.getByRole('alert')).toBeVisible();
  await day.dialog.getByLabel('Reason').fill('Patient was in the washroom when called');
  await day.act('Undo no-show with this reason');
  await expect(day.dialog.getByTestId('status-badge')).toHaveText('Checked in');
  await expect(day.timeline().getByRole('row').last()).toContainText('No-show → Checked in');
  await expect(day.timeline().getByRole('row').last()).toContainText('Patient was in the washroom when called');
  await screenshot(page, '25-no-show-undone');
});

test('cancel with a reason, and two walk-ins get tokens in arrival order', async ({ page, desk }) => {
  test.setTimeout(180_000);
  await setUpClinic(page, desk);
  const { later } = slots(desk);
  const shell = new AppShell(page);
  const day = new DayViewScreen(page);
  const [kavita, rohan] = PATIENTS;
  await signInAs(page, FRONT_DESK);
  await shell.nav('Appointments').click();

  await test.step('cancel with a reason', async () => {
    await day.startBooking(DOCTOR.name, later, 'Rohan', rohan!.fullName);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await day.openAppointment(DOCTOR.name, later, rohan!.fullName);
    await day.act('Cancel appointment');
    await day.dialog.getByLabel('Reason').fill('Patient travelling out of town');
    await day.act('Cancel appointment with this reason');
    await expect(day.dialog.getByTestId('status-badge')).toHaveText('Cancelled');
    await expect(day.timeline().getByRole('row').last()).toContainText('Booked → Cancelled');
    await expect(day.timeline().getByRole('row').last()).toContainText('Patient travelling out of town');
    await day.close();
    await expect(day.freeSlot(DOCTOR.name, later)).toBeVisible();
  });

  await test.step('two walk-ins', async () => {
    for (const [i, p] of [kavita!, rohan!].entries()) {
      await day.column(DOCTOR.name).getByRole('button', { name: 'Walk-in' }).click();
      await day.pickPatient(p.fullName.split(' ')[0]!, p.fullName);
      await page.getByRole('button', { name: 'Add walk-in' }).click();
      await expect(page.getByTestId('walk-in-token')).toHaveText(`Token ${i + 1}`);
      await page.getByRole('button', { name: 'Done' }).click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
    }
    await expect(day.waitingRoom.getByRole('button')).toHaveCount(2);
    await expect(day.waitingRoom.getByRole('button').first()).toContainText(kavita!.fullName);
    await expect(day.waitingRoom.getByRole('button').nth(1)).toContainText(rohan!.fullName);
  });

});

test("the front desk's day at a glance: every status in one column", async ({ page, desk }) => {
  test.setTimeout(240_000);
  await setUpClinic(page, desk);
  const shell = new AppShell(page);
  const day = new DayViewScreen(page);
  const [kavita, rohan] = PATIENTS;
  // No grace, so the 10:30 patient (it is 10:30) can be marked a no-show at once.
  await shell.nav('Clinic settings').click();
  await page.getByLabel('No-show grace (minutes)').fill('0');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Clinic settings were updated.')).toBeVisible();
  await shell.nav('Appointments').click();

  /** Books `time` for a patient with one of the booking dialog's buttons. */
  const book = async (time: string, who: { fullName: string }, button: string) => {
    await day.startBooking(DOCTOR.name, time, who.fullName.split(' ')[0]!, who.fullName);
    await page.getByRole('button', { name: button }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
  };
  /** Opens the appointment at `time` and takes the actions in order (the admin may do them all). */
  const actOn = async (time: string, who: { fullName: string }, ...actions: Array<string | [string, string]>) => {
    await day.openAppointment(DOCTOR.name, time, who.fullName);
    for (const action of actions) {
      if (typeof action === 'string') {
        await day.act(action);
      } else {
        await day.act(action[0]);
        await day.dialog.getByLabel('Reason').fill(action[1]);
        await day.act(`${action[0]} with this reason`);
      }
      await expect(day.dialog.getByRole('alert')).toHaveCount(0);
    }
    await day.close();
  };

  await book('10:00', kavita!, 'Confirm booking');
  await actOn('10:00', kavita!, 'Check in', 'Call in', 'Complete');
  await book('10:15', rohan!, 'Confirm booking');
  await actOn('10:15', rohan!, 'Check in', 'Call in');
  await book('10:30', kavita!, 'Confirm booking');
  await actOn('10:30', kavita!, 'Mark no-show');
  await book('10:45', rohan!, 'Confirm booking');
  await actOn('10:45', rohan!, 'Check in');
  await book('11:00', kavita!, 'Confirm booking');
  await book('11:15', rohan!, 'Hold for payment');
  await book('11:30', kavita!, 'Save as request');
  await book('11:45', rohan!, 'Confirm booking');
  await actOn('11:45', rohan!, ['Cancel appointment', 'Patient travelling out of town']);

  const expected: Array<[string, string]> = [
    ['10:00', 'Done'],
    ['10:15', 'In consult'],
    ['10:30', 'No-show'],
    ['10:45', 'Checked in'],
    ['11:00', 'Booked'],
    ['11:15', 'Held'],
    ['11:30', 'Requested'],
    ['11:45', 'Cancelled'],
  ];
  for (const [time, status] of expected) await expect(day.slot(DOCTOR.name, time)).toContainText(status);
  await expect(day.freeSlot(DOCTOR.name, '12:00')).toBeVisible();
  // A cancelled booking frees its place: the 11:45 slot offers a booking again.
  await expect(day.freeSlot(DOCTOR.name, '11:45')).toBeVisible();
  await day.slot(DOCTOR.name, '10:00').scrollIntoViewIfNeeded();
  await screenshot(page, '26-day-view');
});
