import { test, expect, expectNoPhi, logFileFor, newDeskContext, screenshot } from './fixtures';
import { ADMIN, APPOINTMENT_PATIENTS } from './data';
import { AppShell, ConnectServerForm, DevicesScreen, JoinServerScreen, openNewClinic, PatientsScreen, registerOnPatientsScreen, SignInScreen, SyncIndicator } from './pages';
import { startSyncServer } from './server';

/**
 * The README's "two desks and a server" with nothing set up on the server: `npm run server` on an empty
 * database prints a set-up code; the clinic's first PC — set up on its own and already holding a patient —
 * brings its clinic to the server from Devices; a second PC joins with an enrolment code made there, signs in
 * with the first PC's administrator, and finds the patient.
 */
test('a new server gets its clinic from the first PC; a second PC joins it', async ({ page, browser, openDesks }, testInfo) => {
  test.setTimeout(240_000);
  const server = await startSyncServer(logFileFor(testInfo, ' - server'));
  const contexts = [page.context()];
  try {
    const printed = () => /Set-up code: ([A-Z0-9-]+)/.exec(server.logs())?.[1];
    await expect.poll(printed, { message: 'the server prints a set-up code when it holds no clinic' }).toBeTruthy();
    const setupCode = printed();
    const [desk1, desk2] = await openDesks(['desk 1', 'desk 2'], { CLINICDESK_SYNC_RETRY_MAX_MS: '1000' });
    const patient = APPOINTMENT_PATIENTS[0]!;

    await test.step('the first PC works on its own: a clinic, its administrator, a patient', async () => {
      await openNewClinic(page, desk1!.launchUrl);
      await registerOnPatientsScreen(page, patient);
      await new SyncIndicator(page).expectState('This PC only');
    });

    await test.step('its administrator brings the clinic to the server from Devices; a wrong code is refused in place', async () => {
      await new AppShell(page).nav('Devices').click();
      const connect = new ConnectServerForm(page);
      await connect.fill({ serverAddress: server.address, code: 'ABCD-EFGH-JKMN', deviceName: 'Reception 1' });
      await connect.submit();
      await expect(connect.form.getByText('That set-up code is not valid or has expired. Restarting the server prints a new one.').first()).toBeVisible();
      await expect(connect.form.getByLabel('Name of this PC', { exact: true })).toHaveValue('Reception 1');
      await connect.form.getByLabel('Set-up code', { exact: true }).fill(setupCode!);
      await screenshot(page, '26-connect-server');
      await connect.submit();
      await expect(page.getByText(/is on the clinic server now, with this PC as its first, administrator, station/)).toBeVisible({ timeout: 60_000 });
      await expect(page.getByTestId('server-address')).toHaveText(server.url);
      await new SyncIndicator(page).expectState('Online');
      await expect(new DevicesScreen(page).row('Reception 1')).toContainText('Admin');
    });

    const code = await test.step('an enrolment code for the second PC, made on the first', async () => new DevicesScreen(page).newEnrolmentCode('Front desk'));

    await test.step('the second PC joins, signs in with the first PC’s administrator, and finds the patient', async () => {
      await page.keyboard.press('Escape');
      const context2 = await newDeskContext(browser);
      contexts.push(context2);
      const page2 = await context2.newPage();
      await page2.goto(desk2!.launchUrl);
      const join = new JoinServerScreen(page2);
      await join.open();
      await join.fill({ serverAddress: server.address, code, deviceName: 'Reception 2' });
      await join.submit();
      await expect(page2.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 });
      await new SignInScreen(page2).signIn(ADMIN.username, ADMIN.password);
      await new AppShell(page2).expectSignedInAs(ADMIN.name, 'Administrator');
      await new AppShell(page2).nav('Patients').click();
      const patients = new PatientsScreen(page2);
      await patients.search(patient.fullName.split(' ')[0]!);
      await patients.expectResult(patient.fullName);
    });
  } finally {
    for (const c of contexts.slice(1)) await c.close();
    await server.dispose().catch((err: unknown) => console.warn('sync server cleanup failed:', err));
  }
  expectNoPhi(server.logs(), 'server log');
});
