import type { Page } from '@playwright/test';
import { test, expect, expectNoPhi, logFileFor, newDeskContext, screenshot } from './fixtures';
import { ADMIN, CLINIC, CLOCK_START, SERVER_PATIENTS } from './data';
import { AppShell, DevicesScreen, JoinServerScreen, PatientsScreen, SignInScreen, SyncIndicator } from './pages';
import { serverPatient, startSyncServer } from './server';

/**
 * Two desks and one clinic server, all real processes: the sync server through its command line (PGlite in a
 * temporary folder, or a fresh PostgreSQL database with TEST_DATABASE_URL), two browser-mode desks on their own
 * data folders, each driven in its own browser context (two PCs). Both join through the first-run screen.
 */
test('two desks join one clinic server: server-side changes reach both screens live; devices screen; revoking a desk', async ({ page, browser, openDesks }, testInfo) => {
  test.setTimeout(300_000);
  const server = await startSyncServer(logFileFor(testInfo, ' - server'));
  const contexts = [page.context()];
  try {
    let clinicId = '';
    const codes: string[] = [];
    await test.step('the server gets its clinic, first administrator and two enrolment codes from its command line', async () => {
      const created = await server.cli(
        [
          'init-clinic',
          ...['--legal-name', CLINIC.legalName, '--trade-name', CLINIC.tradeName, '--address', CLINIC.address, '--city', CLINIC.city],
          ...['--state', '27', '--pincode', CLINIC.pincode, '--gstin', CLINIC.gstin, '--admin-name', ADMIN.name, '--admin-username', ADMIN.username],
        ],
        { CLINICDESK_ADMIN_PASSWORD: ADMIN.password },
      );
      clinicId = String(created.clinicId);
      for (const role of ['admin', 'front_desk']) {
        const made = await server.cli(['enrol-code', '--clinic', clinicId, '--station-role', role, '--expires', '2h']);
        codes.push(String(made.code));
      }
    });

    // A short retry ceiling, so a desk sees the restarted server within a second or two.
    const [desk1, desk2] = await openDesks(['desk 1', 'desk 2'], { CLINICDESK_SYNC_RETRY_MAX_MS: '1000' });
    await page.context().clock.install({ time: CLOCK_START });
    const context2 = await newDeskContext(browser);
    contexts.push(context2);
    const page2 = await context2.newPage();
    const pcs: Array<{ page: Page; name: string }> = [
      { page, name: 'Reception 1' },
      { page: page2, name: 'Reception 2' },
    ];

    await test.step('desk 1 joins through the setup screen; a wrong code is refused in place, nothing typed is lost', async () => {
      await page.goto(desk1!.launchUrl);
      const join = new JoinServerScreen(page);
      await join.open();
      await expect(page.getByLabel('Name of this PC', { exact: true })).not.toHaveValue('');
      await join.fill({ serverAddress: server.address, code: 'WRONG-CODE', deviceName: pcs[0]!.name });
      await join.submit();
      await expect(page.getByText('That enrolment code is not valid or has expired. Ask your administrator for a new one.').first()).toBeVisible();
      await expect(page.getByLabel('Server address', { exact: true })).toHaveValue(server.address);
      await expect(page.getByLabel('Name of this PC', { exact: true })).toHaveValue(pcs[0]!.name);
      await page.getByLabel('Enrolment code', { exact: true }).fill(codes[0]!);
      await screenshot(page, '20-join-server');
      await join.submit();
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 });
      await expect(page.getByText(/This PC has joined Sunrise/)).toBeVisible();
      // The administrator exists only on the server: the staff list came down with the clinic.
      await new SignInScreen(page).signIn(ADMIN.username, ADMIN.password);
      await new AppShell(page).expectSignedInAs(ADMIN.name, 'Administrator');
    });

    await test.step('desk 2 joins the same way and the same administrator signs in there', async () => {
      await page2.goto(desk2!.launchUrl);
      const join = new JoinServerScreen(page2);
      await join.open();
      await join.fill({ serverAddress: server.address, code: codes[1]!, deviceName: pcs[1]!.name });
      await join.submit();
      await expect(page2.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 60_000 });
      await new SignInScreen(page2).signIn(ADMIN.username, ADMIN.password);
      await new AppShell(page2).expectSignedInAs(ADMIN.name, 'Administrator');
    });

    await test.step('both headers say Online; the details show the server and every table', async () => {
      for (const pc of pcs) await new SyncIndicator(pc.page).expectState('Online');
      const indicator = new SyncIndicator(page);
      await expect(indicator.button).toContainText(/Synced just now/);
      await indicator.openDetails();
      await expect(indicator.details.getByText(server.url)).toBeVisible();
      await expect(indicator.details.getByText('Admin data')).toBeVisible();
      const tables = indicator.details.getByRole('table', { name: 'Tables synced' });
      await expect(tables.getByRole('row', { name: /Patients/ })).toContainText('Up to date');
      await expect(tables.getByRole('row', { name: /Staff/ })).toContainText('Up to date');
      await screenshot(page, '21-sync-details');
      await indicator.closeDetails();
    });

    const [first, second] = SERVER_PATIENTS;
    await test.step('both desks have the patient search open; the patient is not there yet', async () => {
      for (const pc of pcs) {
        await new AppShell(pc.page).nav('Patients').click();
        await new PatientsScreen(pc.page).search('Sunita');
        await expect(pc.page.getByText(first!.fullName)).toHaveCount(0);
      }
    });

    await test.step('a patient written on the server side appears on both desks without a reload', async () => {
      await server.write(
        async (db) => {
          await db.insertInto('patients').values(serverPatient(clinicId, first!, new Date())).execute();
        },
        {
          // PGlite: the server is stopped for the write (its folder is held by one process): both desks say so.
          whileStopped: async () => {
            for (const pc of pcs) await new SyncIndicator(pc.page).expectState('Offline');
            await screenshot(page, '22-sync-offline');
          },
        },
      );
      for (const pc of pcs) await new PatientsScreen(pc.page).expectResult(first!.fullName);
      // A shape counts as reachable again once the server answers it, and a live request is answered when
      // something changes or after the server's 20 s wait: the quiet tables may take that long.
      for (const pc of pcs) await new SyncIndicator(pc.page).expectState('Online', 60_000);
    });

    if (server.backend === 'postgres') {
      await test.step('on PostgreSQL, a patient written while the server runs also appears on both at once', async () => {
        for (const pc of pcs) await new PatientsScreen(pc.page).search('Imran');
        await server.write(async (db) => {
          await db.insertInto('patients').values(serverPatient(clinicId, second!, new Date())).execute();
        });
        for (const pc of pcs) await new PatientsScreen(pc.page).expectResult(second!.fullName);
      });
    }

    await test.step("desk 1's Devices screen lists both desks and makes an enrolment code", async () => {
      await new AppShell(page).nav('Devices').click();
      const devices = new DevicesScreen(page);
      await expect(devices.row(pcs[0]!.name)).toContainText('This PC');
      await expect(devices.row(pcs[0]!.name)).toContainText('Admin');
      await expect(devices.row(pcs[1]!.name)).toContainText('Front desk');
      await expect(devices.row(pcs[1]!.name)).not.toContainText('This PC');
      await expect(devices.row(pcs[0]!.name).getByRole('button', { name: /Revoke/ })).toHaveCount(0);
      await expect(page.getByTestId('server-address')).toHaveText(server.url);
      await screenshot(page, '23-devices');
      const code = await devices.newEnrolmentCode('Consult room (doctor)');
      expect(code.length).toBeGreaterThan(5);
      await expect(page.getByText(/Consult room \(doctor\) station · expires/)).toBeVisible();
      await screenshot(page, '24-enrolment-code');
      await page.getByRole('button', { name: 'Done' }).click();
      // The code is for the administrator's eyes: no desk or server log holds it.
      expect(desk1!.logs()).not.toContain(code);
      expect(server.logs()).not.toContain(code);
    });

    await test.step('revoking desk 2 from desk 1 turns desk 2 to Revoked', async () => {
      await new DevicesScreen(page).revoke(pcs[1]!.name);
      const indicator = new SyncIndicator(page2);
      await indicator.expectState('Revoked');
      await indicator.openDetails();
      await expect(indicator.details.getByText(/removed this PC from the clinic server/)).toBeVisible();
      await screenshot(page2, '25-sync-revoked');
      await indicator.closeDetails();
      // Desk 1 carries on.
      await new SyncIndicator(page).expectState('Online');
    });
  } finally {
    for (const c of contexts.slice(1)) await c.close();
    // Not thrown from here: a failure to clean up must not hide the test's own failure.
    await server.dispose().catch((err: unknown) => console.warn('sync server cleanup failed:', err));
  }
  // No server log line carries a patient's name or mobile number either.
  expectNoPhi(server.logs(), 'server log');
});
