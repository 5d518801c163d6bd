import { test, expect, screenshot } from './fixtures';
import { ADMIN, CLINIC, FRONT_DESK, PATIENT } from './data';
import { AppShell, PatientsScreen, RegisterPatientScreen, SetupScreen, SignInScreen, StaffScreen, SyncIndicator } from './pages';

test('first run → admin adds front desk → front desk registers, finds and edits a patient, with audit history', async ({ page, desk }) => {
  const shell = new AppShell(page);

  await test.step('first-run setup creates the clinic and its admin', async () => {
    await page.goto(desk.launchUrl);
    const setup = new SetupScreen(page);
    await setup.createClinic({ ...CLINIC, gstin: '27AAPFU0939F1ZW' }, ADMIN);
    // A GSTIN with a wrong check character is caught as it is typed, and nothing typed is lost.
    await expect(page.getByText(/typing mistake/)).toBeVisible();
    await page.getByLabel('GSTIN', { exact: true }).fill(CLINIC.gstin);
    await expect(page.getByText(/typing mistake/)).toHaveCount(0);
    await expect(page.getByLabel('Legal name', { exact: true })).toHaveValue(CLINIC.legalName);
    await screenshot(page, '01-setup');
    await setup.submit();
    await shell.expectSignedInAs(ADMIN.name, 'Administrator');
    // A clinic set up on this PC alone: the header says so; Devices offers only to connect it to a server.
    await new SyncIndicator(page).expectState('This PC only');
    await shell.nav('Devices').click();
    await expect(page.getByRole('form', { name: 'Connect to a clinic server' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Devices' })).toHaveCount(0);
  });

  await test.step('sign in as admin', async () => {
    await shell.signOut();
    await expect(page.getByText(CLINIC.tradeName).first()).toBeVisible();
    await screenshot(page, '02-sign-in');
    await new SignInScreen(page).signIn(ADMIN.username, 'not-the-password');
    await expect(page.getByText('That username and password do not match. Please try again.')).toBeVisible();
    await new SignInScreen(page).signIn(ADMIN.username, ADMIN.password);
    await shell.expectSignedInAs(ADMIN.name, 'Administrator');
  });

  await test.step('admin creates a front-desk user', async () => {
    await shell.nav('Staff').click();
    // A username already in use: refused on its field, with the cursor in it, and nothing typed is lost.
    const staff = new StaffScreen(page);
    const dialog = await staff.fillAddStaff({ ...FRONT_DESK, username: ADMIN.username }, 'Front desk');
    await dialog.getByRole('button', { name: 'Create staff member' }).click();
    await expect(dialog.getByRole('alert')).toContainText('This username is already taken. Choose another.');
    const username = dialog.getByLabel('Username', { exact: true });
    await expect(dialog.getByText('This username is already taken.', { exact: true })).toBeVisible();
    await expect(username).toHaveAttribute('aria-invalid', 'true');
    await expect(username).toBeFocused();
    await expect(dialog.getByLabel('Full name', { exact: true })).toHaveValue(FRONT_DESK.name);
    await expect(dialog.getByLabel('Password', { exact: true })).toHaveValue(FRONT_DESK.password);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await staff.addStaff(FRONT_DESK, 'Front desk');
    await screenshot(page, '03-staff');
    await shell.signOut();
  });

  await test.step('sign in as front desk', async () => {
    await new SignInScreen(page).signIn(FRONT_DESK.username, FRONT_DESK.password);
    await shell.expectSignedInAs(FRONT_DESK.name, 'Front desk');
    await expect(shell.nav('Staff')).toHaveCount(0);
    await expect(shell.nav('Clinic settings')).toHaveCount(0);
  });

  await test.step('register a patient, with validation as they type that keeps what was typed', async () => {
    await page.keyboard.press('Alt+n');
    await expect(page).toHaveURL(/#\/patients\/new/);
    const form = new RegisterPatientScreen(page);
    await form.fill({ ...PATIENT, mobile: '58234 56701', sex: 'Male', state: 'Maharashtra' });
    await form.submit();
    await expect(page.getByText(/10-digit Indian mobile number/).first()).toBeVisible();
    await expect(page.getByLabel('Full name', { exact: true })).toHaveValue(PATIENT.fullName);
    await page.getByLabel('Mobile number', { exact: true }).fill(PATIENT.mobile);
    await screenshot(page, '04-register-patient');
    await form.submit();
    await expect(page.getByText(/Registered — MRN [A-Z0-9]+-\d{5}-[A-Z0-9]/)).toBeVisible();
    await expect(page.getByRole('heading', { name: PATIENT.fullName })).toBeVisible();
  });

  await test.step('a second registration with the same mobile and a similar name warns of a duplicate', async () => {
    await page.getByRole('link', { name: 'Patients', exact: true }).click();
    await page.getByRole('button', { name: 'Register patient' }).click();
    const form = new RegisterPatientScreen(page);
    await form.fill({ ...PATIENT, fullName: 'Vikram A Deshmukh', sex: 'Male', state: 'Maharashtra' });
    await form.submit();
    const dialog = page.getByRole('dialog', { name: 'This patient may already be registered' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText(PATIENT.fullName)).toBeVisible();
    await screenshot(page, '05-duplicate-warning');
    await dialog.getByRole('button', { name: 'Open existing record' }).click();
    await expect(page.getByRole('heading', { name: PATIENT.fullName })).toBeVisible();
  });

  const patients = new PatientsScreen(page);
  await test.step('find the patient by mobile prefix and by part of the name', async () => {
    await page.keyboard.press('F2');
    await expect(patients.searchBox).toBeFocused();
    await patients.search('+91 98234');
    await expect(page.getByText('Searching as: mobile')).toBeVisible();
    await patients.expectResult(PATIENT.fullName);
    await expect(patients.results.getByText('+91 98234 56701')).toBeVisible();
    await patients.search('desh vik');
    await expect(page.getByText('Searching as: name')).toBeVisible();
    await patients.expectResult(PATIENT.fullName);
    await expect(patients.results.getByRole('row')).toHaveCount(2); // header + one patient: the duplicate was not registered
    await screenshot(page, '06-patient-search');
    await patients.searchBox.press('ArrowDown');
    await patients.searchBox.press('Enter');
    await expect(page.getByRole('heading', { name: PATIENT.fullName })).toBeVisible();
  });

  await test.step('edit the patient and see the change in the audit history', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('City', { exact: true }).fill(PATIENT.newCity);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText(`City: ${PATIENT.city} → ${PATIENT.newCity}`)).toBeVisible();
    await expect(page.getByText(new RegExp(`Edited by ${FRONT_DESK.name}`))).toBeVisible();
    await expect(page.getByText(new RegExp(`Registered by ${FRONT_DESK.name}`))).toBeVisible();
    await expect(page.getByText('14-08-1979')).toBeVisible();
    await screenshot(page, '07-patient-detail');
  });

  await test.step('the registration survives a killed desk process', async () => {
    await desk.restart();
    await page.goto(desk.launchUrl);
    await new SignInScreen(page).signIn(FRONT_DESK.username, FRONT_DESK.password);
    await patients.search(PATIENT.mobile.slice(0, 6));
    await patients.expectResult(PATIENT.fullName);
    await expect(patients.results.getByText(PATIENT.newCity)).toBeVisible();
  });
});

test('a front-desk user cannot reach staff management, neither in the screens nor through the API', async ({ page, desk }) => {
  const shell = new AppShell(page);
  await page.goto(desk.launchUrl);
  const setup = new SetupScreen(page);
  await setup.createClinic(CLINIC, ADMIN);
  await setup.submit();
  await shell.nav('Staff').click();
  await new StaffScreen(page).addStaff(FRONT_DESK, 'Front desk');
  await shell.signOut();
  await new SignInScreen(page).signIn(FRONT_DESK.username, FRONT_DESK.password);
  await shell.expectSignedInAs(FRONT_DESK.name, 'Front desk');

  await expect(shell.nav('Staff')).toHaveCount(0);
  await page.goto(`${desk.url}/#/staff`);
  await expect(page.getByText('Not available for your role')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add staff' })).toHaveCount(0);
  await screenshot(page, '08-front-desk-no-staff');

  // Calling the ClinicApi directly with the front desk's own session is refused by the core.
  const direct = await page.evaluate(async () => {
    const token = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('clinicdesk.session');
    const call = async (method: string, input: unknown) => {
      const res = await fetch('/api/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-clinic-session': token ?? '' },
        body: JSON.stringify({ method, input }),
      });
      return { status: res.status, body: await res.json() };
    };
    return {
      hasToken: Boolean(token),
      list: await call('staff.list', {}),
      create: await call('staff.create', { displayName: 'Sneaky Admin', username: 'sneaky', role: 'admin', password: 'password123' }),
      search: await call('patients.search', { query: 'a' }),
    };
  });
  expect(direct.hasToken).toBe(true);
  expect(direct.search.status).toBe(200);
  expect(direct.list).toMatchObject({ status: 403, body: { ok: false, error: { code: 'permission' } } });
  expect(direct.create).toMatchObject({ status: 403, body: { ok: false, error: { code: 'permission' } } });
});
